#!/bin/sh
# One-shot Temporal schema setup on PostgreSQL (docker-compose service temporal-schema, image
# temporalio/admin-tools): create the temporal and temporal_visibility databases and bring both
# schemas to the version this admin-tools release ships. Safe to run on every `up`.
set -eu

: "${POSTGRES_SEEDS:=postgresql}"
: "${DB_PORT:=5432}"
: "${POSTGRES_USER:=temporal}"
: "${POSTGRES_PASSWORD_FILE:=/run/secrets/postgres_password}"
# temporal-sql-tool reads the password from SQL_PASSWORD; it comes from the secret file only.
SQL_PASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")"
export SQL_PASSWORD

schema=/etc/temporal/schema/postgresql/v12
sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  dir=$schema/${pair#*:}/versioned
  echo "temporal-schema: database $db"
  sql --db "$db" create
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$dir"
done
echo "temporal-schema: done"
