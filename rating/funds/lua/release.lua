-- release(call id): frees a call's hold without a debit (the call never connected). Idempotent.
local call = ARGV[1]
if not valid_call(call) then return reply('invalid') end
local st, rec, now = open_call(call)
if not st then return reply('no_state') end
if not rec then return reply('not_found', st, 0) end
if rec.state == 'released' then return reply('ok', st, 0) end
if rec.state == 'settled' then return reply('exists', st, 0) end
local sooner = set_due(st, call, now, RETAIN_MS)
st.held = st.held - rec.hold
count_live(st, rec.state == 'live', false)
save(st, call, call_text('released', rec.debited, rec.seq, 'ok', 0), sooner)
return reply('ok', st, 0)
