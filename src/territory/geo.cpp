#include "territory/geo.h"

#include <algorithm>
#include <cmath>

#include "territory/reference.h"

namespace maillage::territory {
namespace {

struct Box {
  double lat_min, lat_max, lon_min, lon_max;
  Area area;
};

// Hand-drawn boxes, checked against every commune centroid of data/territoire by
// tests/territory_test.cpp. Mainland France is a staircase of boxes so that the Channel, the Bay
// of Biscay and the Gulf of Lion far from the coast stay outside; Corse (east of 8.45°E) never
// overlaps it.
constexpr Box kBoxes[] = {
    // Mainland, north to south: south Brittany to Alsace; north Brittany (Ouessant) to Lorraine;
    // Cotentin to Flanders; Vendée coast to Jura and Geneva; Aquitaine to the Alps and Menton;
    // Pyrenees and Roussillon; Provence coast and its islands.
    {47.0, 48.1, -4.9, 8.3, Area::kMetropole},
    {48.1, 49.0, -5.3, 8.3, Area::kMetropole},
    {49.0, 51.2, -2.0, 8.3, Area::kMetropole},
    {45.9, 47.1, -2.6, 7.2, Area::kMetropole},
    {43.2, 46.0, -1.9, 7.8, Area::kMetropole},
    {42.3, 43.3, -1.9, 3.3, Area::kMetropole},
    {42.95, 43.3, 4.5, 6.7, Area::kMetropole},
    {41.3, 43.1, 8.45, 9.65, Area::kCorse},
    {15.8, 16.55, -61.9, -60.95, Area::kGuadeloupe},  // Basse-Terre, Grande-Terre, Désirade
    {14.35, 14.9, -61.3, -60.75, Area::kMartinique},
    {2.1, 5.85, -54.7, -51.5, Area::kGuyane},
    {-21.45, -20.8, 55.15, 55.9, Area::kReunion},
    {-13.05, -12.6, 44.95, 45.35, Area::kMayotte},
    {46.7, 47.2, -56.5, -56.05, Area::kSaintPierreEtMiquelon},
    {17.85, 17.99, -62.97, -62.77, Area::kSaintBarthelemy},
    {18.03, 18.13, -63.17, -62.95, Area::kSaintMartin},  // French side, and part of Sint Maarten
    {-13.4, -13.15, -176.3, -176.1, Area::kWallisEtFutuna},  // Wallis (Uvea)
    {-14.4, -14.2, -178.25, -178.0, Area::kWallisEtFutuna},  // Futuna and Alofi
    {-28.0, -7.5, -155.0, -134.3, Area::kPolynesie},         // Marquises to Rapa, Scilly to Gambier
    {-22.9, -19.0, 163.5, 168.3, Area::kNouvelleCaledonie},  // Grande Terre, Loyauté, Pins
};

}  // namespace

std::optional<Area> locate(double latitude, double longitude) {
  if (!std::isfinite(latitude) || !std::isfinite(longitude)) return std::nullopt;
  for (const Box& b : kBoxes) {
    if (latitude >= b.lat_min && latitude <= b.lat_max && longitude >= b.lon_min &&
        longitude <= b.lon_max)
      return b.area;
  }
  return std::nullopt;
}

std::optional<Area> area_of_insee(std::string_view code_insee) {
  if (code_insee.size() != 5) return std::nullopt;
  std::string_view dep = departement_of(code_insee);
  if (dep == "2A" || dep == "2B") return Area::kCorse;
  if (dep.size() == 2) {
    if (dep[0] < '0' || dep[0] > '9' || dep[1] < '0' || dep[1] > '9' || dep == "00" ||
        dep == "20" || dep > "95")
      return std::nullopt;
    return Area::kMetropole;
  }
  struct Overseas {
    std::string_view dep;
    Area area;
  };
  static constexpr Overseas kOverseas[] = {
      {"971", Area::kGuadeloupe},
      {"972", Area::kMartinique},
      {"973", Area::kGuyane},
      {"974", Area::kReunion},
      {"975", Area::kSaintPierreEtMiquelon},
      {"976", Area::kMayotte},
      {"977", Area::kSaintBarthelemy},
      {"978", Area::kSaintMartin},
      {"986", Area::kWallisEtFutuna},
      {"987", Area::kPolynesie},
      {"988", Area::kNouvelleCaledonie},
  };
  for (const auto& o : kOverseas)
    if (dep == o.dep) return o.area;
  return std::nullopt;
}

std::string_view area_name(Area area) {
  switch (area) {
    case Area::kMetropole:
      return "France métropolitaine";
    case Area::kCorse:
      return "Corse";
    case Area::kGuadeloupe:
      return "Guadeloupe";
    case Area::kMartinique:
      return "Martinique";
    case Area::kGuyane:
      return "Guyane";
    case Area::kReunion:
      return "La Réunion";
    case Area::kMayotte:
      return "Mayotte";
    case Area::kSaintPierreEtMiquelon:
      return "Saint-Pierre-et-Miquelon";
    case Area::kSaintBarthelemy:
      return "Saint-Barthélemy";
    case Area::kSaintMartin:
      return "Saint-Martin";
    case Area::kWallisEtFutuna:
      return "Wallis-et-Futuna";
    case Area::kPolynesie:
      return "Polynésie française";
    case Area::kNouvelleCaledonie:
      return "Nouvelle-Calédonie";
  }
  return "";
}

double cos_latitude(double lat) { return std::cos(lat * kDegree); }

UnitVector unit_vector(double lat, double lon) {
  const double c = std::cos(lat * kDegree);
  return {c * std::cos(lon * kDegree), c * std::sin(lon * kDegree), std::sin(lat * kDegree)};
}

double haversine_of_km(double km) {
  const double half = std::min(km / kEarthRadiusKm, 180 * kDegree) / 2;
  return std::sin(half) * std::sin(half);
}

double distance_km(double lat1, double lon1, double cos_lat1, double lat2, double lon2,
                   double cos_lat2) {
  const double dlat = (lat2 - lat1) * kDegree;
  const double dlon = (lon2 - lon1) * kDegree;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   cos_lat1 * cos_lat2 * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(std::min(1.0, a)));
}

double distance_km(double lat1, double lon1, double lat2, double lon2) {
  return distance_km(lat1, lon1, cos_latitude(lat1), lat2, lon2, cos_latitude(lat2));
}

}  // namespace maillage::territory
