-- release(call id): frees a call's hold without a debit (the call never connected). Idempotent.
local call = ARGV[1]
if not valid_call(call) then return reply('invalid') end
local st = load_state()
if not st then return reply('no_state') end
local now = now_ms()
purge(st, now)
local rec = parse_call(redis.call('HGET', C, call))
if not rec then return reply('not_found', st, 0) end
if rec.state == 'released' then return reply('ok', st, 0) end
if rec.state == 'settled' then return reply('exists', st, 0) end
set_expiry(call, 0, now, 1)
st.held = redis.call('HINCRBY', S, 'held', -rec.hold)
put_call(call, 'released', rec.debited, rec.seq, 'ok', 0)
finish(call, now)
forget_finished(now)
return reply('ok', st, 0)
