-- purge(): the sweeper's entry: frees expired holds of one account (bounded); returns how many in `delta`.
local st = load_state()
if not st then return reply('no_state') end
local now = now_ms()
local n = purge(st, now)
forget_finished(st, now)
return reply('ok', st, 0, '', n)
