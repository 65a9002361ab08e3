#!/usr/bin/env bash
# Concurrent-write benchmark (issue 15, point 5): get-or-creates of new provided_ids (POST /api/create_customer/, each
# a durable write on the LiteDB store) from 1 client, then from 16 clients, against the same server process.
# Prints requests/s and latencies of both and the ratio 16 clients / 1 client. The target is a ratio of at least 4:
# the store commits the units of work waiting together as one group (one LiteDB transaction, one flush).
#
# Knobs (environment): DURATION (15s), WARMUP (3s), CLIENTS (16), THREADS (1), TARGET (4), HOST_DLL (a built
# Explo.Domain.LoadHost.dll of another checkout, to measure an older version with this script).
set -euo pipefail

DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-3s}
CLIENTS=${CLIENTS:-16}
THREADS=${THREADS:-1}
TARGET=${TARGET:-4}
TOKEN=load-benchmark-token-0123456789abcdef

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
lua="$here/create.lua"

die() { echo "creates.sh: $*" >&2; exit 1; }
trap 'echo "creates.sh: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

# shellcheck source=common.sh
. "$here/common.sh"
ensure_wrk

host_dll

tmp=$(mktemp -d)
host_pid=
cleanup() {
    if [ -n "$host_pid" ]; then kill -TERM "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

port=$(free_port)
base="http://127.0.0.1:$port"

# The database is on the same file system as the temporary folder: say which, since fsync's cost depends on it.
echo "Starting the host on $base with a new database in $tmp ($(df -T "$tmp" | awk 'NR==2 {print $2}'))..."
(cd "$tmp" && EXPLO_API_TOKEN="$TOKEN" exec dotnet "$dll" --db "$tmp/bench.db" --urls "$base") >>"$tmp/host.log" 2>&1 &
host_pid=$!
for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; then break; fi
    kill -0 "$host_pid" 2>/dev/null || { cat "$tmp/host.log" >&2; die "the host exited before answering /healthz"; }
    sleep 0.2
done
curl -fsS -o /dev/null "$base/healthz" || { cat "$tmp/host.log" >&2; die "the host did not answer /healthz"; }

export WRK_TOKEN="$TOKEN"
run_wrk() { wrk_run "$1" "$2" "$3" "$base/api/create_customer/"; }

echo "wrk: $(wrk -v 2>&1 | head -n 1 || true); $THREADS thread(s); warm-up $WARMUP, run $DURATION each; $(nproc) cores shared by wrk and the host."
run_wrk warmup "$CLIENTS" "$WARMUP"
echo "Measuring 1 client..."
run_wrk one 1 "$DURATION"
echo "Measuring $CLIENTS clients..."
run_wrk many "$CLIENTS" "$DURATION"

# Every acknowledged create is in the database: the count the API reports covers both runs.
count=$(curl -fsS -H "Explo-Authorization: Token $TOKEN" "$base/v2/api/customers/?page_size=1" \
    | sed -n 's/.*"total_count": *\([0-9]*\).*/\1/p')

one=$(rps one); many=$(rps many)
ratio=$(awk -v a="$many" -v b="$one" 'BEGIN { printf "%.2f", a / b }')
verdict=$(awk -v r="$ratio" -v t="$TARGET" 'BEGIN { print (r >= t) ? "met" : "NOT met" }')
echo
echo "| clients | requests/s | p50 ms | p99 ms | requests |"
echo "|---|---|---|---|---|"
echo "| 1 | $one | $(pct one 50) | $(pct one 99) | $(total one) |"
echo "| $CLIENTS | $many | $(pct many 50) | $(pct many 99) | $(total many) |"
echo
echo "Ratio $CLIENTS clients / 1 client: ${ratio}x (target >= ${TARGET}x: $verdict). Customers in the database after the runs: ${count:-?}."
