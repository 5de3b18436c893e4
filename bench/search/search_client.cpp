// The search benchmark's client (bench/search/run.sh drives it).
//
//   search_client export --db DB --ndjson PREFIX --copy FILE
//       writes the places of a maillage database for Meilisearch and PostgreSQL
//   search_client run --queries FILE [--maillage HOST:PORT] [--meilisearch HOST:PORT]
//                     [--postgis CONNINFO] --json OUT
//       checks that the engines return the same result sets for the structured queries, then
//       times every query on every engine, one request at a time
//   search_client target --queries FILE --name NAME --engine maillage|meilisearch
//       prints the GET target of one query (for wrk)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <set>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "engines.h"
#include "export_documents.h"
#include "territory/reference.h"
#include "translate.h"

namespace maillage::bench {
namespace {

using nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

std::vector<BenchQuery> load_queries(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<BenchQuery> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (auto tab = line.find('\t'); ; tab = line.find('\t', start)) {
      cols.push_back(line.substr(start, tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (cols.size() != 4) throw std::runtime_error(path + ": 4 tab-separated columns expected: " + line);
    BenchQuery q{cols[0], cols[1], cols[2] == "oui", cols[3], {}};
    std::multimap<std::string, std::string> params;
    std::size_t s = 0;
    while (s <= q.query_string.size()) {
      auto e = q.query_string.find('&', s);
      if (e == std::string::npos) e = q.query_string.size();
      std::string pair = q.query_string.substr(s, e - s);
      s = e + 1;
      if (pair.empty()) continue;
      auto eq = pair.find('=');
      params.emplace(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
    }
    auto [parsed, error] = search::parse_query(params, territory::Reference::bundled());
    if (!parsed) throw std::runtime_error(q.name + ": " + error.parameter + ": " + error.message);
    q.query = std::move(*parsed);
    out.push_back(std::move(q));
  }
  return out;
}

std::pair<std::string, int> host_port(const std::string& s) {
  auto colon = s.rfind(':');
  return {s.substr(0, colon), std::stoi(s.substr(colon + 1))};
}

// Differences between two result sets, as readable lines; empty when equal.
std::vector<std::string> differences(const char* a_name, const ResultSet& a, const char* b_name,
                                     const ResultSet& b) {
  std::vector<std::string> out;
  std::string pair = std::string(a_name) + " vs " + b_name + ": ";
  if (a.total != b.total)
    out.push_back(pair + "total " + std::to_string(a.total) + " vs " + std::to_string(b.total));
  for (const auto& [field, counts] : a.facets) {
    auto it = b.facets.find(field);
    if (it == b.facets.end() || it->second != counts) {
      std::string d = pair + "facet " + field + " differs:";
      std::set<std::string> values;
      for (const auto& [v, n] : counts) values.insert(v);
      if (it != b.facets.end())
        for (const auto& [v, n] : it->second) values.insert(v);
      int shown = 0;
      for (const auto& v : values) {
        auto na = counts.count(v) ? counts.at(v) : 0;
        auto nb = it != b.facets.end() && it->second.count(v) ? it->second.at(v) : 0;
        if (na != nb && shown++ < 4) d += " «" + v + "» " + std::to_string(na) + "/" + std::to_string(nb);
      }
      out.push_back(d);
    }
  }
  if (a.ids_complete && b.ids_complete) {
    std::set<std::string> sa(a.ids.begin(), a.ids.end()), sb(b.ids.begin(), b.ids.end());
    std::vector<std::string> only_a, only_b;
    std::set_difference(sa.begin(), sa.end(), sb.begin(), sb.end(), std::back_inserter(only_a));
    std::set_difference(sb.begin(), sb.end(), sa.begin(), sa.end(), std::back_inserter(only_b));
    if (!only_a.empty() || !only_b.empty()) {
      std::string d = pair + std::to_string(only_a.size()) + " ids only in " + a_name + ", " +
                      std::to_string(only_b.size()) + " only in " + b_name + " (e.g.";
      for (std::size_t i = 0; i < std::min<std::size_t>(3, only_a.size()); ++i) d += " " + only_a[i];
      for (std::size_t i = 0; i < std::min<std::size_t>(3, only_b.size()); ++i) d += " " + only_b[i];
      out.push_back(d + ")");
    }
    if (sa.size() != a.ids.size()) out.push_back(pair + std::string(a_name) + " returned an id twice");
  }
  return out;
}

// Places on a radius's circle: engines compute distances with their own rounding, so a place
// within a hair of the circle may fall on either side. A difference on a radius query is
// accepted when the other engine's set lies between the reference engine's sets for the radius
// minus and plus kEdgeKm (a metre): its total, every facet count, and its ids when listed.
constexpr double kEdgeKm = 0.001;

BenchQuery with_radius(const BenchQuery& q, double radius_km, const char* suffix) {
  BenchQuery out = q;
  out.name += suffix;
  out.query.radius_km = radius_km;
  std::string rebuilt;
  std::size_t start = 0;
  while (start <= q.query_string.size()) {
    std::size_t end = q.query_string.find('&', start);
    if (end == std::string::npos) end = q.query_string.size();
    std::string part = q.query_string.substr(start, end - start);
    if (part.rfind("rayon_km=", 0) == 0) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "rayon_km=%.6f", radius_km);
      part = buf;
    }
    rebuilt += (rebuilt.empty() ? "" : "&") + part;
    start = end + 1;
  }
  out.query_string = rebuilt;
  return out;
}

// Does `other` lie between `inner` and `outer` (inner ⊆ other ⊆ outer, as far as listed)?
bool between(const ResultSet& inner, const ResultSet& other, const ResultSet& outer) {
  if (other.total < inner.total || other.total > outer.total) return false;
  for (const auto& [field, counts] : other.facets)
    for (const auto& [value, n] : counts) {
      auto count_in = [&](const ResultSet& r) -> std::uint64_t {
        auto f = r.facets.find(field);
        if (f == r.facets.end()) return 0;
        auto v = f->second.find(value);
        return v == f->second.end() ? 0 : v->second;
      };
      if (n < count_in(inner) || n > count_in(outer)) return false;
    }
  if (other.ids_complete && inner.ids_complete && outer.ids_complete) {
    std::set<std::string> in(inner.ids.begin(), inner.ids.end()),
        mid(other.ids.begin(), other.ids.end()), out(outer.ids.begin(), outer.ids.end());
    if (!std::includes(mid.begin(), mid.end(), in.begin(), in.end())) return false;
    if (!std::includes(out.begin(), out.end(), mid.begin(), mid.end())) return false;
  }
  return true;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

struct RunOptions {
  std::string queries, maillage, meilisearch, postgis, json_out;
  std::size_t verify_max = 10000;
  int min_runs = 5, max_runs = 200, warmup = 1;
  double budget_ms = 1500;
};

int run(const RunOptions& o) {
  auto queries = load_queries(o.queries);
  std::vector<std::unique_ptr<Engine>> engines;
  if (!o.maillage.empty()) engines.push_back(make_maillage(host_port(o.maillage).first, host_port(o.maillage).second));
  if (!o.meilisearch.empty())
    engines.push_back(make_meilisearch(host_port(o.meilisearch).first, host_port(o.meilisearch).second));
  if (!o.postgis.empty()) {
    std::string error;
    auto pg = make_postgis(o.postgis, error);
    if (!pg) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 1;
    }
    engines.push_back(std::move(pg));
  }
  int mismatches = 0, failures = 0;
  ordered_json out = {{"verify_max_ids", o.verify_max}, {"queries", ordered_json::array()}};
  for (const auto& q : queries) {
    ordered_json jq = {{"name", q.name}, {"category", q.category}, {"query", q.query_string},
                       {"compared", q.compare}};
    // 1. Result sets.
    std::vector<ResultSet> sets(engines.size());
    std::vector<bool> ok(engines.size());
    for (std::size_t e = 0; e < engines.size(); ++e) {
      std::string error;
      ok[e] = engines[e]->result_set(q, o.verify_max, sets[e], error);
      if (!ok[e]) {
        ++failures;
        jq["engines"][engines[e]->name()]["error"] = error;
        std::fprintf(stderr, "%s [%s]: %s\n", q.name.c_str(), engines[e]->name(), error.c_str());
      } else {
        jq["engines"][engines[e]->name()]["total"] = sets[e].total;
      }
    }
    std::vector<std::string> diffs;
    bool ids_checked = true;
    for (std::size_t e = 0; e < engines.size(); ++e) ids_checked = ids_checked && ok[e] && sets[e].ids_complete;
    std::vector<std::string> edge;  // differences on the circle's edge only
    // The reference for the edge: the first engine (maillage when given), for r -/+ kEdgeKm.
    std::optional<std::pair<ResultSet, ResultSet>> bounds;
    auto edge_bounds = [&]() -> const std::pair<ResultSet, ResultSet>* {
      if (!q.query.radius_km || !ok[0]) return nullptr;
      if (!bounds) {
        std::pair<ResultSet, ResultSet> b;
        std::string error;
        if (!engines[0]->result_set(with_radius(q, *q.query.radius_km - kEdgeKm, " (-1 m)"),
                                    o.verify_max, b.first, error) ||
            !engines[0]->result_set(with_radius(q, *q.query.radius_km + kEdgeKm, " (+1 m)"),
                                    o.verify_max, b.second, error))
          return nullptr;
        bounds = std::move(b);
      }
      return &*bounds;
    };
    if (q.compare)
      for (std::size_t a = 0; a < engines.size(); ++a)
        for (std::size_t b = a + 1; b < engines.size(); ++b)
          if (ok[a] && ok[b]) {
            auto found = differences(engines[a]->name(), sets[a], engines[b]->name(), sets[b]);
            if (found.empty()) continue;
            const auto* in_out = edge_bounds();
            const bool on_edge = in_out && between(in_out->first, sets[a], in_out->second) &&
                                 between(in_out->first, sets[b], in_out->second);
            for (auto& d : found) (on_edge ? edge : diffs).push_back(std::move(d));
          }
    jq["check"] =
        !q.compare       ? "not compared (text: each engine's own matching)"
        : !diffs.empty() ? "MISMATCH"
        : !edge.empty()  ? "same but for places within 1 m of the circle (distance rounding)"
        : ids_checked    ? "same ids, totals and facets"
                         : "same totals and facets (ids not compared: total > verify_max_ids)";
    jq["differences"] = diffs;
    if (!edge.empty()) jq["edge_differences"] = edge;
    mismatches += q.compare && !diffs.empty();
    // 2. Latency, one request at a time.
    for (std::size_t e = 0; e < engines.size(); ++e) {
      if (!ok[e]) continue;
      std::vector<double> ms;
      std::string error;
      for (int i = 0; i < o.warmup; ++i) engines[e]->run(q, error);
      auto started = Clock::now();
      while (static_cast<int>(ms.size()) < o.max_runs) {
        auto t0 = Clock::now();
        if (!engines[e]->run(q, error)) {
          ++failures;
          jq["engines"][engines[e]->name()]["error"] = error;
          break;
        }
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        if (static_cast<int>(ms.size()) >= o.min_runs && elapsed >= o.budget_ms) break;
      }
      auto& je = jq["engines"][engines[e]->name()];
      je["runs"] = ms.size();
      je["p50_ms"] = percentile(ms, 50);
      je["p99_ms"] = percentile(ms, 99);
    }
    std::fprintf(stderr, "  %-28s", q.name.c_str());
    for (const auto& e : engines)
      if (jq["engines"][e->name()].contains("p50_ms"))
        std::fprintf(stderr, " %s %.2f ms", e->name(), jq["engines"][e->name()]["p50_ms"].get<double>());
    std::fprintf(stderr, "  %s\n", jq["check"].get<std::string>().c_str());
    for (const auto& d : diffs) std::fprintf(stderr, "      %s\n", d.c_str());
    for (const auto& d : edge)
      std::fprintf(stderr, "      within 1 m of the circle: %s\n", d.c_str());
    out["queries"].push_back(std::move(jq));
  }
  out["mismatches"] = mismatches;
  out["failures"] = failures;
  std::ofstream(o.json_out) << out.dump(2) << '\n';
  return failures ? 2 : 0;
}

// The floor under every engine's latency on this machine: the round trip of 64 bytes over a
// loopback TCP connection between two processes blocked in recv(), no HTTP, nothing computed. An
// engine's p50 over HTTP cannot be below it, so a query whose baseline p50 is under 20 times it
// cannot be answered 20 times faster here by any server.
int round_trip(const std::string& json_out, int count) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // any free port
  socklen_t size = sizeof address;
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener, 1) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    std::perror("round-trip: listen");
    return 1;
  }
  const pid_t echo = fork();  // a process of its own, as a server is
  if (echo == 0) {
    const int c = accept(listener, nullptr, nullptr);
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char buffer[256];
    for (ssize_t n; (n = recv(c, buffer, sizeof buffer, 0)) > 0;)
      send(c, buffer, static_cast<std::size_t>(n), 0);
    _exit(0);
  }
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    std::perror("round-trip: connect");
    return 1;
  }
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char message[64] = {};
  std::vector<double> us;
  for (int i = 0; i < count; ++i) {
    const auto t0 = Clock::now();
    if (send(s, message, sizeof message, 0) != sizeof message ||
        recv(s, message, sizeof message, MSG_WAITALL) != sizeof message)
      break;
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  close(s);
  waitpid(echo, nullptr, 0);
  close(listener);
  ordered_json out = {
      {"round_trips", us.size()}, {"p50_us", percentile(us, 50)}, {"p99_us", percentile(us, 99)}};
  std::ofstream(json_out) << out.dump(2) << '\n';
  std::fprintf(stderr,
               "TCP loopback round trip (64 bytes, two processes): p50 %.1f us, p99 %.1f us\n",
               out["p50_us"].get<double>(), out["p99_us"].get<double>());
  return us.size() == static_cast<std::size_t>(count) ? 0 : 1;
}

}  // namespace
}  // namespace maillage::bench

