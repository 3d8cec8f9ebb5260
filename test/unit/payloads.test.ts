import { describe, expect, it } from '@jest/globals';
import { parseDailyRunJobData, parseReasonOnlyJobData, parseRefreshLinksJobData } from '../../src/queues/payloads.js';

// Job data is validated when a job starts: a malformed payload fails at once, naming the field.
describe('job payloads', () => {
  it('a daily run keeps its run id, run key and keyset position across a resume', () => {
    expect(parseDailyRunJobData({ step: 'fan-out', runId: 3, runKey: '3-mhz8k2', afterId: 40 })).toEqual({ step: 'fan-out', runId: 3, runKey: '3-mhz8k2', afterId: 40 });
    expect(parseDailyRunJobData(undefined)).toEqual({});
  });

  it('a run key that could not be part of a job id is refused', () => {
    for (const runKey of ['', '3:x', 'A-1', 'x'.repeat(41), 7]) {
      expect(() => parseDailyRunJobData({ runId: 3, runKey })).toThrow('job data runKey must be 1 to 40 lower-case letters, digits or dashes');
    }
  });

  it('a reason-only payload takes the reasons it is given, and nothing else', () => {
    expect(parseReasonOnlyJobData({ reason: 'cli' }, ['user', 'cli'] as const)).toEqual({ reason: 'cli' });
    expect(parseReasonOnlyJobData(null, ['user', 'cli'] as const)).toEqual({});
    expect(() => parseReasonOnlyJobData({ reason: 'startup' }, ['user', 'cli'] as const)).toThrow('job data reason must be user or cli');
    expect(() => parseReasonOnlyJobData({ reason: 'user', extra: 1 }, ['user', 'cli'] as const)).toThrow('job data has unexpected field(s): extra');
    expect(() => parseRefreshLinksJobData({ reason: 'x' })).toThrow('job data reason must be user, startup or cli');
  });
});
