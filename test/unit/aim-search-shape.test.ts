import { beforeEach, describe, expect, it } from '@jest/globals';
import { RECHECK_MS, aimReadMethod, forgetAimSearchShape, observeAimSearchRows } from '../../src/eportfolio/onefile/aim-search-shape.js';

// Issue 8: a GET only for what the search rows lack; a search only where it can save calls.
describe('how a learner sync reads its learning aims', () => {
  beforeEach(() => forgetAimSearchShape());
  const minimal = [{ full: null }, { full: null }];
  const detailed = [{ full: {} }, { full: {} }];

  it('one linked aim is read by its id: a single call either way', () => {
    expect(aimReadMethod('c', 1)).toBe('get-each');
    observeAimSearchRows('c', detailed, 0);
    expect(aimReadMethod('c', 1, 1)).toBe('get-each');
  });

  it('several aims are searched until the search answers are known', () => {
    expect(aimReadMethod('c', 2)).toBe('search');
  });

  it('rows without details: several aims are read by id, without the search', () => {
    observeAimSearchRows('c', minimal, 1000);
    expect(aimReadMethod('c', 3, 2000)).toBe('get-each');
  });

  it('rows with details: several aims are read with one search', () => {
    observeAimSearchRows('c', detailed, 1000);
    expect(aimReadMethod('c', 3, 2000)).toBe('search');
  });

  it('a mix of rows counts as lacking details', () => {
    observeAimSearchRows('c', [{ full: {} }, { full: null }], 0);
    expect(aimReadMethod('c', 2, 1)).toBe('get-each');
  });

  it('an empty answer teaches nothing', () => {
    observeAimSearchRows('c', minimal, 0);
    observeAimSearchRows('c', [], 1);
    expect(aimReadMethod('c', 2, 2)).toBe('get-each');
  });

  it('what was learnt is checked again after an hour, in case OneFile changed its answers', () => {
    observeAimSearchRows('c', minimal, 0);
    expect(aimReadMethod('c', 2, RECHECK_MS - 1)).toBe('get-each');
    expect(aimReadMethod('c', 2, RECHECK_MS)).toBe('search');
  });

  it('each customer is learnt on its own', () => {
    observeAimSearchRows('a', minimal, 0);
    expect(aimReadMethod('b', 2, 1)).toBe('search');
  });
});
