// What the pages say about a place's opening hours: "Ouvert maintenant — ferme à 17:00" (from
// search::opening_status, the one evaluation of a place's state and next change) and the week
// table (hours::Evaluator::day for each day of the current week, with public holidays).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hours/evaluator.h"
#include "hours/holiday_rule.h"
#include "place/place.h"

namespace maillage::web {

enum class OpenState { kUnknown, kOpen, kClosed };

struct DayHours {
  std::string day_name;  // "Lundi"
  std::string date;      // "12 mai"
  std::string hours;     // "09:00 – 12:00, 14:00 – 17:00", "Fermé"
  std::string holiday;   // "Lundi de Pâques" when a public holiday
  bool today = false;
  bool closed = false;
};

struct OpeningView {
  bool has_hours = false;   // readable opening hours (set only with the week table)
  OpenState state = OpenState::kUnknown;
  std::string status;       // "Ouvert maintenant", "Fermé maintenant", "Horaires non précisés"
  std::string next_change;  // "ferme à 17:00", "ouvre demain à 09:00", "" when none
  std::string comment;      // the hours' own comment (e.g. "sur rendez-vous"), if any
  std::vector<DayHours> week;  // Monday to Sunday of the current week (with_week only)
  // "Jours fériés : fermé (sauf mention contraire)" when the public-holiday rule closes the
  // place on holidays (its hours do not mention PH), followed by this week's holiday if any
  // (" — mardi 25 décembre : Noël"); empty otherwise (with_week only).
  std::string holiday_rule;
};

// Describes the opening of `place` at `now` (Unix seconds), in the place's time zone, with the
// public-holiday rule of its source (search::Document::holiday_rule). The week table is filled
// only when `with_week`. Never fails: unreadable hours say so.
OpeningView describe_opening(const place::Place& place,
                             std::optional<std::pair<double, double>> position, std::int64_t now,
                             bool with_week,
                             hours::HolidayRule holiday_rule = hours::HolidayRule::kClosed);

// "lundi" .. "dimanche" (0 is Monday), and "Lundi" .. "Dimanche"; "" past Sunday.
std::string_view week_day_name(std::size_t day);
std::string week_day_title(std::size_t day);

// A part of a day of a typical week, with its own copy of the rule's comment.
struct WeekSegment {
  int start = 0, end = 0;  // minutes since midnight
  hours::State state = hours::State::kClosed;
  std::string comment;
};
using TypicalWeek = std::array<std::vector<WeekSegment>, 7>;

// The days, Monday first, of the first week from now without a public holiday, as
// `expression` gives them in Paris (how the forms show hours people typed: "a normal week").
// Null when the expression does not parse.
std::optional<TypicalWeek> typical_week(std::string_view expression);

// "3 mars 2025" for the ISO date "2025-03-03"; the input when malformed.
std::string french_date(std::string_view iso_date);

}  // namespace maillage::web
