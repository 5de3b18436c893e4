#!/usr/bin/env bash
# maillage against an earlier maillage: the regression check of the search benchmark.
#
#   bench/search/compare_commits.sh COMMIT [ROUNDS]
#
# Builds COMMIT (Release) in a git worktree under bench/out/, then serves the 1,000,000-place
# database of the last bench/search/run.sh with that binary and with this tree's
# (build-release/), in turn, ROUNDS times (default 2), and times COMMIT's query set
# (bench/search/queries.tsv as it was then) with search_client. Prints each query's p50 per run
# and new/old on the best run of each, and how many queries are more than 20 % slower. Needs a
# run of bench/search/run.sh first (its database, its build-release/ and search_client).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
COMMIT=${1:?usage: compare_commits.sh COMMIT [ROUNDS]}
ROUNDS=${2:-2}
OUT=$ROOT/bench/out
DB=$OUT/search/1000000/maillage.db
NEW=$ROOT/build-release/maillage
CLIENT=$ROOT/build-release/search_client
PORT=${BENCH_PORT:-38090}
OLD_TREE=$OUT/compare-$COMMIT
[ -f "$DB" ] && [ -x "$NEW" ] && [ -x "$CLIENT" ] || {
  echo "compare_commits.sh: run bench/search/run.sh first (no $DB, $NEW or $CLIENT)" >&2
  exit 1
}

if [ ! -d "$OLD_TREE" ]; then git -C "$ROOT" worktree add -f "$OLD_TREE" "$COMMIT" >/dev/null; fi
# The web pages' assets come from node_modules (npm ci): the same packages serve both.
[ -e "$OLD_TREE/node_modules" ] || ln -s "$ROOT/node_modules" "$OLD_TREE/node_modules"
cmake -S "$OLD_TREE" -B "$OLD_TREE/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="-Wno-restrict -Wno-maybe-uninitialized" >/dev/null
cmake --build "$OLD_TREE/build-release" --target maillage >/dev/null
OLD=$OLD_TREE/build-release/maillage
QUERIES=$OLD_TREE/bench/search/queries.tsv
WORK=$OUT/compare
mkdir -p "$WORK"

PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; true' EXIT
for round in $(seq 1 "$ROUNDS"); do
  for who in old new; do
    bin=$NEW; [ "$who" = old ] && bin=$OLD
    "$bin" serve --db "$DB" --port "$PORT" --rate-limit 0 >"$WORK/serve-$who.log" 2>&1 &
    PID=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/v1/sante"; do
      kill -0 "$PID" 2>/dev/null || { echo "the $who server stopped: $WORK/serve-$who.log" >&2; exit 1; }
      sleep 0.2
    done
    "$CLIENT" run --queries "$QUERIES" --maillage "127.0.0.1:$PORT" --json "$WORK/$who-$round.json" \
      >"$WORK/$who-$round.txt" 2>&1
    kill "$PID"; wait "$PID" 2>/dev/null || true
    PID=""
  done
done

python3 - "$WORK" "$ROUNDS" "$COMMIT" <<'PY'
import json, math, sys
work, rounds, commit = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def load(path):
    return {q["name"]: q["engines"]["maillage"]["p50_ms"] for q in json.load(open(path))["queries"]
            if "maillage" in q.get("engines", {})}
old = [load(f"{work}/old-{r}.json") for r in range(1, rounds + 1)]
new = [load(f"{work}/new-{r}.json") for r in range(1, rounds + 1)]
print(f"p50 in ms per run, {commit} (old) and this tree (new); new/old on the best run of each")
ratios = []
for name in old[0]:
    o = min(run[name] for run in old)
    n = min(run[name] for run in new)
    ratios.append(n / o)
    print(f"{name:30s} old {' '.join(f'{run[name]:7.2f}' for run in old)}  new "
          f"{' '.join(f'{run[name]:7.2f}' for run in new)}  {n / o:6.3f}")
slower = sum(r > 1.2 for r in ratios)
print(f"new/old: geometric mean {math.exp(sum(map(math.log, ratios)) / len(ratios)):.3f}, "
      f"worst {max(ratios):.3f}; {slower} of {len(ratios)} queries more than 20 % slower")
sys.exit(1 if slower else 0)
PY
