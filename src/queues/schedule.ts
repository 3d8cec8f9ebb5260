import { CronExpressionParser } from 'cron-parser';
import { sql, type Kysely } from 'kysely';
import type { Queue } from 'bullmq';
import type { DB } from '../db/handle.js';
import { JOB_NAME } from './job-options.js';

export const SCHEDULE_ZONE = 'Europe/London';
export const DAILY_SCHEDULER_ID = 'daily-sync';
export const RETENTION_SCHEDULER_ID = 'prune-retention';

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

/**
 * Refuses a schedule with any run inside OneFile's release window (07:00–07:30 UK time, planned downtime),
 * checked over the next year of fire times so a pattern like "every 10 minutes" is caught too.
 */
export function validateDailySchedule(pattern: string, from: Date = new Date()): void {
  let expression;
  try {
    expression = CronExpressionParser.parse(pattern, { tz: SCHEDULE_ZONE, currentDate: from });
  } catch (error) {
    throw new ScheduleError(`schedule.dailySyncCron "${pattern}" is not a valid cron pattern: ${(error as Error).message}`);
  }
  for (let i = 0; i < 400; i++) {
    const next = expression.next();
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: SCHEDULE_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(next.toDate());
    const hour = Number(parts.find((p) => p.type === 'hour')?.value);
    const minute = Number(parts.find((p) => p.type === 'minute')?.value);
    if (hour === 7 && minute < 30) {
      throw new ScheduleError(`schedule.dailySyncCron "${pattern}" runs at 07:${String(minute).padStart(2, '0')} UK time, inside OneFile's 07:00–07:30 release window`);
    }
  }
}

/** A Postgres advisory lock key for "the one place the schedule is registered from". */
const SCHEDULE_LOCK = 0x5059_4e43; // arbitrary, stable

/**
 * Registers (or updates in place) the daily job scheduler. Several workers may start at once: the one
 * holding the advisory lock upserts, the others skip, so concurrent upserts (BullMQ #3381, #2988) never race.
 */
export async function registerDailySchedule(db: Kysely<DB>, queue: Queue, pattern: string): Promise<'registered' | 'skipped'> {
  validateDailySchedule(pattern);
  return upsertSchedulerOnce(db, queue, DAILY_SCHEDULER_ID, pattern, { name: JOB_NAME.dailyRun, data: {} });
}

/**
 * The daily prune-retention job (issue 17) on the refresh-qualification-links queue. It reads and writes
 * Postgres only, so OneFile's release window does not concern it; the pattern is checked to parse.
 */
export async function registerRetentionSchedule(db: Kysely<DB>, queue: Queue, pattern: string): Promise<'registered' | 'skipped'> {
  try {
    CronExpressionParser.parse(pattern, { tz: SCHEDULE_ZONE });
  } catch (error) {
    throw new ScheduleError(`schedule.retentionCron "${pattern}" is not a valid cron pattern: ${(error as Error).message}`);
  }
  return upsertSchedulerOnce(db, queue, RETENTION_SCHEDULER_ID, pattern, { name: JOB_NAME.pruneRetention, data: { reason: 'schedule' } });
}

async function upsertSchedulerOnce(
  db: Kysely<DB>, queue: Queue, id: string, pattern: string, template: { name: string; data: object },
): Promise<'registered' | 'skipped'> {
  return db.connection().execute(async (conn) => {
    const locked = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${SCHEDULE_LOCK}) as ok`.execute(conn);
    if (!locked.rows[0]?.ok) return 'skipped';
    try {
      await queue.upsertJobScheduler(id, { pattern, tz: SCHEDULE_ZONE }, template);
      return 'registered';
    } finally {
      await sql`select pg_advisory_unlock(${SCHEDULE_LOCK})`.execute(conn);
    }
  });
}
