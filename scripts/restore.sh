#!/usr/bin/env bash
# Restores a dump of scripts/backup.sh into a NEW database and says what it restored.
#
#   scripts/restore.sh FILE NEWDB
#
#   DATABASE_URL   a database of the cluster to restore into; NEWDB is created beside
#                  it (default: the local cluster, scripts/pg.sh url postgres)
#
# Refuses a NEWDB that exists. Restores in a single transaction that stops at the first
# error: on any error nothing is left behind (the NEWDB it created is dropped) and it
# exits 1. Then ANALYZE (a dump carries no planner statistics) and a summary on stdout:
# the tables, how many have row-level security, the policies, triggers and functions,
# the last migration, and the rows of the main tables. Row-level security (enabled
# tables and their policies), triggers, grants, sequences and SECURITY DEFINER functions
# come back as they were; triggers are created after the rows are loaded, so no trigger
# fires on a restored row (the analytics roll-ups are restored, not recomputed).
#
# What the cluster must hold first — pg_dump dumps a database, not the cluster's roles:
# - the role that owns the objects, i.e. the one that ran the migrations (`postgres` on
#   the local cluster, `debtflow` under docker compose): owners are kept, since the
#   SECURITY DEFINER functions act with their owner's rights. Any role the dump names
#   that the cluster lacks is named here, before anything is created: create it
#   (CREATE ROLE debtflow LOGIN PASSWORD '…') and run again;
# - the role `debtflow_app` (NOLOGIN), which the grants and policies name: created here
#   when missing, as migration 0002 does, with the restoring role as a member. The role
#   the app logs in as must be a member too: GRANT debtflow_app TO <it> if it is not the
#   restoring role;
# - PostgreSQL ≥ the dumped version, with the pg_trgm extension (postgresql-contrib).
# (Settings made with ALTER DATABASE … SET are not in a dump; DebtFlow's migrations make none.)
# The restoring role needs CREATEDB (and CREATEROLE when debtflow_app is missing).
#
# Then point DATABASE_URL at NEWDB, or swap names while the app is stopped:
#   ALTER DATABASE debtflow RENAME TO debtflow_old; ALTER DATABASE NEWDB RENAME TO debtflow;
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -eq 2 ] || { echo "usage: $0 FILE NEWDB" >&2; exit 2; }
FILE=$1
NEWDB=$2
URL="${DATABASE_URL:-$("$ROOT/scripts/pg.sh" url postgres)}"

# fail, elapsed, tool.
. "$ROOT/scripts/pg-client.sh"

# URL $1 naming database $2 instead: postgres://authority/db?query.
with_db() {
  local url=$1 query="" rest
  case $url in *\?*) query="?${url#*\?}"; url=${url%%\?*} ;; esac
  rest=${url#*://}
  echo "${url%%://*}://${rest%%/*}/$2$query"
}

