#include "web/report.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/utf8.h"

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
    {"horaires", "Horaires d'ouverture (horaires)"},
    {"telephone", "Téléphone"},
    {"courriels", "Courriel"},
    {"site_web", "Site internet"},
    {"adresse", "Adresse (numéro et rue)"},
    {"complement_adresse", "Complément d'adresse"},
    {"prise_rdv", "Lien de prise de rendez-vous"},
    {"presentation_resume", "Présentation"},
};

}  // namespace

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
    else if (!field.empty())
      out.suggestion = nlohmann::json{{"champ", field}, {"valeur", value}}.dump();
    suggested_field = field;
    suggested_value = value;
  }
  if (repeated) errors.insert(errors.begin(), {"formulaire", "Le formulaire reçu est incomplet : rechargez la page."});
  return errors;
}

}  // namespace maillage::web
