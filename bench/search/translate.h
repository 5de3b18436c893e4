// One search::Query (parsed from maillage's own query string, so the query set is written once)
// translated into the same question for each baseline:
//   - Meilisearch: search bodies (a /multi-search with one extra query per filtered facet
//     field, which is how disjunctive facets are done with Meilisearch) or a GET query string;
//   - PostgreSQL + PostGIS: SQL statements sent in one round trip.
// Text is translated approximately (each engine's own matching and ranking); filters,
// geography and the opening-hours slot exactly.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/query.h"
#include "web/site.h"

namespace maillage::bench {

// The open_slots slot of an ouvert_le instant, or nullopt (and `error`) when the instant is not
// a slot start of the reference week ("maintenant" is not translatable: the bench uses fixed
// instants).
std::optional<int> open_slot(const search::Query& q, std::string& error);

// Meilisearch. `hits` hits per page (page 1); `retrieve_ids_only` asks for the id alone.
struct MeiliRequest {
  nlohmann::json body;  // {"queries": [...]} for /multi-search
  std::vector<std::string> facet_queries;  // field of queries[i + 1]
};
std::optional<MeiliRequest> meili_request(const search::Query& q, std::size_t hits,
                                          bool retrieve_ids_only, std::string& error);
// GET /indexes/lieux/search?... for wrk (no disjunctive facets).
std::string meili_get_target(const search::Query& q, std::string& error);

// PostgreSQL: statements whose results are, in order: the count; the page (id, record) or every
// id; then one (value, count) result per facet field of q.facets.
struct SqlRequest {
  std::string sql;
  std::vector<std::string> facet_fields;
};
std::optional<SqlRequest> sql_request(const search::Query& q, bool all_ids, std::string& error);

// Percent-encoding for a query string value: the web pages' own.
using web::url_encode;
// A raw query string (as queries.tsv writes it: UTF-8, '&'-separated) with every key and value
// percent-encoded, leaving out the parameter `drop`.
std::string encode_query_string(const std::string& raw, const std::string& drop = "");

}  // namespace maillage::bench
