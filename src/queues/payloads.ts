// The data of every job, as the producer puts it on a queue and the worker reads it back: ids only — never the
// customer token, never personal data (SPEC). Each is validated when the job starts, so a malformed job fails
// at once with a message naming the field.

export class InvalidJobDataError extends Error {
  override name = 'InvalidJobDataError';
}

function record(raw: unknown): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidJobDataError('job data must be an object');
  return raw as Record<string, unknown>;
}

function positiveInt(data: Record<string, unknown>, key: string, optional = false): number | undefined {
  const value = data[key];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2_147_483_647) {
    throw new InvalidJobDataError(`job data ${key} must be a positive whole number, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return value;
}

function onlyKeys(data: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(data).filter((k) => !allowed.includes(k));
  if (extra.length) throw new InvalidJobDataError(`job data has unexpected field(s): ${extra.join(', ')}`);
}

/** `reason`, when present, one of `allowed`: "job data reason must be user, cli or startup". */
function reasonOf<R extends string>(data: Record<string, unknown>, allowed: readonly R[]): R | undefined {
  const reason = data.reason;
  if (reason === undefined) return undefined;
  if (!allowed.includes(reason as R)) {
    throw new InvalidJobDataError(`job data reason must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`);
  }
  return reason as R;
}

/** A payload that holds at most a `reason` (who asked): connection test, directory refresh. */
export function parseReasonOnlyJobData<R extends string>(raw: unknown, allowed: readonly R[]): { reason?: R } {
  const data = record(raw ?? {});
  onlyKeys(data, ['reason']);
  const reason = reasonOf(data, allowed);
  return reason ? { reason } : {};
}

export interface EnrolJobData {
  learnerId: number;
  organisationId?: number;
  /** qualification id → chosen standard id (Q2 pathways). */
  pathways?: Record<string, number>;
  /** Set for a cohort's enrol (eportfolio_sync.enrol_batch); absent for a Create in OneFile click. */
  batchId?: number;
}

export function parseEnrolJobData(raw: unknown): EnrolJobData {
  const data = record(raw);
  onlyKeys(data, ['learnerId', 'organisationId', 'pathways', 'batchId']);
  const learnerId = positiveInt(data, 'learnerId')!;
  const organisationId = positiveInt(data, 'organisationId', true);
  const batchId = positiveInt(data, 'batchId', true);
  let pathways: Record<string, number> | undefined;
  if (data.pathways !== undefined) {
    const p = record(data.pathways);
    pathways = {};
    for (const qualificationId of Object.keys(p)) {
      if (!/^\d+$/.test(qualificationId)) throw new InvalidJobDataError(`job data pathways key "${qualificationId}" must be a qualification id`);
      pathways[qualificationId] = positiveInt(p, qualificationId)!;
    }
  }
  return { learnerId, ...(organisationId ? { organisationId } : {}), ...(pathways ? { pathways } : {}), ...(batchId ? { batchId } : {}) };
}

export interface RefreshLinksJobData {
  organisationId?: number;
  reason?: 'user' | 'startup' | 'cli';
}

export function parseRefreshLinksJobData(raw: unknown): RefreshLinksJobData {
  const data = record(raw ?? {});
  onlyKeys(data, ['organisationId', 'reason']);
  const organisationId = positiveInt(data, 'organisationId', true);
  const reason = reasonOf(data, ['user', 'startup', 'cli'] as const);
  return { ...(organisationId ? { organisationId } : {}), ...(reason ? { reason } : {}) };
}

export interface SyncLearnerJobData {
  learnerId: number;
  /** Set for children of a daily run; absent for Refresh with OneFile. */
  runId?: number;
}

export function parseSyncLearnerJobData(raw: unknown): SyncLearnerJobData {
  const data = record(raw);
  onlyKeys(data, ['learnerId', 'runId']);
  const learnerId = positiveInt(data, 'learnerId')!;
  const runId = positiveInt(data, 'runId', true);
  return { learnerId, ...(runId ? { runId } : {}) };
}

export interface DailyRunJobData {
  step?: 'fan-out' | 'summarise';
  runId?: number;
  /** The run's part of its children's job ids (jobIds.dailyChild). */
  runKey?: string;
  afterId?: number;
}

export function parseDailyRunJobData(raw: unknown): DailyRunJobData {
  const data = record(raw ?? {});
  onlyKeys(data, ['step', 'runId', 'runKey', 'afterId']);
  if (data.runKey !== undefined && !(typeof data.runKey === 'string' && /^[0-9a-z-]{1,40}$/.test(data.runKey))) {
    throw new InvalidJobDataError('job data runKey must be 1 to 40 lower-case letters, digits or dashes');
  }
  if (data.step !== undefined && !['fan-out', 'summarise'].includes(String(data.step))) throw new InvalidJobDataError('job data step must be fan-out or summarise');
  const runId = positiveInt(data, 'runId', true);
  const afterId = data.afterId === undefined || data.afterId === 0 ? undefined : positiveInt(data, 'afterId');
  return {
    ...(data.step ? { step: data.step as DailyRunJobData['step'] } : {}), ...(runId ? { runId } : {}),
    ...(data.runKey ? { runKey: data.runKey as string } : {}), ...(afterId ? { afterId } : {}),
  };
}

export interface ConnectionTestJobData {
  reason?: 'user' | 'cli';
}

export function parseConnectionTestJobData(raw: unknown): ConnectionTestJobData {
  return parseReasonOnlyJobData(raw, ['user', 'cli'] as const);
}

export interface RefreshDirectoryJobData {
  reason?: 'user' | 'cli' | 'startup';
}

export function parseRefreshDirectoryJobData(raw: unknown): RefreshDirectoryJobData {
  return parseReasonOnlyJobData(raw, ['user', 'cli', 'startup'] as const);
}

export interface PruneRetentionJobData {
  reason?: 'schedule' | 'cli';
}

export function parsePruneRetentionJobData(raw: unknown): PruneRetentionJobData {
  return parseReasonOnlyJobData(raw, ['schedule', 'cli'] as const);
}
