#!/usr/bin/env bash
# The benchmark entry point (`make bench`). See bench/README.md.
#
# 1. Builds Release into build-release/ (maillage + the micro-benchmarks).
# 2. Makes the data set in bench/out/: the real places of ../shared/data/cartographie-snapshots
#    imported into a temporary database and exported once by maillage as standard v1 CSV, then
#    grown to $BENCH_RECORDS (default 1,000,000) records with unique ids (make_dataset.py).
# 3. Times `maillage import` into an empty database, the same import again (all unchanged),
#    `maillage validate`, and the baseline `sqlite3 .import` of the same file (measure.py);
#    prints a table and writes bench/out/import.json.
# 4. Runs the micro-benchmarks (bench/import_bench.cpp) into bench/out/import_micro.json,
#    unless BENCH_MICRO=0.
#
# Environment: BENCH_RECORDS (default 1000000), BENCH_MICRO (default 1), BUILD_RELEASE (default
# build-release), MAILLAGE_SHARED_DIR (default ../shared next to the repository).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_RELEASE:-$ROOT/build-release}
OUT=$ROOT/bench/out
RECORDS=${BENCH_RECORDS:-1000000}
export MAILLAGE_SHARED_DIR=${MAILLAGE_SHARED_DIR:-$ROOT/../shared}

for tool in cmake ninja python3 sqlite3; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is missing (scripts/setup.sh)" >&2; exit 1; }
done

echo "== build (Release, $BUILD)" >&2
# -Wno-restrict: GCC 12 at -O3 reports a false -Wrestrict inside std::string's operator+
# (GCC bug 105329), which -Werror would turn into a failed Release build. -Wno-maybe-uninitialized:
# the same for a moved std::optional<search::Query> in src/web/site.cpp (read_search) at -O3.
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="-Wno-restrict -Wno-maybe-uninitialized" >/dev/null
cmake --build "$BUILD" --target maillage import_bench
MAILLAGE=$BUILD/maillage

echo "== data set ($RECORDS records)" >&2
DATA=$("$ROOT/bench/dataset.sh" "$MAILLAGE" "$RECORDS")

echo "== import benchmark" >&2
status=0
python3 "$ROOT/bench/measure.py" --maillage "$MAILLAGE" --csv "$DATA" --records "$RECORDS" \
  --work "$OUT/work" --json "$OUT/import.json" || status=$?
rm -f "$OUT"/work/*.db "$OUT"/work/*.db-wal "$OUT"/work/*.db-shm

if [ "${BENCH_MICRO:-1}" != 0 ]; then
  echo "== micro-benchmarks (bench/import_bench.cpp)" >&2
  "$BUILD/import_bench" --benchmark_out="$OUT/import_micro.json" --benchmark_out_format=json
fi
exit $status
