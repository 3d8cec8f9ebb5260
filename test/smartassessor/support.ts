import type { Queue } from 'bullmq';
import { DEMO_SA_ASSESSORS } from '../../src/demo/smartassessor.js';
import { QUEUE } from '../../src/queues/names.js';
import { enqueueDirectoryRefresh } from '../../src/producer/directory.js';
import type { Harness } from '../helpers/harness.js';

// Shared by the Smart Assessor end-to-end tests: demo ids, the simulator's request log, and Redis's content.

export const GRACE = DEMO_SA_ASSESSORS.find((a) => a.sameAsOfficerIdent === 'O0003')!;
export const HELEN = DEMO_SA_ASSESSORS.find((a) => a.firstName === 'Helen')!;
export const SAM = DEMO_SA_ASSESSORS.find((a) => a.firstName === 'Sam')!;

/** The operations the simulated Smart Assessor received, in order. */
export const operations = (h: Harness): string[] => h.sim.smartAssessor.requests().map((r) => r.operation);

export async function officerId(h: Harness, ident: string): Promise<number> {
  return (await h.t.db.selectFrom('pics.officer').select('id').where('ident', '=', ident).executeTakeFirstOrThrow()).id;
}

export async function organisationId(h: Harness, ident: string): Promise<number> {
  return (await h.t.db.selectFrom('pics.organisation').select('id').where('ident', '=', ident).executeTakeFirstOrThrow()).id;
}

export async function refreshDirectory(h: Harness) {
  const { jobId } = await enqueueDirectoryRefresh(h.producer.queues, 'cli');
  return h.waitForJob(h.producer.queues[QUEUE.refreshLinks], jobId);
}

/** Polls until the job has left its first attempt (failed, or delayed for its retry). */
export async function firstAttemptOver(queue: Queue, jobId: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await queue.getJob(jobId);
    const state = job ? await job.getState() : 'missing';
    if (job && (state === 'failed' || state === 'delayed' || state === 'completed')) return { job: (await queue.getJob(jobId))!, state };
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Everything under the harness's Redis prefix, as text: for "no secret in Redis" checks. */
export async function redisText(h: Harness): Promise<string> {
  const { redis, prefix } = h.redis;
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') parts.push(String(await redis.get(key)));
      else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
  } while (cursor !== '0');
  return parts.join('\n');
}
