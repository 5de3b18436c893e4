// Helpers shared by the opening-hours tests: reading the case tables of tests/cases.
#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace maillage::hours::testing {

// The rows of a tab-separated case file of tests/cases: lines starting with "#" are comments,
// empty lines are skipped. Each row keeps its line number for the failure messages.
struct CaseRow {
  int line = 0;
  std::vector<std::string> fields;
};

inline std::vector<CaseRow> read_cases(const std::string& path) {
  std::vector<CaseRow> rows;
  std::ifstream in(path);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    CaseRow row;
    row.line = number;
    std::size_t start = 0;
    while (true) {
      const std::size_t tab = line.find('\t', start);
      row.fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Undoes the escapes of tools/hours_oracle.mjs: \t, \n, \r and \\.
inline std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
  }
  return out;
}

inline std::string case_path(const std::string& name) {
  return std::string(MAILLAGE_SOURCE_DIR) + "/tests/cases/" + name;
}

}  // namespace maillage::hours::testing
