import type { Harness } from '../helpers/harness.js';

/** The OneFile sessions the worker holds in Redis (the values a secret check must not find anywhere else). */
export async function storedSessions(h: Harness): Promise<string[]> {
  const keys = await h.redis.redis.keys(`${h.redis.prefix}*session:*`);
  const values = await Promise.all(keys.map((key) => h.redis.redis.hget(key, 'session')));
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}
