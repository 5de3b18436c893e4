// Micro-benchmarks of the import pipeline, piece by piece, on real records, so that a regression
// seen by bench/run.sh (the end-to-end import of 1,000,000 records) can be located:
//
//   BM_CsvRead          open_bytes + next() over the standard v1 CSV    (reader alone)
//   BM_JsonRead         the same over the cartography JSON snapshots     (reader alone)
//   BM_Normalize        normalize() of pre-read CSV records, with and without the territory
//                       reference (Arg 1 / 0)
//   BM_ToJson           place::to_json of normalised places (the store's record column)
//   BM_StoreUpsert      Store::upsert of one batch of new places (Arg = batch size)
//   BM_StoreUpsertUnchanged   the same batch again: the idempotent, all-unchanged path
//   BM_ImportBytes      exchange::import_bytes end to end, validate only (Arg 0) or into a
//                       store (Arg 1)
//
// The records: every JSON snapshot of ../shared/data/cartographie-snapshots (2,415 real places)
// imported into a temporary store and exported in the standard v1 CSV by maillage itself, as
// bench/run.sh does. $MAILLAGE_SHARED_DIR overrides the location of ../shared.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "exchange/exporter.h"
#include "exchange/importer.h"
#include "place/codec.h"
#include "place/normalize.h"
#include "place/reader.h"
#include "store/store.h"
#include "territory/reference.h"

namespace {

namespace fs = std::filesystem;
using namespace maillage;

constexpr const char* kToday = "2024-06-01";

fs::path shared_dir() {
  if (const char* env = std::getenv("MAILLAGE_SHARED_DIR"); env && *env) return env;
  return fs::path(MAILLAGE_SOURCE_DIR) / ".." / "shared";
}

std::vector<fs::path> snapshot_files() {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(shared_dir() / "data" / "cartographie-snapshots", ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A temporary folder removed at exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "maillage-bench-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      std::perror("mkdtemp");
      std::abort();
    }
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TempDir& temp_dir() {
  static TempDir dir;
  return dir;
}

std::unique_ptr<store::Store> open_store(const std::string& name) {
  std::string error;
  fs::path path = temp_dir().path() / name;
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix, ec);
  auto store = store::open_sqlite(path, error);
  if (!store) {
    std::fprintf(stderr, "import_bench: %s\n", error.c_str());
    std::abort();
  }
  return store;
}

// The real data, prepared once.
struct Corpus {
  std::string snapshots_json;         // the largest snapshot, for the JSON reader
  std::string csv;                    // every snapshot, exported as standard v1 CSV by maillage
  std::vector<place::RawRecord> raw;  // csv read back
  std::vector<place::Place> places;   // raw, normalised (accepted ones)
  std::vector<store::StoredPlace> stored;  // places as the importer hands them to the store
  std::shared_ptr<const std::string> raw_header;
};

const Corpus& corpus() {
  static const Corpus c = [] {
    Corpus c;
    auto files = snapshot_files();
    if (files.empty()) {
      std::fprintf(stderr, "import_bench: no snapshot in %s\n", shared_dir().c_str());
      std::abort();
    }
    auto store = open_store("corpus.db");
    exchange::Options options;
    options.today = kToday;
    const territory::Reference& territory = territory::Reference::bundled();
    std::size_t largest = 0;
    for (const auto& f : files) {
      exchange::import_file(f, store.get(), &territory, options);
      if (fs::file_size(f) > largest) {
        largest = fs::file_size(f);
        c.snapshots_json = read_file(f);
      }
    }
    std::ostringstream out;
    exchange::export_places(*store, place::Format::kCsv, out);
    c.csv = out.str();

    auto opened = place::open_bytes(c.csv, "bench.csv");
    c.raw_header = std::make_shared<const std::string>(opened.reader->raw_header());
    place::RawRecord r;
    while (opened.reader->next(r)) c.raw.push_back(r);
    place::NormalizeContext ctx{&territory, "bench.csv", "bench", kToday};
    for (const auto& raw : c.raw) {
      auto result = place::normalize(raw, ctx);
      if (!result.accepted) continue;
      store::StoredPlace sp;
      sp.source = "bench";
      sp.id = result.place[place::Field::kId];
      sp.place = result.place;
      sp.approx_position = result.approx_position;
      sp.raw = raw.verbatim;
      sp.raw_header = c.raw_header;
      sp.raw_format = "csv";
      sp.raw_line = raw.line;
      c.places.push_back(std::move(result.place));
      c.stored.push_back(std::move(sp));
    }
    return c;
  }();
  return c;
}

void BM_CsvRead(benchmark::State& state) {
  const Corpus& c = corpus();
  std::int64_t records = 0;
  for (auto _ : state) {
    auto opened = place::open_bytes(c.csv, "bench.csv");
    place::RawRecord r;
    while (opened.reader->next(r)) ++records;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(records);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.csv.size()));
}
BENCHMARK(BM_CsvRead)->Unit(benchmark::kMillisecond);

