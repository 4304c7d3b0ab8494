-- posted(balance, ledger seq, key...): the debit writer wrote these queued debits to Postgres; removes them
-- from the queue (each once: a key already gone changes nothing) and installs the balance at seq N if newer.
local bal, seq = ARGV[1], whole(ARGV[2])
local neg = string.sub(bal, 1, 1) == '-'
if not whole(neg and string.sub(bal, 2) or bal) or not seq then return reply('invalid') end
local st = load_state()
if not st then return reply('no_state') end
local done = 0
if #ARGV >= 3 then
  local names = { unpack(ARGV, 3) }
  for _, v in ipairs(redis.call('HMGET', Q, unpack(names))) do
    if v then done = done + tonumber(string.match(v, '^(%d+)|')) end
  end
  redis.call('HDEL', Q, unpack(names))
end
st.pend = st.pend - done
if seq > ledger_seq() then
  redis.call('HSET', S, 'bal', bal, 'seq', fmt(seq), 'pend', fmt(st.pend))
  st.bal = tonumber(bal)
elseif done > 0 then
  redis.call('HSET', S, 'pend', fmt(st.pend))
end
return reply('ok', st, 0, '', done)
