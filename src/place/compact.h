// A place packed into one string: for every field of the standard, in order, its length (LEB128)
// then its bytes. The search index keeps a million of these in memory, where a Place (32
// std::string) would take three times the room; reading a field walks at most 32 lengths.
// Immutable once built; cheap to read from many threads.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "place/place.h"

namespace maillage::place {

class CompactPlace {
 public:
  CompactPlace() = default;
  explicit CompactPlace(const Place& p);

  std::string_view operator[](Field f) const;
  // Every field at once (one walk instead of one per field).
  using Views = std::array<std::string_view, kFieldCount>;
  Views views() const;
  bool has(Field f) const { return !(*this)[f].empty(); }

  Place unpack() const;
  operator Place() const { return unpack(); }  // NOLINT: a CompactPlace is a Place, packed

  std::size_t memory_bytes() const { return sizeof(*this) + data_.capacity(); }

 private:
  std::string data_;
};

}  // namespace maillage::place
