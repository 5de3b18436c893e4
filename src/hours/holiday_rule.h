// The public-holiday rule of French public services: a place whose hours say nothing about
// public holidays is closed on them, as if "; PH off" ended its expression.
//
// The evaluator stays a faithful reading of opening_hours (where hours without "PH" apply on
// holidays like on other days); this rule is applied to a place's expression where its hours
// are compiled or evaluated for people (search::OpeningIndex, search::opening_status, the place
// page), unless its source says that its hours apply on holidays too
// (jours_feries = "comme_les_autres_jours" in the registry, docs/federation.md).
//
// Pure functions of their arguments: thread-safe, no state, no failure.
#pragma once

#include "hours/ast.h"

namespace maillage::hours {

enum class HolidayRule : std::uint8_t {
  kClosed,       // "ferme" (default): closed on public holidays unless the hours mention PH
  kAsOtherDays,  // "comme_les_autres_jours": the hours as written
};

// Whether some rule of the expression selects public holidays ("PH", "PH +1 day", "PH Mo-Fr").
inline bool mentions_public_holidays(const Expression& expression) {
  for (const Rule& rule : expression.rules)
    for (const HolidayRange& h : rule.holidays)
      if (h.kind == HolidayRange::Kind::kPublic) return true;
  return false;
}

// Applies `rule` to `expression`: with kClosed and no PH in it, appends the normal rule
// "PH off" (an off rule closes the whole day it selects and replaces nothing else). Returns
// whether the rule was appended.
inline bool apply_holiday_rule(Expression& expression, HolidayRule rule) {
  if (rule != HolidayRule::kClosed || expression.rules.empty() ||
      mentions_public_holidays(expression))
    return false;
  Rule closed;
  closed.separator = RuleSeparator::kNormal;
  closed.holidays.push_back(HolidayRange{HolidayRange::Kind::kPublic, 0});
  closed.state = RuleState::kOff;
  expression.rules.push_back(std::move(closed));
  return true;
}

}  // namespace maillage::hours
