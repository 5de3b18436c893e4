#include "web/report.h"

#include "web/opening.h"

#include <algorithm>
#include <ctime>

#include <nlohmann/json.hpp>

#include "common/utf8.h"
#include "hours/civil.h"
#include "hours/evaluator.h"
#include "hours/free_text.h"
#include "hours/holidays.h"
#include "hours/parser.h"
#include "hours/printer.h"
#include "hours/zone.h"

namespace maillage::web {
namespace {

constexpr ReportCategory kCategories[] = {
    {"adresse", "L'adresse ou la position sur la carte"},
    {"horaires", "Les horaires d'ouverture"},
    {"contact", "Le téléphone, le courriel ou le site internet"},
    {"services", "Les services proposés"},
    {"ferme", "Le lieu a fermé définitivement"},
    {"autre", "Autre chose"},
};

// The single value of `name`, or "" (several values count as none: a forged form).
std::string single(const std::multimap<std::string, std::string>& form, const char* name,
                   bool& repeated) {
  auto [first, last] = form.equal_range(name);
  if (first == last) return {};
  if (std::next(first) != last) {
    repeated = true;
    return {};
  }
  return first->second;
}

bool has_control_characters(std::string_view s, bool allow_newlines) {
  return std::any_of(s.begin(), s.end(), [&](char c) {
    auto u = static_cast<unsigned char>(c);
    if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) return false;
    return u < 0x20 || u == 0x7f;
  });
}

bool plausible_email(std::string_view s) {
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos)
    return false;
  std::string_view domain = s.substr(at + 1);
  auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' || c == '\\';
  });
}

constexpr ReportCategory kSuggestable[] = {
    {"horaires", "Horaires d'ouverture"},
    {"telephone", "Téléphone"},
    {"courriels", "Courriel"},
    {"site_web", "Site internet"},
    {"adresse", "Adresse (numéro et rue)"},
    {"complement_adresse", "Complément d'adresse"},
    {"prise_rdv", "Lien de prise de rendez-vous"},
    {"presentation_resume", "Présentation"},
};

// Suggested hours as understood: the expression to store, whether it differs from what was
// typed (then shown back for confirmation), or a French refusal.
struct ReportHoursReading {
  std::string expression;
  bool rewritten = false;
  std::string refusal;
};

ReportHoursReading read_report_hours(const std::string& value) {
  ReportHoursReading out;
  auto parsed = hours::parse(value);
  if (parsed.ok() && parsed.warnings.empty()) {
    out.expression = value;
    return out;
  }
  hours::Normalized n = hours::normalize_free_text(value);
  out.rewritten = true;
  if (!n.expression.empty() && n.remainder.empty()) {
    out.expression = n.expression;
  } else if (parsed.ok()) {
    out.expression = hours::to_string(*parsed.expression);
  } else {
    out.refusal = "Horaires d'ouverture : « " + value + " » n'a pas été compris" +
                  (n.remainder.empty() ? std::string() : " (« " + n.remainder.front() + " »)") +
                  ". Écrivez par exemple « du lundi au vendredi 9h-12h et 14h-17h, le samedi "
                  "9h-12h ».";
  }
  return out;
}

// "9 h", "9 h 30", "24 h".
std::string report_clock(int minutes) {
  std::string out = std::to_string(minutes / 60) + " h";
  if (minutes % 60) out += (minutes % 60 < 10 ? " 0" : " ") + std::to_string(minutes % 60);
  return out;
}

// A week of `expression` without public holidays (the next one from now), day by day.
std::vector<std::string> report_week_lines(const std::string& expression) {
  std::vector<std::string> lines;
  auto week = typical_week(expression);
  if (!week) return lines;
  for (std::size_t d = 0; d < week->size(); ++d) {
    std::string open, unknown, note;
    for (const WeekSegment& s : (*week)[d]) {
      const std::string range = report_clock(s.start) + " – " + report_clock(s.end);
      if (s.state == hours::State::kOpen) {
        open += (open.empty() ? "" : ", ") + range;
      } else if (s.state == hours::State::kUnknown) {
        unknown += (unknown.empty() ? "" : ", ") + range;
        if (note.empty() && !s.comment.empty()) note = s.comment;
      }
    }
    std::string line = std::string(week_day_name(d)) + " : " + (open.empty() ? "" : open);
    if (!unknown.empty())
      line += (open.empty() ? "" : " ; ") + (note.empty() ? std::string("à confirmer") : note) +
              " " + unknown;
    if (open.empty() && unknown.empty()) line += "fermé";
    lines.push_back(std::move(line));
  }
  return lines;
}

// The suggested hours of a form (champ = horaires), trimmed; empty when none.
std::string report_suggested_hours(const std::multimap<std::string, std::string>& form) {
  bool repeated = false;
  if (single(form, "champ", repeated) != "horaires" || repeated) return {};
  const std::string value = single(form, "valeur", repeated);
  if (repeated || !utf8::is_valid(value) || has_control_characters(value, false) ||
      value.size() > 4 * kSuggestionMax)
    return {};
  return std::string(utf8::trim(value));
}

}  // namespace

