// The sort key of a search hit and its opaque, URL-safe encoding as a pagination cursor.
// Keyset pagination: the next page starts strictly after the last key returned, so paging
// never repeats or skips a place, even while the index changes.
#pragma once

#include <optional>
#include <string>

namespace maillage::search {

// Ordered by: primary desc, secondary desc, distance asc, text asc, public id asc.
struct SortKey {
  int primary = 0;
  int secondary = 0;
  double distance = 0;
  std::string text;
  std::string public_id;
};

bool comes_before(const SortKey& a, const SortKey& b);
std::string encode_cursor(const SortKey& key);
std::optional<SortKey> decode_cursor(const std::string& cursor);

}  // namespace maillage::search
