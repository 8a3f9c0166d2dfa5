/**
 * The Redis window store's scripts. Each runs atomically and reads Redis's own
 * clock (`TIME`), so the replicas' clocks never decide. Every key carries the
 * hash tag `{prefix}`, so in a cluster they share one slot.
 *
 * Keys (prefix `esign-budget` unless configured):
 *   {p}:log:<action>     sorted set of starts in the window: member `replica:seq:caller`, score when it was
 *                        written (ms), or for one let through and not yet written, when it can no longer be
 *   {p}:active:<action>  sorted set `replica:caller` → when its lease on "waiting" ends (ms)
 *   {p}:demand:<action>  hash `replica:caller` → calls waiting there
 *   {p}:pace:<action>    when the next start is due (ms): starts are paced, one per `windowMs / limit`
 *   {p}:replicas         sorted set replica → last heartbeat (ms)
 *   {p}:shares           hash replica → its share of the limit while cut off from Redis
 *   {p}:joined           hash replica → when it last (re)joined (ms)
 *   {p}:epoch            a value set when the data is first written: a new one means Redis lost its data
 */

/** Redis's clock in milliseconds. */
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS: log, active, demand, replicas, shares, epoch, pace.
 * ARGV: epoch, replica, limit, windowMs, ttlMs, leaseMs, member prefix (`replica:seq`), pendingMs, then
 * (caller, waiting) per candidate, in round-robin order.
 * Lets through at most one call: the first candidate the limit, the pace and its share allow (window.ts).
 * Returns {'epoch'} when the epoch is not the caller's, else {'ok', effectiveLimit, activeCallers, paceInMs,
 * admitted index (-1: none), n, the calls waiting on each of n (replica, caller) elsewhere, expiryMs...}.
 */
export const ADMIT = `
if redis.call('GET', KEYS[6]) ~= ARGV[1] then return {'epoch'} end
${NOW}
local replica = ARGV[2]
local limit, windowMs, ttlMs, leaseMs = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local pendingMs = tonumber(ARGV[8])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)

-- Replicas whose heartbeat stopped may be using their share on their own: it stays reserved.
local reserved = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. (now - ttlMs))) do
  reserved = reserved + (tonumber(redis.call('HGET', KEYS[5], id)) or 0)
end
local effective = limit - reserved

local candidates = {}
for i = 9, #ARGV, 2 do
  local lease = replica .. ':' .. ARGV[i]
  redis.call('ZADD', KEYS[2], now + leaseMs, lease)
  redis.call('HSET', KEYS[3], lease, ARGV[i + 1])
  candidates[#candidates + 1] = { caller = ARGV[i], lease = lease, waiting = tonumber(ARGV[i + 1]) }
end
for _, lease in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
  redis.call('HDEL', KEYS[3], lease)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)

-- Calls waiting per caller, on every replica; and per (replica, caller) on the other replicas.
local demand, callers, elsewhere = {}, 0, {}
local own = replica .. ':'
for _, lease in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local waiting = tonumber(redis.call('HGET', KEYS[3], lease)) or 0
  if waiting > 0 then
    if string.sub(lease, 1, #own) ~= own then elsewhere[#elsewhere + 1] = waiting end
    local caller = string.sub(lease, string.find(lease, ':', 1, true) + 1)
    if demand[caller] == nil then
      demand[caller] = 0
      callers = callers + 1
    end
    demand[caller] = demand[caller] + waiting
  end
end

-- Starts per caller in the window.
local mine, count = {}, 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local first = string.find(member, ':', 1, true)
  local caller = string.sub(member, string.find(member, ':', first + 1, true) + 1)
  mine[caller] = (mine[caller] or 0) + 1
  count = count + 1
end

-- The pace: one start per interval on a schedule.
local interval = windowMs / math.max(1, effective)
local due = tonumber(redis.call('GET', KEYS[7]) or nil) or -math.huge
local share = math.ceil(effective / math.max(1, callers))
local free = effective - count
local admitted = -1
-- Early by up to the tolerance (window.ts, paceTolerance).
local tolerance = math.max(interval / 2, 4)
if free > 0 and now >= due - tolerance then
  for i, candidate in ipairs(candidates) do
    local starts = mine[candidate.caller] or 0
    local allowed = starts < share
    if not allowed then
      local claimable = 0
      for caller, waiting in pairs(demand) do
        if caller ~= candidate.caller then
          claimable = claimable + math.min(waiting, math.max(0, share - (mine[caller] or 0)))
        end
      end
      allowed = free - claimable >= 1
    end
    if allowed then
      -- Pending until written: it counts in every window until then.
      redis.call('ZADD', KEYS[1], now + pendingMs, ARGV[7] .. ':' .. candidate.caller)
      redis.call('HSET', KEYS[3], candidate.lease, candidate.waiting - 1)
      due = math.max(due, now) + interval
      redis.call('SET', KEYS[7], tostring(due), 'PX', windowMs * 2)
      admitted = i - 1
      break
    end
  end
end
redis.call('PEXPIRE', KEYS[1], windowMs + pendingMs)
redis.call('PEXPIRE', KEYS[2], leaseMs * 2)
redis.call('PEXPIRE', KEYS[3], leaseMs * 2)

local reply = { 'ok', effective, callers, math.ceil(math.max(0, due - tolerance - now)), admitted, #elsewhere }
for _, waiting in ipairs(elsewhere) do reply[#reply + 1] = waiting end
local scores = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 2, #scores, 2 do
  -- A pending start leaves the window a full window after it is written, at the soonest now.
  reply[#reply + 1] = math.min(tonumber(scores[i]) - now, 0) + windowMs
end
return reply
`;

