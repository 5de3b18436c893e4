// Opening-hours engine benchmarks, on the real expressions of ../shared/data:
//
//   BM_ParseRealExpressions     hours::parse() of every distinct `horaires` value (throughput)
//   BM_OpenAt1MCompiled         "open at T?" for 1,000,000 compiled places (CompiledHours)
//   BM_OpenAtEvaluatorBaseline  the baseline: the same question with an Evaluator per place
//                               (already parsed, no compilation), on 10,000 places; the
//                               "places_per_s" counters of the two compare directly
//   BM_Compile                  compiling distinct expressions (no cache sharing)
//
// The 1,000,000 places cycle through the valid real expressions and 16 places (metropole,
// Alsace-Moselle, Corse, overseas: their zones and public holidays). Run:
//   cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-Wno-restrict
//   cmake --build build-release --target hours_bench && build-release/hours_bench
// $MAILLAGE_SHARED_DIR overrides the location of ../shared.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "hours/compiled.h"
#include "hours/evaluator.h"
#include "hours/holidays.h"
#include "hours/parser.h"
#include "place/reader.h"
#include "territory/time_zone.h"

namespace {

namespace fs = std::filesystem;
using namespace maillage;

fs::path shared_dir() {
  if (const char* env = std::getenv("MAILLAGE_SHARED_DIR"); env && *env) return env;
  return fs::path(MAILLAGE_SOURCE_DIR) / ".." / "shared";
}

bool is_hours_key(std::string key) {
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key == "horaires" || key == "horaires_ouverture_osm";
}

void walk_json(const nlohmann::json& j, std::set<std::string>& out) {
  if (j.is_array()) {
    for (const auto& x : j) walk_json(x, out);
  } else if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (is_hours_key(key) && value.is_string() && !value.get<std::string>().empty()) out.insert(value.get<std::string>());
      else walk_json(value, out);
    }
  }
}

// Every distinct `horaires` (and `horaires_ouverture_osm`) value of ../shared/data.
const std::vector<std::string>& real_expressions() {
  static const std::vector<std::string> values = [] {
    std::set<std::string> set;
    for (const auto& entry : fs::recursive_directory_iterator(shared_dir() / "data")) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".json" && ext != ".geojson" && ext != ".csv") continue;
      if (ext == ".csv") {  // maillage's own reader: encodings and separators detected
        place::OpenedReader opened = place::open_file(entry.path());
        place::RawRecord record;
        while (opened.reader && opened.reader->next(record))
          for (const auto& [column, value] : record.fields)
            if (is_hours_key(column) && !value.empty()) set.insert(value);
        continue;
      }
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      const auto j = nlohmann::json::parse(buffer.str(), nullptr, false);
      if (!j.is_discarded()) walk_json(j, set);
    }
    return std::vector<std::string>(set.begin(), set.end());
  }();
  return values;
}

const std::vector<hours::Expression>& valid_expressions() {
  static const std::vector<hours::Expression> parsed = [] {
    std::vector<hours::Expression> out;
    for (const std::string& e : real_expressions())
      if (auto r = hours::parse(e); r.ok()) out.push_back(std::move(*r.expression));
    return out;
  }();
  return parsed;
}

struct BenchPlace {
  std::string insee;
  double lat, lon;
};
const std::vector<BenchPlace> kPlaces = {
    {"75056", 48.8566, 2.3522},   {"35238", 48.1173, -1.6778},   {"2A004", 41.9192, 8.7386},
    {"67482", 48.5734, 7.7521},   {"68224", 47.7508, 7.3359},    {"57463", 49.1193, 6.1757},
    {"97120", 16.2411, -61.5331}, {"97209", 14.6161, -61.0588},  {"97302", 4.9224, -52.3135},
    {"97411", -20.8823, 55.4504}, {"97502", 46.7811, -56.1764},  {"97611", -12.7806, 45.2279},
    {"97701", 17.8962, -62.8498}, {"97801", 18.0679, -63.0825},  {"98818", -22.2758, 166.458},
    {"98735", -17.5516, -149.5585}};

