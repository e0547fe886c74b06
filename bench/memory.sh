#!/usr/bin/env bash
# Resident memory of the cockpit on the large demo set, read from /proc while
# it runs in tmux at 200x60: after opening, and after a lookup (which builds
# the search index). Budget: 150 MB.
#   bench/memory.sh [ACCOUNTS]   (default 100000; the database is reused)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
db=target/bench-data/demo-$n.db
cargo build --release -q
mkdir -p target/bench-data
[ -f "$db" ] || target/release/rapport --db "$db" demo --no-open --accounts "$n"
sock=$(mktemp -u /tmp/rapport-mem.XXXXXX)
trap 'tmux -S "$sock" kill-server 2>/dev/null || true' EXIT
tmux -S "$sock" new-session -d -x 200 -y 60 "target/release/rapport --db $db"
sleep 3
pid=$(pgrep -n -f "target/release/rapport --db $db")
rss() { awk '/^VmRSS|^VmHWM/ {printf "%s %.1f MB  ", $1, $2/1024}' "/proc/$pid/status"; echo; }
echo "after opening:       $(rss)"
tmux -S "$sock" send-keys / ; sleep 0.3; tmux -S "$sock" send-keys -l "jan"; sleep 3
echo "after a lookup:      $(rss)"
tmux -S "$sock" send-keys Escape; for _ in $(seq 40); do tmux -S "$sock" send-keys j; done; sleep 1
echo "after scrolling:     $(rss)"
tmux -S "$sock" send-keys q
