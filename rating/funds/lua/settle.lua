-- settle(call id, final cost, idempotency key, payload): debits the final cost (minus what updates already
-- debited) and releases the rest of the hold. Idempotent by call id. A call Redis no longer knows (state
-- rebuilt) is still charged: Postgres' idempotency keys and cumulative totals keep the ledger exact.
local call, final, key, payload = ARGV[1], whole(ARGV[2]), ARGV[3], ARGV[4]
if not valid_call(call) or not final or #key < 1 or #key > 300 then return reply('invalid') end
local st, known, now = open_call(call)
if not st then return reply('no_state') end
local rec = known or NEW_CALL
if rec.state == 'settled' then return reply('ok', st, 0) end
if rec.state == 'released' then return reply('exists', st, 0) end
if final < rec.debited then return reply('invalid', st, rec.hold) end
local delta = final - rec.debited
queue_debit(st, key, delta, payload)
local sooner = set_due(st, call, now, RETAIN_MS)
st.held = st.held - rec.hold
count_live(st, known and known.state == 'live', false)
save(st, call, call_text('settled', final, rec.seq, 'ok', 0), sooner or delta > 0)
return reply('ok', st, 0, recharge_crossing(st, available(st), now), delta)
