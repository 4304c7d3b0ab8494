-- Prelude prepended to every funds script (scripts.ts concatenates it): the account's keys, argument
-- checks, lazy purge of expired holds. Amounts are integer micro-units carried in Lua doubles: exact,
-- since every amount stays below MAX (10^15 < 2^53). Amounts arrive as decimal strings.
--
-- KEYS (all under one hash tag {acct:<id>}, so every script touches one cluster slot):
--   S account hash. State fields: bal (posted balance at ledger seq), seq, pend (debits not yet posted),
--     held (sum of live holds), nexp (no hold expires before this, ms), cur, rthr (auto-recharge threshold,
--     0 = off), rpend (seq of the crossing being recharged). And one field per call, "c:<call id>" ->
--     "state:debited_total:last_seq:last_status:hold" (state live|settled|released|expired; hold = what
--     the call holds now, 0 unless live). One hash, so that a reservation reads and writes both at once.
--     fdue: no finished call's field is due to be forgotten before this (ms).
--   X expiry zset: call id -> expiry (ms) of its live hold
--   Q queue hash: idempotency key -> "delta|payload" of a debit not yet written to Postgres
--   F finished zset: call id -> time finished (ms); call fields are forgotten RETAIN_MS after that
local S, X, Q, F = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local MAX = 1000000000000000
local RETAIN_MS = 86400000
local PURGE_BATCH = 100
local NEVER = 9007199254740991

local function fmt(n) return string.format('%d', n) end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- A whole non-negative number written in decimal digits, at most MAX; nil for anything else.
local function whole(s)
  if type(s) ~= 'string' or #s == 0 or #s > 16 or not string.match(s, '^%d+$') then return nil end
  local n = tonumber(s)
  if n > MAX then return nil end
  return n
end

local function positive(s)
  local n = whole(s)
  if n == nil or n == 0 then return nil end
  return n
end

local function valid_call(id)
  return type(id) == 'string' and #id >= 1 and #id <= 256 and not string.find(id, '[%s%c]')
end

local function validity(s)
  local n = positive(s)
  if n == nil or n > 86400000 then return nil end
  return n
end

local function parse_call(rec)
  if not rec then return nil end
  local state, debited, seq, status, hold = string.match(rec, '^(%a+):(%d+):(%d+):(%a+):(%d+)$')
  return { state = state, debited = tonumber(debited), seq = tonumber(seq), status = status, hold = tonumber(hold) }
end

local function call_text(state, debited, seq, status, hold)
  return state .. ':' .. fmt(debited) .. ':' .. fmt(seq) .. ':' .. status .. ':' .. fmt(hold)
end

local NEW_CALL = { state = 'live', debited = 0, seq = 0, status = 'ok', hold = 0 }

-- The account's state and, when `call` is given, that call's record (nil if unknown), in one read.
-- The state is nil when Redis does not have it (never synced, or flushed).
local function load_state(call)
  local v = redis.call('HMGET', S, 'bal', 'pend', 'held', 'seq', 'rthr', 'rpend', 'nexp', 'fdue', call and ('c:' .. call) or 'c:')
  if not v[1] then return nil end
  return { bal = tonumber(v[1]), pend = tonumber(v[2] or '0'), held = tonumber(v[3] or '0'), seq = v[4] or '0',
           rthr = tonumber(v[5] or '0'), rpend = v[6], nexp = tonumber(v[7] or '0'), fdue = tonumber(v[8] or '0') }, parse_call(v[9])
end

local function available(st) return st.bal - st.pend - st.held end

local function finish(id, now) redis.call('ZADD', F, now, id) end

