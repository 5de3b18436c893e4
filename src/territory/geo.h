// Geography of France for checking coordinates: which part of France a point lies in, which
// part an INSEE code belongs to, and great-circle distances.
//
// All functions are pure and thread-safe. Latitudes and longitudes are WGS 84 decimal degrees.
#pragma once

#include <optional>
#include <string_view>

namespace maillage::territory {

// The parts of France a place can be in. The Terres australes et antarctiques françaises (984)
// and Clipperton (989) are deliberately absent: nobody lives there to be served.
enum class Area {
  kMetropole,  // mainland France and its coastal islands, Corse excluded
  kCorse,
  kGuadeloupe,
  kMartinique,
  kGuyane,
  kReunion,
  kMayotte,
  kSaintPierreEtMiquelon,
  kSaintBarthelemy,
  kSaintMartin,
  kWallisEtFutuna,
  kPolynesie,
  kNouvelleCaledonie,
};

// The area whose boxes contain the point, or nullopt outside France. Each area is a few
// latitude/longitude boxes: generous along borders and coasts (a point in Geneva or a few
// kilometres at sea still counts), but the open sea far from any coast and swapped latitude and
// longitude fall outside. Non-finite input gives nullopt.
std::optional<Area> locate(double latitude, double longitude);

// The area of an INSEE commune code, from its département: 2A/2B → Corse, 01–95 → métropole,
// 971 → Guadeloupe, ... 988 → Nouvelle-Calédonie. nullopt for 984, 989 and malformed codes.
std::optional<Area> area_of_insee(std::string_view code_insee);

// French name for people: "France métropolitaine", "Corse", "Guadeloupe", "Martinique", "Guyane",
// "La Réunion", "Mayotte", "Saint-Pierre-et-Miquelon", "Saint-Barthélemy", "Saint-Martin",
// "Wallis-et-Futuna", "Polynésie française", "Nouvelle-Calédonie".
std::string_view area_name(Area area);

// The mean Earth radius (IUGG) of every great-circle distance of maillage.
inline constexpr double kEarthRadiusKm = 6371.0088;
inline constexpr double kDegree = 3.14159265358979323846 / 180.0;  // radians
// Great-circle distance in kilometres (haversine, mean Earth radius kEarthRadiusKm).
double distance_km(double lat1, double lon1, double lat2, double lon2);
// A position as a point of the unit sphere. The haversine of the angle between two positions
// is a quarter of their squared chord: no trigonometry per pair, and no cancellation for near
// places. A search tests it first and computes distance_km only near its bounds.
struct UnitVector {
  double x = 0, y = 0, z = 0;
};
UnitVector unit_vector(double lat, double lon);
inline double chord_haversine(const UnitVector& a, const UnitVector& b) {
  const double dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  return (dx * dx + dy * dy + dz * dz) / 4;
}
// The haversine of the angle of a distance (km): what chord_haversine gives for places that far
// apart, up to rounding (about 1e-16; callers leave a margin of 1e-12).
double haversine_of_km(double km);
// The cosine of a latitude as distance_km uses it.
double cos_latitude(double lat);
// The same distance, to the bit, with the cosines of both latitudes given (cos_latitude): a
// search measures from one point to many places whose cosines it keeps.
double distance_km(double lat1, double lon1, double cos_lat1, double lat2, double lon2,
                   double cos_lat2);

}  // namespace maillage::territory
