/**
 * The shared OneFile call budget as one Lua script: GCRA "virtual scheduling" used as a reservation
 * (anchors §2.5), with two lanes. Kept as a TS string rather than a .lua file so `tsc` ships it without a copy step.
 *
 * State, one hash per customer (all times are microseconds of Redis's own clock, so host clock skew
 * between worker processes cannot leak in):
 *   tat   theoretical arrival time: the schedule's next free slot (plus the burst tolerance)
 *   pen   end of the latest penalty (a 429); slots granted before a penalty are re-checked against it
 *   line  batch lane only: the next free turn of the batch line, less `shift` (see below)
 *   shift how far the slots taken by clicks (and penalties) have pushed the waiting turns back
 * The hash expires shortly after `tat` (or the line's last turn), because a TAT in the past means the same as no key at all.
 *
 * Lanes (issue 21). Every slot, whoever takes it, comes off the one schedule `tat`, so the rate holds whatever
 * the mix. An interactive caller (a user's click) reserves the next free slot as the single-lane budget always
 * did. A batch caller (a daily child, a cohort enrol) may reserve only a slot within `horizon` of now; the rest
 * of the batch callers wait in the batch line, each for its turn: the moment its slot would be within the
 * horizon were no click to come first. So the schedule never holds more than about `horizon` of batch slots
 * ahead of a click, and the batch line still keeps the head of the schedule full (the budget runs at its rate).
 * Turns are handed out one slot apart in arrival order, so batch callers are served first come, first served
 * and each looks at the schedule about once per call instead of all of them every slot. A caller holds its
 * turn as a ticket (the turn less the shift of the moment); each click that takes a slot while batch callers
 * wait adds one slot to the shift, so every waiting turn moves back by one, in order, without being rewritten.
 *
 * KEYS[1]  the customer's budget hash
 * ARGV[1]  op: 'reserve' | 'recheck' | 'turn' | 'penalise'
 * ARGV[2]  emission interval µs (one call's share of the budget)
 * ARGV[3]  burst tolerance µs = (burst - 1) × emission
 * ARGV[4]  reserve/recheck/turn: the longest acceptable wait µs; penalise: the penalty µs
 * ARGV[5]  the batch horizon µs, for a batch caller; absent for an interactive one (the single-lane budget)
 * ARGV[6]  turn: the caller's ticket
 *
 * Returns {status, µs[, ticket]}; status 1 = slot reserved, 0 = refused (nothing reserved), 2 = clear, 3 = in the line:
 *   reserve   {1, wait} slot taken, sleep `wait` then call;  {0, wait} refused;
 *             batch: {3, µs, ticket} no slot yet: a turn in the batch line, sleep µs then 'turn' with the ticket
 *   recheck   as reserve, but returns {2, 0} without reserving when no penalty is running — a caller
 *             that slept through a 429 penalty gives up its old slot and takes one after the penalty
 *   turn      batch, at its turn: {1, wait} as reserve, or {3, µs, ticket} not yet (its turn moved back): look again then
 *   penalise  {1, µs until the schedule resumes} when it moved the schedule, {0, …} when already later
 */
export const GCRA_LUA = `
local key = KEYS[1]
local op = ARGV[1]
local emission = tonumber(ARGV[2])
local tau = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local horizon = tonumber(ARGV[5])

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

local state = redis.call('HMGET', key, 'tat', 'pen', 'line', 'shift')
local tat = tonumber(state[1]) or now
local pen = tonumber(state[2]) or 0
local line = tonumber(state[3]) or 0
local shift = tonumber(state[4]) or 0
if tat < now then tat = now end
-- Batch callers are waiting for turns still to come: the slots a click takes now push their turns back.
local waiting = line + shift > now

-- Keep the key until the schedule and the batch line have drained (+1 s slack); an expired key reads as "idle".
local function expire_after(until_us)
  if line + shift > until_us then until_us = line + shift end
  redis.call('PEXPIRE', key, math.ceil((until_us - now) / 1000) + 1000)
end

if op == 'penalise' then
  local resume = now + limit
  -- The next slot is tat - tau, so adding tau makes calls resume at 'resume' one by one, not as a burst.
  local target = resume + tau
  if target <= tat then return {0, math.max(tat - tau - now, 0)} end
  if waiting then
    shift = shift + target - tat
    redis.call('HSET', key, 'shift', string.format('%d', shift))
  end
  redis.call('HSET', key, 'tat', string.format('%d', target), 'pen', string.format('%d', resume))
  expire_after(target)
  return {1, resume - now}
end

if op == 'recheck' and now >= pen then return {2, 0} end

local wait = tat - tau - now
if wait < 0 then wait = 0 end

if horizon then
  -- A batch caller takes a slot only within the horizon, and only at its turn while others wait before it.
  if op == 'turn' then
    local ticket = tonumber(ARGV[6])
    local turn = ticket + shift
    if turn > now then
      if turn - now > limit then return {0, turn - now + horizon} end
      return {3, turn - now, ticket}
    end
    if wait > horizon then
      -- Its turn is due but the head is further on than the turns foresaw (a stall, a lost slot): look again then.
      if wait - horizon > limit then return {0, wait} end
      return {3, wait - horizon, ticket}
    end
  elseif wait > horizon or waiting then
    if not waiting then
      -- The line was empty: start it afresh at the head (no turn still waits on the old shift).
      line = 0
      shift = 0
    end
    local turn = math.max(line + shift, tat - tau - horizon)
    local again = turn - now
    if again + horizon > limit then return {0, again + horizon} end
    line = turn + emission - shift
    redis.call('HSET', key, 'line', string.format('%d', line), 'shift', string.format('%d', shift))
    expire_after(tat)
    return {3, again, turn - shift}
  end
end

if wait > limit then return {0, wait} end

local new_tat = tat + emission
redis.call('HSET', key, 'tat', string.format('%d', new_tat))
if waiting and not horizon then
  -- A click took a slot the batch line was counting on: every waiting turn moves back one slot.
  shift = shift + emission
  redis.call('HSET', key, 'shift', string.format('%d', shift))
end
expire_after(new_tat)
return {1, wait}
`;
