#!/usr/bin/env bash
# Makes the benchmarks' data set (shared by bench/run.sh and bench/search/run.sh).
#
#   bench/dataset.sh MAILLAGE RECORDS   → prints the path of the grown file
#
# The real places of $MAILLAGE_SHARED_DIR/data/cartographie-snapshots are imported into a
# temporary database and exported once by maillage as standard v1 CSV (bench/out/seed-export.csv),
# then grown to RECORDS records with unique ids by make_dataset.py
# (bench/out/standard-v1-RECORDS.csv, kept between runs while the export is the same).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MAILLAGE=$1
RECORDS=$2
OUT=$ROOT/bench/out
SNAPSHOTS=${MAILLAGE_SHARED_DIR:-$ROOT/../shared}/data/cartographie-snapshots
[ -d "$SNAPSHOTS" ] || { echo "bench/dataset.sh: no $SNAPSHOTS" >&2; exit 1; }

mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$MAILLAGE" import --db "$TMP/seed.db" "$SNAPSHOTS"/*.json >"$TMP/seed-import.log"
"$MAILLAGE" export --db "$TMP/seed.db" --format csv --out "$TMP/seed.csv" 2>/dev/null
SEED=$OUT/seed-export.csv
DATA=$OUT/standard-v1-$RECORDS.csv
if [ ! -f "$DATA" ] || ! cmp -s "$TMP/seed.csv" "$SEED"; then
  cp "$TMP/seed.csv" "$SEED"
  python3 "$ROOT/bench/make_dataset.py" "$SEED" "$DATA.tmp" "$RECORDS"
  mv "$DATA.tmp" "$DATA"
fi
echo "   $(($(wc -l <"$SEED") - 1)) real places exported, grown to $DATA" >&2
echo "$DATA"
