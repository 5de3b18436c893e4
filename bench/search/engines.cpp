#include "engines.h"

#include <httplib.h>
#include <map>
#include <libpq-fe.h>

#include <nlohmann/json.hpp>

#include "schema.h"
#include "translate.h"

namespace maillage::bench {
namespace {

using nlohmann::json;

void read_facets(const json& distribution, const std::string& field, ResultSet& out) {
  auto& counts = out.facets[field];
  if (!distribution.contains(field)) return;
  for (const auto& [value, n] : distribution[field].items()) counts[value] = n.get<std::uint64_t>();
}

class Maillage : public Engine {
 public:
  Maillage(const std::string& host, int port) : client_(host, port) {
    client_.set_keep_alive(true);
    client_.set_tcp_nodelay(true);
    client_.set_read_timeout(120, 0);
  }
  const char* name() const override { return "maillage"; }

  bool run(const BenchQuery& q, std::string& error) override {
    auto [it, fresh] = targets_.try_emplace(q.name);
    if (fresh) it->second = "/api/v1/lieux?" + encode_query_string(q.query_string);
    return fetch(it->second, error).has_value();
  }

  bool result_set(const BenchQuery& q, std::size_t max_ids, ResultSet& out, std::string& error) override {
    std::string base = "/api/v1/lieux?" + encode_query_string(q.query_string, "limite") + "&limite=1000";
    auto first = get(base, error);
    if (!first) return false;
    out.total = (*first)["total"].get<std::uint64_t>();
    for (const auto& field : q.query.facets) read_facets((*first)["facettes"], field, out);
    if (out.total > max_ids) return true;
    json page = std::move(*first);
    while (true) {
      for (const auto& r : page["resultats"]) out.ids.push_back(r["id"].get<std::string>());
      if (page["curseur_suivant"].is_null()) break;
      auto next = get(base + "&curseur=" + url_encode(page["curseur_suivant"].get<std::string>()), error);
      if (!next) return false;
      page = std::move(*next);
    }
    out.ids_complete = true;
    return true;
  }

 private:
  // The answer's body, or nullopt with `error` set.
  std::optional<std::string> fetch(const std::string& target, std::string& error) {
    // The engine itself, not the server's cache of repeated answers (http/response_cache.h).
    auto res = client_.Get(target.c_str(), {{"Cache-Control", "no-cache"}});
    if (!res) {
      error = "maillage: " + httplib::to_string(res.error());
      return std::nullopt;
    }
    if (res->status != 200) {
      error = "maillage: HTTP " + std::to_string(res->status) + ": " + res->body;
      return std::nullopt;
    }
    return std::move(res->body);
  }
  std::optional<json> get(const std::string& target, std::string& error) {
    auto body = fetch(target, error);
    if (!body) return std::nullopt;
    return json::parse(*body, nullptr, false);
  }
  httplib::Client client_;
  std::map<std::string, std::string> targets_;  // by query name, for run()
};

class Meilisearch : public Engine {
 public:
  Meilisearch(const std::string& host, int port) : client_(host, port) {
    client_.set_keep_alive(true);
    client_.set_tcp_nodelay(true);
    client_.set_read_timeout(120, 0);
  }
  const char* name() const override { return "meilisearch"; }

  bool run(const BenchQuery& q, std::string& error) override {
    auto it = prepared_.find(q.name);
    if (it == prepared_.end()) {
      auto request = meili_request(q.query, q.query.limit, false, error);
      if (!request) return false;
      it = prepared_.emplace(q.name, endpoint(*request)).first;
    }
    return send(it->second.first, it->second.second, error).has_value();
  }

  bool result_set(const BenchQuery& q, std::size_t max_ids, ResultSet& out, std::string& error) override {
    auto request = meili_request(q.query, 1, true, error);
    if (!request) return false;
    auto results = post(*request, error);
    if (!results) return false;
    const json& main = (*results)[0];
    out.total = main["totalHits"].get<std::uint64_t>();
    for (const auto& field : q.query.facets) {
      auto sub = std::find(request->facet_queries.begin(), request->facet_queries.end(), field);
      const json& from = sub == request->facet_queries.end()
                             ? main
                             : (*results)[1 + (sub - request->facet_queries.begin())];
      read_facets(from.value("facetDistribution", json::object()), field, out);
    }
    if (out.total > max_ids) return true;
    auto all = meili_request(q.query, std::max<std::uint64_t>(out.total, 1), true, error);
    auto& queries = all->body["queries"];
    queries.erase(queries.begin() + 1, queries.end());  // hits only
    all->facet_queries.clear();
    auto hits = post(*all, error);
    if (!hits) return false;
    for (const auto& h : (*hits)[0]["hits"]) out.ids.push_back(h["id"].get<std::string>());
    out.ids_complete = true;
    return true;
  }

