-- sync(balance, ledger seq, currency, threshold, clear recharge): installs the Postgres balance at ledger
-- seq N. An older or equal N leaves the balance alone ('stale' / 'exists'); Redis is never merged by guess.
-- A missing state is created, with holds and queued debits recounted from what Redis still has.
-- threshold '' leaves auto-recharge as it is; clear '1' ends the recharge of the current crossing.
-- Replies the crossing when the installed state is under the auto-recharge threshold (see the end).
local bal, seq, cur, thr, clear = ARGV[1], whole(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local neg = string.sub(bal, 1, 1) == '-'
local babs = whole(neg and string.sub(bal, 2) or bal)
if not babs or not seq or not string.match(cur, '^%u%u%u$') or (thr ~= '' and not whole(thr)) then
  return reply('invalid')
end
local st = load_state()
local current = st and ledger_seq()
local status = 'ok'
if not st then
  local held, live = 0, 0
  local all = redis.call('HGETALL', S)
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, 2) == 'c:' then
      local rec = parse_call(all[i + 1])
      held = held + rec.hold
      if rec.state == 'live' then live = live + 1 end
    end
  end
  local pend = 0
  for _, v in ipairs(redis.call('HVALS', Q)) do pend = pend + tonumber(string.match(v, '^(%d+)|')) end
  redis.call('HSET', S, 'bal', bal, 'seq', fmt(seq), 'pend', fmt(pend), 'held', fmt(held), 'live', fmt(live), 'cur', cur, 'rthr', '0', 'nexp', '0', ENC_FIELD, ENC_VALUE)
elseif seq > current then
  redis.call('HSET', S, 'bal', bal, 'seq', fmt(seq), 'cur', cur, ENC_FIELD, ENC_VALUE)
elseif seq == current then
  status = 'exists'
else
  status = 'stale'
end
if thr ~= '' then redis.call('HSET', S, 'rthr', thr) end
if clear == '1' then redis.call('HDEL', S, 'rpend', 'rpat') end
st = load_state()
local now = now_ms()
purge(st, now)
-- Auto-recharge switched on while already under the threshold, or a reversal taking the balance under it,
-- is a crossing too (marked once, like any other). Not when the recharger itself ends one (clear without
-- a threshold); a threshold being installed (settings saved, a rebuild) always looks. ARGV[6] '0': do not
-- look (a reversal still holding its own amount: it looks again once it released it).
local crossing = ''
if ARGV[6] ~= '0' and (clear ~= '1' or thr ~= '') then crossing = recharge_crossing(st, available(st), now) end
return reply(status, st, 0, crossing)
