// Diagnostics: the expected failures of reading and validating data, as values.
//
// A Diagnostic names where a problem is (file, line, record id, field), what was found (value),
// which rule it breaks (a stable code such as "code_postal.motif") and a French message a data
// producer can act on. Diagnostics never carry exceptions across module doors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace maillage {

enum class Severity {
  kError,    // the record is rejected
  kWarning,  // the field, or some of its values, is left out of the normalised record
  kNotice,   // a certain correction was made (padded code, international phone number...)
};

// "erreur", "avertissement", "remarque".
const char* severity_name(Severity s);

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string file;
  std::int64_t line = 0;  // 1-based physical line where the record starts; 0 when unknown
  std::string record_id;
  std::string field;
  std::string value;
  std::string rule;     // stable machine code, e.g. "code_postal.motif"
  std::string message;  // French, for people

  // "fichier.csv, ligne 12, lieu « x », champ code_postal : message"
  std::string to_french() const;
};

using Diagnostics = std::vector<Diagnostic>;

// Truncates a value to at most max_bytes for display, on a UTF-8 boundary, adding "…".
std::string shorten_for_display(const std::string& value, std::size_t max_bytes = 120);

}  // namespace maillage
