#include "store/provenance.h"

#include <nlohmann/json.hpp>

namespace maillage::store {

std::vector<std::pair<std::string, std::string>> provenance_members(std::string_view provenance) {
  std::vector<std::pair<std::string, std::string>> out;
  auto j = nlohmann::json::parse(provenance, nullptr, false);
  if (!j.is_object() || !j.contains("membres") || !j["membres"].is_array()) return out;
  for (const auto& m : j["membres"])
    if (m.is_object() && m.contains("source") && m.contains("id") && m["source"].is_string() &&
        m["id"].is_string())
      out.emplace_back(m["source"].get<std::string>(), m["id"].get<std::string>());
  return out;
}

}  // namespace maillage::store