 private:
  // The path and body of a request: one query to its index's search, several to multi-search.
  static std::pair<std::string, std::string> endpoint(const MeiliRequest& request) {
    bool single = request.body["queries"].size() == 1;
    std::string path = single ? std::string("/indexes/") + kMeiliIndex + "/search" : "/multi-search";
    json body = single ? request.body["queries"][0] : request.body;
    if (single) body.erase("indexUid");
    return {path, body.dump()};
  }
  // The answer's body, or nullopt with `error` set.
  std::optional<std::string> send(const std::string& path, const std::string& body, std::string& error) {
    auto res = client_.Post(path.c_str(), body, "application/json");
    if (!res) {
      error = "meilisearch: " + httplib::to_string(res.error());
      return std::nullopt;
    }
    if (res->status != 200) {
      error = "meilisearch: HTTP " + std::to_string(res->status) + ": " + res->body;
      return std::nullopt;
    }
    return std::move(res->body);
  }
  // The results of the request's queries, in order.
  std::optional<json> post(const MeiliRequest& request, std::string& error) {
    bool single = request.body["queries"].size() == 1;
    auto [path, body] = endpoint(request);
    auto answer = send(path, body, error);
    if (!answer) return std::nullopt;
    json parsed = json::parse(*answer, nullptr, false);
    if (single) return json::array({parsed});
    return parsed["results"];
  }
  httplib::Client client_;
  std::map<std::string, std::pair<std::string, std::string>> prepared_;  // by query name: path, body
};

class Postgis : public Engine {
 public:
  explicit Postgis(PGconn* conn) : conn_(conn) {}
  ~Postgis() override { PQfinish(conn_); }
  const char* name() const override { return "postgis"; }

  bool run(const BenchQuery& q, std::string& error) override {
    auto it = prepared_.find(q.name);
    if (it == prepared_.end()) {
      auto request = sql_request(q.query, false, error);
      if (!request) return false;
      it = prepared_.emplace(q.name, request->sql).first;
    }
    std::vector<PGresult*> results;
    bool ok = execute(it->second, results, error);
    for (auto* r : results) PQclear(r);
    return ok;
  }

  bool result_set(const BenchQuery& q, std::size_t max_ids, ResultSet& out, std::string& error) override {
    auto request = sql_request(q.query, true, error);
    if (!request) return false;
    std::vector<PGresult*> results;
    bool ok = execute(request->sql, results, error);
    if (ok) {
      out.total = std::stoull(PQgetvalue(results[0], 0, 0));
      if (out.total <= max_ids) {
        for (int i = 0; i < PQntuples(results[1]); ++i) out.ids.emplace_back(PQgetvalue(results[1], i, 0));
        out.ids_complete = true;
      }
      for (std::size_t f = 0; f < request->facet_fields.size(); ++f) {
        auto& counts = out.facets[request->facet_fields[f]];
        PGresult* r = results[2 + f];
        for (int i = 0; i < PQntuples(r); ++i) counts[PQgetvalue(r, i, 0)] = std::stoull(PQgetvalue(r, i, 1));
      }
    }
    for (auto* r : results) PQclear(r);
    return ok;
  }

 private:
  bool execute(const std::string& sql, std::vector<PGresult*>& results, std::string& error) {
    if (!PQsendQuery(conn_, sql.c_str())) {
      error = std::string("postgis: ") + PQerrorMessage(conn_);
      return false;
    }
    bool ok = true;
    while (PGresult* r = PQgetResult(conn_)) {
      if (PQresultStatus(r) != PGRES_TUPLES_OK && ok) {
        error = std::string("postgis: ") + PQresultErrorMessage(r) + "in: " + sql;
        ok = false;
      }
      results.push_back(r);
    }
    return ok;
  }
  PGconn* conn_;
  std::map<std::string, std::string> prepared_;  // by query name: the SQL of run()
};

}  // namespace

std::unique_ptr<Engine> make_maillage(const std::string& host, int port) {
  return std::make_unique<Maillage>(host, port);
}

std::unique_ptr<Engine> make_meilisearch(const std::string& host, int port) {
  return std::make_unique<Meilisearch>(host, port);
}

std::unique_ptr<Engine> make_postgis(const std::string& conninfo, std::string& error) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    error = std::string("postgis: ") + PQerrorMessage(conn);
    PQfinish(conn);
    return nullptr;
  }
  return std::make_unique<Postgis>(conn);
}

}  // namespace maillage::bench
