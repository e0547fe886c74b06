#!/usr/bin/env bash
# A lookup as a user could do it with plain tools, against `rapport find`, on
# the large demo set: sqlite3 with LIKE over names and e-mails, and sqlite3
# piped into fzf's filter mode. Each command runs 5 times; the best wall time
# is printed. Installs fzf if it is missing.
#   bench/compare.sh [QUERY] [ACCOUNTS]   (defaults: korh, 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
q=${1:-korh}
n=${2:-100000}
db=target/bench-data/demo-$n.db
command -v fzf >/dev/null || { apt-get update -qq && apt-get install -y -qq fzf >/dev/null; }
cargo build --release -q
[ -f "$db" ] || target/release/rapport --db "$db" demo --no-open --accounts "$n"

best() {
  local label=$1; shift
  local best=999999
  for _ in 1 2 3 4 5; do
    local s e ms
    s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    ms=$(( (e - s) / 1000000 ))
    (( ms < best )) && best=$ms
  done
  printf '%-58s %6d ms\n' "$label" "$best"
}

like="%$q%"
best "rapport find $q (fuzzy: names, contacts, e-mails, phones)" target/release/rapport --db "$db" find "$q"
best "sqlite3 LIKE on account and contact names and e-mails" sqlite3 "$db" \
  "SELECT a.name FROM accounts a WHERE a.name LIKE '$like' UNION SELECT a.name FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.name LIKE '$like' OR c.email LIKE '$like' LIMIT 10"
best "sqlite3 | fzf --filter (names and contacts)" bash -c \
  "sqlite3 '$db' \"SELECT name FROM accounts UNION ALL SELECT c.name || ' ' || coalesce(c.email, '') FROM contacts c\" | fzf --filter '$q' | head -10"
