// Private to src/territory: reading the tab-separated reference files of data/territoire.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace maillage::territory::detail {

// What a row callback returns: empty to go on, or a French message that stops the reading.
using TsvRowResult = std::string;

// Reads the UTF-8 file at `path`: a header line that must equal `header`, then rows of as many
// tab-separated fields (CRLF accepted, empty lines skipped, no quoting: fields hold no tab).
// Calls `row` with the fields of each row; the views are valid during the call only.
// Returns false and sets `*error` (when not null) to a French message naming the file and the
// line ("…/communes.tsv, ligne 12 : 11 colonnes au lieu de 12") when the file cannot be read, the
// header differs, a row has the wrong column count or `row` returns a message.
bool read_tsv(const std::filesystem::path& path, const std::vector<std::string_view>& header,
              const std::function<TsvRowResult(const std::vector<std::string_view>&)>& row,
              std::string* error);

}  // namespace maillage::territory::detail
