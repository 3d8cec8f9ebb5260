import { describe, expect, it } from '@jest/globals';
import { validationErrors } from '../../src/api/error-handler.js';
import { keyMatcher } from '../../src/api/auth.js';
import { parseApiKeys } from '../../src/config/schema.js';
import { runProgress } from '../../src/rules/run-progress.js';

// The API's pure parts: a running run's progress and finish estimate, key matching, validation field paths.

describe('runProgress (a daily run followed from PICSWeb)', () => {
  const now = new Date('2026-12-01T02:00:00Z');
  it('learners done of total, and the finish from the calls per learner so far at the budget', () => {
    // 4 done (3 synced, 1 failed) in 40 calls: 10 a learner; 96 left × 10 = 960 calls at 285 a minute.
    const p = runProgress({ learnersTotal: 100, learnersSynced: 3, learnersFailed: 1, callsMade: 40, budgetPerMinute: 285, now });
    expect(p).toMatchObject({ learnersDone: 4, learnersTotal: 100, fraction: 0.04 });
    expect(p.estimatedFinishAt!.getTime()).toBe(Math.trunc(now.getTime() + (960 / 285) * 60_000));
  });
  it('no estimate before a learner is done, nor before the run has counted its learners', () => {
    expect(runProgress({ learnersTotal: 100, learnersSynced: 0, learnersFailed: 0, callsMade: 3, budgetPerMinute: 285, now }).estimatedFinishAt).toBeNull();
    expect(runProgress({ learnersTotal: 0, learnersSynced: 0, learnersFailed: 0, callsMade: 0, budgetPerMinute: 285, now })).toMatchObject({ fraction: null, estimatedFinishAt: null });
  });
  it('a finished count is now, not in the past', () => {
    const p = runProgress({ learnersTotal: 5, learnersSynced: 5, learnersFailed: 0, callsMade: 50, budgetPerMinute: 285, now });
    expect(p).toMatchObject({ fraction: 1, estimatedFinishAt: now });
  });
});

describe('API keys', () => {
  it('accepts each configured key and nothing else, whatever its length', () => {
    const matches = keyMatcher(parseApiKeys(' key-one-aaaaaaaaaaaaaaaaaaaaaaaaaaaa , key-two-bbbbbbbbbbbbbbbbbbbbbbbbbbbb,,'));
    expect(matches('key-one-aaaaaaaaaaaaaaaaaaaaaaaaaaaa')).toBe(true);
    expect(matches('key-two-bbbbbbbbbbbbbbbbbbbbbbbbbbbb')).toBe(true);
    expect(matches('key-one-aaaaaaaaaaaaaaaaaaaaaaaaaaa')).toBe(false);
    expect(matches('')).toBe(false);
    expect(matches('key-one-aaaaaaaaaaaaaaaaaaaaaaaaaaaa-and-more')).toBe(false);
  });
});

describe('validation errors', () => {
  it('name every field by its path in the request, once, with the rule and not the value', () => {
    const errors = validationErrors('body', [
      { keyword: 'additionalProperties', instancePath: '/pathways/0', params: { additionalProperties: ['note', 'colour'] } },
      { keyword: 'boolean', instancePath: '/pathways/0/note', schemaPath: '#/additionalProperties', message: 'schema is false' },
      { keyword: 'required', instancePath: '', params: { requiredProperties: ['externalId'] } },
      { keyword: 'type', instancePath: '/organisationId', message: 'must be integer' },
      { keyword: 'minimum', instancePath: '/organisationId', message: 'must be >= 1' },
    ]);
    expect(errors).toEqual([
      { field: 'body.pathways[0].note', message: 'is not a known field (unknown fields are refused)' },
      { field: 'body.pathways[0].colour', message: 'is not a known field (unknown fields are refused)' },
      { field: 'body.externalId', message: 'is required' },
      { field: 'body.organisationId', message: 'must be integer' },
    ]);
    expect(validationErrors('querystring', [{ keyword: 'type', instancePath: '/limit', message: 'must be integer' }])).toEqual([{ field: 'query.limit', message: 'must be integer' }]);
  });
});
