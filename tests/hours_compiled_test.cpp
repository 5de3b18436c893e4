// The compiled form agrees with the evaluator: every distinct expression of the oracle table
// (real `horaires` values and generated ones), at its place, compiled into one index, then asked
// "open at T?" at instants across the window (ordinary days, holidays, daylight-saving changes,
// year ends, random minutes). MAILLAGE_TEST_SCALE=small (sanitizer runs) takes one expression in
// four.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "hours/compiled.h"
#include "hours/evaluator.h"
#include "hours/parser.h"
#include "hours_test_support.h"

namespace maillage::hours {
namespace {

struct Source {
  std::string expr, insee, tz;
  double lat, lon;
};

TEST(HoursCompiled, AgreesWithEvaluator) {
  const bool small = std::getenv("MAILLAGE_TEST_SCALE") && std::string(std::getenv("MAILLAGE_TEST_SCALE")) == "small";
  std::vector<Source> sources;
  std::set<std::string> seen;
  for (const auto& row : testing::read_cases(testing::case_path("hours_oracle.tsv"))) {
    if (row.fields.size() != 9 || row.fields[1] != "0") continue;
    const std::string key = row.fields[0] + '\t' + row.fields[2];
    if (!seen.insert(key).second) continue;
    sources.push_back({testing::unescape(row.fields[0]), row.fields[2], row.fields[3], std::stod(row.fields[4]), std::stod(row.fields[5])});
  }
  ASSERT_GT(sources.size(), 1500u);
  std::map<std::string, Zone> zones;
  const CompileWindow window{2026, 2027};
  CompiledHours index(window);
  std::vector<std::pair<PlaceId, Evaluator>> places;
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < sources.size(); i += small ? 4 : 1) {
    const Source& s = sources[i];
    const ParseResult parsed = parse(s.expr);
    if (!parsed.ok()) continue;
    auto z = zones.find(s.tz);
    if (z == zones.end()) z = zones.emplace(s.tz, *Zone::load(s.tz)).first;
    const Place place{&z->second, holiday_region_for_insee(s.insee), s.lat, s.lon};
    const auto id = index.add(*parsed.expression, place);
    ASSERT_TRUE(id);
    places.emplace_back(*id, Evaluator(*parsed.expression, place));
    texts.push_back(s.expr + " [" + s.insee + "]");
  }
  std::vector<std::int64_t> instants;
  const Zone& paris = zones.at("Europe/Paris");
  for (const char* local : {"2026-01-02T00:00", "2026-03-29T01:59", "2026-03-29T03:00", "2026-04-03T10:00",
                            "2026-05-14T12:00", "2026-10-25T02:15", "2026-10-25T02:59", "2026-11-30T10:30",
                            "2026-12-25T09:00", "2027-12-31T12:00"})
    instants.push_back(*parse_local_minutes(local, paris));
  instants.push_back(1792890000 + 15 * 60);  // 02:15 CET, the second one
  std::mt19937_64 random(42);
  const std::int64_t from = days_from_civil(2026, 1, 2) * kSecondsPerDay, to = days_from_civil(2027, 12, 30) * kSecondsPerDay;
  for (int i = 0; i < (small ? 8 : 40); ++i) instants.push_back(from + static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(to - from)) / 60 * 60);
  std::size_t compared = 0;
  for (const std::int64_t t : instants) {
    const CompiledHours::Probe probe = index.probe(t);
    if (!probe.covered) continue;  // a zone's local date is outside the window: weekly pattern only
    for (auto& [id, evaluator] : places) {
      ASSERT_EQ(index.state(id, probe), evaluator.state_at(t))
          << texts[id] << " at " << t << " (" << format_local_minutes(paris, t) << " Paris)";
      ++compared;
    }
  }
  EXPECT_GT(compared, small ? 5000u : 10000u);
  EXPECT_LT(index.distinct_compilations(), places.size() + 1);
}

TEST(HoursCompiled, OutsideTheWindowIsFlagged) {
  const Zone paris = *Zone::load("Europe/Paris");
  CompiledHours index({2026, 2026});
  index.add(*parse("Mo-Fr 09:00-18:00; PH off").expression, Place{&paris});
  EXPECT_TRUE(index.probe(*parse_local_minutes("2026-06-01T10:00", paris)).covered);
  const auto outside = index.probe(*parse_local_minutes("2027-06-01T10:00", paris));
  EXPECT_FALSE(outside.covered);
  EXPECT_EQ(index.state(0, outside), State::kOpen);  // the weekly pattern
  EXPECT_EQ(index.count_open(index.probe(*parse_local_minutes("2026-12-25T10:00", paris))), 0u);
  EXPECT_EQ(index.count_open(index.probe(*parse_local_minutes("2026-12-24T10:00", paris))), 1u);
}

}  // namespace
}  // namespace maillage::hours
