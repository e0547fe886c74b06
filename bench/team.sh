#!/usr/bin/env bash
# Team sync benchmark on a throwaway local PostgreSQL cluster:
#   1. `rapport team init` of a demo book of N accounts (upload, COPY),
#   2. `rapport team join` of that book on a new laptop (initial sync),
#   3. a day's changes of a team: ~2,000 per-field ops logged on one laptop,
#      then `rapport sync` there (push) and on the other laptop (pull).
#
#   bench/team.sh [ACCOUNTS ...]     default: 100000 (add 1000000 for the 1M figure)
#   RAPPORT_BIN=target/debug/rapport bench/team.sh 2000   (no release build)
# Needs PostgreSQL 15+ (initdb, pg_ctl); builds --release. Runs as root via runuser.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100000}")
bindir="$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
[ -x "$bindir/initdb" ] || { echo "bench/team.sh: PostgreSQL's initdb is needed (apt install postgresql)" >&2; exit 1; }
# RAPPORT_BIN=target/debug/rapport skips the release build (figures then read as a debug build's).
if [ -z "${RAPPORT_BIN:-}" ]; then
  cargo build --release --quiet
fi
bin="${RAPPORT_BIN:-${CARGO_TARGET_DIR:-$PWD/target}/release/rapport}"
work="$(mktemp -d)"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { as_pg "$bindir/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
[ "$(id -u)" = 0 ] && chown postgres "$work"
echo bench > "$work/pw"
as_pg "$bindir/initdb" -D "$work/pg" -U postgres --auth-host=scram-sha-256 --auth-local=trust --pwfile="$work/pw" --no-sync >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$bindir/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w start \
  -o "-c fsync=off -c listen_addresses=127.0.0.1 -p $port -k $work" >/dev/null
export PGPASSWORD=bench RAPPORT_CONFIG="$work/config.toml"
secs() { python3 -c "import time,sys; print(f'{time.time()-float(sys.argv[1]):.2f}')" "$1"; }
now() { python3 -c 'import time; print(time.time())'; }
# Runs a command, output dropped; prints "WALL_S PEAK_MB" (the whole process: wall time and peak resident memory).
measured() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.time()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{time.time() - t:.2f} {peak:.0f}")
PY
}

for n in "${sizes[@]}"; do
  data="target/bench-data/demo-$n.db"
  [ -n "${RAPPORT_BIN:-}" ] && data="$work/demo-$n.db"
  mkdir -p target/bench-data
  [ -f "$data" ] || nice "$bin" --db "$data" demo --no-open --accounts "$n" >/dev/null
  db="team$n"
  as_pg psql -q -h "$work" -p "$port" -U postgres -c "CREATE DATABASE $db" >/dev/null
  url="postgres://postgres@127.0.0.1:$port/$db?sslmode=disable"
  cp "$data" "$work/manager.db"
  read -r init init_mb < <(measured "$bin" --db "$work/manager.db" team init --server "$url")
  read -r join join_mb < <(measured "$bin" --db "$work/rep.db" team join --server "$url")
  accounts=$(sqlite3 "$work/rep.db" "SELECT count(*) FROM accounts" 2>/dev/null || echo "?")
  records=$(as_pg psql -qAt -h "$work" -p "$port" -U postgres -d "$db" -c "SELECT count(*) FROM rapport.records")
  server_mb=$(as_pg psql -qAt -h "$work" -p "$port" -U postgres -d "$db" -c "SELECT pg_database_size(current_database()) / 1048576")
  echo "$n accounts ($records records, server database ${server_mb} MB):"
  echo "  team init (upload) ${init} s, peak ${init_mb} MB · team join (initial sync, $accounts accounts) ${join} s, peak ${join_mb} MB"
  # A day's changes: calls logged and accounts edited on the manager's laptop.
  names=$(sqlite3 "$work/manager.db" "SELECT id FROM accounts WHERE deleted_at IS NULL LIMIT 120")
  for id in $names; do
    "$bin" --db "$work/manager.db" log "#$id" "bench call" >/dev/null
  done
  ops=$(python3 - "$work/manager.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
pushed = int((c.execute("SELECT value FROM settings WHERE key='team_pushed'").fetchone() or [0])[0])
rows = c.execute("SELECT op FROM change_log WHERE id > ? AND entity IN ('account','activity','contact','deal','conflict','rep','target')", (pushed,)).fetchall()
print(sum(17 if op == "insert" else 3 for (op,) in rows))
PY
)
  t=$(now); "$bin" --db "$work/manager.db" sync >/dev/null; push=$(secs "$t")
  t=$(now); "$bin" --db "$work/rep.db" sync >/dev/null; pull=$(secs "$t")
  t=$(now); "$bin" --db "$work/rep.db" sync >/dev/null; idle=$(secs "$t")
  echo "  a day's changes (~$ops ops): sync push ${push} s · sync pull ${pull} s · a sync with nothing to do ${idle} s"
  rm -f "$work"/manager.db* "$work"/rep.db*
done
