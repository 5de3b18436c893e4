// A search over places, as the API receives it (GET /api/v1/lieux): text, filters, geography,
// opening time, sort, paging. parse_query() validates every parameter and reports the first
// bad one with a French message naming it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace maillage::territory {
class Reference;
}

namespace maillage::search {

enum class Sort { kRelevance, kDistance, kName, kUpdate };

struct GeoPoint {
  double latitude = 0, longitude = 0;
};

struct BoundingBox {
  double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
};

struct Query {
  std::string text;                                       // q
  std::map<std::string, std::vector<std::string>> filters;  // field → values (OR-ed)
  std::optional<GeoPoint> point;                          // lat, lon, or resolved autour=
  std::optional<double> radius_km;                        // rayon_km (needs a point)
  std::optional<BoundingBox> bbox;
  std::optional<std::string> open_at;                     // "maintenant" or YYYY-MM-DDTHH:MM
  // ouvert_jour: open at some moment of the next such day (today included), bit 1 << d for
  // weekday d (0 = lundi ... 6 = dimanche, hours::Weekday); several days OR-ed; 0: no filter.
  unsigned open_weekdays = 0;
  Sort sort = Sort::kRelevance;
  std::size_t limit = 20;                                 // limite, 1..1000
  std::string cursor;                                     // curseur (opaque)
  std::vector<std::string> facets;                        // facettes (see facet_fields())
  std::string format = "json";                            // json, geojson, csv
  bool include_duplicates = false;  // doublons=inclure: every source record, not merged places
  std::int64_t now = 0;  // the current instant (Unix seconds) for "maintenant"; 0: the clock
};

struct QueryError {
  std::string parameter;
  std::string message;  // French
};

// The filterable fields, in the API's spelling (the standard's field names, plus typologie,
// source, code_insee, code_postal, departement, region).
const std::vector<std::string>& filter_fields();

// Every parameter parse_query() accepts that is not a filter field.
const std::vector<std::string>& query_parameters();

// What facettes= accepts: every filter field, plus "ouvert" (the places open now: one count,
// "maintenant") and "ouvert_jour" (the places open on each day: "lundi" ... "dimanche").
const std::vector<std::string>& facet_fields();

// The days of ouvert_jour, lundi to dimanche (hours::Weekday order).
const std::vector<std::string>& weekday_names();

// Parses the query-string parameters (name → every value given). `territory` resolves autour=.
// Returns the query, or the first error.
std::pair<std::optional<Query>, QueryError> parse_query(
    const std::multimap<std::string, std::string>& params, const territory::Reference& territory);

}  // namespace maillage::search
