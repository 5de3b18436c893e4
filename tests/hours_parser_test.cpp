// The opening_hours parser and printer: tests/cases/hours_parse.tsv gives, for each input, the
// canonical form or the error code, and optionally a warning code that must be reported.
#include <gtest/gtest.h>

#include <algorithm>

#include "hours/parser.h"
#include "hours/printer.h"
#include "hours_test_support.h"

namespace maillage::hours {
namespace {

std::string codes_of(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& p : problems) out += p.code + " ";
  return out;
}

TEST(HoursParser, CaseTable) {
  const auto rows = testing::read_cases(testing::case_path("hours_parse.tsv"));
  ASSERT_GT(rows.size(), 100u);
  for (const auto& row : rows) {
    ASSERT_GE(row.fields.size(), 2u) << "line " << row.line;
    const std::string& input = row.fields[0];
    const std::string& expected = row.fields[1];
    SCOPED_TRACE("hours_parse.tsv line " + std::to_string(row.line) + ": " + input);
    const ParseResult r = parse(input);
    if (expected.rfind("ERROR ", 0) == 0) {
      ASSERT_FALSE(r.ok()) << "accepted as " << to_string(*r.expression);
      EXPECT_EQ(r.error->code, expected.substr(6)) << r.error->to_french();
      EXPECT_FALSE(r.error->message.empty());
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.error->to_french();
    const std::string canonical = to_string(*r.expression);
    EXPECT_EQ(canonical, expected);
    if (row.fields.size() > 2 && !row.fields[2].empty()) {
      EXPECT_TRUE(std::any_of(r.warnings.begin(), r.warnings.end(),
                              [&](const Problem& p) { return p.code == row.fields[2]; }))
          << "warnings: " << codes_of(r.warnings);
    }
    // The canonical form is a fixed point, and reads without tolerance warnings.
    const ParseResult again = parse(canonical);
    ASSERT_TRUE(again.ok()) << again.error->to_french();
    EXPECT_EQ(to_string(*again.expression), canonical);
    for (const Problem& w : again.warnings)
      EXPECT_TRUE(w.code.rfind("hours.rule.", 0) == 0 || w.code.rfind("hours.time.", 0) == 0 ||
                  w.code == "hours.selector.repeated")
          << w.code;
  }
}

TEST(HoursParser, ErrorsCarryPositionAndFrenchMessage) {
  const ParseResult r = parse("Mo-Fr 09:00-12:00; Sa 10:60-12:00");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->code, "hours.time.minutes");
  EXPECT_EQ(r.error->position, 25u);
  EXPECT_EQ(r.error->column, 26u);
  EXPECT_EQ(r.error->to_french(), "colonne 26 : les minutes vont de 00 à 59");
}

TEST(HoursParser, ColumnsCountCharactersNotBytes) {
  const ParseResult r = parse("\"café\" @");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->position, 8u);
  EXPECT_EQ(r.error->column, 8u);
}

TEST(HoursParser, OptionsAllowPointsInTimeAndSchoolHolidays) {
  ParseOptions options;
  options.allow_points_in_time = true;
  options.allow_school_holidays = true;
  for (const char* text : {"Mo 10:00-16:00/01:30", "Mo-Fr 09:00,17:00", "SH off", "Mo 10:00-16:00/90"}) {
    const ParseResult r = parse(text, options);
    ASSERT_TRUE(r.ok()) << text << ": " << r.error->to_french();
  }
  EXPECT_EQ(to_string(*parse("Mo 10:00-16:00/90", options).expression), "Mo 10:00-16:00/01:30");
}

TEST(HoursParser, BoundsRepeatedTimes) {
  ParseOptions options;
  options.allow_points_in_time = true;
  EXPECT_TRUE(parse("Mo-Fr 06:00-22:00/00:10", options).ok());
  const ParseResult r = parse("Mo 00:00-23:59/00:01,00:00-23:59/00:01,00:00-23:59/00:01", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->code, "hours.time.too_many_points");
}

TEST(HoursParser, RefusesOversizedInput) {
  const ParseResult r = parse(std::string(kMaxExpressionBytes + 1, 'M'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->code, "hours.too_long");
}

}  // namespace
}  // namespace maillage::hours
