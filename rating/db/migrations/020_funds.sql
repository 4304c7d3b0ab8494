-- Prepaid funds: the system of record. Redis holds the real-time state (holds of calls in progress) and can
-- always be rebuilt from these tables: the balance of an account at ledger sequence N.
--
-- An account is a tenant (one business). Its balance changes only together with one ledger entry, in the
-- same transaction, and ledger_seq counts those entries.
CREATE TABLE accounts (
  id                         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name                       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  currency                   char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  language                   text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
  status                     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  max_concurrent_calls       integer NOT NULL DEFAULT 10 CHECK (max_concurrent_calls BETWEEN 0 AND 100000),
  -- Call debits may take a balance slightly below zero (the call happened); nothing else may.
  balance_micros             bigint NOT NULL DEFAULT 0 CHECK (balance_micros BETWEEN -1000000000000000 AND 1000000000000000),
  ledger_seq                 bigint NOT NULL DEFAULT 0 CHECK (ledger_seq >= 0),
  auto_recharge_enabled      boolean NOT NULL DEFAULT false,
  auto_recharge_threshold_micros bigint NOT NULL DEFAULT 0 CHECK (auto_recharge_threshold_micros >= 0),
  auto_recharge_amount_micros    bigint NOT NULL DEFAULT 0 CHECK (auto_recharge_amount_micros >= 0),
  -- Why auto-recharge stopped (a decline), shown to the customer; null while it works.
  auto_recharge_stopped_reason text,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  CHECK (NOT auto_recharge_enabled OR (auto_recharge_threshold_micros > 0 AND auto_recharge_amount_micros > 0))
);

-- Append-only: rows are inserted, never updated or deleted (a trigger below enforces it).
CREATE TABLE ledger_entries (
  id                  bigserial PRIMARY KEY,
  account_id          text NOT NULL REFERENCES accounts (id),
  -- The account's ledger_seq after this entry: the balance at seq N is balance_after_micros of entry N.
  seq                 bigint NOT NULL CHECK (seq > 0),
  kind                text NOT NULL CHECK (kind IN ('topup', 'reversal', 'call_debit', 'auto_recharge', 'adjustment')),
  -- Signed: credits are positive, debits negative.
  amount_micros       bigint NOT NULL CHECK (amount_micros <> 0),
  balance_after_micros bigint NOT NULL,
  idempotency_key     text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 300),
  -- Call debits: the call and the cumulative amount debited for it up to and including this entry.
  call_id             text,
  call_total_micros   bigint,
  -- Reversals: the top-up reversed (once: UNIQUE).
  reverses_entry_id   bigint UNIQUE REFERENCES ledger_entries (id),
  reason              text,
  actor               text,
  -- Call destination and duration, payment references, anything shown beside the entry.
  metadata            jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, seq),
  CHECK ((kind = 'call_debit') = (call_id IS NOT NULL AND call_total_micros IS NOT NULL)),
  CHECK ((kind = 'reversal') = (reverses_entry_id IS NOT NULL)),
  CHECK (kind <> 'reversal' OR (reason IS NOT NULL AND actor IS NOT NULL))
);
CREATE INDEX ledger_entries_call ON ledger_entries (account_id, call_id) WHERE call_id IS NOT NULL;

CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entries is append-only';
END $$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

-- The card on file: only the processor's token and the last four digits, never a card number.
CREATE TABLE payment_methods (
  id          bigserial PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id),
  token       text NOT NULL CHECK (length(token) BETWEEN 1 AND 200),
  last4       char(4) NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  brand       text NOT NULL CHECK (length(brand) BETWEEN 1 AND 40),
  created_at  timestamptz NOT NULL DEFAULT now(),
  removed_at  timestamptz
);
-- One card on file per account at a time.
CREATE UNIQUE INDEX payment_methods_current ON payment_methods (account_id) WHERE removed_at IS NULL;

-- Every charge asked of the card processor, approved or not: the trail of declines and timeouts.
CREATE TABLE payment_attempts (
  id            bigserial PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts (id),
  request_id    text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('topup', 'auto_recharge')),
  amount_micros bigint NOT NULL CHECK (amount_micros > 0),
  outcome       text NOT NULL CHECK (outcome IN ('approved', 'declined', 'insufficient_funds', 'unavailable')),
  provider_reference text,
  detail        text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_attempts_account ON payment_attempts (account_id, id);
