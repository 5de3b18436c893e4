// The recursive-descent parser behind hours::parse(). Private to src/hours.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hours/lexer.h"
#include "hours/parser.h"

namespace maillage::hours::detail {

// Thrown inside the parser only; parse() turns it into ParseResult::error.
struct ParseFailure {
  Problem problem;
};

// A word that names a weekday or a month, with the tolerance it needed (empty when canonical).
struct NamedValue {
  int value = -1;
  std::string_view written_for;  // "lundi" read as "Mo": the canonical name, for the warning
};

NamedValue weekday_from_word(std::string_view word);
NamedValue month_from_word(std::string_view word);
std::string_view weekday_name(int weekday);  // "Mo".."Su"
std::string_view month_name(int month);      // "Jan".."Dec"

class Parser {
 public:
  Parser(std::string_view source, const ParseOptions& options, std::vector<Token> tokens)
      : source_(source), options_(options), tokens_(std::move(tokens)) {}

  Expression parse_expression();
  std::vector<Problem>& warnings() { return warnings_; }

 private:
  enum class Section : int { kYear = 0, kMonthday, kWeek, kWeekday, kTime, kModifier };

  // Cursor.
  const Token& peek(std::size_t ahead = 0) const;
  const Token& next();
  bool at(TokenKind kind, std::size_t ahead = 0) const { return peek(ahead).kind == kind; }
  bool at_word(std::string_view word, std::size_t ahead = 0) const;
  bool at_rule_end() const;
  [[noreturn]] void fail(const Token& at, std::string code, std::string message) const;
  void warn(const Token& at, std::string code, std::string message);

  // Rules and sections.
  Rule parse_rule(RuleSeparator separator, bool& next_is_additional);
  Section section_of(const Token& t) const;
  void parse_modifier(Rule& rule);

  // Wide-range selectors (parser_dates.cpp).
  bool is_year(const Token& t) const { return t.kind == TokenKind::kNumber && t.number > 1900; }
  bool starts_dated_monthday(std::size_t ahead) const;
  const Token& expect_year();
  void parse_year_selector(Rule& rule);
  void parse_monthday_selector(Rule& rule);
  MonthdayRange parse_monthday_range();
  MonthdayRange parse_days_of_month(const DatePoint& month);
  int parse_day_of_month(int month);
  DatePoint parse_date_point(bool allow_year, bool read_day);
  bool parse_day_offset(int max_days, int& offset, std::string_view what);
  void parse_week_selector(Rule& rule);
  void parse_weekday_selector(Rule& rule);
  void parse_weekday_list(Rule& rule, bool& has_weekdays, bool& has_holidays);
  WeekdayRange parse_weekday_range();
  std::vector<int> parse_nth_list();
  int parse_signed_small(int min, int max, std::string_view what);
  int expect_name(bool weekday);
  int expect_weekday() { return expect_name(true); }
  int expect_month() { return expect_name(false); }

  // Time selector (parser_time.cpp). How a clock time was written: "09:30" (colon), "9h30" (h),
  // "9.30" (dot), "9" (bare, only in "9-12"), or a solar event.
  enum class ClockForm { kColon, kH, kDot, kBare, kEvent };
  bool starts_time(std::size_t ahead) const;
  void parse_time_selector(Rule& rule);
  TimeSpan parse_time_span();
  TimePoint parse_time_point(ClockForm& form);
  TimePoint parse_clock(ClockForm& form);
  void check_time_span(const TimeSpan& span, const Token& first);

  std::string_view source_;
  const ParseOptions& options_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  std::vector<Problem> warnings_;
  // Repeated times ("/00:05") make points to evaluate: bounded, so that evaluation stays fast.
  static constexpr int kMaxRepeatedPoints = 2880;
  int repeated_points_ = 0;
};

}  // namespace maillage::hours::detail
