# Sourced by scripts/backup.sh and scripts/restore.sh: PostgreSQL's client programs and
# the small helpers both need.

# Says why the calling script stops, and stops it.
fail() { echo "${0##*/}: $*" >&2; exit 1; }

# Seconds since $started (an $EPOCHREALTIME), to a tenth.
elapsed() { local us=$(( ${EPOCHREALTIME/[.,]/} - ${started/[.,]/} )); echo "$((us / 1000000)).$((us / 100000 % 10))"; }

# A PostgreSQL client program: the newest of Debian's versions, else the one on PATH.
tool() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1)
  found=${found:-$(command -v "$1" || true)}
  [ -n "$found" ] || fail "$1 is missing: install PostgreSQL's client (apt-get install postgresql-client)"
  echo "$found"
}
