// `maillage serve`: first start loads the bundled dataset; the health, export and change-feed
// endpoints answer; bad parameters get a French JSON error.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "exchange/importer.h"
#include "store/store.h"
#include "support/serve_support.h"
#include "support/test_support.h"
#include "territory/reference.h"

namespace maillage {
namespace {

using testing::free_port;
using testing::get;
using testing::ServeProcess;

TEST(Serve, FirstStartLoadsTheBundledDatasetAndServesTheApi) {
  testing::TempDir dir;
  int port = free_port();
  std::int64_t count = 0;
  {
    ServeProcess server(dir / "m.db", port);
    ASSERT_TRUE(server.wait_ready());
    httplib::Client c("127.0.0.1", port);
    c.set_decompress(false);  // the client's brotli decoder of cpp-httplib 0.11 is unreliable
    auto health = nlohmann::json::parse(get(c, "/api/v1/sante").body);
    count = health["lieux"].get<std::int64_t>();
    EXPECT_EQ(count, 2415);
    EXPECT_EQ(health["sequence"].get<std::int64_t>(), 2415);

    auto csv = get(c, "/api/v1/export/lieux.csv");
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(csv.get_header_value("Content-Type"), "text/csv; charset=utf-8");
    EXPECT_EQ(csv.body.rfind("\"id\",\"pivot\",\"nom\"", 0), 0u);
    httplib::Headers gzip = {{"Accept-Encoding", "gzip"}};
    auto compressed = c.Get("/api/v1/export/lieux.csv", gzip);
    ASSERT_TRUE(compressed);
    EXPECT_EQ(compressed->get_header_value("Content-Encoding"), "gzip");
    EXPECT_LT(compressed->body.size(), csv.body.size() / 4);
    auto geo = nlohmann::json::parse(get(c, "/api/v1/export/lieux.geojson").body);
    EXPECT_EQ(geo["features"].size(), 2415u);

    auto feed = nlohmann::json::parse(get(c, "/api/v1/changements?depuis=10&limite=2").body);
    ASSERT_EQ(feed["changements"].size(), 2u);
    EXPECT_EQ(feed["changements"][0]["sequence"], 11);
    EXPECT_EQ(feed["changements"][0]["operation"], "ajout");
    EXPECT_TRUE(feed["changements"][0]["lieu"].contains("nom"));
    EXPECT_EQ(feed["sequence_suivante"], 12);

    auto bad = get(c, "/api/v1/changements?limite=beaucoup");
    EXPECT_EQ(bad.status, 400);
    auto err = nlohmann::json::parse(bad.body);
    EXPECT_EQ(err["erreur"]["parametre"], "limite");
    EXPECT_NE(err["erreur"]["message"].get<std::string>().find("entier"), std::string::npos);
    EXPECT_EQ(get(c, "/api/v1/changements?limite=100000").status, 400);

    auto missing = get(c, "/api/v1/nulle-part");
    EXPECT_EQ(missing.status, 404);
    EXPECT_TRUE(nlohmann::json::parse(missing.body).contains("erreur"));

    auto home = get(c, "/");
    EXPECT_NE(home.body.find("lang=\"fr\""), std::string::npos);
    EXPECT_NE(home.body.find("compte 2\u00a0415 lieux"), std::string::npos);
  }
  // A restart does not load the dataset again.
  ServeProcess again(dir / "m.db", port);
  ASSERT_TRUE(again.wait_ready());
  httplib::Client c("127.0.0.1", port);
  c.set_decompress(false);
  auto health = nlohmann::json::parse(get(c, "/api/v1/sante").body);
  EXPECT_EQ(health["lieux"].get<std::int64_t>(), count);
  EXPECT_EQ(health["sequence"].get<std::int64_t>(), 2415);
}

TEST(Serve, RateLimitsEachClientOnTheApiButNotTheHealthCheck) {
  testing::TempDir dir;
  int port = free_port();
  ServeProcess server(dir / "m.db", port, {"--rate-limit", "60"});  // bursts of 15
  ASSERT_TRUE(server.wait_ready());
  httplib::Client c("127.0.0.1", port);
  c.set_decompress(false);
  int ok = 0;
  httplib::Response refused;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100 && refused.status != 429; ++i) {
    auto r = get(c, "/api/v1/lieux?limite=1");
    if (r.status == 200) ++ok;
    else refused = r;
  }
  // The burst of 15, plus one token a second refilled meanwhile (a slow sanitizer build).
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
  EXPECT_GE(ok, 15);
  EXPECT_LE(ok, 16 + static_cast<int>(elapsed.count()));
  ASSERT_EQ(refused.status, 429);
  EXPECT_GE(std::stoi(refused.get_header_value("Retry-After")), 1);
  auto err = nlohmann::json::parse(refused.body);
  EXPECT_EQ(err["erreur"]["code"], "trop_de_requetes");
  // The health check and the API description are not limited.
  auto health = get(c, "/api/v1/sante");
  EXPECT_EQ(health.status, 200);
  auto h = nlohmann::json::parse(health.body);
  EXPECT_EQ(h["index"]["documents"], 2415);
  EXPECT_GE(h["index"]["construction_ms"].get<std::int64_t>(), 0);
  auto api = get(c, "/api/v1/openapi.json");
  EXPECT_EQ(api.status, 200);
  EXPECT_EQ(nlohmann::json::parse(api.body)["openapi"], "3.1.0");
}

// A repeated search is answered from the server's cache, but never with data older than the
// index: an import is found by the same search within a second or two.
TEST(Serve, CachedSearchesFollowTheData) {
  testing::TempDir dir;
  int port = free_port();
  ServeProcess server(dir / "m.db", port, {"--rate-limit", "0"});
  ASSERT_TRUE(server.wait_ready());
  httplib::Client c("127.0.0.1", port);
  c.set_decompress(false);
  const std::string path = "/api/v1/lieux?q=Anonymal&facettes=services";
  auto first = get(c, path);
  ASSERT_EQ(first.status, 200);
  const int before = nlohmann::json::parse(first.body)["total"].get<int>();
  auto again = get(c, path);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.get_header_value("ETag"), first.get_header_value("ETag"));
  std::string error;
  auto writer = store::open_sqlite(dir / "m.db", error);
  ASSERT_TRUE(writer) << error;
  exchange::import_file(testing::repo_dir() / "data/standard/exemple-valide.csv", writer.get(),
                        &territory::Reference::bundled(), {});
  int total = before;
  for (int i = 0; i < 60 && total == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    total = nlohmann::json::parse(get(c, path).body)["total"].get<int>();
  }
  EXPECT_EQ(total, before + 1);
}

