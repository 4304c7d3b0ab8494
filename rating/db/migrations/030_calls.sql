-- SIP call control: which PBX addresses belong to which tenant, and one record per call.

-- A PBX source is an address or network an account's PBX sends its INVITEs from. Networks may not
-- overlap, so that a source address always identifies exactly one tenant.
CREATE TABLE pbx_sources (
  id          bigserial PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  address     cidr NOT NULL,
  label       text NOT NULL DEFAULT '' CHECK (length(label) <= 200),
  created_at  timestamptz NOT NULL DEFAULT now(),
  EXCLUDE USING gist (address inet_ops WITH &&)
);
CREATE INDEX pbx_sources_account ON pbx_sources (account_id);

-- The call record (CDR), written once per call whatever the way it ended; a repeated write of the same
-- call id changes nothing. Amounts are micro-units of the account's currency.
CREATE TABLE call_records (
  call_id            text PRIMARY KEY CHECK (length(call_id) BETWEEN 1 AND 512),
  account_id         text NOT NULL REFERENCES accounts (id),
  extension          text NOT NULL DEFAULT '',
  class              text NOT NULL CHECK (class IN ('EMERGENCY', 'TOLL_FREE', 'INCLUDED', 'PREMIUM', 'INTERNATIONAL', 'INVALID')),
  dialled            text NOT NULL,
  e164               text,
  country            text,
  rule               text NOT NULL,
  tariff_prefix      text,
  per_minute_micros  bigint CHECK (per_minute_micros >= 0),
  started_at         timestamptz NOT NULL,
  answered_at        timestamptz,
  ended_at           timestamptz NOT NULL,
  -- INVITE received to end, and answer to end (0 when never answered), in milliseconds.
  duration_ms        bigint NOT NULL CHECK (duration_ms >= 0),
  talk_ms            bigint NOT NULL DEFAULT 0 CHECK (talk_ms >= 0),
  billed_seconds     integer NOT NULL DEFAULT 0 CHECK (billed_seconds >= 0),
  cost_micros        bigint NOT NULL DEFAULT 0 CHECK (cost_micros >= 0),
  ending_reason      text NOT NULL,
  -- Final status the caller got for the INVITE (200 when answered).
  sip_status         integer NOT NULL CHECK (sip_status BETWEEN 100 AND 699),
  -- Outcome of the funds settlement: ok, none (never charged), or the funds status that prevented it.
  settle_status      text NOT NULL DEFAULT 'none',
  created_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (answered_at IS NULL OR answered_at >= started_at),
  CHECK (ended_at >= started_at)
);
CREATE INDEX call_records_account_started ON call_records (account_id, started_at DESC);
