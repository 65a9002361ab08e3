# Shared by the load scripts (run.sh, creates.sh): sourced, not run. They define die() and $tmp before using these.

# Installs wrk from Debian's packages when it is missing (a fresh container may have no package lists yet: update and
# retry once).
ensure_wrk() {
    if ! command -v wrk >/dev/null 2>&1; then
        local sudo=()
        if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
        echo "Installing wrk from the Debian packages..."
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y wrk \
            || { "${sudo[@]}" apt-get update && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y wrk; }
    fi
}

# Prints a free loopback port: a random one nothing answers on (the host fails loudly if it can't bind after all).
free_port() {
    local candidate
    for _ in $(seq 1 50); do
        candidate=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then echo "$candidate"; return 0; fi
    done
    die "found no free port"
}

# wrk prints latencies with a unit (us, ms, s, m); normalise to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000; else if (u != "ms") n = -1
        printf "%.2f", n }'
}

# From wrk's output in $tmp/wrk-<label>.txt: requests/s, and a latency percentile in milliseconds.
rps() { awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk-$1.txt"; }
pct() { to_ms "$(awk -v p="$2%" '$1 == p { print $2 }' "$tmp/wrk-$1.txt")"; }

# Sets $dll to the load host: the one $HOST_DLL names (a build of another checkout), or this checkout's, built in Release.
# Needs $root.
host_dll() {
    if [ -n "${HOST_DLL:-}" ]; then
        dll=$(realpath "$HOST_DLL")
    else
        local project="$root/benchmarks/Explo.Domain.LoadHost"
        echo "Building $project (Release)..."
        dotnet build -c Release -nologo -v quiet "$project"
        dll="$project/bin/Release/net10.0/Explo.Domain.LoadHost.dll"
    fi
    [ -f "$dll" ] || die "no $dll"
}

# Runs wrk with the Lua script $lua (its requests prefixed by the label, WRK_PREFIX) against a URL, $THREADS threads:
# label connections duration url. Its output goes to $tmp/wrk-<label>.txt; fails on any error wrk counted.
wrk_run() {
    local label=$1 connections=$2 duration=$3 url=$4 out="$tmp/wrk-$1.txt"
    WRK_PREFIX=$label wrk -t"$THREADS" -c"$connections" -d"$duration" -s "$lua" --latency "$url" >"$out" 2>&1 \
        || { cat "$out" >&2; die "wrk failed ($label)"; }
    if grep -q -e 'Non-2xx or 3xx responses' -e 'Socket errors' "$out"; then cat "$out" >&2; die "wrk counted errors ($label)"; fi
    grep -q '^Requests/sec:' "$out" || { cat "$out" >&2; die "no Requests/sec ($label)"; }
}

# How many requests wrk completed in the run of a label.
total() { awk '/requests in/ { print $1 }' "$tmp/wrk-$1.txt"; }