[[ "$NEWDB" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || fail "NEWDB must be lower-case letters, digits and _ (at most 63), not '$NEWDB'"
[ -f "$FILE" ] && [ -r "$FILE" ] || fail "$FILE: no such readable file"
PSQL=$(tool psql)
PG_RESTORE=$(tool pg_restore)
NEWURL=$(with_db "$URL" "$NEWDB")
on() { local url=$1; shift; "$PSQL" -X -w -q -v ON_ERROR_STOP=1 -tA -d "$url" "$@"; }

list=$("$PG_RESTORE" --list "$FILE") || fail "$FILE is not a readable dump (pg_restore --list)"
ddl=$("$PG_RESTORE" --schema-only --file=- "$FILE") || fail "$FILE is not a readable dump (pg_restore --schema-only)"
exists=$(on "$URL" -c "SELECT count(*) FROM pg_database WHERE datname = '$NEWDB'") \
  || fail "cannot connect to the cluster (DATABASE_URL)"
[ "$exists" = 0 ] || fail "database $NEWDB exists: restore.sh restores only into a new database"

# The roles the dump names: owners, grantees, default privileges' roles.
roles=$(sed -nE 's/^ALTER .* OWNER TO ([^ ;]+);$/\1/p
                 s/^(GRANT|ALTER DEFAULT PRIVILEGES) .* TO ([^ ;]+);$/\2/p
                 s/^REVOKE .* FROM ([^ ;]+);$/\1/p
                 s/^ALTER DEFAULT PRIVILEGES FOR ROLE ([^ ]+) .*/\1/p' <<<"$ddl" \
  | tr -d '"' | grep -vx PUBLIC | sort -u || true)
missing=$(on "$URL" -v roles="$(paste -sd, - <<<"$roles")" <<'SQL'
SELECT r FROM unnest(string_to_array(:'roles', ',')) r
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) ORDER BY r;
SQL
)
others=$(grep -vx debtflow_app <<<"$missing" | paste -sd' ' - || true)
[ -z "$others" ] || fail "the cluster lacks the role(s) $others, which the dump names (as owners or grantees): create each first (CREATE ROLE name LOGIN …, as on the dumped cluster), then run again"
if grep -qx debtflow_app <<<"$roles"; then
  on "$URL" <<'SQL' || fail "cannot create the role debtflow_app (the restoring role needs CREATEROLE)"
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'debtflow_app') THEN
        CREATE ROLE debtflow_app NOLOGIN;
    END IF;
    IF NOT pg_has_role(current_user, 'debtflow_app', 'MEMBER') THEN
        EXECUTE format('GRANT debtflow_app TO %I', current_user);
    END IF;
END $$;
SQL
fi

encoding=$(sed -n "s/^SET client_encoding = '\(.*\)';$/\1/p" <<<"$ddl" | head -n 1)
started=$EPOCHREALTIME
on "$URL" -c "CREATE DATABASE \"$NEWDB\" TEMPLATE template0 ENCODING '${encoding:-UTF8}'" \
  || fail "CREATE DATABASE $NEWDB failed"
restored=no
trap '[ "$restored" = yes ] || on "$URL" -c "DROP DATABASE IF EXISTS \"$NEWDB\" WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
"$PG_RESTORE" -w --single-transaction --exit-on-error -d "$NEWURL" "$FILE" \
  || fail "pg_restore of $FILE failed (above): nothing restored, $NEWDB dropped"
on "$NEWURL" -c 'ANALYZE' || fail "ANALYZE of $NEWDB failed: $NEWDB dropped"
restored=yes

source_db=$(sed -n 's/^;[[:space:]]*dbname: //p' <<<"$list")
taken=$(sed -n 's/^; Archive created at //p' <<<"$list")
on "$NEWURL" -v file="$FILE" -v newdb="$NEWDB" -v source="$source_db" -v taken="$taken" \
  -v took="$(elapsed)" <<'SQL'
WITH tables AS (
    SELECT c.oid, c.relname, c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
), ledger AS (
    SELECT ARRAY['agencies', 'users', 'accounts', 'payments', 'journal_entries', 'journal_lines', 'audit_logs'] AS names
)
SELECT format('restored %s (%s, taken %s) into %s in %s s: %s tables (%s with row-level security, %s policies), %s triggers, %s functions%s',
              :'file', :'source', :'taken', :'newdb', :'took',
              (SELECT count(*) FROM tables), (SELECT count(*) FROM tables WHERE relrowsecurity),
              (SELECT count(*) FROM pg_policy), (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal),
              (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = 'public'
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')),
              CASE WHEN to_regclass('public._sqlx_migrations') IS NULL THEN ''
                   ELSE '; migrations through ' || (xpath('/row/v/text()', query_to_xml(
                            'SELECT max(version) AS v FROM public._sqlx_migrations', false, true, '')))[1]::text END)
UNION ALL
SELECT 'rows: ' || string_agg(format('%s %s', t.relname, (xpath('/row/n/text()', query_to_xml(
           format('SELECT count(*) AS n FROM public.%I', t.relname), false, true, '')))[1]),
       ', ' ORDER BY array_position(ledger.names, t.relname::text))
FROM tables t, ledger WHERE t.relname = ANY (ledger.names)
HAVING count(*) > 0;
SQL
