import { CronExpressionParser } from 'cron-parser';
import { sql, type Kysely } from 'kysely';
import type { Queue } from 'bullmq';
import type { DB } from '../db/types.js';
import { JOB_NAME } from './job-options.js';

export const SCHEDULE_ZONE = 'Europe/London';
export const DAILY_SCHEDULER_ID = 'daily-sync';

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
  return db.connection().execute(async (conn) => {
    const locked = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${SCHEDULE_LOCK}) as ok`.execute(conn);
    if (!locked.rows[0]?.ok) return 'skipped';
    try {
      await queue.upsertJobScheduler(DAILY_SCHEDULER_ID, { pattern, tz: SCHEDULE_ZONE }, { name: JOB_NAME.dailyRun, data: {} });
      return 'registered';
    } finally {
      await sql`select pg_advisory_unlock(${SCHEDULE_LOCK})`.execute(conn);
    }
  });
}