const std::map<std::string, hours::Zone>& zones() {
  static const std::map<std::string, hours::Zone> z = [] {
    std::map<std::string, hours::Zone> out;
    for (const BenchPlace& p : kPlaces) {
      const std::string name(territory::time_zone_for_insee(p.insee));
      if (!out.count(name)) out.emplace(name, *hours::Zone::load(name));
    }
    return out;
  }();
  return z;
}

hours::Place place_of(std::size_t i) {
  const BenchPlace& p = kPlaces[i % kPlaces.size()];
  return {&zones().at(std::string(territory::time_zone_for_insee(p.insee))), hours::holiday_region_for_insee(p.insee),
          p.lat, p.lon};
}

// 2026-11-30T10:30 in Paris (a Monday), as an instant.
std::int64_t query_instant() { return *hours::parse_local_minutes("2026-11-30T10:30", zones().at("Europe/Paris")); }

void BM_ParseRealExpressions(benchmark::State& state) {
  const auto& values = real_expressions();
  std::size_t bytes = 0, valid = 0;
  for (const auto& v : values) bytes += v.size();
  for (auto _ : state) {
    valid = 0;
    for (const auto& v : values) valid += hours::parse(v).ok();
    benchmark::DoNotOptimize(valid);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * values.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["expressions"] = static_cast<double>(values.size());
  state.counters["valid"] = static_cast<double>(valid);
}
BENCHMARK(BM_ParseRealExpressions)->Unit(benchmark::kMillisecond);

void BM_OpenAt1MCompiled(benchmark::State& state) {
  constexpr std::size_t kCount = 1'000'000;
  const auto& expressions = valid_expressions();
  hours::CompiledHours index({2025, 2028});
  for (std::size_t i = 0; i < kCount; ++i) index.add(expressions[i % expressions.size()], place_of(i / expressions.size()));
  const hours::CompiledHours::Probe probe = index.probe(query_instant());
  std::size_t open = 0;
  for (auto _ : state) {
    open = index.count_open(probe);
    benchmark::DoNotOptimize(open);
  }
  state.counters["places"] = static_cast<double>(index.size());
  state.counters["open"] = static_cast<double>(open);
  state.counters["compilations"] = static_cast<double>(index.distinct_compilations());
  state.counters["MB"] = static_cast<double>(index.memory_bytes()) / 1e6;
  state.counters["places_per_s"] = benchmark::Counter(static_cast<double>(kCount), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_OpenAt1MCompiled)->Unit(benchmark::kMillisecond);

void BM_OpenAtEvaluatorBaseline(benchmark::State& state) {
  constexpr std::size_t kCount = 10'000;
  const auto& expressions = valid_expressions();
  std::vector<hours::Evaluator> evaluators;
  evaluators.reserve(kCount);
  for (std::size_t i = 0; i < kCount; ++i)
    evaluators.emplace_back(expressions[i % expressions.size()], place_of(i / expressions.size()));
  const std::int64_t instant = query_instant();
  std::size_t open = 0;
  for (auto _ : state) {
    open = 0;
    for (auto& ev : evaluators) open += ev.state_at(instant) == hours::State::kOpen;
    benchmark::DoNotOptimize(open);
  }
  state.counters["places"] = static_cast<double>(kCount);
  state.counters["places_per_s"] = benchmark::Counter(static_cast<double>(kCount), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_OpenAtEvaluatorBaseline)->Unit(benchmark::kMillisecond);

void BM_Compile(benchmark::State& state) {
  const auto& expressions = valid_expressions();
  for (auto _ : state) {
    hours::CompiledHours index({2025, 2028});
    for (std::size_t i = 0; i < expressions.size(); ++i) index.add(expressions[i], place_of(0));
    benchmark::DoNotOptimize(index.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * expressions.size()));
}
BENCHMARK(BM_Compile)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