/**
 * KEYS: log, pace. ARGV: member, windowMs, limit.
 * Gives back a start that was not used: its slot, and its step of the pace.
 */
export const RELEASE = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
${NOW}
  local due = tonumber(redis.call('GET', KEYS[2]) or nil)
  if due and due > now then
    local interval = tonumber(ARGV[2]) / math.max(1, tonumber(ARGV[3]))
    redis.call('SET', KEYS[2], tostring(math.max(now, due - interval)), 'PX', tonumber(ARGV[2]) * 2)
  end
end
return 1
`;

/** KEYS: log. ARGV: member. The call let through as `member` was written: its start counts from Redis's now. */
export const WRITTEN = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
${NOW}
  redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
end
return 1
`;

/**
 * KEYS: replicas, shares, joined, epoch, then the log of each action whose starts are replayed.
 * ARGV: replica, epochCandidate, limit, ttlMs, reserveMs, rejoining (1/0), windowMs, then per log key:
 * its count of starts, then (ageMs, member) per start (a negative age: pending, counted until then).
 * Returns {epoch, share, replicas, alive, id, joinedAt, id, joinedAt, ...}.
 */
export const HEARTBEAT = `
${NOW}
local replica = ARGV[1]
local limit, ttlMs, reserveMs = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local windowMs = tonumber(ARGV[7])
local epoch = redis.call('GET', KEYS[4])
if not epoch then
  epoch = ARGV[2]
  redis.call('SET', KEYS[4], epoch)
end

-- A replica silent for longer than its share is reserved is gone.
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - reserveMs))) do
  redis.call('HDEL', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[1], id)
end
if ARGV[6] == '1' or not redis.call('ZSCORE', KEYS[1], replica) then
  redis.call('HSET', KEYS[3], replica, now)
end
redis.call('ZADD', KEYS[1], now, replica)

-- The starts this replica made while cut off, so every replica's admissions count them.
local arg = 8
for k = 5, #KEYS do
  local n = tonumber(ARGV[arg])
  arg = arg + 1
  local latest = now
  for _ = 1, n do
    local at = now - tonumber(ARGV[arg])
    if at > now - windowMs then
      redis.call('ZADD', KEYS[k], at, ARGV[arg + 1])
      latest = math.max(latest, at)
    end
    arg = arg + 2
  end
  redis.call('PEXPIRE', KEYS[k], latest - now + windowMs * 2)
end

-- Shares never sum above the limit: each is at most what the others leave.
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local others = 0
for _, id in ipairs(ids) do
  if id ~= replica then others = others + (tonumber(redis.call('HGET', KEYS[2], id)) or 0) end
end
local share = math.max(0, math.min(math.floor(limit / #ids), limit - others))
redis.call('HSET', KEYS[2], replica, share)

local reply = { epoch, share, #ids, redis.call('ZCOUNT', KEYS[1], now - ttlMs, '+inf') }
for _, id in ipairs(ids) do
  reply[#reply + 1] = id
  reply[#reply + 1] = tonumber(redis.call('HGET', KEYS[3], id)) or 0
end
return reply
`;

/** KEYS: replicas, shares, joined. ARGV: replica. A replica stopping in good order frees its share at once. */
export const DEREGISTER = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
`;
