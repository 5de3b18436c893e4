// The IANA time zone of a French place, from its INSEE commune code.
#pragma once

#include <string_view>

namespace maillage::territory {

// Metropolitan France and Corse: "Europe/Paris". Overseas: 971 Guadeloupe "America/Guadeloupe",
// 972 Martinique "America/Martinique", 973 Guyane "America/Cayenne", 974 La Réunion
// "Indian/Reunion", 975 Saint-Pierre-et-Miquelon "America/Miquelon", 976 Mayotte
// "Indian/Mayotte", 977 Saint-Barthélemy "America/St_Barthelemy", 978 Saint-Martin
// "America/Marigot", 986 Wallis-et-Futuna "Pacific/Wallis", 987 Polynésie française
// "Pacific/Tahiti", 988 Nouvelle-Calédonie "Pacific/Noumea". An empty or unknown code gives
// "Europe/Paris" (the default zone of the directory).
std::string_view time_zone_for_insee(std::string_view code_insee);

}  // namespace maillage::territory
