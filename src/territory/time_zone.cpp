#include "territory/time_zone.h"

namespace maillage::territory {

std::string_view time_zone_for_insee(std::string_view code) {
  if (code.size() < 3 || (code.substr(0, 2) != "97" && code.substr(0, 2) != "98")) return "Europe/Paris";
  struct Zone {
    std::string_view prefix, zone;
  };
  static constexpr Zone kZones[] = {
      {"971", "America/Guadeloupe"},   {"972", "America/Martinique"}, {"973", "America/Cayenne"},
      {"974", "Indian/Reunion"},       {"975", "America/Miquelon"},   {"976", "Indian/Mayotte"},
      {"977", "America/St_Barthelemy"}, {"978", "America/Marigot"},   {"986", "Pacific/Wallis"},
      {"987", "Pacific/Tahiti"},       {"988", "Pacific/Noumea"},
  };
  for (const auto& z : kZones)
    if (code.substr(0, 3) == z.prefix) return z.zone;
  return "Europe/Paris";
}

}  // namespace maillage::territory
