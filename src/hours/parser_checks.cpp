// Warnings for expressions that are valid but probably not what their author meant.
#include <string>

#include "hours/parser_impl.h"
#include "hours/printer.h"

namespace maillage::hours::detail {

namespace {

// The rule's date selectors, printed: two rules with the same text select the same days.
std::string date_selectors_text(Rule rule) {
  rule.times.clear();
  rule.always = false;
  rule.state.reset();
  rule.comment.reset();
  return to_string(rule);
}

bool is_open_rule(const Rule& rule) {
  return (!rule.state && !rule.comment) || rule.state == RuleState::kOpen;
}

struct Minutes {
  int from, to;
};

void warn_overlapping_times(std::string_view source, const Rule& rule, std::vector<Problem>& warnings) {
  std::vector<Minutes> spans;
  for (const TimeSpan& t : rule.times) {
    if (t.start.is_event() || !t.end || t.end->is_event()) continue;
    int to = t.end->minutes;
    if (to <= t.start.minutes) to += kMinutesPerDay;
    spans.push_back({t.start.minutes, to});
  }
  for (std::size_t i = 0; i < spans.size(); ++i)
    for (std::size_t j = i + 1; j < spans.size(); ++j)
      if (spans[i].from < spans[j].to && spans[j].from < spans[i].to) {
        warnings.push_back(make_problem(source, rule.position, "hours.time.overlap",
                                        "des plages horaires de la règle « " + to_string(rule) +
                                            " » se chevauchent"));
        return;
      }
}

}  // namespace

void add_suspect_expression_warnings(std::string_view source, const Expression& expression,
                                     std::vector<Problem>& warnings) {
  const std::vector<Rule>& rules = expression.rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const Rule& rule = rules[i];
    warn_overlapping_times(source, rule, warnings);
    if (rule.has_date_selectors() && !rule.has_time_selectors() && !rule.state && !rule.comment)
      warnings.push_back(make_problem(
          source, rule.position, "hours.rule.whole_day",
          "la règle « " + to_string(rule) +
              " » n'a pas d'horaires : elle vaut ouverture toute la journée ; ajoutez des horaires, ou "
              "« off » si le lieu est fermé"));
    if (i == 0 || rule.separator != RuleSeparator::kNormal || !is_open_rule(rule) || !rule.has_time_selectors())
      continue;
    const Rule& previous = rules[i - 1];
    if (!previous.has_time_selectors() || !is_open_rule(previous)) continue;
    const std::string days = date_selectors_text(rule);
    const std::string previous_days = date_selectors_text(previous);
    if (days == previous_days) {
      warnings.push_back(make_problem(
          source, rule.position, "hours.rule.replaces_previous",
          "la règle « " + to_string(rule) + " » remplace la précédente (« " + to_string(previous) +
              " ») pour les mêmes jours : pour cumuler les plages, séparez-les par une virgule (« " +
              (days.empty() ? "" : days + " ") + "09:00-12:00,14:00-18:00 »)"));
    } else if (days.empty() && !previous_days.empty()) {
      warnings.push_back(make_problem(
          source, rule.position, "hours.rule.ambiguous_every_day",
          "la règle « " + to_string(rule) + " » ne précise pas de jours après une règle qui en "
              "précise : elle s'ajoute aux jours déjà décrits (comme opening_hours.js) au lieu de les "
              "remplacer ; précisez les jours pour lever l'ambiguïté"));
    }
  }
}

}  // namespace maillage::hours::detail
