-- reserve(call id, amount, validity ms): holds `amount` for a call if the available balance covers it.
-- Idempotent by call id: a repeat while the hold lives answers ok again and holds nothing more.
local call, amount, valid_ms = ARGV[1], positive(ARGV[2]), validity(ARGV[3])
if not valid_call(call) or not amount or not valid_ms then return reply('invalid') end
local st, rec, now = open_call(call)
if not st then return reply('no_state') end
if rec then
  if rec.state == 'live' then return reply('ok', st, rec.hold) end
  if rec.state == 'expired' then return reply('expired', st, 0) end
  return reply('exists', st, 0)
end
if available(st) < amount then
  return reply('insufficient', st, 0, recharge_crossing(st, available(st), now))
end
local sooner = set_due(st, call, now, valid_ms)
st.held = st.held + amount
st.live = st.live + 1
save(st, call, call_text('live', 0, 0, 'ok', amount), sooner)
return reply('ok', st, amount, recharge_crossing(st, available(st), now))
