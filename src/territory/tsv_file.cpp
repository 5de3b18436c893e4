#include "territory/tsv_file.h"

#include <algorithm>
#include <cstdio>
#include <optional>

namespace maillage::territory::detail {
namespace {

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return std::nullopt;
  std::string content;
  char buffer[1 << 16];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) content.append(buffer, n);
  const bool ok = std::ferror(f) == 0;
  std::fclose(f);
  if (!ok) return std::nullopt;
  return content;
}

// Splits the next non-empty line of `rest` into `fields`; false at the end.
bool next_line(std::string_view& rest, std::size_t& line_number,
               std::vector<std::string_view>& fields) {
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    fields.clear();
    for (std::size_t start = 0;;) {
      const std::size_t tab = line.find('\t', start);
      if (tab == std::string_view::npos) {
        fields.push_back(line.substr(start));
        break;
      }
      fields.push_back(line.substr(start, tab - start));
      start = tab + 1;
    }
    return true;
  }
  return false;
}

}  // namespace

bool read_tsv(const std::filesystem::path& path, const std::vector<std::string_view>& header,
              const std::function<TsvRowResult(const std::vector<std::string_view>&)>& row,
              std::string* error) {
  std::size_t line_number = 0;
  const auto fail = [&](const std::string& message) {
    if (error != nullptr) {
      *error = path.string();
      if (line_number > 0) *error += ", ligne " + std::to_string(line_number);
      *error += " : " + message;
    }
    return false;
  };
  const std::optional<std::string> content = read_file(path);
  if (!content) return fail("fichier illisible ou absent");
  std::string_view rest = *content;
  std::vector<std::string_view> fields;
  if (!next_line(rest, line_number, fields)) return fail("fichier vide");
  if (fields != header) return fail("en-tête inattendu");
  while (next_line(rest, line_number, fields)) {
    if (fields.size() != header.size())
      return fail(std::to_string(fields.size()) + " colonnes au lieu de " +
                  std::to_string(header.size()));
    if (TsvRowResult message = row(fields); !message.empty()) return fail(message);
  }
  return true;
}

}  // namespace maillage::territory::detail
