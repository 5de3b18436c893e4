// Character-set conversions for input files that are not UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace maillage::encoding {

// Decodes Windows-1252 (a superset of Latin-1 used by French spreadsheets) into UTF-8.
// Bytes undefined in Windows-1252 become U+FFFD. Never fails.
std::string windows1252_to_utf8(std::string_view bytes);

// If `bytes` starts with a UTF-16 byte-order mark, returns its UTF-8 conversion and sets
// `converted`; otherwise returns an empty string. A UTF-8 BOM is not handled here.
std::string utf16_to_utf8_if_bom(std::string_view bytes, bool& converted);

}  // namespace maillage::encoding
