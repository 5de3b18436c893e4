// "Signaler une erreur": the categories a visitor chooses from and the validation of the form.
// Every field is bounded and checked; messages are French and name the field.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "web/templates.h"

namespace maillage::web {

struct ReportCategory {
  std::string_view code;   // stored
  std::string_view label;  // shown
};
std::span<const ReportCategory> report_categories();

// The fields a visitor may suggest a value for (standard names), with their labels.
std::span<const ReportCategory> suggestable_fields();
inline constexpr std::size_t kSuggestionMax = 500;  // code points

inline constexpr std::size_t kReportMessageMin = 10;    // code points
inline constexpr std::size_t kReportMessageMax = 2000;  // code points
inline constexpr std::size_t kReportContactMax = 254;   // bytes

struct FieldError {
  std::string field;    // "categorie", "message", "courriel"
  std::string message;  // French
};

// Reads categorie, message, courriel and the optional suggestion (champ, valeur) from the form's parameters into `out` (trimmed; message
// and courriel are kept even when invalid, to show the form again, unless not valid UTF-8);
// returns the problems, empty when the report can be stored.
std::vector<FieldError> validate_report(const std::multimap<std::string, std::string>& form,
                                        store::ErrorReport& out);
// The same, also giving the suggestion's field and value as typed (to show the form again).
std::vector<FieldError> validate_report(const std::multimap<std::string, std::string>& form,
                                        store::ErrorReport& out, std::string& suggested_field,
                                        std::string& suggested_value);

// Hours suggested for the field « horaires » are written in opening_hours ("Mo-Fr 09:00-12:00")
// or in plain French ("du lundi au vendredi 9h-12h et 14h-17h"), which validate_report turns
// into opening_hours (hours::normalize_free_text) for the stored suggestion. Hours that cannot
// be understood whole are refused (field "valeur"), never saved as typed.
struct HoursPreview {
  std::string expression;         // opening_hours, as it will be saved
  std::vector<std::string> days;  // "lundi : 9 h – 12 h, 14 h – 17 h", ..., "dimanche : fermé"
};

// The week the suggested hours were understood as, when they were rewritten (plain French, or
// opening_hours read with tolerance); nullopt when no hours are suggested, when they are
// already clean opening_hours, or when they are refused.
std::optional<HoursPreview> suggested_hours_preview(
    const std::multimap<std::string, std::string>& form);
// True when the rewritten hours were not yet confirmed by the visitor: the form's hidden field
// confirmer_horaires does not hold that very expression. The report is then not saved but the
// form shown again with the week and a « Confirmer » button (no JavaScript needed).
bool suggested_hours_need_confirmation(const std::multimap<std::string, std::string>& form);
// Sets the form's data for the preview (apercu_horaires: jours, expression), if any.
void set_suggested_hours_preview(Data& d, const std::multimap<std::string, std::string>& form);

}  // namespace maillage::web
