// Time to serve the public pages, over loopback HTTP against the real server on the bundled
// dataset (2,415 places). Baseline in the same run: the JSON search API answering the same
// search (BM_ApiSearch), so the ratio is the cost of the HTML view (view model, templates, the
// opening hours of 20 places). Run: build/web_bench (see bench/README.md).
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <unistd.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "federation/registry.h"
#include "http/server.h"
#include "search/service.h"
#include "territory/reference.h"
#include "web/web.h"

namespace maillage {
namespace {

constexpr const char* kSearch = "autour=Angoul%C3%AAme&services=Aide+aux+d%C3%A9marches+administratives";

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<search::Service> service;
  std::unique_ptr<http::Server> server;
  std::thread thread;
  int port = 0;

  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("maillage-web-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string error;
    store = store::open_sqlite(dir / "m.db", error);
    // The bundled default dataset, as `maillage serve` loads it (merged duplicates).
    federation::bootstrap_if_empty(*store, &territory::Reference::bundled(),
                                   std::filesystem::path(MAILLAGE_SOURCE_DIR) / "data/sources.toml",
                                   std::filesystem::path(MAILLAGE_SOURCE_DIR) / "data", true);
    service = std::make_unique<search::Service>(store::open_sqlite(dir / "m.db", error),
                                                territory::Reference::bundled());
    service->build(error);
    web::Options options{std::filesystem::path(MAILLAGE_SOURCE_DIR) / "web",
                         std::filesystem::path(MAILLAGE_SOURCE_DIR) / "node_modules", "", "", "", ""};
    auto site = web::load_site(options, error);
    if (!site) {
      std::fprintf(stderr, "web_bench: %s\n", error.c_str());
      std::exit(1);
    }
    http::ServerConfig config;
    config.port = 0;
    config.threads = 2;
    config.rate_limit_per_minute = 0;
    config.search = service.get();
    config.territory = &territory::Reference::bundled();
    config.web = site;
    server = std::make_unique<http::Server>(config, *store);
    thread = std::thread([this] {
      std::string e;
      server->run(e);
    });
    while (server->bound_port() <= 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    port = server->bound_port();
  }
  ~Fixture() {
    server->stop();
    thread.join();
    std::filesystem::remove_all(dir);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void fetch(benchmark::State& state, const std::string& path, bool gzip) {
  httplib::Client client("127.0.0.1", fixture().port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  client.set_decompress(false);
  httplib::Headers headers;
  if (gzip) headers.emplace("Accept-Encoding", "gzip");
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto r = client.Get(path, headers);
    if (!r || r->status != 200) {
      state.SkipWithError("request failed");
      break;
    }
    bytes = r->body.size();
  }
  state.counters["octets"] = static_cast<double>(bytes);
}

void BM_ApiSearch(benchmark::State& state) { fetch(state, std::string("/api/v1/lieux?") + kSearch, false); }
void BM_ResultsPage(benchmark::State& state) { fetch(state, std::string("/recherche?") + kSearch, false); }
void BM_ResultsPageGzip(benchmark::State& state) { fetch(state, std::string("/recherche?") + kSearch, true); }
void BM_PlacePage(benchmark::State& state) {
  // The first place of the search, with its opening hours table.
  httplib::Client client("127.0.0.1", fixture().port);
  auto r = client.Get(std::string("/api/v1/lieux?limite=1&") + kSearch);
  std::string id = r ? nlohmann::json::parse(r->body)["resultats"][0]["id"].get<std::string>() : "";
  fetch(state, "/lieux/" + httplib::detail::encode_query_param(id), false);
}
void BM_Home(benchmark::State& state) { fetch(state, "/", false); }

BENCHMARK(BM_ApiSearch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ResultsPage)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ResultsPageGzip)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlacePage)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Home)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace maillage

BENCHMARK_MAIN();
