#include "common/diagnostic.h"

#include "common/utf8.h"

namespace maillage {

std::string Diagnostic::to_french() const {
  std::string out;
  if (!file.empty()) out += file;
  if (line > 0) {
    if (!out.empty()) out += ", ";
    out += "ligne " + std::to_string(line);
  }
  if (!record_id.empty()) {
    if (!out.empty()) out += ", ";
    out += "lieu « " + shorten_for_display(record_id, 60) + " »";
  }
  if (!field.empty()) {
    if (!out.empty()) out += ", ";
    out += "champ " + field;
  }
  if (!out.empty()) out += " : ";
  out += message;
  return out;
}

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::kError: return "erreur";
    case Severity::kWarning: return "avertissement";
    case Severity::kNotice: return "remarque";
  }
  return "erreur";
}

std::string shorten_for_display(const std::string& value, std::size_t max_bytes) {
  if (value.size() <= max_bytes) return value;
  std::size_t cut = utf8::floor_boundary(value, max_bytes);
  return value.substr(0, cut) + "…";
}

}  // namespace maillage
