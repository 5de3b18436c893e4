#include "http/api_search.h"
#include "http/router.h"

#include <httplib.h>
#include <xxhash.h>

#include <cstdio>
#include <ctime>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/spreadsheet.h"
#include "common/utf8.h"
#include "http/provenance_json.h"
#include "http/response_cache.h"
#include "place/codec.h"
#include "search/service.h"
#include "territory/place_query.h"
#include "territory/reference.h"
#include "text/fold.h"

namespace maillage::http {
namespace {

using nlohmann::ordered_json;

void send_error(httplib::Response& res, int status, std::string_view code, const std::string& message,
                const std::string& parameter, const std::vector<std::string>& suggestions = {}) {
  ordered_json body = {{"erreur", {{"code", code}, {"message", message}}}};
  if (!parameter.empty()) body["erreur"]["parametre"] = parameter;
  if (!suggestions.empty()) body["erreur"]["suggestions"] = suggestions;
  res.status = status;
  // The message and parameter may quote the request's bytes, which need not be UTF-8.
  res.set_content(body.dump(-1, ' ', false, ordered_json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

// Sends `body` with an ETag; answers 304 when the client already has it.
void send_cached(const httplib::Request& req, httplib::Response& res, std::string body,
                 const char* type) {
  char etag[40];
  std::snprintf(etag, sizeof etag, "\"%016llx\"",
                static_cast<unsigned long long>(XXH3_64bits(body.data(), body.size())));
  res.set_header("ETag", etag);
  res.set_header("Cache-Control", "public, max-age=60");
  if (req.get_header_value("If-None-Match") == etag) {
    res.status = 304;
    return;
  }
  res.set_content(std::move(body), type);
}

// The place as the API sends it, written straight from the packed record: `{"id":…` (the public
// id), the standard's non-empty fields, and position_approximative when the commune's centre
// stands in for missing coordinates. Left open: callers add their fields and the closing brace.
void open_place_object(std::string& out, const search::Document& d) {
  out += "{\"id\":";
  place::append_json_string(out, d.public_id);
  place::append_json_fields(out, d.place, true);
  if (d.approx_position && !d.place.has(place::Field::kLatitude)) {
    out += ",\"position_approximative\":{\"latitude\":" + place::format_number(d.latitude) +
           ",\"longitude\":" + place::format_number(d.longitude) + "}";
  }
}

const char* json_tristate(std::optional<bool> v) { return !v ? "null" : *v ? "true" : "false"; }

// The cache key of a search: its parameters in order (a repeated parameter keeps its values'
// order), each byte string length-prefixed so that no two queries share a key.
std::string cache_key(const httplib::Params& params) {
  std::string key;
  for (const auto& [name, value] : params) {
    key += std::to_string(name.size()) + ':' + name + std::to_string(value.size()) + ':' + value;
  }
  return key;
}

// naturel=oui: what the search understood of q, and how many places match all of it (within
// 50 km of the point, when there is one).
std::string understanding_json(const search::Query& q, const search::SearchResult& r) {
  ordered_json needs = ordered_json::array(), preferences = ordered_json::array();
  for (const auto& n : q.needs) {
    ordered_json values = ordered_json::array();
    for (const auto* list : {&n.identity_values, &n.values})
      for (const auto& [field, value] : *list) values.push_back({{"champ", field}, {"valeur", value}});
    ordered_json weak = ordered_json::array();
    for (const auto& [field, value] : n.weak_values) weak.push_back({{"champ", field}, {"valeur", value}});
    ordered_json item = {{"libelle", n.label}, {"valeurs", values}};
    if (!weak.empty()) item["valeurs_plausibles"] = std::move(weak);
    (n.preference ? preferences : needs).push_back(std::move(item));
  }
  ordered_json u = {{"besoins", needs},
                    {"preferences", preferences},
                    {"commune", q.understood_place.empty() ? ordered_json(nullptr)
                                                           : ordered_json(q.understood_place)},
                    {"mots", q.text},
                    {"correspondances_completes", r.complete}};
  if (q.point) u["correspondances_completes_a_50_km"] = r.complete_nearby;
  return u.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// format=csv-tableur: the standard's CSV as a French spreadsheet opens it with a double click:
// a UTF-8 byte order mark (without it Excel reads Windows-1252), ";" between cells (French
// spreadsheets keep "," for the decimal comma), CRLF line ends; the same columns and values,
// every value quoted, and neutralised when a spreadsheet would run it as a formula
// (common/spreadsheet.h).
std::string spreadsheet_csv(const search::Index& index, const search::SearchResult& result) {
  auto cell = [](std::string& out, std::string_view v) { common::append_spreadsheet_cell(out, v); };
  std::string out = "\xEF\xBB\xBF";
  for (std::size_t i = 0; i < place::kFieldCount; ++i) {
    if (i) out += ';';
    cell(out, place::all_fields()[i].name);
  }
  out += "\r\n";
  for (const auto& h : result.hits) {
    const auto* d = index.document(h.doc);
    place::Place p = d->place;
    p[place::Field::kId] = d->public_id;
    for (std::size_t i = 0; i < p.values.size(); ++i) {
      if (i) out += ';';
      cell(out, p.values[i]);
    }
    out += "\r\n";
  }
  return out;
}

// The body of a search's answer in the query's format (`type`), or the cursor's error.
std::optional<search::QueryError> render_search(const search::Index& index, const search::Query& query,
                                                std::string& body, const char*& type) {
  auto result = index.search(query);
  if (result.error) return result.error;
  if (query.format == "csv-tableur") {
    body = spreadsheet_csv(index, result);
    type = "text/csv; charset=utf-8";
    return std::nullopt;
  }
  if (query.format == "csv") {
    std::ostringstream out;
    auto writer = place::make_writer(place::Format::kCsv, out);
    for (const auto& h : result.hits) {
      place::Place p = index.document(h.doc)->place;
      p[place::Field::kId] = index.document(h.doc)->public_id;
      writer->write(p);
    }
    writer->finish();
    body = out.str();
    type = "text/csv; charset=utf-8";
    return std::nullopt;
  }
  const bool geojson = query.format == "geojson";
  std::string items;
  items.reserve(result.hits.size() * 1024);
  for (const auto& h : result.hits) {
    const auto* d = index.document(h.doc);
    if (!items.empty()) items += ',';
    if (geojson) {
      items += "{\"type\":\"Feature\",\"geometry\":";
      items += d->has_position ? "{\"type\":\"Point\",\"coordinates\":[" + place::format_number(d->longitude) +
                                     "," + place::format_number(d->latitude) + "]}"
                               : std::string("null");
      items += ",\"properties\":";
    }
    open_place_object(items, *d);
    items += ",\"distance_km\":";
    items += h.distance_km >= 0 ? place::format_number(std::round(h.distance_km * 100) / 100) : "null";
    items += ",\"ouvert\":";
    items += json_tristate(h.open);
    items += geojson ? "}}" : "}";
  }
  ordered_json facets = ordered_json::object();
  for (const auto& [field, counts] : result.facets) {
    ordered_json c = ordered_json::object();
    for (const auto& [value, n] : counts) c[value] = n;
    facets[field] = std::move(c);
  }
  const std::string next = result.next_cursor.empty() ? "null" : ordered_json(result.next_cursor).dump();
  std::string tail = "],\"facettes\":" + facets.dump(-1, ' ', false, ordered_json::error_handler_t::replace) +
                     ",\"curseur_suivant\":" + next;
  if (query.natural) tail += ",\"comprehension\":" + understanding_json(query, result);
  if (!query.place_label.empty() && query.point) {  // autour=: the place it was taken to mean
    ordered_json place = {{"libelle", query.place_label},
                          {"code_insee", query.place_insee},
                          {"latitude", query.point->latitude},
                          {"longitude", query.point->longitude},
                          {"remarque", query.place_note.empty() ? ordered_json(nullptr)
                                                                : ordered_json(query.place_note)},
                          {"suggestions", query.place_alternatives}};
    tail +=
        ",\"lieu_recherche\":" + place.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  }
  tail += "}";
  if (geojson) {
    body = "{\"type\":\"FeatureCollection\",\"total\":" + std::to_string(result.total) + ",\"features\":[";
    type = "application/geo+json; charset=utf-8";
  } else {
    body = "{\"total\":" + std::to_string(result.total) + ",\"resultats\":[";
  }
  body += items;
  body += tail;
  return std::nullopt;
}

void search_route(const httplib::Request& req, httplib::Response& res, search::Service& service,
                  const territory::Reference& territory, const territory::Geocoder* geocoder,
                  ResponseCache* cache) {
  // (No structured binding: clang 14 cannot capture one in the lambda below.)
  auto parsed = search::parse_query(req.params, territory, geocoder);
  const std::optional<search::Query>& query = parsed.first;
  if (!query)
    return send_error(res, 400, "parametre_invalide", parsed.second.message,
                      parsed.second.parameter, parsed.second.suggestions);
  std::string body;
  const char* type = "application/json; charset=utf-8";
  std::optional<search::QueryError> bad_cursor;
  std::shared_ptr<const ResponseCache::Entry> cached;
  const std::string key = cache ? cache_key(req.params) : std::string();
  // A client that asks for a fresh answer (Cache-Control: no-cache, as the benchmark of the
  // engines does) gets one computed now.
  const std::string control = req.get_header_value("Cache-Control");
  const bool fresh_asked = control.find("no-cache") != std::string::npos ||
                           control.find("no-store") != std::string::npos;
  service.read([&](const search::Index& index) {
    // The answer holds while the index does not change, within the minute (open now).
    const std::int64_t now = query->now != 0 ? query->now : static_cast<std::int64_t>(std::time(nullptr));
    const ResponseCache::Stamp stamp{index.version(), now / 60};
    if (cache && !fresh_asked && (cached = cache->get(key, stamp))) return 0;
    bad_cursor = render_search(index, *query, body, type);
    if (cache && !bad_cursor) cache->put(key, stamp, std::make_shared<const ResponseCache::Entry>(ResponseCache::Entry{
                                                         std::make_shared<const std::string>(body), type}));
    return 0;
  });
  if (bad_cursor) return send_error(res, 400, "parametre_invalide", bad_cursor->message, "curseur");
  if (cached) return send_cached(req, res, *cached->body, cached->type.c_str());
  send_cached(req, res, std::move(body), type);
}

}  // namespace

void add_search_routes(http::Router& server, search::Service& service,
                       const territory::Reference& territory, ResponseCache* cache,
                       const territory::Geocoder* geocoder) {
  server.Get("/api/v1/lieux", [&service, &territory, geocoder, cache](const httplib::Request& req,
                                                                      httplib::Response& res) {
    search_route(req, res, service, territory, geocoder, cache);
  });

  server.Get(R"(/api/v1/lieux/([^/]{1,300}))", [&service](const httplib::Request& req,
                                                          httplib::Response& res) {
    std::string id = req.matches[1];
    std::string body;
    bool found = service.read([&](const search::Index& index) {
      const auto* d = index.find_public(id);
      if (!d) return false;
      open_place_object(body, *d);
      body += ",\"provenance\":";
      append_provenance_json(body, index, *d);
      std::optional<std::pair<double, double>> position;
      if (d->has_position) position = std::make_pair(d->latitude, d->longitude);
      auto status =
          search::opening_status({d->place[place::Field::kHoraires],
                                  d->place[place::Field::kCodeInsee], position, d->holiday_rule},
                                 static_cast<std::int64_t>(std::time(nullptr)));
      body += ",\"ouvert\":";
      body += json_tristate(status.open);
      body += ",\"prochain_changement\":";
      if (status.next_change.empty()) body += "null";
      else place::append_json_string(body, status.next_change);
      body += '}';
      return true;
    });
    if (!found)
      return send_error(res, 404, "introuvable", "aucun lieu n'a l'identifiant « " + id + " ».", "id");
    send_cached(req, res, std::move(body), "application/json; charset=utf-8");
  });

  server.Get("/api/v1/territoires", [&territory](const httplib::Request& req, httplib::Response& res) {
    std::string q = req.get_param_value("q");
    // Not UTF-8, or nothing but punctuation: the name search would match every commune.
    if (q.empty() || q.size() > 100 || !utf8::is_valid(q) || text::fold_key(q).empty())
      return send_error(res, 400, "parametre_invalide",
                        "q attend le début d'un nom de commune ou un code postal (100 caractères au plus).",
                        "q");
    const territory::PlaceResolver& places = territory::PlaceResolver::of(territory);
    std::vector<const territory::Commune*> found;
    bool digits = q.find_first_not_of("0123456789") == std::string::npos;
    if (digits && q.size() == 5) {
      found = places.postal_code_entries(q);  // the arrondissements first
    } else if (!digits) {
      found = territory.search_by_name(q, 10);
      if (found.empty()) {  // "Saint-Denis (93)", "Marseile": what "Où ?" would make of it
        territory::PlaceMatch m = places.resolve(q);
        if (m.commune) found.push_back(m.commune);
        for (const auto& a : m.alternatives) found.push_back(a.commune);
      }
    }
    ordered_json items = ordered_json::array();
    for (const auto* c : found) {
      if (items.size() >= 10) break;
      items.push_back({{"code_insee", c->code_insee},
                       {"nom", c->nom},
                       {"libelle", places.label(*c)},
                       {"codes_postaux", c->codes_postaux},
                       {"departement", c->departement},
                       {"latitude", c->latitude},
                       {"longitude", c->longitude},
                       {"population", c->population >= 0 ? ordered_json(c->population) : ordered_json(nullptr)}});
    }
    send_cached(req, res, ordered_json({{"communes", items}}).dump(), "application/json; charset=utf-8");
  });
}

}  // namespace maillage::http
