/**
 * The shared OneFile call budget as one Lua script: GCRA "virtual scheduling" used as a reservation
 * (anchors §2.5). Kept as a TS string rather than a .lua file so `tsc` ships it without a copy step.
 *
 * State, one hash per customer (all times are microseconds of Redis's own clock, so host clock skew
 * between worker processes cannot leak in):
 *   tat  theoretical arrival time: the schedule's next free slot (plus the burst tolerance)
 *   pen  end of the latest penalty (a 429); slots granted before a penalty are re-checked against it
 * The hash expires shortly after `tat`, because a TAT in the past means the same as no key at all.
 *
 * KEYS[1]  the customer's budget hash
 * ARGV[1]  op: 'reserve' | 'recheck' | 'penalise'
 * ARGV[2]  emission interval µs (one call's share of the budget)
 * ARGV[3]  burst tolerance µs = (burst - 1) × emission
 * ARGV[4]  reserve/recheck: the longest acceptable wait µs; penalise: the penalty µs
 *
 * Returns {status, µs}; status 1 = slot reserved, 0 = refused (nothing reserved), 2 = clear:
 *   reserve   {1, wait} slot taken, sleep `wait` then call;  {0, wait} refused
 *   recheck   as reserve, but returns {2, 0} without reserving when no penalty is running — a caller
 *             that slept through a 429 penalty gives up its old slot and takes one after the penalty
 *   penalise  {1, µs until the schedule resumes} when it moved the schedule, {0, …} when already later
 */
export const GCRA_LUA = `
local key = KEYS[1]
local op = ARGV[1]
local emission = tonumber(ARGV[2])
local tau = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

local state = redis.call('HMGET', key, 'tat', 'pen')
local tat = tonumber(state[1]) or now
local pen = tonumber(state[2]) or 0
if tat < now then tat = now end

-- Keep the key until the schedule has drained (+1 s slack); an expired key reads as "idle".
local function expire_after(until_us)
  redis.call('PEXPIRE', key, math.ceil((until_us - now) / 1000) + 1000)
end

if op == 'penalise' then
  local resume = now + limit
  -- The next slot is tat - tau, so adding tau makes calls resume at 'resume' one by one, not as a burst.
  local target = resume + tau
  if target <= tat then return {0, math.max(tat - tau - now, 0)} end
  redis.call('HSET', key, 'tat', string.format('%d', target), 'pen', string.format('%d', resume))
  expire_after(target)
  return {1, resume - now}
end

if op == 'recheck' and now >= pen then return {2, 0} end

local wait = tat - tau - now
if wait < 0 then wait = 0 end
if wait > limit then return {0, wait} end

local new_tat = tat + emission
redis.call('HSET', key, 'tat', string.format('%d', new_tat))
expire_after(new_tat)
return {1, wait}
`;
