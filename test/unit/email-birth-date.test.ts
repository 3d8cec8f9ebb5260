import { describe, expect, it } from '@jest/globals';
import { birthDateProblem } from '../../src/rules/birth-date.js';
import { emailAddressProblem } from '../../src/rules/email-address.js';

const FORM = /^[^\s@]+@[^\s@]+\.[^\s@]+$/; // the form the enrol has always accepted

describe('E8: an email address is refused with what is wrong with it', () => {
  it.each([
    ['jo@example.com', null],
    ['  jo.bloggs+pics@mail.example.co.uk ', null],
    ['a@b.c', null],
    ['jo bloggs@example.com', 'it contains a space'],
    ['jo.bloggs(at)example.com', "it has no '@'"],
    ['jo@bloggs@example.com', "it has 2 '@' signs, where an address has one"],
    ['@example.com', "nothing comes before the '@'"],
    ['jo@example', "the part after the '@' has no dot with text on both sides, as in example.com"],
    ['jo@.com', "the part after the '@' has no dot with text on both sides, as in example.com"],
    ['jo@example.', "the part after the '@' has no dot with text on both sides, as in example.com"],
    ['jo@', "the part after the '@' has no dot with text on both sides, as in example.com"],
  ])('%j → %j', (value, reason) => {
    expect(emailAddressProblem(value)).toBe(reason);
    expect(emailAddressProblem(value) === null).toBe(FORM.test(value.trim())); // no address newly refused or let through
  });
});

describe('E8: a date of birth is refused with the rule it breaks', () => {
  const TODAY = '2026-11-23';
  it.each([
    ['2001-04-02', null],
    ['1900-01-01', null],
    ['2026-11-22', null],
    ['2026-11-23', 'of today or later: it must be in the past'],
    ['2099-01-01', 'of today or later: it must be in the past'],
    ['1899-12-31', 'before 1900: it must be 1900 or later'],
    ['10000-01-01', 'that is not a calendar date in YYYY-MM-DD form'],
    ['2001-02-30', 'that is not a calendar date in YYYY-MM-DD form'],
  ])('%s → %j', (value, reason) => {
    expect(birthDateProblem(value, TODAY)).toBe(reason);
  });
});
