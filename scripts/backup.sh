#!/usr/bin/env bash
# A backup of the DebtFlow database that is known to restore (scripts/restore.sh; the
# test tests/http/backup.rs backs up, restores and checks the ledger every `make test`).
#
#   scripts/backup.sh        prints the path of the new dump on stdout, nothing else
#
#   DATABASE_URL      the database to back up (default: `debtflow` of the local cluster,
#                     scripts/pg.sh url)
#   BACKUP_DIR        where dumps go (default: .data/backups of the checkout; made 0700,
#                     each dump 0600 — they hold debtors' personal data)
#   BACKUP_KEEP_DAYS  dumps of this database older than this many days are deleted
#                     after a new one is verified (default: 14)
#
# What it does: pg_dump in the custom format (-Fc: compressed, restored selectively and
# in parallel by pg_restore) of one consistent snapshot of the database — schema, data,
# row-level security policies, triggers and grants, but not roles, which belong to the
# cluster (scripts/restore.sh says what the target cluster needs). The dump is written
# as <db>-<UTC time>.dump.partial, read back whole (`pg_restore --list`, then every data
# block to /dev/null), and only then renamed to <db>-<UTC time>.dump, so a dump that
# failed or was cut short never counts as a backup and never makes older ones go.
#
# Schedule: daily at a quiet hour, before the daily jobs (the first, maintenance, runs
# at 05:30 in each agency's time zone), e.g. in root's crontab
#   30 2 * * *  cd /srv/debtflow && DATABASE_URL=... scripts/backup.sh >>/var/log/debtflow-backup.log 2>&1
# then copy the dump off the machine (a backup on the database's disk dies with it);
# restore one into a scratch database every month (scripts/restore.sh) to prove it.
#
# Point-in-time recovery. A daily dump loses up to a day of payments; production also
# archives the write-ahead log, so the database can be rebuilt to any instant (say,
# the second before a bad import or a dropped table). In the server's postgresql.conf
# (archive_mode needs a restart):
#   wal_level = replica
#   archive_mode = on
#   archive_command = 'test ! -f /var/backups/debtflow/wal/%f && cp %p /var/backups/debtflow/wal/%f'
#   archive_timeout = 300      # a segment at least every 5 minutes: at most 5 minutes lost
# and a base backup daily (same hour as the dump, by the postgres user):
#   pg_basebackup -D /var/backups/debtflow/base/$(date -u +%F) -Ft -z -Xs -c fast
# Retention: 14 days of base backups, and the WAL from the oldest base backup kept
# (older WAL is of no use): after deleting a base backup,
#   pg_archivecleanup /var/backups/debtflow/wal <the oldest kept base's *.backup file>
# Keep the WAL archive on other storage than the database. To recover to an instant:
# stop the server, move its data directory aside, unpack the newest base backup taken
# before the instant into it, and set in its postgresql.conf
#   restore_command = 'cp /var/backups/debtflow/wal/%f %p'
#   recovery_target_time = '2026-12-02 14:29:59+00'
#   recovery_target_action = 'promote'
# then `touch <data>/recovery.signal` and start it: PostgreSQL replays the archived WAL
# up to that instant, then opens for writes on a new timeline. Run the data_quality job
# (`debtflow job run data_quality --force`) before letting users in.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
URL="${DATABASE_URL:-$("$ROOT/scripts/pg.sh" url debtflow)}"
DIR="${BACKUP_DIR:-$ROOT/.data/backups}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"

# fail, elapsed, tool.
. "$ROOT/scripts/pg-client.sh"

[[ "$KEEP_DAYS" =~ ^[1-9][0-9]*$ ]] || fail "BACKUP_KEEP_DAYS must be a whole number of days ≥ 1, not '$KEEP_DAYS'"
PSQL=$(tool psql)
PG_DUMP=$(tool pg_dump)
PG_RESTORE=$(tool pg_restore)

db=$("$PSQL" -X -w -d "$URL" -tAc 'SELECT current_database()') || fail "cannot connect to the database (DATABASE_URL)"
(umask 022 && mkdir -p "$DIR")   # .data must stay enterable by the postgres user (scripts/pg.sh)
chmod 700 "$DIR"
file="$DIR/$db-$(date -u +%Y%m%dT%H%M%SZ).dump"
[ ! -e "$file" ] || fail "$file already exists"
partial="$file.partial"
trap 'rm -f "$partial"' EXIT

started=$EPOCHREALTIME
(umask 077 && "$PG_DUMP" -w -Fc --lock-wait-timeout=60s -d "$URL" -f "$partial") || fail "pg_dump of $db failed"
list=$("$PG_RESTORE" --list "$partial") || fail "the dump of $db is unreadable (pg_restore --list)"
tables=$(grep -c ' TABLE DATA ' <<<"$list" || true)
"$PG_RESTORE" --file=/dev/null "$partial" || fail "the dump of $db does not read back whole"
mv "$partial" "$file"

pruned=$(find "$DIR" -maxdepth 1 -type f -name "$db-????????T??????Z.dump" ! -newermt "-$KEEP_DAYS days" -print -delete | wc -l)
echo "backup.sh: $db: $tables tables' data, $(du -h "$file" | cut -f1), $(elapsed) s; $pruned dumps older than $KEEP_DAYS days deleted" >&2
echo "$file"
