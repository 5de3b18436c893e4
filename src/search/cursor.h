// The sort key of a search hit and its opaque, URL-safe encoding as a pagination cursor.
// Keyset pagination: the next page starts strictly after the last key returned, so paging
// never repeats or skips a place, even while the index changes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace maillage::search {

// Ordered by: primary desc, secondary desc, distance asc, text asc, public id asc. The view
// form points into the index's documents (no copy per candidate); SortKey owns its strings
// (a decoded cursor).
struct SortKeyView {
  int primary = 0;
  int secondary = 0;
  double distance = 0;
  std::string_view text;
  std::string_view public_id;
};

struct SortKey {
  int primary = 0;
  int secondary = 0;
  double distance = 0;
  std::string text;
  std::string public_id;
  SortKeyView view() const { return {primary, secondary, distance, text, public_id}; }
};

bool comes_before(const SortKeyView& a, const SortKeyView& b);
// The first 8 bytes of a sort text as a big-endian integer (zero-padded): ordered as the texts
// are, except among texts that share them. The index keeps one per document so that sorting a
// million candidates by name rarely reads a string.
inline std::uint64_t sort_prefix(std::string_view text) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i)
    v = (v << 8) | (i < text.size() ? static_cast<unsigned char>(text[i]) : 0u);
  return v;
}
inline bool comes_before(const SortKey& a, const SortKey& b) { return comes_before(a.view(), b.view()); }
std::string encode_cursor(const SortKeyView& key);
std::optional<SortKey> decode_cursor(const std::string& cursor);

}  // namespace maillage::search
