// Where the values of a merged place come from. A merged place (federation/dedup.h) takes each
// field from one of its member records; readers who see a value need to know which source
// states it, to trust it or to ask that source to correct it. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "place/place.h"

namespace maillage::place {

struct FieldOrigin {
  Field field;
  // Indexes into the members given, in their order, of every member holding this very value
  // (one gave it to the merged place; the others state the same). Empty when no member holds
  // it any more (a member changed since the merge, or a manager edited the place).
  std::vector<std::size_t> members;
};

// The origin of each non-empty field of `merged`, in the standard's field order, `id` and
// `source` excepted (they are the merged place's own).
std::vector<FieldOrigin> field_origins(const Place& merged, std::span<const Place* const> members);

}  // namespace maillage::place
