#!/usr/bin/env bash
# Two server instances on one PostgreSQL database (issue 16, point 5d): 16 concurrent clients doing get-or-creates of
# new provided_ids (POST /api/create_customer/, each a durable write) against one instance, then the same 16 clients
# split over two instances (8 each, two wrk processes at once), on a throwaway durable PostgreSQL cluster (PostgreSQL's
# own settings: fsync and synchronous commit on). Prints requests/s and latencies of both, and checks that the database
# holds exactly one customer per acknowledged request. On 2 cores nothing scales: the point is that two instances stay
# correct and what they cost.
#
# Knobs (environment): DURATION (15s), WARMUP (3s), CLIENTS (16, split evenly over the two instances), THREADS (1 per
# wrk), HOST_DLL (a built Explo.Domain.LoadHost.dll of another checkout).
set -euo pipefail

DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-3s}
CLIENTS=${CLIENTS:-16}
THREADS=${THREADS:-1}
TOKEN=load-benchmark-token-0123456789abcdef

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
lua="$here/create.lua"

die() { echo "instances.sh: $*" >&2; exit 1; }
trap 'echo "instances.sh: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

# shellcheck source=common.sh
. "$here/common.sh"
ensure_wrk

host_dll

tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
pg_ctl_as=()
pg_data=
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    if [ -n "$pg_data" ]; then "${pg_ctl_as[@]}" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# The database: a new durable cluster in the temporary folder (as the postgres user when run as root: PostgreSQL
# refuses to run as root), its own "postgres" database.
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || die "no /usr/lib/postgresql/*/bin/initdb: install PostgreSQL (apt-get install -y postgresql)"
as=()
if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); chown postgres: "$tmp"; fi
pg_data="$tmp/pg"
pg_port=$(free_port)
"${as[@]}" "$bin/initdb" -D "$pg_data" -U postgres --auth=trust -E UTF8 --locale=C >"$tmp/initdb.log" 2>&1 \
    || { cat "$tmp/initdb.log" >&2; die "initdb failed"; }
pg_ctl_as=("${as[@]}" "$bin/pg_ctl")
"${pg_ctl_as[@]}" -D "$pg_data" -l "$tmp/pg.log" -w -o "-p $pg_port -k $tmp -c listen_addresses=127.0.0.1" start >/dev/null \
    || { cat "$tmp/pg.log" >&2; die "PostgreSQL did not start"; }
connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
echo "Started a durable PostgreSQL cluster ($("$bin/postgres" --version)) on port $pg_port, data in $pg_data ($(df -T "$tmp" | awk 'NR==2 {print $2}'))."

start_host() { # label -> sets $started to the base URL; the host's pid joins $pids (no subshell: the trap needs it)
    local label=$1 port
    port=$(free_port)
    started="http://127.0.0.1:$port"
    (cd "$tmp" && EXPLO_API_TOKEN="$TOKEN" exec dotnet "$dll" --postgres "$connection" --urls "$started") >>"$tmp/host-$label.log" 2>&1 &
    pids+=("$!")
    for _ in $(seq 1 150); do
        if curl -fsS -o /dev/null "$started/healthz" 2>/dev/null; then return 0; fi
        kill -0 "${pids[-1]}" 2>/dev/null || { cat "$tmp/host-$label.log" >&2; die "host $label exited before answering /healthz"; }
        sleep 0.2
    done
    cat "$tmp/host-$label.log" >&2
    die "host $label did not answer /healthz"
}

export WRK_TOKEN="$TOKEN"
wrk_to() { wrk_run "$1" "$2" "$3" "$4/api/create_customer/"; }

start_host a
a=$started
echo "Instance a on $a."
echo "wrk: $(wrk -v 2>&1 | head -n 1 || true); $THREADS thread(s) per wrk; warm-up $WARMUP, run $DURATION each; $(nproc) cores shared by wrk, the hosts and PostgreSQL."
wrk_to warmup-a "$CLIENTS" "$WARMUP" "$a"
echo "Measuring $CLIENTS clients on one instance..."
wrk_to one "$CLIENTS" "$DURATION" "$a"

start_host b
b=$started
echo "Instance b on $b (the same database)."
half=$((CLIENTS / 2))
wrk_to warmup-b "$half" "$WARMUP" "$b"
echo "Measuring $half + $half clients on two instances..."
wrk_to two-a "$half" "$DURATION" "$a" &
first=$!
wrk_to two-b "$half" "$DURATION" "$b"
wait "$first"

# Every acknowledged create is in the database, once: the count either instance reports is the sum of wrk's requests.
count=$(curl -fsS -H "Explo-Authorization: Token $TOKEN" "$b/v2/api/customers/?page_size=1" | sed -n 's/.*"total_count": *\([0-9]*\).*/\1/p')
acknowledged=$(( $(total warmup-a) + $(total one) + $(total warmup-b) + $(total two-a) + $(total two-b) ))

one=$(rps one)
two=$(awk -v a="$(rps two-a)" -v b="$(rps two-b)" 'BEGIN { printf "%.2f", a + b }')
p99two=$(awk -v a="$(pct two-a 99)" -v b="$(pct two-b 99)" 'BEGIN { printf "%.2f", (a > b) ? a : b }')
p50two=$(awk -v a="$(pct two-a 50)" -v b="$(pct two-b 50)" 'BEGIN { printf "%.2f", (a > b) ? a : b }')
echo
echo "| instances | clients | requests/s | p50 ms | p99 ms | requests |"
echo "|---|---|---|---|---|---|"
echo "| 1 | $CLIENTS | $one | $(pct one 50) | $(pct one 99) | $(total one) |"
echo "| 2 | $half + $half | $two ($(rps two-a) + $(rps two-b)) | $p50two | $p99two | $(( $(total two-a) + $(total two-b) )) |"
echo
echo "Two instances / one: $(awk -v a="$two" -v b="$one" 'BEGIN { printf "%.2f", a / b }')x requests/s (p50 and p99 of two instances: the slower instance's)."
# wrk stops counting at the end of a run with requests still in flight, which the server may still complete: the
# database holds every acknowledged customer, and at most one more per connection per run.
in_flight=$((CLIENTS + CLIENTS + half + half + half))
if [ -n "$count" ] && [ "$count" -ge "$acknowledged" ] && [ "$count" -le $((acknowledged + in_flight)) ]; then
    echo "Correct: the database holds $count customers for $acknowledged acknowledged requests (at most $in_flight more were in flight when wrk stopped)."
else
    die "the database holds ${count:-?} customers, but $acknowledged requests were acknowledged (and at most $in_flight more in flight)"
fi
