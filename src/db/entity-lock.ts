import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from './types.js';

/**
 * Serialises "find or create" of one shared ePortfolio record (an assessor, placement or classroom used by
 * many learners) across every job and every worker process, so two enrols never both create it. A Postgres
 * session advisory lock: released by unlock, or by Postgres itself if the process dies.
 */
export async function withEntityLock<T>(db: Kysely<DB>, key: string, fn: (conn: Kysely<DB>) => Promise<T>): Promise<T> {
  const digest = createHash('sha256').update(key).digest();
  const a = digest.readInt32BE(0);
  const b = digest.readInt32BE(4);
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${a}::int, ${b}::int)`.execute(conn);
    try {
      // The caller's database work runs on the locked connection: a pool never has to lend it a second one.
      return await fn(conn);
    } finally {
      await sql`select pg_advisory_unlock(${a}::int, ${b}::int)`.execute(conn);
    }
  });
}
