// Proleptic Gregorian calendar arithmetic on day numbers, for the opening-hours engine.
//
// A day number counts days since 1970-01-01 (day 0); it is the unit the evaluator and the compiled
// form use for local dates. Every function is pure, total over years -1'000'000..1'000'000 and
// thread-safe; nothing allocates.
#pragma once

#include <cstdint>

namespace maillage::hours {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31

  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

// Monday = 0 ... Sunday = 6, the order of the opening_hours weekdays Mo..Su.
enum Weekday : int { kMonday = 0, kTuesday, kWednesday, kThursday, kFriday, kSaturday, kSunday };

std::int64_t days_from_civil(int year, int month, int day);
inline std::int64_t days_from_civil(const CivilDate& d) {
  return days_from_civil(d.year, d.month, d.day);
}
CivilDate civil_from_days(std::int64_t day_number);
Weekday weekday_of(std::int64_t day_number);

bool is_leap_year(int year);
int days_in_month(int year, int month);

// ISO 8601 week number (1..53) of a day: weeks start on Monday and week 1 holds the year's first
// Thursday.
int iso_week_of(std::int64_t day_number);

// Gregorian Easter Sunday of `year` (any year), as a day number.
std::int64_t easter_sunday(int year);

// The n-th `weekday` of a month: n = 1..5 counts from the start, n = -1..-5 from the end. The
// result may fall outside the month (the fifth Monday of a month that has four): callers check.
std::int64_t nth_weekday_of_month(int year, int month, Weekday weekday, int n);

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr int kMinutesPerDay = 1440;

// Floor division, for day numbers of negative instants.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace maillage::hours