// A restart binds its port at once, although the server before closed connections that linger
// in TIME_WAIT (the client still connected when it stopped); and a second server on a port in
// use fails instead of sharing it.
TEST(Serve, RestartsOnItsPortAtOnceAndNeverSharesIt) {
  testing::TempDir dir;
  int port = free_port();
  {
    ServeProcess first(dir / "m.db", port, {"--rate-limit", "0"});
    ASSERT_TRUE(first.wait_ready());
    httplib::Client c("127.0.0.1", port);
    c.set_keep_alive(true);
    EXPECT_EQ(get(c, "/api/v1/sante").status, 200);
    {
      // (It loads the bundled data into its own database first, then cannot bind and exits.)
      ServeProcess second(dir / "m2.db", port, {"--sans-moissonnage"});
      for (int i = 0; i < 1200 && second.alive(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      EXPECT_FALSE(second.alive()) << "a second server shares the port";
      EXPECT_EQ(get(c, "/api/v1/sante").status, 200);
    }
    // `first` stops here, before the client: the server closes the connection.
  }
  ServeProcess again(dir / "m.db", port, {"--rate-limit", "0"});
  ASSERT_TRUE(again.wait_ready());
  EXPECT_TRUE(again.alive());
}

}  // namespace
}  // namespace maillage
