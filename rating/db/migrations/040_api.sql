-- API keys of the HTTP API and portal. Only a SHA-256 digest of each key is stored: the key itself is
-- 32 random bytes, shown once at creation, so a digest (no salt, no stretching) cannot be brute-forced
-- and can be looked up by index. account_id is the tenant an account-admin key is bound to; support
-- and operator keys see every tenant and have none.
CREATE TABLE api_keys (
  id          bigserial PRIMARY KEY,
  key_sha256  bytea NOT NULL UNIQUE CHECK (octet_length(key_sha256) = 32),
  -- First characters of the key ("sk_live_AbC1"), so a person can tell their keys apart; not secret.
  key_hint    text NOT NULL,
  role        text NOT NULL CHECK (role IN ('account-admin', 'support', 'operator')),
  account_id  text REFERENCES accounts (id),
  label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  CHECK ((role = 'account-admin') = (account_id IS NOT NULL))
);
CREATE INDEX api_keys_account ON api_keys (account_id) WHERE account_id IS NOT NULL;