void BM_JsonRead(benchmark::State& state) {
  const Corpus& c = corpus();
  std::int64_t records = 0;
  for (auto _ : state) {
    auto opened = place::open_bytes(c.snapshots_json, "bench.json");
    place::RawRecord r;
    while (opened.reader->next(r)) ++records;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(records);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.snapshots_json.size()));
}
BENCHMARK(BM_JsonRead)->Unit(benchmark::kMillisecond);

void BM_Normalize(benchmark::State& state) {
  const Corpus& c = corpus();
  const territory::Reference* territory =
      state.range(0) ? &territory::Reference::bundled() : nullptr;
  place::NormalizeContext ctx{territory, "bench.csv", "bench", kToday};
  for (auto _ : state) {
    for (const auto& raw : c.raw) benchmark::DoNotOptimize(place::normalize(raw, ctx));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.raw.size()));
  state.SetLabel(state.range(0) ? "with territory" : "no territory");
}
BENCHMARK(BM_Normalize)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_ToJson(benchmark::State& state) {
  const Corpus& c = corpus();
  for (auto _ : state) {
    for (const auto& p : c.places) benchmark::DoNotOptimize(place::to_json(p));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.places.size()));
}
BENCHMARK(BM_ToJson)->Unit(benchmark::kMillisecond);

// A batch of `n` places cycled from the real ones, with ids unique across the run (`round`).
std::vector<store::StoredPlace> make_batch(std::size_t n, std::int64_t round) {
  const Corpus& c = corpus();
  std::vector<store::StoredPlace> batch;
  batch.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    store::StoredPlace sp = c.stored[i % c.stored.size()];
    sp.id += "-r" + std::to_string(round) + "-" + std::to_string(i);
    sp.place[place::Field::kId] = sp.id;
    batch.push_back(std::move(sp));
  }
  return batch;
}

void BM_StoreUpsert(benchmark::State& state) {
  auto store = open_store("upsert.db");
  store::Status status;
  auto run = store->begin_run("bench", "bench.csv", status);
  std::vector<store::Outcome> outcomes;
  std::int64_t round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto batch = make_batch(static_cast<std::size_t>(state.range(0)), round++);
    state.ResumeTiming();
    if (!store->upsert(*run, batch, outcomes).ok) state.SkipWithError("upsert failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["rows_in_db"] = static_cast<double>(round * state.range(0));
}
// Wall-clock time: the store waits on the disk too.
BENCHMARK(BM_StoreUpsert)->Arg(500)->Arg(5000)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_StoreUpsertUnchanged(benchmark::State& state) {
  auto store = open_store("unchanged.db");
  store::Status status;
  auto run = store->begin_run("bench", "bench.csv", status);
  std::vector<store::Outcome> outcomes;
  auto batch = make_batch(static_cast<std::size_t>(state.range(0)), 0);
  store->upsert(*run, batch, outcomes);
  for (auto _ : state) {
    if (!store->upsert(*run, batch, outcomes).ok) state.SkipWithError("upsert failed");
  }
  if (outcomes.empty() || outcomes.front() != store::Outcome::kUnchanged)
    state.SkipWithError("second upsert was not unchanged");
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_StoreUpsertUnchanged)->Arg(5000)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_ImportBytes(benchmark::State& state) {
  const Corpus& c = corpus();
  const territory::Reference& territory = territory::Reference::bundled();
  std::unique_ptr<store::Store> store;
  if (state.range(0)) store = open_store("import.db");
  exchange::Options options;
  options.today = kToday;
  std::int64_t records = 0, round = 0;
  for (auto _ : state) {
    // A new source each round: every record is an addition, as in a first import.
    options.source = "bench-" + std::to_string(round++);
    auto report = exchange::import_bytes(c.csv, "bench.csv", store.get(), &territory, options);
    if (!report.ok()) state.SkipWithError(report.fatal.c_str());
    records += report.read;
  }
  state.SetItemsProcessed(records);
  state.SetLabel(state.range(0) ? "into store" : "validate only");
}
BENCHMARK(BM_ImportBytes)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
