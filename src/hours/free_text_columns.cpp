// Per-day columns (the France Services list's h_lundi..h_samedi) to one expression.
#include <string>

#include "hours/free_text.h"

namespace maillage::hours {

Normalized normalize_day_columns(const std::array<std::string, 7>& days) {
  static constexpr std::string_view kNames[7] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
  static constexpr std::string_view kFrench[7] = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"};
  Normalized result;
  std::array<std::string, 7> fragments;
  double confidence = 1;
  bool any = false;
  for (int d = 0; d < 7; ++d) {
    if (days[d].find_first_not_of(" \t") == std::string::npos) continue;
    any = true;
    Normalized n = normalize_time_ranges(days[d]);
    for (std::string& note : n.notes) result.notes.push_back(std::string(kFrench[d]) + " : " + note);
    for (std::string& r : n.remainder) result.remainder.push_back(std::string(kFrench[d]) + " : " + r);
    if (n.expression.empty()) {
      result.notes.push_back(std::string(kFrench[d]) + " : aucune plage horaire, jour laissé fermé");
      continue;
    }
    confidence = std::min(confidence, n.confidence);
    fragments[d] = n.expression;
  }
  // Days with the same hours together, in the order of their first day.
  std::string expression;
  std::array<bool, 7> done{};
  for (int d = 0; d < 7; ++d) {
    if (done[d] || fragments[d].empty()) continue;
    std::string selector;
    for (int e = d; e < 7;) {
      if (fragments[e] != fragments[d] || done[e]) {
        ++e;
        continue;
      }
      int last = e;
      while (last + 1 < 7 && fragments[last + 1] == fragments[d]) ++last;
      for (int x = e; x <= last; ++x) done[x] = true;
      if (!selector.empty()) selector += ',';
      selector += kNames[e];
      if (last > e) selector += (last == e + 1 ? "," : "-") + std::string(kNames[last]);
      e = last + 1;
    }
    if (!expression.empty()) expression += "; ";
    expression += selector + " " + fragments[d];
  }
  if (expression.empty()) {
    result.reason = any ? "aucune plage horaire reconnue" : "aucun horaire";
    return result;
  }
  result.expression = expression;
  result.confidence = confidence;
  return result;
}

}  // namespace maillage::hours
