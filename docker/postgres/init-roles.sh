#!/bin/bash
# Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d): the two
# roles Solde uses. solde_owner owns the database and, through the migrations, every table; solde_app is
# what the running service logs in as, granted by the migrations (rating/db/roles.ts): no TRUNCATE,
# UPDATE or DELETE on the ledger, no schema changes. Passwords come from the environment, quoted by psql.
set -euo pipefail
: "${SOLDE_OWNER_DB_PASSWORD:?set SOLDE_OWNER_DB_PASSWORD}"
: "${SOLDE_APP_DB_PASSWORD:?set SOLDE_APP_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$SOLDE_OWNER_DB_PASSWORD" -v app_password="$SOLDE_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE solde_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE solde_app LOGIN PASSWORD :'app_password';
ALTER DATABASE solde OWNER TO solde_owner;
REVOKE ALL ON DATABASE solde FROM PUBLIC;
GRANT CONNECT ON DATABASE solde TO solde_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
