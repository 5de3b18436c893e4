// Micro-benchmarks of the search index, to locate what bench/search (the end-to-end comparison
// with Meilisearch and PostGIS at 1,000,000 places) measures as a whole:
//
//   BM_IndexBuild/N     Index::upsert of N places (copies of the 2,415 bundled real places with
//                       new ids), per place
//   BM_Query/<name>     Index::search of one query over 100 copies (241,500 places)
//
// Run: build-release/search_index_bench (bench/run.sh builds it), or any build with benchmarks.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "federation/registry.h"
#include "place/codec.h"
#include "search/index.h"
#include "search/query.h"
#include "store/store.h"
#include "territory/reference.h"

namespace {

using namespace maillage;

const std::vector<store::StoredPlace>& bundled_places() {
  static const std::vector<store::StoredPlace> places = [] {
    std::vector<store::StoredPlace> out;
    std::string error;
    auto dir = std::filesystem::temp_directory_path() / ("maillage-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto store = store::open_sqlite(dir / "m.db", error);
    if (!store) return out;
    // The bundled default dataset, as `maillage serve` loads it (merged duplicates).
    federation::bootstrap_if_empty(*store, &territory::Reference::bundled(),
                                   std::filesystem::path(MAILLAGE_SOURCE_DIR) / "data/sources.toml",
                                   std::filesystem::path(MAILLAGE_SOURCE_DIR) / "data", true);
    store->scan([&](const store::StoredPlace& p) { out.push_back(p); });
    store.reset();
    std::filesystem::remove_all(dir);
    return out;
  }();
  return places;
}

void fill(search::Index& index, std::size_t copies) {
  const auto& places = bundled_places();
  for (std::size_t c = 0; c < copies; ++c)
    for (auto p : places) {
      if (c > 0) p.id += "-b" + std::to_string(c);
      index.upsert(p);
    }
}

void BM_IndexBuild(benchmark::State& state) {
  const auto copies = static_cast<std::size_t>(state.range(0));
  (void)territory::Reference::bundled();
  (void)bundled_places();
  for (auto _ : state) {
    search::Index index(territory::Reference::bundled());
    fill(index, copies);
    benchmark::DoNotOptimize(index.size());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(copies * bundled_places().size()));
}
BENCHMARK(BM_IndexBuild)->Arg(1)->Arg(10)->Arg(40)->Unit(benchmark::kMillisecond);

// The store's record column read back: what Service::build parses for every place.
void BM_FromJson(benchmark::State& state) {
  std::vector<std::string> records;
  for (const auto& p : bundled_places()) records.push_back(place::to_json(p.place));
  place::Place out;
  for (auto _ : state)
    for (const auto& r : records) benchmark::DoNotOptimize(place::from_json(r, out));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(records.size()));
}
BENCHMARK(BM_FromJson)->Unit(benchmark::kMillisecond);

const search::Index& big_index() {
  static const auto index = [] {
    auto i = std::make_unique<search::Index>(territory::Reference::bundled());
    fill(*i, 100);
    return i;
  }();
  return *index;
}

void BM_Query(benchmark::State& state, std::multimap<std::string, std::string> params) {
  auto [q, err] = search::parse_query(params, territory::Reference::bundled());
  if (!q) {
    state.SkipWithError(err.message.c_str());
    return;
  }
  const auto& index = big_index();
  std::uint64_t total = 0;
  for (auto _ : state) total = index.search(*q).total;
  state.counters["total"] = static_cast<double>(total);
}
BENCHMARK_CAPTURE(BM_Query, all, {})->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query, text, {{"q", "médiathèque"}})->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query, text_typo, {{"q", "mediateque"}})->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query, text_prefix, {{"q", "bibli"}})->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query, text_radius_facet,
                  {{"q", "numérique"}, {"autour", "Marseille"}, {"rayon_km", "20"}, {"facettes", "services"}})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query, facets_only,
                  {{"limite", "1"}, {"facettes", "services,frais_a_charge,publics_specifiquement_adresses,departement"}})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query, open_now, {{"ouvert_le", "2026-12-01T10:00"}})->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query, bbox_departement, {{"bbox", "4.2,43.1,5.8,43.95"}})->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query, filters, {{"services", "Aide aux démarches administratives"}, {"frais_a_charge", "Gratuit"}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
