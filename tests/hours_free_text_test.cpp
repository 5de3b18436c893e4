// French free text to opening_hours: the harvester's 85 cases of
// ../shared/testdata/osm-hours-free-text.tsv (the time ranges the text means), our own cases of
// tests/cases/hours_free_text.tsv (whole expressions and the remainder left out), and every
// non-empty per-day row of the France Services list (open inside each slot, closed outside).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "hours/evaluator.h"
#include "hours/free_text.h"
#include "hours/parser.h"
#include "hours/printer.h"
#include "hours_test_support.h"
#include "place/reader.h"

namespace maillage::hours {
namespace {

std::string shared(const std::string& path) { return std::string(MAILLAGE_SHARED_DIR) + "/" + path; }

// The time ranges of the rules that open (or are unknown), as "09:00-12:00,14:00-18:00".
std::string open_time_ranges(const Expression& e) {
  std::vector<std::string> ranges;
  for (const Rule& r : e.rules) {
    if (r.state == RuleState::kOff || r.state == RuleState::kClosed) continue;
    for (const TimeSpan& t : r.times) ranges.push_back(to_string(t.start) + "-" + to_string(*t.end));
  }
  std::sort(ranges.begin(), ranges.end());
  ranges.erase(std::unique(ranges.begin(), ranges.end()), ranges.end());
  std::string out;
  for (const std::string& r : ranges) out += (out.empty() ? "" : ",") + r;
  return out;
}

TEST(HoursFreeText, HarvesterCases) {
  const auto rows = testing::read_cases(shared("testdata/osm-hours-free-text.tsv"));
  ASSERT_EQ(rows.size(), 86u);  // header + 85 cases
  int cases = 0;
  for (const auto& row : rows) {
    if (row.fields[0] == "input") continue;
    ++cases;
    const std::string expected = row.fields.size() > 1 ? row.fields[1] : "";
    SCOPED_TRACE("osm-hours-free-text.tsv line " + std::to_string(row.line) + ": " + row.fields[0]);
    const Normalized n = normalize_free_text(row.fields[0]);
    EXPECT_GE(n.confidence, 0.0);
    EXPECT_LE(n.confidence, 1.0);
    if (expected.empty()) {
      EXPECT_TRUE(n.expression.empty()) << n.expression;
      EXPECT_FALSE(n.reason.empty());
      continue;
    }
    ASSERT_FALSE(n.expression.empty()) << n.reason;
    const ParseResult parsed = parse(n.expression);
    ASSERT_TRUE(parsed.ok()) << n.expression;
    EXPECT_EQ(open_time_ranges(*parsed.expression), expected) << n.expression;
    // Never a silent guess: full confidence only when nothing was left out.
    if (n.confidence >= 1.0) {
      EXPECT_TRUE(n.remainder.empty());
      EXPECT_TRUE(n.notes.empty());
    }
  }
  EXPECT_EQ(cases, 85);
}

TEST(HoursFreeText, CaseTable) {
  for (const auto& row : testing::read_cases(testing::case_path("hours_free_text.tsv"))) {
    ASSERT_EQ(row.fields.size(), 3u) << "hours_free_text.tsv line " << row.line;
    SCOPED_TRACE("hours_free_text.tsv line " + std::to_string(row.line) + ": " + row.fields[0]);
    const Normalized n = normalize_free_text(row.fields[0]);
    EXPECT_EQ(n.expression.empty() ? "-" : n.expression, row.fields[1]) << n.reason;
    std::string remainder;
    for (const std::string& r : n.remainder) remainder += (remainder.empty() ? "" : " | ") + r;
    EXPECT_EQ(remainder.empty() ? "-" : remainder, row.fields[2]);
    if (!n.expression.empty()) {
      EXPECT_TRUE(parse(n.expression).ok());
    }
    if (!n.remainder.empty()) {
      EXPECT_LT(n.confidence, 1.0);
    }
  }
}

struct Slot {
  int from, to;
};

// "09:00 - 12:00 / 13:30 - 17:00", read independently of the normaliser.
std::vector<Slot> slots_of(const std::string& cell) {
  std::vector<Slot> slots;
  std::size_t i = 0;
  auto minutes = [&](std::size_t at) { return std::stoi(cell.substr(at, 2)) * 60 + std::stoi(cell.substr(at + 3, 2)); };
  while (i + 13 <= cell.size()) {
    slots.push_back({minutes(i), minutes(i + 8)});
    i += 16;
  }
  return slots;
}

TEST(HoursFreeText, FranceServicesPerDayColumns) {
  // The list read by maillage's own CSV reader; the per-day columns by name.
  place::OpenedReader opened = place::open_file(shared("data/france-services/liste-fs-20240801.csv"));
  ASSERT_TRUE(opened.reader) << opened.error;
  std::vector<std::array<std::string, 7>> rows;
  const std::vector<std::string> names = {"h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi"};
  place::RawRecord record;
  while (opened.reader->next(record)) {
    std::array<std::string, 7> days;
    for (const auto& [column, value] : record.fields)
      for (std::size_t d = 0; d < names.size(); ++d)
        if (column == names[d]) days[d] = value;
    rows.push_back(days);
  }
  ASSERT_EQ(rows.size(), 2845u);
  const Zone paris = *Zone::load("Europe/Paris");
  int checked_rows = 0, checked_points = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::array<std::string, 7>& days = rows[r];
    if (std::all_of(days.begin(), days.end(), [](const std::string& d) { return d.empty(); })) continue;
    ++checked_rows;
    SCOPED_TRACE("liste-fs-20240801.csv record " + std::to_string(r + 1));
    const Normalized n = normalize_day_columns(days);
    const ParseResult parsed = parse(n.expression);
    ASSERT_TRUE(parsed.ok()) << n.expression << " / " << n.reason;
    Evaluator ev(*parsed.expression, Place{&paris});
    for (int d = 0; d < 7; ++d) {
      // The week of Monday 2 September 2024: no public holiday.
      const std::int64_t midnight = (days_from_civil(2024, 9, 2) + d) * kSecondsPerDay;
      auto state = [&](int minute) { return ev.state_at(paris.from_wall_compatible(midnight + minute * 60)); };
      std::vector<Slot> slots;
      for (const Slot& s : slots_of(days[d]))
        if (s.to > s.from) slots.push_back(s);
      auto inside = [&](int minute) {
        return std::any_of(slots.begin(), slots.end(), [&](const Slot& s) { return minute >= s.from && minute < s.to; });
      };
      if (slots.empty()) {
        EXPECT_EQ(state(12 * 60), State::kClosed) << "day " << d << ": " << n.expression;
        ++checked_points;
      }
      for (const Slot& s : slots) {
        EXPECT_EQ(state((s.from + s.to) / 2), State::kOpen) << "day " << d << " slot " << s.from << ": " << n.expression;
        if (s.from > 0 && !inside(s.from - 1)) {
          EXPECT_EQ(state(s.from - 1), State::kClosed) << "day " << d << ": " << n.expression;
        }
        if (s.to < 24 * 60 && !inside(s.to)) {
          EXPECT_EQ(state(s.to), State::kClosed) << "day " << d << ": " << n.expression;
        }
        checked_points += 3;
      }
    }
  }
  EXPECT_GT(checked_rows, 2700);
  EXPECT_GT(checked_points, 20000);
}

TEST(HoursFreeText, DayColumnsGroupDays) {
  std::array<std::string, 7> days = {"09:00 - 12:00 / 13:30 - 17:00", "09:00 - 12:00 / 13:30 - 17:00",
                                     "09:00 - 12:00", "09:00 - 12:00 / 13:30 - 17:00",
                                     "09:00 - 12:00 / 13:30 - 17:00", "", ""};
  const Normalized n = normalize_day_columns(days);
  EXPECT_EQ(n.expression, "Mo,Tu,Th,Fr 09:00-12:00,13:30-17:00; We 09:00-12:00");
  EXPECT_EQ(normalize_day_columns({}).reason, "aucun horaire");
}

}  // namespace
}  // namespace maillage::hours
