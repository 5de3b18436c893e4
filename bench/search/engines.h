// The three engines as the benchmark talks to them: maillage and Meilisearch over HTTP/1.1 with
// a keep-alive connection (cpp-httplib), PostgreSQL through libpq (one connection, the
// statements of a query sent in one round trip). Not thread-safe: one engine per thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "search/query.h"

namespace maillage::bench {

struct ResultSet {
  std::uint64_t total = 0;
  std::map<std::string, std::map<std::string, std::uint64_t>> facets;
  std::vector<std::string> ids;  // every id when ids_complete
  bool ids_complete = false;
};

// One query of the set: its maillage query string, parsed.
struct BenchQuery {
  std::string name, category;
  bool compare = false;  // structured: the result sets must be equal
  std::string query_string;  // as written in queries.tsv (raw UTF-8, '&'-separated)
  search::Query query;
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual const char* name() const = 0;
  // The request as timed: first page (q.limit results with the records), exact total, facets.
  // Returns false with `error` set on failure. Times the engine, not the client: the request is
  // made ready once per query (query string, JSON body) and the answer is received whole but
  // not parsed (parsing 10 KB of JSON costs the client about as much as maillage's answer).
  virtual bool run(const BenchQuery& q, std::string& error) = 0;
  // Total and facet counts, and every id when total <= max_ids.
  virtual bool result_set(const BenchQuery& q, std::size_t max_ids, ResultSet& out, std::string& error) = 0;
};

std::unique_ptr<Engine> make_maillage(const std::string& host, int port);
std::unique_ptr<Engine> make_meilisearch(const std::string& host, int port);
std::unique_ptr<Engine> make_postgis(const std::string& conninfo, std::string& error);

}  // namespace maillage::bench
