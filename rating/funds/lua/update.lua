-- update(call id, seq, used total, next grant, validity ms, idempotency key, payload): debits what the call
-- used since the last update (used total is cumulative) and replaces its hold with the next grant, in one
-- step. Idempotent by call id + seq. 'insufficient': the debit happened, the next grant could not be held;
-- the call keeps what was left of its previous hold.
local call, seq, used = ARGV[1], positive(ARGV[2]), whole(ARGV[3])
local nextg, valid_ms, key, payload = whole(ARGV[4]), validity(ARGV[5]), ARGV[6], ARGV[7]
if not valid_call(call) or not seq or not used or not nextg or not valid_ms or seq > 1000000000
  or #key < 1 or #key > 300 then
  return reply('invalid')
end
local st, known, now = open_call(call)
if not st then return reply('no_state') end
local rec = known or NEW_CALL
local hold = rec.hold
if rec.state == 'settled' or rec.state == 'released' then return reply('exists', st, hold) end
if seq == rec.seq then return reply(rec.status, st, hold) end
if seq < rec.seq then return reply('stale', st, hold) end
if used < rec.debited then return reply('invalid', st, hold) end
local delta = used - rec.debited
queue_debit(st, key, delta, payload)
local others = st.bal - st.pend - (st.held - hold)
local status, new_hold = 'ok', nextg
if nextg > others then
  status = 'insufficient'
  new_hold = math.max(0, math.min(hold - delta, others))
end
local sooner = set_due(st, call, now, valid_ms)
st.held = st.held + new_hold - hold
count_live(st, known and known.state == 'live', true)
save(st, call, call_text('live', used, seq, status, new_hold), sooner or delta > 0)
return reply(status, st, new_hold, recharge_crossing(st, available(st), now), delta)
