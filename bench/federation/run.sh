#!/usr/bin/env bash
# The federation benchmark (`make bench-federation`): harvesting and deduplicating, with wall
# time and peak RSS of every command, on fresh databases. See bench/README.md, "Federation".
#
# 1. Builds Release into build-release/ (maillage only).
# 2. All of ../shared/data: a registry of every source file with its mapping profile (generated
#    into bench/out/federation/shared-sources.toml), then on a fresh database `sources load`,
#    `harvest` (first: everything added, then deduplicated), `harvest` again (every source
#    unchanged), `harvest --force` (everything read again, every record unchanged), `dedup`
#    alone; the first harvest again with --sans-dedoublonnage on another fresh database; and
#    the baseline: `maillage import --profile` of each file into a fresh database (summed), and
#    the import of a one-record file (the fixed cost of each of those processes).
# 3. One source of BENCH_RECORDS records (bench/dataset.sh) served over HTTP by
#    `python3 -m http.server` on a free loopback port: the baselines `curl -o /dev/null` of the
#    URL and `sqlite3 .import` of the same CSV; then `sources add` by URL, a first harvest, a
#    second one (HTTP 304), a modified copy written over the served file (1 % of the records
#    updated, 0.5 % removed) and its harvest, then `dedup` on the whole store.
# 4. Prints the tables and writes bench/out/federation.json (federation.py report); exit
#    status 1 when a step failed or a check did not hold (the counts expected at each step).
#
# Environment: BENCH_RECORDS (default 1000000), BENCH_STEP_TIMEOUT (seconds per command, 0 =
# none, the default), BENCH_MAILLAGE (a maillage binary to measure instead of building one),
# BENCH_KEEP=1 (keep the databases in bench/out/federation), BENCH_PARTS
# ("shared http", the default: run only some parts), BUILD_RELEASE, MAILLAGE_SHARED_DIR.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/federation
BUILD=${BUILD_RELEASE:-$ROOT/build-release}
OUT=$ROOT/bench/out
WORK=$OUT/federation
RECORDS=${BENCH_RECORDS:-1000000}
TIMEOUT=${BENCH_STEP_TIMEOUT:-0}
PARTS=${BENCH_PARTS:-shared http}
export MAILLAGE_SHARED_DIR=${MAILLAGE_SHARED_DIR:-$ROOT/../shared}
SHARED=$(cd "$MAILLAGE_SHARED_DIR" && pwd)

log() { echo "$*" >&2; }
die() { log "bench/federation/run.sh: $*"; exit 1; }

for tool in cmake ninja python3 sqlite3 curl; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup.sh)"
done
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package time: scripts/setup.sh)"
[ -d "$SHARED/data" ] || die "no $SHARED/data (set MAILLAGE_SHARED_DIR)"

# --- Build ------------------------------------------------------------------------------------
if [ -n "${BENCH_MAILLAGE:-}" ]; then
  MAILLAGE=$BENCH_MAILLAGE  # a binary built elsewhere (no build)
else
  log "== build (Release, $BUILD)"
  # The same configuration as bench/run.sh (see there for the -Wno flags): one build for all.
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS="-Wno-restrict -Wno-maybe-uninitialized" >/dev/null
  cmake --build "$BUILD" --target maillage
  MAILLAGE=$BUILD/maillage
fi

rm -rf "$WORK"
mkdir -p "$WORK/logs"
STEPS=$WORK/steps.tsv
NOTES=$WORK/notes.txt
: >"$STEPS"
: >"$NOTES"
note() { echo "$1 $2" >>"$NOTES"; }
note git "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo +dirty-src)"
note loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg)"

# Runs a command under /usr/bin/time (wall clock, peak RSS, user and system CPU), its output
# in logs/PART-STEP.log, and appends a line to steps.tsv. A failing command is recorded, not
# fatal: the report shows its exit status and the end of its output.
measure() {  # part step command...
  local part=$1 step=$2 rc=0
  shift 2
  local logf=$WORK/logs/$part-$step.log timef=$WORK/logs/$part-$step.time
  log "   $part/$step: $*"
  local cmd=("$@")
  [ "$TIMEOUT" = 0 ] || cmd=(timeout "$TIMEOUT" "$@")
  /usr/bin/time -f '%e %M %U %S' -o "$timef" "${cmd[@]}" >"$logf" 2>&1 </dev/null || rc=$?
  local secs rss user sys
  read -r secs rss user sys < <(tail -1 "$timef")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$part" "$step" "$secs" "$rss" "$user" "$sys" \
    "$rc" "$logf" "$*" >>"$STEPS"
  if [ "$rc" = 0 ]; then
    log "      ${secs} s, $((rss / 1024)) MiB"
  else
    log "      exit $rc after ${secs} s (see $logf):"
    tail -5 "$logf" | sed 's/^/      | /' >&2
  fi
}
db_mib() {  # db: size of the database and its WAL
  du -cm "$1" "$1-wal" 2>/dev/null | tail -1 | cut -f1
}
remove_db() { rm -f "$1" "$1-wal" "$1-shm"; }

