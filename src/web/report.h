// "Signaler une erreur": the categories a visitor chooses from and the validation of the form.
// Every field is bounded and checked; messages are French and name the field.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

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

}  // namespace maillage::web
