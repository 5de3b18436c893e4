// Cells of the CSV files meant for spreadsheets (the search's csv-tableur, the coordinators'
// dashboard): the data come from third parties, and a spreadsheet runs a cell that starts with
// "=", "+", "-", "@", a tab or a carriage return as a formula (CSV injection). Such a cell is
// written after an apostrophe, as OWASP recommends, unless it is a plain signed number (a
// longitude "-1.55", a phone number "+33545000000"), which a spreadsheet reads as a number. The
// standard's open-data CSV keeps every value byte for byte (its round trip is a guarantee) and
// says so in docs/api.md, beside this variant.
#pragma once

#include <string>
#include <string_view>

namespace maillage::common {

// True when a spreadsheet would read `value` as a formula.
inline bool spreadsheet_formula(std::string_view value) {
  constexpr std::string_view kFormulaStart = "=+-@\t\r";
  if (value.empty() || kFormulaStart.find(value[0]) == std::string_view::npos) return false;
  const bool signed_number = value.size() > 1 && (value[0] == '+' || value[0] == '-') &&
                             value.find_first_not_of("0123456789. ", 1) == std::string_view::npos;
  return !signed_number;
}

// Appends `value` quoted ("a ""b"""), after an apostrophe when it would run as a formula.
inline void append_spreadsheet_cell(std::string& out, std::string_view value) {
  out += '"';
  if (spreadsheet_formula(value)) out += '\'';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

inline std::string spreadsheet_cell(std::string_view value) {
  std::string out;
  append_spreadsheet_cell(out, value);
  return out;
}

// A CSV file (RFC 4180: "," between cells, quotes doubled inside quoted cells, line breaks in
// quoted cells) rewritten for French spreadsheets: a UTF-8 byte order mark, ";" between cells,
// CRLF, every cell quoted and neutralised as above. The values are unchanged but for the
// apostrophe.
inline std::string csv_for_spreadsheets(std::string_view csv) {
  std::string out = "\xEF\xBB\xBF";
  out.reserve(csv.size() + csv.size() / 8);
  std::string cell;
  bool first_cell = true;
  std::size_t i = 0;
  auto end_cell = [&] {
    if (!first_cell) out += ';';
    append_spreadsheet_cell(out, cell);
    cell.clear();
    first_cell = false;
  };
  while (i < csv.size()) {
    if (csv[i] == '"') {  // a quoted cell
      for (++i; i < csv.size(); ++i) {
        if (csv[i] != '"') {
          cell += csv[i];
        } else if (i + 1 < csv.size() && csv[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          ++i;
          break;
        }
      }
    }
    while (i < csv.size() && csv[i] != ',' && csv[i] != '\n' && csv[i] != '\r') cell += csv[i++];
    if (i < csv.size() && csv[i] == ',') {
      end_cell();
      ++i;
      continue;
    }
    end_cell();  // end of a line or of the file
    out += "\r\n";
    first_cell = true;
    if (i < csv.size() && csv[i] == '\r') ++i;
    if (i < csv.size() && csv[i] == '\n') ++i;
  }
  return out;
}

}  // namespace maillage::common