int main(int argc, char** argv) {
  using namespace maillage::bench;
  CLI::App app("maillage search benchmark client");
  app.require_subcommand(1);

  ExportOptions ex;
  auto* exp = app.add_subcommand("export", "Writes the places of a database for the baselines");
  exp->add_option("--db", ex.db)->required();
  exp->add_option("--ndjson", ex.ndjson_prefix)->required();
  exp->add_option("--copy", ex.copy_file)->required();
  exp->add_option("--per-file", ex.documents_per_file);

  RunOptions ro;
  auto* run_cmd = app.add_subcommand("run", "Checks result sets and times every query");
  run_cmd->add_option("--queries", ro.queries)->required();
  run_cmd->add_option("--maillage", ro.maillage);
  run_cmd->add_option("--meilisearch", ro.meilisearch);
  run_cmd->add_option("--postgis", ro.postgis);
  run_cmd->add_option("--json", ro.json_out)->required();
  run_cmd->add_option("--verify-max", ro.verify_max);
  run_cmd->add_option("--min-runs", ro.min_runs);
  run_cmd->add_option("--max-runs", ro.max_runs);
  run_cmd->add_option("--budget-ms", ro.budget_ms);

  std::string queries, name, engine;
  auto* target = app.add_subcommand("target", "Prints the GET target of one query");
  target->add_option("--queries", queries)->required();
  target->add_option("--name", name)->required();
  target->add_option("--engine", engine)->required();

  std::string round_trip_json;
  int round_trips = 20000;
  auto* floor_cmd = app.add_subcommand(
      "round-trip", "Times the TCP loopback round trip, the floor under every latency");
  floor_cmd->add_option("--json", round_trip_json)->required();
  floor_cmd->add_option("--count", round_trips);

  CLI11_PARSE(app, argc, argv);
  try {
    if (*exp) {
      long long n = export_documents(ex);
      if (n < 0) return 1;
      std::fprintf(stderr, "exported %lld places\n", n);
      return 0;
    }
    if (*run_cmd) return run(ro);
    if (*floor_cmd) return round_trip(round_trip_json, round_trips);
    for (const auto& q : load_queries(queries)) {
      if (q.name != name) continue;
      std::string error;
      if (engine == "maillage") {
        std::printf("/api/v1/lieux?%s\n", encode_query_string(q.query_string).c_str());
        return 0;
      }
      std::string t = meili_get_target(q.query, error);
      if (t.empty()) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
      }
      std::printf("%s\n", t.c_str());
      return 0;
    }
    std::fprintf(stderr, "no query named %s\n", name.c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "search_client: %s\n", e.what());
    return 1;
  }
}
