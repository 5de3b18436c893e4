// The evaluator: tests/cases/hours_eval.tsv (state, next change and comment of an expression at
// an instant, for places across France), plus public holidays, Easter, time zones around
// daylight-saving changes, and intervals.
#include <gtest/gtest.h>

#include <map>

#include "hours/civil.h"
#include "hours/evaluator.h"
#include "hours/holidays.h"
#include "hours/parser.h"
#include "hours_test_support.h"
#include "territory/time_zone.h"

namespace maillage::hours {
namespace {

const Zone& zone(const std::string& name) {
  static std::map<std::string, Zone> zones;
  auto it = zones.find(name);
  if (it == zones.end()) it = zones.emplace(name, *Zone::load(name)).first;
  return it->second;
}

std::int64_t at(const std::string& local, const std::string& tz = "Europe/Paris") {
  return *parse_local_minutes(local, zone(tz));
}

TEST(HoursEvaluator, CaseTable) {
  const auto rows = testing::read_cases(testing::case_path("hours_eval.tsv"));
  ASSERT_GT(rows.size(), 50u);
  for (const auto& row : rows) {
    ASSERT_EQ(row.fields.size(), 6u) << "hours_eval.tsv line " << row.line;
    SCOPED_TRACE("hours_eval.tsv line " + std::to_string(row.line) + ": " + row.fields[0] + " @ " + row.fields[2]);
    const ParseResult parsed = parse(row.fields[0]);
    ASSERT_TRUE(parsed.ok()) << parsed.error->to_french();
    const Zone& z = zone(std::string(territory::time_zone_for_insee(row.fields[1])));
    Evaluator ev(*parsed.expression, Place{&z, holiday_region_for_insee(row.fields[1])});
    const auto instant = parse_local_minutes(row.fields[2], z);
    ASSERT_TRUE(instant);
    const Status s = ev.at(*instant);
    EXPECT_EQ(to_string(s.state), row.fields[3]);
    EXPECT_EQ(s.next_change ? format_local_minutes(z, *s.next_change) : "-", row.fields[4]);
    EXPECT_EQ(s.comment.empty() ? "-" : s.comment, row.fields[5]);
    EXPECT_EQ(ev.state_at(*instant), s.state);
  }
}

TEST(HoursEvaluator, EasterAnyYear) {
  const std::pair<int, CivilDate> known[] = {
      {1818, {1818, 3, 22}}, {1943, {1943, 4, 25}}, {2024, {2024, 3, 31}}, {2025, {2025, 4, 20}},
      {2026, {2026, 4, 5}},  {2027, {2027, 3, 28}}, {2038, {2038, 4, 25}}, {2285, {2285, 3, 22}},
      {2400, {2400, 4, 16}}};
  for (const auto& [year, date] : known) EXPECT_EQ(civil_from_days(easter_sunday(year)), date) << year;
}

TEST(HoursEvaluator, PublicHolidaysByRegion) {
  auto days = [](int year, HolidayRegion region) {
    std::vector<std::string> out;
    for (const PublicHoliday& h : public_holidays(year, region)) {
      const CivilDate c = civil_from_days(h.day);
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "%02d-%02d", c.month, c.day);
      out.emplace_back(buffer);
    }
    return out;
  };
  using V = std::vector<std::string>;
  const V national = {"01-01", "04-06", "05-01", "05-08", "05-14", "05-25", "07-14", "08-15", "11-01", "11-11", "12-25"};
  EXPECT_EQ(days(2026, HolidayRegion::kNational), national);
  EXPECT_EQ(days(2026, HolidayRegion::kAlsaceMoselle),
            (V{"01-01", "04-03", "04-06", "05-01", "05-08", "05-14", "05-25", "07-14", "08-15", "11-01", "11-11", "12-25", "12-26"}));
  EXPECT_EQ(days(2026, HolidayRegion::kGuadeloupe).size(), 12u);
  EXPECT_EQ(days(2026, HolidayRegion::kMayotte)[2], "04-27");
  // Ascension on 1 May (2008): one holiday that day.
  EXPECT_EQ(days(2008, HolidayRegion::kNational).size(), 10u);
  EXPECT_EQ(holiday_region_for_insee("57463"), HolidayRegion::kAlsaceMoselle);
  EXPECT_EQ(holiday_region_for_insee("2A004"), HolidayRegion::kNational);
  EXPECT_EQ(holiday_region_for_insee("97411"), HolidayRegion::kReunion);
  EXPECT_EQ(holiday_region_for_insee("97801"), HolidayRegion::kSaintMartin);
  EXPECT_EQ(holiday_region_for_insee(""), HolidayRegion::kNational);
}

TEST(HoursEvaluator, ZoneGapAndRepeatedHour) {
  const Zone& paris = zone("Europe/Paris");
  const std::int64_t jump = 1774746000;  // 2026-03-29T01:00:00Z: 02:00 CET becomes 03:00 CEST
  const std::int64_t wall_0230 = days_from_civil(2026, 3, 29) * kSecondsPerDay + 2 * 3600 + 1800;
  EXPECT_EQ(paris.first_instant_at_or_after(wall_0230), jump);
  EXPECT_EQ(paris.from_wall_compatible(wall_0230), jump + 1800);  // 03:30 CEST, as JavaScript
  const std::int64_t back = 1792890000;  // 2026-10-25T01:00:00Z: 03:00 CEST becomes 02:00 CET
  const std::int64_t wall_0230_oct = days_from_civil(2026, 10, 25) * kSecondsPerDay + 2 * 3600 + 1800;
  EXPECT_EQ(paris.from_wall_compatible(wall_0230_oct), back - 1800);  // the first 02:30
  EXPECT_EQ(paris.first_instant_at_or_after(wall_0230_oct), back - 1800);
  // During the second 02:15, the clock has already shown 02:59:59.
  EXPECT_EQ(paris.effective_wall_of(back + 900), paris.wall_of(back - 1));
  EXPECT_EQ(paris.effective_wall_of(back + 3600), paris.wall_of(back + 3600));
  EXPECT_FALSE(Zone::load("Europe/Nowhere"));
  EXPECT_EQ(zone("Indian/Reunion").offset_at(jump), 4 * 3600);
  EXPECT_EQ(zone("Pacific/Noumea").offset_at(jump), 11 * 3600);
}

TEST(HoursEvaluator, RepeatedHourDoesNotReopen) {
  Evaluator ev(*parse("Su 01:00-02:30").expression, Place{&zone("Europe/Paris")});
  const std::int64_t back = 1792890000;
  EXPECT_EQ(ev.state_at(back - 1800 - 60), State::kOpen);   // 02:29 CEST
  EXPECT_EQ(ev.state_at(back - 1800), State::kClosed);      // 02:30 CEST
  EXPECT_EQ(ev.state_at(back + 900), State::kClosed);       // 02:15 CET, the second time
  const auto intervals = ev.intervals(back - 6 * 3600, back + 6 * 3600);
  ASSERT_EQ(intervals.size(), 1u);
  EXPECT_EQ(intervals[0].to - intervals[0].from, 90 * 60);
}

TEST(HoursEvaluator, IntervalsMergeAcrossMidnight) {
  Evaluator ev(*parse("Fr 20:00-02:00, Sa 02:00-04:00 unknown").expression, Place{&zone("Europe/Paris")});
  const auto list = ev.intervals(at("2026-11-27T00:00"), at("2026-11-29T00:00"));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(format_local_minutes(zone("Europe/Paris"), list[0].from), "2026-11-27T20:00");
  EXPECT_EQ(format_local_minutes(zone("Europe/Paris"), list[0].to), "2026-11-28T02:00");
  EXPECT_EQ(list[1].state, State::kUnknown);
}

TEST(HoursEvaluator, SolarEventsFollowThePlace) {
  Evaluator paris(*parse("sunrise-sunset").expression, Place{&zone("Europe/Paris"), HolidayRegion::kNational, 48.8566, 2.3522});
  const Status s = paris.at(at("2026-06-21T12:00"));
  EXPECT_EQ(s.state, State::kOpen);
  EXPECT_EQ(format_local_minutes(zone("Europe/Paris"), *s.next_change), "2026-06-21T21:57");
  Evaluator nowhere(*parse("sunrise-sunset").expression, Place{&zone("Europe/Paris")});
  EXPECT_EQ(format_local_minutes(zone("Europe/Paris"), *nowhere.at(at("2026-06-21T12:00")).next_change), "2026-06-21T18:00");
}

TEST(HoursEvaluator, ParsesLocalTimes) {
  EXPECT_TRUE(parse_local_minutes("2026-11-28T10:30", zone("Europe/Paris")));
  EXPECT_TRUE(parse_local_minutes("2026-11-28 10:30:15", zone("Europe/Paris")));
  for (const char* bad : {"", "2026-11-28", "2026-13-01T10:00", "2026-02-29T10:00", "2026-11-28T24:00", "x026-11-28T10:30"})
    EXPECT_FALSE(parse_local_minutes(bad, zone("Europe/Paris"))) << bad;
}

}  // namespace
}  // namespace maillage::hours
