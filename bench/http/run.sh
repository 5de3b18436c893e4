#!/usr/bin/env bash
# The HTTP benchmark (`make bench-http`): the public pages (search, place, home) beside the API's
# search, requests per second under wrk on the bundled data set. See bench/README.md, section
# "HTTP: the public pages beside the API".
#
# 1. Installs wrk (and the other tools) if missing; builds Release into build-release/.
# 2. Starts `maillage serve` on a fresh database in bench/out/http/ (the first start loads the
#    bundled data set, about 21,800 places) and waits for /api/v1/sante.
# 3. wrk on each URL: the API search (the baseline), the same computed every time
#    (Cache-Control: no-cache), the search, place and home pages as the page cache serves them,
#    then "uncached": rotate.lua asks a different URL each time (one search page per commune,
#    one place page per place, more than the caches hold, so nearly every request is computed
#    and rendered), the search pages' own queries to the API likewise, and the search page
#    with Accept-Encoding: gzip.
# 4. Prints the table and writes bench/out/http/http.json (httpbench.py report). Numbers are
#    reported, not asserted: the script fails only when the server does not start or wrk is
#    missing.
#
# Environment: BENCH_WRK_SECONDS (10), BENCH_WRK_CONNECTIONS (32), BENCH_PORT (38090),
# BUILD_RELEASE, BENCH_MAILLAGE (measure that binary, no build).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/http
BUILD=${BUILD_RELEASE:-$ROOT/build-release}
WORK=$ROOT/bench/out/http
WRK_SECONDS=${BENCH_WRK_SECONDS:-10}
WRK_CONNECTIONS=${BENCH_WRK_CONNECTIONS:-32}
WRK_THREADS=2
PORT=${BENCH_PORT:-38090}
BASE=http://127.0.0.1:$PORT

log() { echo "$*" >&2; }
die() { log "bench/http/run.sh: $*"; exit 1; }

# --- 1. Packages and build --------------------------------------------------------------------
PACKAGES=(wrk curl python3 cmake ninja-build time)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "== installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -o DPkg::Lock::Timeout=600 -y -qq \
    "${missing[@]}" >/dev/null || true
fi
command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
! (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || die "port $PORT is in use (set BENCH_PORT)"

if [ -n "${BENCH_MAILLAGE:-}" ]; then
  MAILLAGE=$BENCH_MAILLAGE
else
  log "== build (Release, $BUILD)"
  # The same configuration as bench/run.sh (see there for the -Wno flags): one build for all.
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS="-Wno-restrict -Wno-maybe-uninitialized" >/dev/null
  cmake --build "$BUILD" --target maillage
  MAILLAGE=$BUILD/maillage
fi

# --- 2. The server, on a fresh database; stopped on exit --------------------------------------
rm -rf "$WORK"
mkdir -p "$WORK"
SERVER_PID=""
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
trap stop_server EXIT

log "== maillage serve (first start: loads the bundled data set)"
# --rate-limit 0: the per-client limit of the API would refuse the benchmark's requests.
# --sans-moissonnage: no harvest during the run (the bundled data is loaded on the first start
# whatever this flag says).
"$MAILLAGE" serve --db "$WORK/http.db" --port "$PORT" --rate-limit 0 --sans-moissonnage \
  >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
deadline=$(($(date +%s) + 300))
until curl -sf -o /dev/null "$BASE/api/v1/sante"; do
  kill -0 "$SERVER_PID" 2>/dev/null || die "the server stopped: $(tail -3 "$WORK/serve.log")"
  [ "$(date +%s)" -lt "$deadline" ] || die "$BASE/api/v1/sante did not answer within 300 s"
  sleep 0.2
done
PLACE=$(python3 "$HERE/httpbench.py" targets --base "$BASE" --work "$WORK") ||
  die "no data to measure (see $WORK)"
log "   $(curl -sf "$BASE/api/v1/sante")"

# --- 3. wrk -----------------------------------------------------------------------------------
{
  echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  dirty=$([ -z "$(git -C "$ROOT" status --porcelain -- src)" ] || echo " + uncommitted changes in src/")
  echo "commit $(git -C "$ROOT" rev-parse --short HEAD)$dirty"
  echo "wrk $(wrk --version 2>&1 | head -1 | cut -d' ' -f2) -t$WRK_THREADS -c$WRK_CONNECTIONS" \
    "-d${WRK_SECONDS}s"
  echo "clock_ticks $(getconf CLK_TCK)"
  echo "loadavg_start $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$WORK/meta.txt"
: >"$WORK/runs.tsv"
# CPU time (clock ticks) of a process, and of the whole machine (all but idle and I/O wait).
cpu_ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# run NAME WHAT PATH-OR-LIST [wrk options]: a path starting with / is asked every time; a file
# name (of $WORK) is a list of paths that rotate.lua asks in turn. runs.tsv gets the number of
# URLs, the server's CPU ticks, the machine's and wrk's CPU seconds (what else ran meanwhile).
run() {
  local name=$1 what=$2 target=$3 urls=1 server0 busy0
  shift 3
  log "   wrk $name: $what"
  local args=(-t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --latency "$@")
  if [[ $target == /* ]]; then
    args+=("$BASE$target")
  else
    urls=$(wc -l <"$WORK/$target")
    args+=(-s "$HERE/rotate.lua" "$BASE" -- "$WORK/$target" "$WRK_THREADS")
  fi
  server0=$(cpu_ticks_of "$SERVER_PID")
  busy0=$(busy_ticks)
  /usr/bin/time -f "%U %S" -o "$WORK/time-$name.txt" wrk "${args[@]}" >"$WORK/wrk-$name.txt" 2>&1 ||
    true
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$what" "$urls" \
    "$(($(cpu_ticks_of "$SERVER_PID") - server0))" "$(($(busy_ticks) - busy0))" \
    "$(tail -1 "$WORK/time-$name.txt")" >>"$WORK/runs.tsv"
}
GZIP=(-H "Accept-Encoding: gzip")
API="/api/v1/lieux?q=numerique&limite=20"
SEARCH="/recherche?q=numerique"
log "== wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${WRK_SECONDS}s, $BASE"
run api "API search $API (baseline)" "$API"
run api_no_cache "the same, Cache-Control: no-cache" "$API" -H "Cache-Control: no-cache"
run api_uncached "API, the uncached search pages' queries (naturel=oui) in turn" api-paths.txt
run search_page "search page $SEARCH" "$SEARCH"
run place_page "place page $PLACE" "$PLACE"
run home_page "home page /" "/"
run search_page_uncached "search pages $SEARCH&autour=INSEE in turn" search-paths.txt
run place_page_uncached "place pages /lieux/ID in turn" place-paths.txt
run search_page_gzip "search page, Accept-Encoding: gzip" "$SEARCH" "${GZIP[@]}"
run search_page_uncached_gzip "search pages in turn, Accept-Encoding: gzip" search-paths.txt \
  "${GZIP[@]}"
kill -0 "$SERVER_PID" 2>/dev/null ||
  die "the server stopped during the run: $(tail -3 "$WORK/serve.log")"
stop_server

# --- 4. Report --------------------------------------------------------------------------------
python3 "$HERE/httpbench.py" report --work "$WORK" --json "$WORK/http.json"
log "== $WORK/http.json"
