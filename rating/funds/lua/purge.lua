-- purge(): the sweeper's entry: frees expired holds of one account (bounded); returns how many in `delta`.
local st = load_state()
if not st then return reply('no_state') end
local n = purge(st, now_ms())
return reply('ok', st, 0, '', n)