std::optional<HoursPreview> suggested_hours_preview(
    const std::multimap<std::string, std::string>& form) {
  const std::string value = report_suggested_hours(form);
  if (value.empty()) return std::nullopt;
  ReportHoursReading reading = read_report_hours(value);
  if (!reading.rewritten || reading.expression.empty()) return std::nullopt;
  return HoursPreview{reading.expression, report_week_lines(reading.expression)};
}

bool suggested_hours_need_confirmation(const std::multimap<std::string, std::string>& form) {
  auto preview = suggested_hours_preview(form);
  if (!preview) return false;
  bool repeated = false;
  return single(form, "confirmer_horaires", repeated) != preview->expression;
}

void set_suggested_hours_preview(Data& d, const std::multimap<std::string, std::string>& form) {
  auto preview = suggested_hours_preview(form);
  if (!preview) return;
  Data p;
  List days;
  for (const auto& line : preview->days) {
    Data day;
    day.set("jour", line);
    days.push_back(day);
  }
  p.set("jours", days);
  p.set("expression", preview->expression);
  d.set("apercu_horaires", p);
}

std::span<const ReportCategory> report_categories() { return kCategories; }
std::span<const ReportCategory> suggestable_fields() { return kSuggestable; }

std::vector<FieldError> validate_report(const std::multimap<std::string, std::string>& form,
                                        store::ErrorReport& out) {
  std::string field, value;
  return validate_report(form, out, field, value);
}

std::vector<FieldError> validate_report(const std::multimap<std::string, std::string>& form,
                                        store::ErrorReport& out, std::string& suggested_field,
                                        std::string& suggested_value) {
  std::vector<FieldError> errors;
  bool repeated = false;
  std::string category = single(form, "categorie", repeated);
  std::string message = single(form, "message", repeated);
  std::string contact = single(form, "courriel", repeated);

  auto known = std::find_if(std::begin(kCategories), std::end(kCategories),
                            [&](const ReportCategory& c) { return c.code == category; });
  if (known == std::end(kCategories))
    errors.push_back({"categorie", "Choisissez ce qui est erroné dans la liste."});
  else
    out.category = std::string(known->code);

  if (!utf8::is_valid(message) || has_control_characters(message, true)) {
    errors.push_back({"message", "Le message contient des caractères illisibles."});
  } else {
    message = std::string(utf8::trim(message));
    out.message = message;  // kept as typed, for the form shown again
    std::size_t n = message.size() > 4 * kReportMessageMax ? kReportMessageMax + 1 : utf8::length(message);
    if (n < kReportMessageMin)
      errors.push_back({"message", "Décrivez l'erreur en " + std::to_string(kReportMessageMin) +
                                       " caractères au moins."});
    else if (n > kReportMessageMax)
      errors.push_back({"message", "Le message dépasse " + std::to_string(kReportMessageMax) +
                                       " caractères : raccourcissez-le."});
  }

  if (!utf8::is_valid(contact) || has_control_characters(contact, false)) {
    errors.push_back({"courriel", "L'adresse de courriel contient des caractères illisibles."});
  } else {
    contact = std::string(utf8::trim(contact));
    out.contact = contact;
    if (contact.size() > kReportContactMax)
      errors.push_back({"courriel", "L'adresse de courriel est trop longue."});
    else if (!contact.empty() && !plausible_email(contact))
      errors.push_back({"courriel", "L'adresse de courriel doit avoir la forme nom@exemple.fr."});
  }
  std::string field = single(form, "champ", repeated);
  std::string value = single(form, "valeur", repeated);
  if (!utf8::is_valid(value) || has_control_characters(value, false)) {
    errors.push_back({"valeur", "La valeur proposée contient des caractères illisibles."});
  } else {
    value = std::string(utf8::trim(value));
    out.suggestion.clear();
    auto known_field = std::find_if(std::begin(kSuggestable), std::end(kSuggestable),
                                    [&](const ReportCategory& c) { return c.code == field; });
    if (!field.empty() && known_field == std::end(kSuggestable))
      errors.push_back({"champ", "Choisissez le champ à corriger dans la liste."});
    else if (!field.empty() && value.empty())
      errors.push_back({"valeur", "Indiquez la bonne valeur, ou ne choisissez pas de champ."});
    else if (utf8::length(value) > kSuggestionMax)
      errors.push_back({"valeur", "La valeur proposée dépasse " + std::to_string(kSuggestionMax) + " caractères."});
    else if (field.empty() && !value.empty())
      errors.push_back({"champ", "Choisissez le champ que cette valeur corrige."});
    else if (field == "horaires") {
      ReportHoursReading reading = read_report_hours(value);
      if (!reading.refusal.empty())
        errors.push_back({"valeur", reading.refusal});
      else
        out.suggestion = nlohmann::json{{"champ", field}, {"valeur", reading.expression}}.dump();
    } else if (!field.empty())
      out.suggestion = nlohmann::json{{"champ", field}, {"valeur", value}}.dump();
    suggested_field = field;
    suggested_value = value;
  }
  if (repeated) errors.insert(errors.begin(), {"formulaire", "Le formulaire reçu est incomplet : rechargez la page."});
  return errors;
}

}  // namespace maillage::web
