#include "search/query.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "common/utf8.h"
#include "place/fields.h"
#include "place/vocabulary.h"
#include "search/opening.h"
#include "search/understand.h"
#include "territory/geocoder.h"
#include "territory/place_query.h"
#include "territory/reference.h"

namespace maillage::search {
namespace {

using Result = std::pair<std::optional<Query>, QueryError>;

Result fail(std::string parameter, std::string message) {
  return {std::nullopt, QueryError{std::move(parameter), std::move(message)}};
}

bool parse_double(const std::string& s, double& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out == out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto p = s.find(sep, start);
    std::string piece(utf8::trim(std::string_view(s).substr(start, p - start)));
    if (!piece.empty()) out.push_back(piece);
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

// The canonical spelling of a filter value, or an error message.
std::optional<std::string> check_filter_value(const std::string& field, const std::string& value,
                                              const territory::Reference& territory,
                                              std::string& error) {
  if (auto f = place::field_by_name(field); f && !place::spec(*f).values.empty()) {
    if (auto m = place::vocabulary::match_value(place::spec(*f).values, value))
      return std::string(m->canonical);
    std::string allowed;
    for (auto v : place::spec(*f).values) allowed += (allowed.empty() ? "" : ", ") + std::string(v);
    error = "« " + value + " » n'est pas une valeur de " + field + " ; valeurs possibles : " + allowed + ".";
    return std::nullopt;
  }
  if (field == "typologie") {
    if (place::vocabulary::typologie_by_code(value)) return value;
    error = "« " + value + " » n'est pas un code de typologie (ex. EPN, BIB, TIERS_LIEUX).";
    return std::nullopt;
  }
  if (field == "code_postal" || field == "code_insee") {
    if (value.size() == 5) return value;
    error = "« " + value + " » n'est pas un " + (field == "code_postal" ? "code postal" : "code INSEE") +
            " (5 caractères).";
    return std::nullopt;
  }
  if (field == "departement") {
    if (!territory.departement_name(value).empty()) return value;
    error = "« " + value + " » n'est pas un code de département (ex. 75, 2A, 974).";
    return std::nullopt;
  }
  if (field == "region") {
    if (!territory.region_name(value).empty()) return value;
    error = "« " + value + " » n'est pas un code de région (ex. 11, 84).";
    return std::nullopt;
  }
  if (value.size() > 200) {
    error = "valeur trop longue.";
    return std::nullopt;
  }
  return value;  // source
}

// Adds the days of one ouvert_jour value ("samedi", "Samedi|dimanche") to `mask`. Returns the
// first word that is not a day ("" for an empty value), or nullopt when every word is one.
std::optional<std::string> add_weekdays(const std::string& value, unsigned& mask) {
  auto days = split(value, '|');
  if (days.empty()) return std::string();
  for (const std::string& word : days) {
    std::string day = word;
    for (char& c : day)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    auto it = std::find(weekday_names().begin(), weekday_names().end(), day);
    if (it == weekday_names().end()) return word;
    mask |= 1u << (it - weekday_names().begin());
  }
  return std::nullopt;
}

// naturel=oui: q read as a person's need (search/understand.h).
void understand_need(Query& q, const territory::Reference& territory) {
  q.typed_text = q.text;
  if (q.text.empty()) return;
  const Understanding u = understand(q.text, Lexicon::bundled(), territory);
  for (std::size_t i = 0; i < u.needs.size(); ++i)
    q.needs.push_back({u.needs[i]->label, u.needs[i]->values, u.needs[i]->identity_values,
                       u.needs[i]->weak_values, u.need_words[i], u.needs[i]->name_phrases, false});
  for (const Need* n : u.preferences) {
    auto values = n->values;
    for (const auto* more : {&n->identity_values, &n->weak_values})
      values.insert(values.end(), more->begin(), more->end());
    q.needs.push_back({n->label, std::move(values), {}, {}, {}, {}, true});
  }
  q.understood = understood_labels(u);
  // A commune typed in the need box is the place, unless the search already has one (Où ?,
  // Autour de moi, the map's view): then its words are simply not searched.
  if (u.commune && !q.point && !q.bbox) {
    // Its label keeps a homonym's identity: « Saint-Denis (93) ».
    q.understood_place = territory::PlaceResolver::of(territory).label(*u.commune);
    q.point = GeoPoint{u.commune->latitude, u.commune->longitude};
  }
  q.text = u.free_text;
}

}  // namespace

const std::vector<std::string>& filter_fields() {
  static const std::vector<std::string> kFields = {
      "services", "publics_specifiquement_adresses", "prise_en_charge_specifique",
      "frais_a_charge", "modalites_acces", "modalites_accompagnement",
      "dispositif_programmes_nationaux", "formations_labels", "itinerance", "typologie", "source",
      "code_insee", "code_postal", "departement", "region"};
  return kFields;
}

const std::vector<std::string>& query_parameters() {
  static const std::vector<std::string> kParameters = {
      "q",           "lat", "lon",    "rayon_km", "bbox",     "autour", "ouvert",  "ouvert_le",
      "ouvert_jour", "tri", "limite", "curseur",  "facettes", "format", "doublons", "naturel"};
  return kParameters;
}

const std::vector<std::string>& facet_fields() {
  static const std::vector<std::string> kFacets = [] {
    std::vector<std::string> out = filter_fields();
    out.push_back("ouvert");
    out.push_back("ouvert_jour");
    return out;
  }();
  return kFacets;
}

const std::vector<std::string>& weekday_names() {
  static const std::vector<std::string> kDays = {"lundi",    "mardi",  "mercredi", "jeudi",
                                                 "vendredi", "samedi", "dimanche"};
  return kDays;
}

std::pair<std::optional<Query>, QueryError> parse_query(
    const std::multimap<std::string, std::string>& params, const territory::Reference& territory,
    const territory::Geocoder* geocoder) {
  static const std::set<std::string> kKnown(query_parameters().begin(), query_parameters().end());
  Query q;
  auto single = [&](const char* name) -> const std::string* {
    auto range = params.equal_range(name);
    if (range.first == range.second) return nullptr;
    return &range.first->second;
  };
  for (const auto& [name, value] : params) {
    bool is_filter = std::find(filter_fields().begin(), filter_fields().end(), name) != filter_fields().end();
    if (!is_filter && !kKnown.count(name))
      return fail(name, "paramètre inconnu « " + name + " » (voir /api/v1/openapi.json).");
    if (params.count(name) > 1 && !is_filter && name != "ouvert_jour")
      return fail(name, "le paramètre « " + name + " » est donné plusieurs fois.");
    if (!utf8::is_valid(value) || value.size() > 2000)
      return fail(name, "la valeur du paramètre « " + name + " » est illisible ou trop longue.");
    if (name == "ouvert_jour") {
      if (auto bad = add_weekdays(value, q.open_weekdays))
        return fail(
            name,
            (bad->empty() ? "ouvert_jour est vide" : "« " + *bad + " » n'est pas un jour") +
                " : ouvert_jour accepte lundi, mardi, mercredi, jeudi, vendredi, "
                "samedi ou dimanche (plusieurs : répéter le paramètre ou séparer par « | »).");
      continue;
    }
    if (!is_filter) continue;
    for (const auto& v : split(value, '|')) {
      std::string error;
      auto canonical = check_filter_value(name, v, territory, error);
      if (!canonical) return fail(name, error);
      auto& list = q.filters[name];
      if (std::find(list.begin(), list.end(), *canonical) == list.end()) list.push_back(*canonical);
    }
  }
  if (const auto* v = single("q")) {
    q.text = std::string(utf8::trim(*v));
    if (utf8::length(q.text) > 200) return fail("q", "la recherche fait plus de 200 caractères.");
  }
  const auto *lat = single("lat"), *lon = single("lon");
  if ((lat != nullptr) != (lon != nullptr))
    return fail(lat ? "lon" : "lat", "lat et lon vont ensemble : donnez les deux.");
  if (lat) {
    GeoPoint p;
    if (!parse_double(*lat, p.latitude) || p.latitude < -90 || p.latitude > 90)
      return fail("lat", "lat doit être un nombre entre -90 et 90.");
    if (!parse_double(*lon, p.longitude) || p.longitude < -180 || p.longitude > 180)
      return fail("lon", "lon doit être un nombre entre -180 et 180.");
    q.point = p;
  }
  if (const auto* v = single("autour")) {
    if (q.point) return fail("autour", "autour et lat/lon ne vont pas ensemble.");
    territory::LocatedPlace place =
        territory::locate_place(territory::PlaceResolver::of(territory), geocoder, *v);
    if (!place.found)
      return {std::nullopt, QueryError{"autour", place.error, std::move(place.alternatives)}};
    q.point = GeoPoint{place.latitude, place.longitude};
    q.place_label = std::move(place.label);
    q.place_insee = std::move(place.code_insee);
    q.place_note = std::move(place.note);
    q.place_alternatives = std::move(place.alternatives);
  }
  if (const auto* v = single("rayon_km")) {
    double r;
    if (!parse_double(*v, r) || r <= 0 || r > 1000)
      return fail("rayon_km", "rayon_km doit être un nombre de kilomètres entre 0 et 1000.");
    if (!q.point) return fail("rayon_km", "rayon_km demande un point : lat et lon, ou autour.");
    q.radius_km = r;
  }
  if (const auto* v = single("bbox")) {
    auto parts = split(*v, ',');
    BoundingBox b;
    double* dst[] = {&b.min_lon, &b.min_lat, &b.max_lon, &b.max_lat};
    bool ok = parts.size() == 4;
    for (std::size_t i = 0; ok && i < 4; ++i) ok = parse_double(parts[i], *dst[i]);
    ok = ok && b.min_lon < b.max_lon && b.min_lat < b.max_lat && b.min_lat >= -90 &&
         b.max_lat <= 90 && b.min_lon >= -180 && b.max_lon <= 180;
    if (!ok)
      return fail("bbox", "bbox attend minLon,minLat,maxLon,maxLat (4 nombres, min < max).");
    q.bbox = b;
  }
  if (const auto* v = single("ouvert")) {
    if (*v != "maintenant") return fail("ouvert", "ouvert n'accepte que la valeur « maintenant ».");
    q.open_at = "maintenant";
  }
  if (const auto* v = single("ouvert_le")) {
    if (q.open_at) return fail("ouvert_le", "ouvert et ouvert_le ne vont pas ensemble.");
    if (!resolve_open_at(*v, 0) || *v == "maintenant")
      return fail("ouvert_le", "ouvert_le attend une date et une heure AAAA-MM-JJTHH:MM (ex. 2026-12-01T10:00).");
    q.open_at = *v;
  }
  if (const auto* v = single("tri")) {
    if (*v == "pertinence") q.sort = Sort::kRelevance;
    else if (*v == "distance") q.sort = Sort::kDistance;
    else if (*v == "nom") q.sort = Sort::kName;
    else if (*v == "date_maj") q.sort = Sort::kUpdate;
    else return fail("tri", "tri accepte pertinence, distance, nom ou date_maj.");
    if (q.sort == Sort::kDistance && !q.point)
      return fail("tri", "le tri par distance demande un point : lat et lon, ou autour.");
  }
  if (const auto* v = single("limite")) {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || end != v->data() + v->size() || n < 1 || n > 1000)
      return fail("limite", "limite doit être un entier entre 1 et 1000.");
    q.limit = n;
  }
  if (const auto* v = single("curseur")) {
    if (v->size() > 512) return fail("curseur", "curseur invalide.");
    q.cursor = *v;
  }
  if (const auto* v = single("facettes")) {
    for (const auto& f : split(*v, ',')) {
      if (std::find(facet_fields().begin(), facet_fields().end(), f) == facet_fields().end())
        return fail("facettes", "« " + f + " » n'est pas un champ à facettes.");
      q.facets.push_back(f);
    }
  }
  if (const auto* v = single("format")) {
    if (*v != "json" && *v != "geojson" && *v != "csv" && *v != "csv-tableur")
      return fail("format", "format accepte json, geojson, csv ou csv-tableur.");
    q.format = *v;
  }
  if (const auto* v = single("doublons")) {
    if (*v != "inclure" && *v != "exclure")
      return fail("doublons", "doublons accepte inclure ou exclure.");
    q.include_duplicates = *v == "inclure";
  }
  if (const auto* v = single("naturel")) {
    if (*v != "oui" && *v != "non") return fail("naturel", "naturel accepte oui ou non.");
    q.natural = *v == "oui";
  }
  if (q.natural) understand_need(q, territory);
  return {std::move(q), {}};
}

}  // namespace maillage::search