-- Frees holds whose validity ended (bounded per call). Every script calls it: expiry is lazy. Skipped
-- while no hold can have expired (nexp). Returns how many were freed.
local function purge(st, now)
  if now < st.nexp then return 0 end
  local ids = redis.call('ZRANGEBYSCORE', X, '-inf', now, 'LIMIT', 0, PURGE_BATCH)
  if #ids > 0 then
    local fields = {}
    for i, id in ipairs(ids) do fields[i] = 'c:' .. id end
    local recs = redis.call('HMGET', S, unpack(fields))
    local writes = {}
    for i, id in ipairs(ids) do
      local rec = parse_call(recs[i])
      if rec then
        st.held = st.held - rec.hold
        writes[#writes + 1] = fields[i]
        writes[#writes + 1] = call_text('expired', rec.debited, rec.seq, rec.status, 0)
      end
      finish(id, now)
    end
    redis.call('ZREM', X, unpack(ids))
    writes[#writes + 1] = 'held'
    writes[#writes + 1] = fmt(st.held)
    redis.call('HSET', S, unpack(writes))
  end
  local first = redis.call('ZRANGE', X, 0, 0, 'WITHSCORES')
  st.nexp = first[2] and tonumber(first[2]) or NEVER
  redis.call('HSET', S, 'nexp', fmt(st.nexp))
  return #ids
end

-- Forgets call fields of calls finished more than RETAIN_MS ago (bounded). Called where calls finish
-- (settle, release, the sweeper's purge), which keeps the reserve path short; skipped until one is due.
local function forget_finished(st, now)
  if now < st.fdue then return end
  local old = redis.call('ZRANGEBYSCORE', F, '-inf', now - RETAIN_MS, 'LIMIT', 0, PURGE_BATCH)
  if #old > 0 then
    local fields = {}
    for i, id in ipairs(old) do fields[i] = 'c:' .. id end
    redis.call('HDEL', S, unpack(fields))
    redis.call('ZREM', F, unpack(old))
  end
  local first = redis.call('ZRANGE', F, 0, 0, 'WITHSCORES')
  -- Markers added later finish later, so the oldest one left decides; none left: due a full period on.
  st.fdue = (first[2] and tonumber(first[2]) or now) + RETAIN_MS
  redis.call('HSET', S, 'fdue', fmt(st.fdue))
end

-- Auto-recharge: the first operation that leaves available funds under the threshold marks the crossing
-- (rpend) and is told so; every later one sees the mark, so exactly one recharge starts per crossing.
local function recharge_crossing(st, avail)
  if st.rthr > 0 and avail < st.rthr and not st.rpend then
    redis.call('HSET', S, 'rpend', st.seq)
    return st.seq
  end
  return ''
end

-- The expiry of a call's hold (the amount itself is in the call's field).
local function set_expiry(st, id, amount, now, valid_ms)
  if amount > 0 then
    local at = now + valid_ms
    redis.call('ZADD', X, at, id)
    if at < st.nexp then st.nexp = at end
  else
    redis.call('ZREM', X, id)
  end
end

-- Writes the counters computed by the script and the call's record, in one command.
local function save(st, call, rec_text)
  redis.call('HSET', S, 'pend', fmt(st.pend), 'held', fmt(st.held), 'nexp', fmt(st.nexp), 'c:' .. call, rec_text)
end

-- Records a debit that Postgres has not seen yet: counted at once (pend, saved by `save`), written by
-- the debit writer.
local function queue_debit(st, key, delta, payload)
  if delta <= 0 then return end
  st.pend = st.pend + delta
  redis.call('HSET', Q, key, fmt(delta) .. '|' .. payload)
end

local function reply(status, st, hold, crossing, delta)
  local avail = 0
  if st then avail = available(st) end
  return { status, avail, hold or 0, crossing or '', delta or 0 }
end

-- Loads state and call, purges expired holds; if the purge expired this very call, its record is re-read.
local function open_call(call)
  local st, rec = load_state(call)
  if not st then return nil end
  local now = now_ms()
  if purge(st, now) > 0 and rec and rec.state == 'live' then rec = parse_call(redis.call('HGET', S, 'c:' .. call)) end
  return st, rec, now
end
