#!/usr/bin/env bash
# HTTP load benchmark (issue 8): POST /api/get_customer/ against a constant-answer baseline endpoint of the same
# body size, both served by the same Explo.Domain.LoadHost process, driven by wrk one after the other.
# Prints a markdown table (requests/s, p50, p99) and the ratio get_customer / baseline requests/s.
#
# Knobs (environment): DURATION (20s), WARMUP (5s), CONNECTIONS (32), THREADS (1).
# See benchmarks/load/README.md.
set -euo pipefail

DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
TOKEN=load-benchmark-token-0123456789abcdef
CUSTOMER=bench-customer
TARGET_PERCENT=60  # issue 14: at least 60% of the bare endpoint (issue 8 asked 40%)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
project="$root/benchmarks/Explo.Domain.LoadHost"
lua="$here/post.lua"

die() { echo "run.sh: $*" >&2; exit 1; }
# set -e stops on any failing command; say which one, so no failure is silent.
trap 'echo "run.sh: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

# --- wrk ------------------------------------------------------------------------------------------------------------
# shellcheck source=common.sh
. "$here/common.sh"
ensure_wrk

# --- build ----------------------------------------------------------------------------------------------------------
echo "Building $project (Release)..."
dotnet build -c Release -nologo -v quiet "$project"
dll="$project/bin/Release/net10.0/Explo.Domain.LoadHost.dll"
[ -f "$dll" ] || die "no $dll after the build"

# --- host lifecycle -------------------------------------------------------------------------------------------------
tmp=$(mktemp -d)
db="$tmp/bench.db"
host_pid=

stop_host() {
    if [ -n "$host_pid" ]; then
        # SIGTERM: a graceful stop, which also checkpoints LiteDB's log into the file.
        kill -TERM "$host_pid" 2>/dev/null || true
        wait "$host_pid" 2>/dev/null || true
        host_pid=
    fi
}

cleanup() {
    stop_host
    rm -rf "$tmp"
}
trap cleanup EXIT

# A free port: a random one nothing answers on (the host fails loudly below if it can't bind after all).
port=$(free_port)
base="http://127.0.0.1:$port"

start_host() {
    # The host runs in the temporary folder (its content root); "$@" are extra host arguments.
    (cd "$tmp" && EXPLO_API_TOKEN="$TOKEN" exec dotnet "$dll" --db "$db" --urls "$base" "$@") >>"$tmp/host.log" 2>&1 &
    host_pid=$!
    for _ in $(seq 1 150); do
        if curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; then return 0; fi
        if ! kill -0 "$host_pid" 2>/dev/null; then
            host_pid=
            cat "$tmp/host.log" >&2
            die "the host exited before answering /healthz"
        fi
        sleep 0.2
    done
    cat "$tmp/host.log" >&2
    die "the host did not answer $base/healthz within 30 s"
}

# POST JSON to an API path; fails unless the answer is 2xx with "success":1. Prints the answer.
api() {
    local path=$1 body=$2 out status
    out="$tmp/answer.json"
    status=$(curl -sS -o "$out" -w '%{http_code}' -H "Explo-Authorization: Token $TOKEN" \
        -H 'Content-Type: application/json' --data-binary "$body" "$base$path")
    if [[ "$status" != 2* ]] || ! grep -q '"success":1' "$out"; then
        die "POST $path answered $status: $(cat "$out")"
    fi
    cat "$out"
}

# --- data -----------------------------------------------------------------------------------------------------------
echo "Starting the host on $base with a new database in $tmp..."
start_host

# A parent with a tag, a mapping entry and 3 properties; the benchmark customer below it with 8 properties, its own
# mapping entry and an e-mail, so the computed properties, mappings and tags merge two levels.
api /api/create_group_tag/ '{"name": "enterprise"}' >/dev/null
api /api/create_customer/ '{
  "provided_id": "bench-parent", "name": "Acme Holdings", "hierarchy_level_name": "Customer",
  "group_tags": ["enterprise"], "mapping": {"sales_schema": "warehouse-eu"},
  "properties": {"region": "EMEA", "tier": "gold", "currency": "EUR"}
}' >/dev/null
api /api/create_customer/ '{
  "provided_id": "'"$CUSTOMER"'", "name": "Acme Retail GmbH", "hierarchy_level_name": "User",
  "parent_provided_id": "bench-parent", "emails": ["ops@acme-retail.example"],
  "mapping": {"billing_schema": "warehouse-eu-billing"},
  "properties": {"plan": "enterprise", "seats": 250, "country": "DE", "industry": "retail",
                 "onboarded": "2023-04-17", "beta_features": true, "arr_usd": 182500.5,
                 "account_manager": "jane.doe@example.com"}
}' >/dev/null

