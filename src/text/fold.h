// French text folding: the one place where case, accents, ligatures and apostrophes are made
// comparable. Used for matching enumerated values, commune names and (later) search terms.
#pragma once

#include <string>
#include <string_view>

namespace maillage::text {

// Case- and accent-insensitive form of UTF-8 text: Unicode case folding, diacritics removed
// (NFD then combining marks dropped), œ→oe, æ→ae, ß→ss, typographic apostrophes (’ ‘ ʼ) → ',
// runs of white space → one space, trimmed. Invalid UTF-8 bytes are replaced with U+FFFD.
// Thread-safe.
std::string fold(std::string_view utf8);

// fold(), then every character that is neither a letter nor a digit becomes a space, and
// spaces are collapsed: "Saint-Étienne (Loire)" → "saint etienne loire". For comparing names.
std::string fold_key(std::string_view utf8);

namespace detail {
// fold() computed with ICU on the whole text, without the per-code-point tables that fold()
// uses for speed. The reference the tests compare fold() against.
std::string fold_with_icu(std::string_view utf8);
}  // namespace detail

}  // namespace maillage::text