# --- 1. All of ../shared/data -------------------------------------------------------------------
if [[ " $PARTS " == *" shared "* ]]; then
  log "== 1. all of $SHARED/data"
  REGISTRY=$WORK/shared-sources.toml
  python3 "$HERE/federation.py" registry --shared "$SHARED" --cases "$ROOT/tests/cases/profile_imports.tsv" \
    --out "$REGISTRY" --list "$WORK/shared-sources.tsv" --one "$WORK/one-record.json"
  note shared_sources "$(wc -l <"$WORK/shared-sources.tsv")"
  DB=$WORK/shared.db
  remove_db "$DB"
  measure shared sources-load "$MAILLAGE" sources load --db "$DB" "$REGISTRY"
  measure shared harvest-first "$MAILLAGE" harvest --db "$DB"
  measure shared harvest-again "$MAILLAGE" harvest --db "$DB"
  measure shared harvest-force "$MAILLAGE" harvest --db "$DB" --force
  measure shared dedup "$MAILLAGE" dedup --db "$DB"
  note shared_db_mib "$(db_mib "$DB")"

  # The first harvest without the deduplication, on another fresh database: against the imports.
  DB2=$WORK/shared-nodedup.db
  remove_db "$DB2"
  "$MAILLAGE" sources load --db "$DB2" "$REGISTRY" >/dev/null
  measure shared harvest-nodedup "$MAILLAGE" harvest --db "$DB2" --sans-dedoublonnage

  # Baseline: the plain import of each file with its profile into one fresh database.
  DB3=$WORK/shared-import.db
  remove_db "$DB3"
  while IFS=$'\t' read -r name profile path; do
    args=(import --db "$DB3" --source "$name")
    [ "$profile" = - ] || args+=(--profile "$profile")
    measure shared-import "$name" "$MAILLAGE" "${args[@]}" "$path"
  done <"$WORK/shared-sources.tsv"
  # The fixed cost of one import process (start-up, territory reference, opening the store).
  measure shared-fixed import-one-record "$MAILLAGE" import --db "$DB3" --source un-lieu "$WORK/one-record.json"
  if [ "${BENCH_KEEP:-0}" != 1 ]; then remove_db "$DB"; remove_db "$DB2"; remove_db "$DB3"; fi
fi

# --- 2. One source of RECORDS records over HTTP --------------------------------------------------
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

if [[ " $PARTS " == *" http "* ]]; then
  log "== 2. one source of $RECORDS records over HTTP"
  DATA=$("$ROOT/bench/dataset.sh" "$MAILLAGE" "$RECORDS")
  WWW=$WORK/www
  mkdir -p "$WWW"
  # A hard link (no copy of 500 MiB); the modified copy later replaces the link, not the data set.
  ln -f "$DATA" "$WWW/lieux.csv" 2>/dev/null || cp "$DATA" "$WWW/lieux.csv"
  note http_records "$RECORDS"
  note http_file_mib "$(( $(stat -c %s "$DATA") / 1048576 ))"

  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WWW" >"$WORK/logs/http-server.log" 2>&1 &
  SERVER_PID=$!
  URL=http://127.0.0.1:$PORT/lieux.csv
  deadline=$(($(date +%s) + 30))
  until curl -sf -o /dev/null -I "$URL"; do
    [ "$(date +%s)" -lt "$deadline" ] || die "python3 -m http.server did not answer on port $PORT"
    sleep 0.1
  done
  # The server must send Last-Modified and answer 304 to If-Modified-Since: the second harvest
  # measures exactly that.
  LAST_MODIFIED=$(curl -sfI "$URL" | tr -d '\r' | sed -n 's/^[Ll]ast-[Mm]odified: //p')
  note http_last_modified "$LAST_MODIFIED"
  note http_conditional_status "$(curl -s -o /dev/null -w '%{http_code}' -H "If-Modified-Since: $LAST_MODIFIED" "$URL")"

  # Baselines: the transfer alone, and SQLite's own CSV loader into a plain table.
  measure http curl curl -sS -o /dev/null "$URL"
  BASE_DB=$WORK/sqlite3-import.db
  remove_db "$BASE_DB"
  measure http sqlite3-import sqlite3 "$BASE_DB" ".import --csv $DATA places"
  remove_db "$BASE_DB"

  DB=$WORK/http.db
  remove_db "$DB"
  measure http sources-add "$MAILLAGE" sources add --db "$DB" grand-annuaire "$URL" --format csv
  measure http harvest-first "$MAILLAGE" harvest --db "$DB" --sans-dedoublonnage
  measure http harvest-304 "$MAILLAGE" harvest --db "$DB" --sans-dedoublonnage

  # The publisher's next export: 1 % of the records updated, 0.5 % removed; written next to the
  # served file and moved over it, with an mtime at least 2 s after the first (Last-Modified has
  # one-second precision).
  log "   modified copy"
  t0=$(date +%s%N)
  counts=$(python3 "$HERE/federation.py" modify "$DATA" "$WWW/lieux.csv.tmp")
  old=$(stat -c %Y "$WWW/lieux.csv")
  now=$(date +%s)
  touch -d "@$(( now > old + 2 ? now : old + 2 ))" "$WWW/lieux.csv.tmp"
  mv "$WWW/lieux.csv.tmp" "$WWW/lieux.csv"
  note http_modify "$counts"
  note http_modify_counts "$(echo "$counts" | sed -E 's/(updated|removed|kept) /\1=/g')"
  note http_modify_s "$(( ($(date +%s%N) - t0) / 1000000000 ))"
  measure http harvest-modified "$MAILLAGE" harvest --db "$DB" --sans-dedoublonnage
  measure http dedup "$MAILLAGE" dedup --db "$DB"
  note http_db_mib "$(db_mib "$DB")"
  cleanup
  SERVER_PID=""
  rm -f "$WWW/lieux.csv" "$WWW/lieux.csv.tmp"
  [ "${BENCH_KEEP:-0}" = 1 ] || remove_db "$DB"
fi

note loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$HERE/federation.py" report --work "$WORK" --json "$OUT/federation.json"
