#include "translate.h"

#include <cstdio>

#include "export_documents.h"
#include "schema.h"
#include "text/fold.h"
#include "text/tokenize.h"

namespace maillage::bench {
namespace {

// The words as the person typed them: a natural query (naturel=oui) is handed to the
// baselines whole, which is how they would be used (they have no lexicon of needs).
const std::string& typed_text(const search::Query& q) { return q.natural ? q.typed_text : q.text; }


using nlohmann::json;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

long day_number(const std::string& iso) {  // "YYYY-MM-DD..."
  return days_from_civil(std::stoi(iso.substr(0, 4)), std::stoi(iso.substr(5, 2)),
                         std::stoi(iso.substr(8, 2)));
}

std::string quoted(const std::string& s) {  // a double-quoted Meilisearch filter string
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string sql_literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// The query's words as maillage's text index sees them (stop words dropped unless all are).
std::vector<std::string> query_words(const std::string& text) {
  auto tokens = text::tokenize(text);
  bool all_stop = std::all_of(tokens.begin(), tokens.end(), [](auto& t) { return t.stop_word; });
  std::vector<std::string> words;
  for (const auto& t : tokens)
    if (!t.stop_word || all_stop) words.push_back(t.folded);
  return words;
}

// Meilisearch filter expressions (AND-ed), leaving out field `except`.
std::optional<std::vector<std::string>> meili_filters(const search::Query& q, const std::string& except,
                                                      std::string& error) {
  std::vector<std::string> out;
  for (const auto& [field, values] : q.filters) {
    if (field == except) continue;
    std::string e = field + " IN [";
    for (std::size_t i = 0; i < values.size(); ++i) e += (i ? ", " : "") + quoted(values[i]);
    out.push_back(e + "]");
  }
  if (q.radius_km)
    out.push_back("_geoRadius(" + number(q.point->latitude) + ", " + number(q.point->longitude) +
                  ", " + number(*q.radius_km * 1000) + ")");
  if (q.bbox)
    out.push_back("_geoBoundingBox([" + number(q.bbox->max_lat) + ", " + number(q.bbox->max_lon) +
                  "], [" + number(q.bbox->min_lat) + ", " + number(q.bbox->min_lon) + "])");
  if (q.open_at) {
    auto slot = open_slot(q, error);
    if (!slot) return std::nullopt;
    out.push_back("open_slots = " + std::to_string(*slot));
  }
  return out;
}

std::vector<std::string> meili_sort(const search::Query& q) {
  std::string geo = q.point ? "_geoPoint(" + number(q.point->latitude) + ", " +
                                  number(q.point->longitude) + "):asc"
                            : "";
  switch (q.sort) {
    case search::Sort::kRelevance:
      if (q.point) return {geo};
      if (typed_text(q).empty()) return {"name_key:asc"};
      return {};
    case search::Sort::kDistance: return {geo};
    case search::Sort::kName: return {"name_key:asc"};
    case search::Sort::kUpdate: return {"date_maj:desc"};
  }
  return {};
}

// SQL conditions (AND-ed), leaving out field `except`.
std::optional<std::string> sql_where(const search::Query& q, const std::string& except, std::string& error) {
  std::vector<std::string> parts;
  for (const auto& [field, values] : q.filters) {
    if (field == except) continue;
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "" : ",") + sql_literal(v);
    parts.push_back(is_scalar_field(field) ? field + " IN (" + list + ")"
                                           : field + " && ARRAY[" + list + "]::text[]");
  }
  if (q.radius_km)
    parts.push_back("ST_DWithin(geog, ST_SetSRID(ST_MakePoint(" + number(q.point->longitude) + ", " +
                    number(q.point->latitude) + "), 4326)::geography, " + number(*q.radius_km * 1000) +
                    ", false)");
  if (q.bbox)
    parts.push_back("geom && ST_MakeEnvelope(" + number(q.bbox->min_lon) + ", " + number(q.bbox->min_lat) +
                    ", " + number(q.bbox->max_lon) + ", " + number(q.bbox->max_lat) + ", 4326)");
  if (q.open_at) {
    auto slot = open_slot(q, error);
    if (!slot) return std::nullopt;
    parts.push_back("open_slots @> ARRAY[" + std::to_string(*slot) + "]::smallint[]");
  }
  if (!typed_text(q).empty()) {
    auto words = query_words(typed_text(q));
    std::string tsq;
    for (std::size_t i = 0; i < words.size(); ++i)
      tsq += (i ? " & " : "") + std::string("'") + words[i] + "'" + (i + 1 == words.size() ? ":*" : "");
    parts.push_back("(tsv @@ to_tsquery('fr_unaccent', " + sql_literal(tsq) + ") OR " +
                    sql_literal(text::fold(typed_text(q))) + " <% name_key)");
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " AND ") + p;
  return out.empty() ? "true" : out;
}

std::string sql_order(const search::Query& q) {
  std::string point = q.point ? "geog <-> ST_SetSRID(ST_MakePoint(" + number(q.point->longitude) + ", " +
                                    number(q.point->latitude) + "), 4326)::geography"
                              : "";
  switch (q.sort) {
    case search::Sort::kRelevance: {
      std::string out;
      if (!typed_text(q).empty()) {
        auto words = query_words(typed_text(q));
        std::string tsq;
        for (std::size_t i = 0; i < words.size(); ++i) tsq += (i ? " | " : "") + std::string("'") + words[i] + "'";
        out = "ts_rank(tsv, to_tsquery('fr_unaccent', " + sql_literal(tsq) + ")) DESC, ";
      }
      return out + (q.point ? point + ", id" : "name_key, id");
    }
    case search::Sort::kDistance: return point + ", id";
    case search::Sort::kName: return "name_key, id";
    case search::Sort::kUpdate: return "date_maj DESC, id";
  }
  return "id";
}

}  // namespace

std::optional<int> open_slot(const search::Query& q, std::string& error) {
  const std::string& t = *q.open_at;
  if (t == "maintenant") {
    error = "ouvert=maintenant is not translatable: use ouvert_le in the reference week";
    return std::nullopt;
  }
  long day = day_number(t) - day_number(kReferenceMonday);
  int minute = std::stoi(t.substr(11, 2)) * 60 + std::stoi(t.substr(14, 2));
  if (day < 0 || day > 6 || minute % kSlotMinutes != 0) {
    error = "ouvert_le " + t + " is not a slot start of the week of " + kReferenceMonday;
    return std::nullopt;
  }
  return static_cast<int>(day * (24 * 60 / kSlotMinutes) + minute / kSlotMinutes);
}

std::optional<MeiliRequest> meili_request(const search::Query& q, std::size_t hits,
                                          bool retrieve_ids_only, std::string& error) {
  auto filters = meili_filters(q, "", error);
  if (!filters) return std::nullopt;
  MeiliRequest r;
  json main = {{"indexUid", kMeiliIndex}, {"q", typed_text(q)}, {"filter", *filters}, {"page", 1},
               {"hitsPerPage", hits}};
  main["attributesToRetrieve"] = retrieve_ids_only ? json::array({"id"}) : json::array({"id", "lieu"});
  if (auto sort = meili_sort(q); !sort.empty()) main["sort"] = sort;
  json own_facets = json::array();
  r.body["queries"] = json::array();
  for (const auto& field : q.facets) {
    if (!q.filters.count(field)) {
      own_facets.push_back(field);
      continue;
    }
    // Disjunctive facet: the counts of `field` under every filter but its own.
    auto others = meili_filters(q, field, error);
    if (!others) return std::nullopt;
    r.facet_queries.push_back(field);
  }
  if (!own_facets.empty()) main["facets"] = own_facets;
  r.body["queries"].push_back(main);
  for (const auto& field : r.facet_queries) {
    json sub = {{"indexUid", kMeiliIndex}, {"q", typed_text(q)}, {"filter", *meili_filters(q, field, error)},
                {"limit", 0}, {"facets", {field}}};
    r.body["queries"].push_back(sub);
  }
  return r;
}

std::string meili_get_target(const search::Query& q, std::string& error) {
  auto filters = meili_filters(q, "", error);
  if (!filters) return "";
  std::string filter;
  for (const auto& f : *filters) filter += (filter.empty() ? "" : " AND ") + f;
  std::string target = std::string("/indexes/") + kMeiliIndex + "/search?page=1&hitsPerPage=" +
                       std::to_string(q.limit) + "&attributesToRetrieve=id,lieu";
  if (!typed_text(q).empty()) target += "&q=" + url_encode(typed_text(q));
  if (!filter.empty()) target += "&filter=" + url_encode(filter);
  std::string sort;
  for (const auto& s : meili_sort(q)) sort += (sort.empty() ? "" : ",") + s;
  if (!sort.empty()) target += "&sort=" + url_encode(sort);
  std::string facets;
  for (const auto& f : q.facets) facets += (facets.empty() ? "" : ",") + f;
  if (!facets.empty()) target += "&facets=" + url_encode(facets);
  return target;
}

std::optional<SqlRequest> sql_request(const search::Query& q, bool all_ids, std::string& error) {
  auto where = sql_where(q, "", error);
  if (!where) return std::nullopt;
  SqlRequest r;
  r.sql = "SELECT count(*) FROM lieux WHERE " + *where + ";\n";
  if (all_ids)
    r.sql += "SELECT id FROM lieux WHERE " + *where + ";\n";
  else
    r.sql += "SELECT id, record FROM lieux WHERE " + *where + " ORDER BY " + sql_order(q) + " LIMIT " +
             std::to_string(q.limit) + ";\n";
  for (const auto& field : q.facets) {
    auto w = sql_where(q, field, error);
    if (!w) return std::nullopt;
    if (is_scalar_field(field))
      r.sql += "SELECT " + field + ", count(*) FROM lieux WHERE " + *w + " AND " + field +
               " IS NOT NULL GROUP BY 1;\n";
    else
      r.sql += "SELECT v, count(*) FROM lieux, unnest(" + field + ") v WHERE " + *w + " GROUP BY 1;\n";
    r.facet_fields.push_back(field);
  }
  return r;
}

std::string encode_query_string(const std::string& raw, const std::string& drop) {
  std::string out;
  std::size_t start = 0;
  while (start <= raw.size()) {
    auto end = raw.find('&', start);
    if (end == std::string::npos) end = raw.size();
    std::string pair = raw.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key = pair.substr(0, eq), value = eq == std::string::npos ? "" : pair.substr(eq + 1);
    if (key == drop) continue;
    out += (out.empty() ? "" : "&") + url_encode(key) + "=" + url_encode(value);
  }
  return out;
}

}  // namespace maillage::bench
