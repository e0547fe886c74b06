#!/usr/bin/env bash
# Import benchmark: 100,000 deal rows as a CSV, imported by `rapport import`
# into a fresh database (with its reps and accounts in place), against
# `sqlite3 .import` of the same CSV into a bare table. Prints both times.
#
#   bench/import.sh [ROWS]        (needs sqlite3, python3 and /usr/bin/time; builds --release)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-100000}"
command -v sqlite3 >/dev/null || { echo "bench/import.sh: sqlite3 is needed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench/import.sh: python3 is needed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/import.sh: /usr/bin/time is needed" >&2; exit 1; }
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/rapport"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$rows" <<'PY'
import sys, random
work, rows = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
reps = [f"Rep {i}" for i in range(20)]
with open(f"{work}/reps.csv", "w") as f:
    f.write("Name,Email\n")
    for r in reps:
        f.write(f"{r},{r.replace(' ', '.').lower()}@example.com\n")
with open(f"{work}/accounts.csv", "w") as f:
    f.write("Id,Name,OwnerId\n")
    for i in range(2000):
        f.write(f"001A{i:06d},Account {i},{reps[i % 20]}\n")
stages = ["Prospecting", "Qualification", "Proposal/Quote", "Negotiation/Review", "Closed Won", "Closed Lost"]
with open(f"{work}/deals.csv", "w") as f:
    f.write("Id,Name,AccountId,OwnerId,StageName,Amount,Probability,CloseDate,CreatedDate,LeadSource\n")
    for i in range(rows):
        m, d = rnd.randint(1, 12), rnd.randint(1, 28)
        f.write(f"006A{i:08d},Deal {i},001A{rnd.randrange(2000):06d},{rnd.choice(reps)},{rnd.choice(stages)},"
                f"{rnd.randint(100, 500000)}.{rnd.randint(0, 99):02d},{rnd.randint(0, 100)},2025-{m:02d}-{d:02d},2024-12-01,Web\n")
PY

export RAPPORT_CONFIG="$work/config.toml"
db="$work/book.db"
"$bin" --db "$db" import reps "$work/reps.csv" >/dev/null
"$bin" --db "$db" import accounts "$work/accounts.csv" >/dev/null

now() { date +%s.%N; }
# CPU time (user + system) as well as wall time: on a shared machine the
# wall time mostly measures the others' load.
cpu() { /usr/bin/time -f "%U %S" -o "$work/cpu.$1" "${@:2}"; }
t0=$(now)
cpu 1 "$bin" --db "$db" import deals "$work/deals.csv" | tail -n 2 | head -n 1
t1=$(now)
cpu 2 "$bin" --db "$db" import deals "$work/deals.csv" | tail -n 1
t2=$(now)
t3=$(now)
cpu 3 sqlite3 "$work/bare.db" ".mode csv" ".import $work/deals.csv deals"
t4=$(now)
python3 - "$t0" "$t1" "$t2" "$t3" "$t4" "$rows" "$work" <<'PY'
import sys
t0, t1, t2, t3, t4 = map(float, sys.argv[1:6])
rows, work = int(sys.argv[6]), sys.argv[7]
cpu = [sum(map(float, open(f"{work}/cpu.{i}").read().split()[-2:])) for i in (1, 2, 3)]
ours, again, theirs = t1 - t0, t2 - t1, t4 - t3
print(f"rapport import deals ({rows} rows, first time):  {ours:.2f} s  (CPU {cpu[0]:.2f} s)")
print(f"rapport import deals (same file again):        {again:.2f} s  (CPU {cpu[1]:.2f} s)")
print(f"sqlite3 .import into a bare table:             {theirs:.2f} s  (CPU {cpu[2]:.2f} s)")
print(f"ratio: {ours / theirs:.1f}x sqlite3 .import (CPU {cpu[0] / cpu[2]:.1f}x)")
PY
