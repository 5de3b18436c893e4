#include "place/origin.h"

namespace maillage::place {

std::vector<FieldOrigin> field_origins(const Place& merged, std::span<const Place* const> members) {
  std::vector<FieldOrigin> out;
  for (const auto& spec : all_fields()) {
    if (spec.field == Field::kId || spec.field == Field::kSource || !merged.has(spec.field))
      continue;
    FieldOrigin origin{spec.field, {}};
    for (std::size_t k = 0; k < members.size(); ++k)
      if ((*members[k])[spec.field] == merged[spec.field]) origin.members.push_back(k);
    out.push_back(std::move(origin));
  }
  return out;
}

}  // namespace maillage::place
