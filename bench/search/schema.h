// What the search benchmark's baselines are told about the documents (see postgis_schema.sql
// and meilisearch_settings.json, which must agree with this file).
#pragma once

#include <algorithm>
#include <string>

namespace maillage::bench {

// Filter fields that hold one value per place: a text column in PostgreSQL (btree), the other
// filter fields are text[] columns (GIN).
inline bool is_scalar_field(const std::string& field) {
  static const char* kScalar[] = {"source", "code_insee", "code_postal", "departement", "region"};
  return std::any_of(std::begin(kScalar), std::end(kScalar), [&](const char* f) { return field == f; });
}

inline constexpr const char* kMeiliIndex = "lieux";

}  // namespace maillage::bench
