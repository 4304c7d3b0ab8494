-- Prelude prepended to every funds script (scripts.ts concatenates it): the account's keys, argument
-- checks, lazy purge of expired holds. Amounts are integer micro-units carried in Lua doubles: exact,
-- since every amount stays below MAX (10^15 < 2^53). Amounts arrive as decimal strings.
--
-- KEYS (all under one hash tag {acct:<id>}, so every script touches one cluster slot):
--   S account hash. State fields: bal (posted balance at ledger seq), seq, pend (debits not yet posted),
--     held (sum of live holds), live (number of live calls), nexp (nothing in X is due before this, ms),
--     cur, rthr (auto-recharge threshold, 0 = off), rpend (seq of the crossing being recharged), rpat (when
--     it was marked, ms). And one
--     field per call, "c:<call id>" -> "state:debited_total:last_seq:last_status:hold" (state live|settled|
--     released|expired; hold = what the call holds now, 0 unless live). One hash, so that a reservation
--     reads and writes both at once.
--   X zset: call id -> when something must happen to it (ms): a live call expires then (its hold is
--     freed: nobody renewed it); a finished call's field is forgotten then (RETAIN_MS after it finished).
--   Q queue hash: idempotency key -> "delta|payload" of a debit not yet written to Postgres
--
-- This file and the scripts are loaded once as a Redis function library (scripts.ts): these helpers are
-- created once, not on every call (as closures of an EVAL prelude they were ~2 KB of garbage per call),
-- and each function starts by binding S, X, Q to its keys: the only per-call state outside its own locals.
-- Load time has no `string` library: helpers reach it when called.
local S, X, Q
local MAX = 1000000000000000
local RETAIN_MS = 86400000
local PURGE_BATCH = 100
local NEVER = 9007199254740991

-- A value longer than hash-max-listpack-value (64 bytes) turns S into a real hash table for good (sync
-- writes it). A listpack hash is scanned field by field: with a few hundred call fields (finished calls
-- stay RETAIN_MS) an HMGET of 9 fields cost 8.5 us in Redis instead of 1.5 us.
local ENC_FIELD = 'enc'
local ENC_VALUE = 'hashtable: a value longer than hash-max-listpack-value keeps S out of listpack encoding'

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

-- Bounded length only: the store (Node) refuses ids with spaces or control characters before they get here;
-- a pattern scan of every id cost 2 us per call in Redis, and an odd byte in a hash field harms nothing.
local function valid_call(id)
  return type(id) == 'string' and #id >= 1 and #id <= 256
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
-- seq and rpend are not read here: only a recharge crossing, sync and posted need them (`ledger_seq`), and
-- every field more costs each call a lookup in a hash of hundreds of call fields.
local function load_state(call)
  local v = redis.call('HMGET', S, 'bal', 'pend', 'held', 'rthr', 'nexp', 'live', call and ('c:' .. call) or 'c:')
  if not v[1] then return nil end
  return { bal = tonumber(v[1]), pend = tonumber(v[2] or '0'), held = tonumber(v[3] or '0'),
           rthr = tonumber(v[4] or '0'), nexp = tonumber(v[5] or '0'), live = tonumber(v[6] or '0') }, parse_call(v[7])
end

-- The ledger seq the posted balance reflects (a number).
local function ledger_seq()
  return tonumber(redis.call('HGET', S, 'seq') or '0')
end

local function available(st) return st.bal - st.pend - st.held end