request='{"provided_id": "'"$CUSTOMER"'"}'
api /api/get_customer/ "$request" >"$tmp/baseline.json"
grep -q '"computed_parent_schema_datasource_mapping":{"sales_schema"' "$tmp/baseline.json" \
    || die "the benchmark customer does not inherit its parent's mapping: $(cat "$tmp/baseline.json")"

# Restart on the same database with the captured answer as the baseline's constant body: the measured process
# serves both endpoints.
stop_host
echo "Restarting the host with the baseline endpoint..."
start_host --baseline-body "$tmp/baseline.json"

# Both answers from the measured process: the baseline must be byte-for-byte the real answer.
measure() { # path -> "status body_bytes header_bytes", body saved to $tmp/check.json
    curl -sS -o "$tmp/check.json" -w '%{http_code} %{size_download} %{size_header}\n' \
        -H "Explo-Authorization: Token $TOKEN" -H 'Content-Type: application/json' --data-binary "$request" "$base$1"
}
read -r real_status real_size real_headers < <(measure /api/get_customer/)
cp "$tmp/check.json" "$tmp/real.json"
read -r base_status base_size base_headers < <(measure /baseline/get_customer/)
[ "$real_status" = 200 ] || die "/api/get_customer/ answered $real_status"
[ "$base_status" = 200 ] || die "/baseline/get_customer/ answered $base_status"
cmp -s "$tmp/real.json" "$tmp/check.json" || die "the baseline body differs from the get_customer answer"
echo "Body sizes: /api/get_customer/ $real_size bytes (headers $real_headers), /baseline/get_customer/ $base_size bytes (headers $base_headers)."
[ "$real_size" = "$base_size" ] || die "body sizes differ"

# --- load -----------------------------------------------------------------------------------------------------------
export WRK_BODY="$request" WRK_TOKEN="$TOKEN"

# Runs wrk; fails loudly on non-2xx/3xx answers or socket errors. Output in $tmp/wrk-<label>.txt.
run_wrk() { # label duration path [extra wrk args]
    local label=$1 duration=$2 path=$3 out
    shift 3
    out="$tmp/wrk-$label.txt"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" -s "$lua" "$@" "$base$path" >"$out" 2>&1 \
        || { cat "$out" >&2; die "wrk failed ($label)"; }
    if grep -q 'Non-2xx or 3xx responses' "$out"; then
        cat "$out" >&2
        die "wrk counted non-2xx/3xx responses on $path ($label)"
    fi
    if grep -q 'Socket errors' "$out"; then
        cat "$out" >&2
        die "wrk counted socket errors on $path ($label)"
    fi
    grep -q '^Requests/sec:' "$out" || { cat "$out" >&2; die "no Requests/sec in wrk's output ($label)"; }
}

echo "wrk: $(wrk -v 2>&1 | head -n 1 || true); $THREADS thread(s), $CONNECTIONS connections, warm-up $WARMUP, run $DURATION each; $(nproc) cores shared by wrk and the host."
echo "Warming up..."
run_wrk warmup-get "$WARMUP" /api/get_customer/
run_wrk warmup-baseline "$WARMUP" /baseline/get_customer/
echo "Measuring /api/get_customer/..."
run_wrk get "$DURATION" /api/get_customer/ --latency
echo "Measuring /baseline/get_customer/..."
run_wrk baseline "$DURATION" /baseline/get_customer/ --latency

# --- report ---------------------------------------------------------------------------------------------------------

get_rps=$(rps get); base_rps=$(rps baseline)
ratio=$(awk -v a="$get_rps" -v b="$base_rps" 'BEGIN { printf "%.1f", 100 * a / b }')
verdict=$(awk -v r="$ratio" -v t="$TARGET_PERCENT" 'BEGIN { print (r >= t) ? "met" : "NOT met" }')

echo
echo "### wrk output"
for label in get baseline; do
    echo
    echo '```'
    cat "$tmp/wrk-$label.txt"
    echo '```'
done

echo
echo "| endpoint | requests/s | p50 | p99 | share of baseline |"
echo "|---|---:|---:|---:|---:|"
printf '| POST /api/get_customer/ | %.0f | %s ms | %s ms | %s%% |\n' "$get_rps" "$(pct get 50)" "$(pct get 99)" "$ratio"
printf '| POST /baseline/get_customer/ | %.0f | %s ms | %s ms | 100%% |\n' "$base_rps" "$(pct baseline 50)" "$(pct baseline 99)"
echo
echo "Ratio get_customer / baseline requests/s: $ratio% (target at least $TARGET_PERCENT%: $verdict)."
echo "Body sizes: $real_size bytes (get_customer) and $base_size bytes (baseline); $CONNECTIONS connections, $THREADS wrk thread(s), $DURATION per endpoint, $(nproc) cores."
