// The canonical form of an opening_hours expression.
//
// Selectors in the specification's order (year, month-day, week, holiday and weekday, time),
// two-digit hours and minutes, English two-letter day names, "; " between normal rules, ", "
// before additional rules and " || " before fallback rules. Printing a parsed expression and
// parsing the result again gives the same tree (tests/hours_parser_test.cpp checks it).
#pragma once

#include <string>

#include "hours/ast.h"

namespace maillage::hours {

std::string to_string(const Expression& expression);
std::string to_string(const Rule& rule);

// "09:00", "26:00", "(sunset-01:00)".
std::string to_string(const TimePoint& point);

// A clock time in minutes since midnight: 570 -> "09:30", 1560 -> "26:00".
std::string clock_string(int minutes);

}  // namespace maillage::hours
