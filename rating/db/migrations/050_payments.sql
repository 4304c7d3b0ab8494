-- Card payments through one payment port (rating/funds/payments.ts): the state of every charge asked of
-- the card processor, the processor's customer of each account, and the webhook events already applied.

-- One row per Solde payment key (`topup:<request id>`, `auto-recharge:<account>:<seq>`), which is also the
-- processor's idempotency key. The row is claimed before the processor is asked, so one key reaches the
-- processor once however many requests carry it; `asking_until` is the lease of the one request asking now.
CREATE TABLE card_payments (
  payment_key   text PRIMARY KEY CHECK (length(payment_key) BETWEEN 1 AND 200),
  account_id    text NOT NULL REFERENCES accounts (id),
  kind          text NOT NULL CHECK (kind IN ('topup', 'auto_recharge')),
  amount_micros bigint NOT NULL CHECK (amount_micros > 0),
  currency      char(3) NOT NULL,
  processor     text NOT NULL,
  token         text NOT NULL,
  card          text NOT NULL,
  actor         text NOT NULL,
  status        text NOT NULL CHECK (status IN ('pending', 'needs_authentication', 'succeeded', 'declined')),
  reference     text,
  detail        text,
  entry_id      bigint REFERENCES ledger_entries (id),
  asks          integer NOT NULL DEFAULT 0,
  asking_until  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_payments_open ON card_payments (updated_at) WHERE status = 'pending';
CREATE INDEX card_payments_reference ON card_payments (reference) WHERE reference IS NOT NULL;

CREATE TABLE payment_customers (
  account_id  text PRIMARY KEY REFERENCES accounts (id),
  processor   text NOT NULL,
  customer_id text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Webhook events applied, by the processor's event id: a redelivered event changes nothing.
CREATE TABLE processor_events (
  event_id    text PRIMARY KEY,
  type        text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE payment_attempts DROP CONSTRAINT payment_attempts_outcome_check;
ALTER TABLE payment_attempts ADD CONSTRAINT payment_attempts_outcome_check
  CHECK (outcome IN ('approved', 'declined', 'insufficient_funds', 'unavailable', 'needs_authentication'));

-- A refund or a dispute at the processor may take a top-up back in parts (partial refunds): several
-- reversal entries of one top-up, each with its cause in metadata. A reversal by support (no cause) is
-- still one per top-up.
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_reverses_entry_id_key;
CREATE UNIQUE INDEX ledger_entries_one_support_reversal ON ledger_entries (reverses_entry_id)
  WHERE reverses_entry_id IS NOT NULL AND NOT (metadata ? 'cause');
CREATE INDEX ledger_entries_reverses ON ledger_entries (reverses_entry_id) WHERE reverses_entry_id IS NOT NULL;
