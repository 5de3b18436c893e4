#include "hours/civil.h"

namespace maillage::hours {

// Day-number conversions after the well-known era-based algorithm (400-year cycles of 146097
// days), exact for the proleptic Gregorian calendar.
std::int64_t days_from_civil(int year, int month, int day) {
  const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t year_of_era = y - era * 400;
  const std::int64_t month_from_march = month > 2 ? month - 3 : month + 9;
  const std::int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
  const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

CivilDate civil_from_days(std::int64_t day_number) {
  const std::int64_t z = day_number + 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t day_of_era = z - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month = static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return {static_cast<int>(year), month, day};
}

Weekday weekday_of(std::int64_t day_number) {
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  const std::int64_t w = (day_number + 3) % 7;
  return static_cast<Weekday>(w < 0 ? w + 7 : w);
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

int iso_week_of(std::int64_t day_number) {
  // The week belongs to the year of its Thursday.
  const std::int64_t thursday = day_number - weekday_of(day_number) + 3;
  const int year = civil_from_days(thursday).year;
  return static_cast<int>((thursday - days_from_civil(year, 1, 1)) / 7 + 1);
}

std::int64_t easter_sunday(int year) {
  // Anonymous Gregorian algorithm (Meeus, Astronomical Algorithms, chapter 8).
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return days_from_civil(year, month, day);
}

std::int64_t nth_weekday_of_month(int year, int month, Weekday weekday, int n) {
  if (n > 0) {
    const std::int64_t first = days_from_civil(year, month, 1);
    const int delta = (static_cast<int>(weekday) - static_cast<int>(weekday_of(first)) + 7) % 7;
    return first + delta + 7 * (n - 1);
  }
  const std::int64_t last = days_from_civil(year, month, days_in_month(year, month));
  const int delta = (static_cast<int>(weekday_of(last)) - static_cast<int>(weekday) + 7) % 7;
  return last - delta - 7 * (-n - 1);
}

}  // namespace maillage::hours
