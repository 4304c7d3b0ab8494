-- The transaction history (rating/funds/ledger.ts ledgerPage: WHERE account_id = $1 [AND id < cursor]
-- ORDER BY id DESC LIMIT n) had no index in that order: Postgres walked the primary key backwards past
-- every other tenant's entries, 165 ms at 1.2 M ledger rows. With (account_id, id) a page is one short
-- backward range scan (bench/ledger-history.ts). A plain CREATE INDEX (migrations run in a transaction):
-- it holds ledger writes for the seconds it takes once, at the upgrade.
CREATE INDEX ledger_entries_account_id ON ledger_entries (account_id, id);
