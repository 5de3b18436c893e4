// Small UTF-8 helpers used by the readers and validators. Encoding conversions of whole files
// (Windows-1252, Latin-1, UTF-16) go through ICU in common/encoding.h.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace maillage::utf8 {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid(std::string_view s);

// Largest index <= pos that is not inside a multi-byte sequence.
std::size_t floor_boundary(std::string_view s, std::size_t pos);

// Number of code points (the unit of the standard's maxLength); `s` must be valid UTF-8.
std::size_t length(std::string_view s);

// Trims ASCII white space and U+00A0 (no-break space) at both ends.
std::string_view trim(std::string_view s);

// The pieces of `s` between the separators, empty ones included ("a||b" → "a", "", "b"; "" →
// one empty piece). The views point into `s`.
std::vector<std::string_view> split(std::string_view s, char sep);

// Trims, and folds every run of white space (including U+00A0, tabs and newlines) into one space.
std::string collapse_spaces(std::string_view s);

// True when `s` contains C0 control characters other than tab, LF and CR, or DEL.
bool has_control_chars(std::string_view s);

}  // namespace maillage::utf8
