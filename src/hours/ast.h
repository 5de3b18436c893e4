// The syntax tree of an OpenStreetMap opening_hours expression
// (wiki "Key:opening_hours/specification").
//
// An Expression is a list of rules joined by ";" (normal), "," (additional) or "||" (fallback).
// A rule is a conjunction of selectors (years, month-days, weeks, weekdays and holidays, times)
// followed by an optional state ("open", "closed", "off", "unknown") and an optional comment.
// Within a selector, the listed ranges are alternatives. Plain values: copying is cheap enough
// and every member is thread-safe to read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hours/civil.h"

namespace maillage::hours {

// A problem found in an expression: `position` is the 0-based byte offset in the source and
// `column` the 1-based character (code point) column, for people. `code` is stable
// ("hours.time.minutes"), `message` is French.
struct Problem {
  std::size_t position = 0;
  std::size_t column = 1;
  std::string code;
  std::string message;

  // "colonne 12 : message"
  std::string to_french() const;
};

// "2024", "2024-2026", "2024-2030/2", "2024+" (from 2024 on).
struct YearRange {
  int from = 0;
  int to = 0;  // == from for a single year; ignored when open_ended
  int step = 1;
  bool open_ended = false;
};

// One end of a month-day range.
struct DatePoint {
  enum class Kind : std::uint8_t { kCalendar, kEaster, kNthWeekday };
  Kind kind = Kind::kCalendar;
  int year = 0;   // 0: every year
  int month = 0;  // 1..12 (calendar date, n-th weekday)
  int day = 0;    // 1..31 (calendar date)
  Weekday weekday = kMonday;  // n-th weekday: "Mar Su[-1]"
  int nth = 0;                // 1..5 or -1..-5
  int day_offset = 0;         // "easter -2 days", "Mar Su[-1] +1 day"
};

// "Jan-Mar" (whole months) or a date range "Dec 24-Jan 02", "Jan 05-10/2", "easter", "2025 Jul 14".
struct MonthdayRange {
  enum class Kind : std::uint8_t { kMonths, kDates };
  Kind kind = Kind::kMonths;
  int month_from = 1;  // kMonths; a range may cross the year end ("Nov-Feb")
  int month_to = 1;
  DatePoint from;                // kDates
  std::optional<DatePoint> to;   // kDates; absent for a single day
  int step = 1;                  // kDates: "Jan 01-31/2" every second day
};

// "week 01-53/2": ISO week numbers.
struct WeekRange {
  int from = 1;
  int to = 1;
  int step = 1;
};

// "Mo-Fr", "Su", "Mo[1,3]", "Su[-1] -1 day". A range may wrap ("Sa-Mo"). `nth` lists which
// occurrences in the month count (empty: every week); n-th occurrences only apply to one weekday.
struct WeekdayRange {
  Weekday from = kMonday;
  Weekday to = kMonday;
  std::vector<int> nth;
  int day_offset = 0;
};

// "PH" (public holiday), "SH" (school holiday), with an optional offset "PH +1 day".
struct HolidayRange {
  enum class Kind : std::uint8_t { kPublic, kSchool };
  Kind kind = Kind::kPublic;
  int day_offset = 0;
};

// A moment of the day: a clock time in minutes since midnight (0..2880) or a solar event with
// an offset in minutes ("(sunset-01:00)").
struct TimePoint {
  enum class Kind : std::uint8_t { kClock, kSunrise, kSunset, kDawn, kDusk };
  Kind kind = Kind::kClock;
  int minutes = 0;  // clock: minutes since midnight; events: signed offset
  bool parenthesised = false;  // "(sunrise+00:00)" keeps its form when printed

  bool is_event() const { return kind != Kind::kClock; }
};

// "09:00-12:00", "22:00-02:00", "20:00-26:00", "10:00+", "10:00-12:00+", "sunrise-sunset",
// "10:00-16:00/01:30" (repeated: points in time) and "10:00" (a point in time).
struct TimeSpan {
  TimePoint start;
  std::optional<TimePoint> end;  // absent: a point in time, or an open end when open_end
  bool open_end = false;         // "+": the closing time is not known
  int repeat_minutes = 0;        // "/01:30" -> 90; 0 when not repeated
};

enum class RuleState : std::uint8_t { kOpen, kClosed, kOff, kUnknown };

enum class RuleSeparator : std::uint8_t {
  kNormal,      // ";" (or the first rule)
  kAdditional,  // ","
  kFallback,    // "||"
};

struct Rule {
  RuleSeparator separator = RuleSeparator::kNormal;
  std::size_t position = 0;  // byte offset of the rule in the source
  bool always = false;       // "24/7"
  std::vector<YearRange> years;
  std::vector<MonthdayRange> monthdays;
  std::vector<WeekRange> weeks;
  std::vector<HolidayRange> holidays;
  std::vector<WeekdayRange> weekdays;
  // "PH Mo-Fr" selects the holidays that fall on Mo-Fr; "PH,Mo-Fr" selects both.
  bool holidays_restrict_weekdays = false;
  std::vector<TimeSpan> times;
  std::optional<RuleState> state;
  std::optional<std::string> comment;

  bool has_date_selectors() const {
    return !years.empty() || !monthdays.empty() || !weeks.empty() || !holidays.empty() ||
           !weekdays.empty();
  }
  bool has_time_selectors() const { return always || !times.empty(); }
};

struct Expression {
  std::vector<Rule> rules;

  bool uses_solar_events() const;      // sunrise, sunset, dawn, dusk
  bool uses_school_holidays() const;   // SH
};

}  // namespace maillage::hours
