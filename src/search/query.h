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
class Geocoder;
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

// A need understood in a query's words (search/understand.h): a place satisfies it when it has
// one of `values` (OR), or every one of `words` in its text, matched exactly.
struct NeedTerm {
  std::string label;                                        // "impôts"
  std::vector<std::pair<std::string, std::string>> values;  // (filter field, canonical value)
  // What the place is (a programme, a type of place): ranked first among the full matches.
  std::vector<std::pair<std::string, std::string>> identity_values;
  // Values that make a place a plausible answer only (ranked after those that have `values`).
  std::vector<std::pair<std::string, std::string>> weak_values;
  std::vector<std::string> words;                           // folded
  // Phrases (folded words) that, all in a place's name, make it an identity match.
  std::vector<std::vector<std::string>> name_phrases;
  bool preference = false;  // only ranks the places that satisfy it higher
};

struct Query {
  std::string text;                                       // q (with naturel: the words left)
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
  std::string format = "json";  // json, geojson, csv, csv-tableur (";", BOM: French spreadsheets)
  bool include_duplicates = false;  // doublons=inclure: every source record, not merged places
  std::int64_t now = 0;  // the current instant (Unix seconds) for "maintenant"; 0: the clock

  // naturel=oui: q is read as a person's need (search/understand.h). Its needs become `needs`,
  // a commune typed in it becomes the point (unless autour, lat/lon or bbox say where), and the
  // words left are `text`. Words and needs are relaxed (a place matching more of them ranks
  // first, one matching none is left out), and with a point relevance is ranked within
  // distance bands (5, 10, 20, 50 km, then farther): docs/recherche-naturelle.md.
  bool natural = false;
  std::vector<NeedTerm> needs;
  std::string understood;        // « impôts · CAF »: the needs recognised, for people
  std::string understood_place;  // the commune typed in q, as its label ("Saint-Denis (93)")
  std::string typed_text;        // q as typed

  // autour=, resolved (territory/place_query.h, territory/geocoder.h): the place used, as a
  // label that resolves back to it ("Saint-Denis (93)", or a geocoded address), its commune's
  // INSEE code, a French note to show ("« Marseile » compris comme Marseille."), and the other
  // places it may have meant (labels, for "Vouliez-vous dire …"). Empty without autour=.
  std::string place_label, place_insee, place_note;
  std::vector<std::string> place_alternatives;
};

struct QueryError {
  std::string parameter;
  std::string message;                   // French
  std::vector<std::string> suggestions;  // autour=: places a person may have meant (labels)
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

// Parses the query-string parameters (name → every value given). `territory` resolves autour=,
// and `geocoder`, when not null, the street addresses typed in it. Returns the query, or the
// first error.
std::pair<std::optional<Query>, QueryError> parse_query(
    const std::multimap<std::string, std::string>& params, const territory::Reference& territory,
    const territory::Geocoder* geocoder = nullptr);

}  // namespace maillage::search
