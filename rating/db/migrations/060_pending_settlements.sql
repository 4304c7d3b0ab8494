-- Settlements that reached the Postgres ledger while Redis was unreachable (rating/funds/pending-settlements.ts):
-- the call's final debit is in ledger_entries, but its hold still sits in Redis, blocking the balance until
-- its validity ends. One row per call, written in the same transaction as that debit; any process runs the
-- Redis settle for it once Redis answers (same idempotency key: the hold goes at once, the ledger skips the
-- duplicate debit) and deletes the row. The application role gets SELECT, INSERT, UPDATE, DELETE on it
-- (rating/db/roles.ts grants every table after each migration run).
CREATE TABLE pending_settlements (
  idempotency_key  text PRIMARY KEY CHECK (length(idempotency_key) BETWEEN 1 AND 300),
  account_id       text NOT NULL REFERENCES accounts (id),
  call_id          text NOT NULL CHECK (length(call_id) BETWEEN 1 AND 256),
  final_micros     bigint NOT NULL CHECK (final_micros >= 0),
  -- The Redis queue payload of the settle (call id, cumulative total, ledger metadata), as settle.lua takes it.
  payload          text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_settlements_created ON pending_settlements (created_at);