-- Frees the holds of live calls whose validity ended, and forgets the fields of calls finished RETAIN_MS
-- ago (bounded per call). Every script calls it: expiry is lazy. Skipped while nothing is due (nexp).
-- Returns how many holds expired.
local function purge(st, now)
  if now < st.nexp then return 0 end
  local ids = redis.call('ZRANGEBYSCORE', X, '-inf', now, 'LIMIT', 0, PURGE_BATCH)
  local expired = 0
  if #ids > 0 then
    local fields = {}
    for i, id in ipairs(ids) do fields[i] = 'c:' .. id end
    local recs = redis.call('HMGET', S, unpack(fields))
    local writes, rescore, forget, gone = {}, {}, {}, {}
    for i, id in ipairs(ids) do
      local rec = parse_call(recs[i])
      if rec and rec.state == 'live' then
        expired = expired + 1
        st.held = st.held - rec.hold
        st.live = st.live - 1
        writes[#writes + 1] = fields[i]
        writes[#writes + 1] = call_text('expired', rec.debited, rec.seq, rec.status, 0)
        rescore[#rescore + 1] = now + RETAIN_MS
        rescore[#rescore + 1] = id
      else
        forget[#forget + 1] = fields[i]
        gone[#gone + 1] = id
      end
    end
    if #gone > 0 then
      redis.call('HDEL', S, unpack(forget))
      redis.call('ZREM', X, unpack(gone))
    end
    if #rescore > 0 then redis.call('ZADD', X, unpack(rescore)) end
    writes[#writes + 1] = 'held'
    writes[#writes + 1] = fmt(st.held)
    writes[#writes + 1] = 'live'
    writes[#writes + 1] = fmt(st.live)
    redis.call('HSET', S, unpack(writes))
  end
  local first = redis.call('ZRANGE', X, 0, 0, 'WITHSCORES')
  st.nexp = first[2] and tonumber(first[2]) or NEVER
  redis.call('HSET', S, 'nexp', fmt(st.nexp))
  return expired
end

-- Auto-recharge: the first operation that leaves available funds under the threshold marks the crossing
-- (rpend, and rpat: when) and is told so; every later one sees the mark, so exactly one recharge starts per
-- crossing. The recharger lifts the mark when it is done (sync, clear). A mark older than RECHARGE_RETRY_MS
-- is taken over by the next operation: the recharger gave up on an unavailable card processor (this is its
-- pause before trying again) or died mid-way (a mark nobody would lift). The same crossing seq names the
-- same charge request, so taking over never charges twice.
local RECHARGE_RETRY_MS = 300000
local function recharge_crossing(st, avail, now)
  if st.rthr <= 0 or avail >= st.rthr then return '' end
  local v = redis.call('HMGET', S, 'rpend', 'seq', 'rpat')
  if v[1] and now - tonumber(v[3] or '0') < RECHARGE_RETRY_MS then return '' end
  local seq = v[2] or '0'
  redis.call('HSET', S, 'rpend', seq, 'rpat', fmt(now))
  return seq
end

-- When a call expires if nobody renews it (live), or is forgotten (finished: valid_ms = RETAIN_MS).
-- Returns true when that is sooner than anything else (nexp changed: `save` must write it).
local function set_due(st, id, now, valid_ms)
  local at = fmt(now + valid_ms)
  redis.call('ZADD', X, at, id)
  if now + valid_ms >= st.nexp then return false end
  st.nexp = now + valid_ms
  return true
end

-- Writes the counters computed by the script and the call's record, in one command. pend and nexp only
-- when `more` says they changed: every argument of redis.call is converted and looked up in Redis. (A
-- flag rather than copies in `st`: a ninth field doubles the table Lua allocates on every call.)
local function save(st, call, rec_text, more)
  if not more then
    redis.call('HSET', S, 'held', fmt(st.held), 'live', fmt(st.live), 'c:' .. call, rec_text)
  else
    redis.call('HSET', S, 'pend', fmt(st.pend), 'held', fmt(st.held), 'live', fmt(st.live), 'nexp', fmt(st.nexp), 'c:' .. call, rec_text)
  end
end

-- Counts a call that becomes live (new, or back from expiry) or stops being live.
local function count_live(st, was_live, is_live)
  if was_live and not is_live then st.live = st.live - 1 end
  if is_live and not was_live then st.live = st.live + 1 end
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
