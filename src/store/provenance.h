// Merged places (federation/dedup.h) are stored as places of source kFusionSource; their raw
// record is their provenance, a JSON object:
//   {"membres":[{"source":"…","id":"…","date_maj":"…"}, …], "champs":{"nom":0, …}}
// (which member gave which field, by index into "membres"). Readers of the store that must tell
// merged places from their members (the search index, the exports) read it here.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace maillage::store {

// The members (source, id) of a provenance; empty when it is not one.
std::vector<std::pair<std::string, std::string>> provenance_members(std::string_view provenance);

}  // namespace maillage::store
