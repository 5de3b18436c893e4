// `maillage serve --geocodeur URL` end to end, the geocoder being a local server on the fixtures
// of tests/fixtures/ban/: the API's lieu_recherche, its errors with suggestions, /territoires'
// labels that round-trip, and what the results page says about "Où ?".
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "support/ban_server.h"
#include "support/serve_support.h"
#include "support/test_support.h"

namespace maillage {
namespace {

using testing::BanServer;

class PlaceQueryEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ban_ = new BanServer();
    dir_ = new testing::TempDir();
    port_ = testing::free_port();
    server_ = new testing::ServeProcess(*dir_ / "m.db", port_,
                                        {"--rate-limit", "0", "--geocodeur", ban_->url()});
    ready_ = server_->wait_ready();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    delete ban_;
  }
  void SetUp() override { ASSERT_TRUE(ready_) << "maillage serve did not start"; }

  static nlohmann::json api(const std::string& path, int status = 200) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(60, 0);
    auto r = testing::get(client, path);
    EXPECT_EQ(r.status, status) << path << "\n" << r.body.substr(0, 300);
    return nlohmann::json::parse(r.body, nullptr, false);
  }
  static std::string page(const std::string& path, int status = 200) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(60, 0);
    auto r = testing::get(client, path);
    EXPECT_EQ(r.status, status) << path;
    return r.body;
  }

  static inline BanServer* ban_ = nullptr;
  static inline testing::TempDir* dir_ = nullptr;
  static inline int port_ = 0;
  static inline testing::ServeProcess* server_ = nullptr;
  static inline bool ready_ = false;
};

TEST_F(PlaceQueryEndToEnd, TheApiSaysWhichPlaceItSearchedAround) {
  auto j = api("/api/v1/lieux?limite=1&autour=" +
               httplib::detail::encode_query_param("12 rue Jean Jaurès Brest"));
  EXPECT_EQ(j["lieu_recherche"]["libelle"], "12 Rue Jean Jaurès 29200 Brest");
  EXPECT_EQ(j["lieu_recherche"]["code_insee"], "29019");
  EXPECT_NEAR(j["lieu_recherche"]["latitude"].get<double>(), 48.392640, 1e-9);
  EXPECT_NEAR(j["lieu_recherche"]["longitude"].get<double>(), -4.479410, 1e-9);
  EXPECT_TRUE(j["lieu_recherche"]["remarque"].is_null());

  j = api("/api/v1/lieux?limite=1&format=geojson&autour=Saint-Denis%20(93)");
  EXPECT_EQ(j["lieu_recherche"]["libelle"], "Saint-Denis (93)");
  EXPECT_EQ(j["lieu_recherche"]["code_insee"], "93066");

  j = api("/api/v1/lieux?limite=1&autour=Saint-Denis");
  EXPECT_EQ(j["lieu_recherche"]["libelle"], "Saint-Denis (974)");
  EXPECT_EQ(j["lieu_recherche"]["suggestions"][0], "Saint-Denis (93)");
  EXPECT_NE(j["lieu_recherche"]["remarque"].get<std::string>().find("plus peuplée"),
            std::string::npos);

  j = api("/api/v1/lieux?limite=1&autour=Marseile");
  EXPECT_EQ(j["lieu_recherche"]["libelle"], "Marseille");
  EXPECT_EQ(j["lieu_recherche"]["remarque"], "« Marseile » compris comme Marseille.");

  j = api("/api/v1/lieux?autour=Mans", 400);
  EXPECT_EQ(j["erreur"]["parametre"], "autour");
  EXPECT_EQ(j["erreur"]["message"].get<std::string>().rfind(
                "aucune commune ne s'appelle « Mans ». Vouliez-vous dire : ", 0),
            0u);
  EXPECT_FALSE(j["erreur"]["suggestions"].empty());

  EXPECT_FALSE(api("/api/v1/lieux?limite=1").contains("lieu_recherche"));
  EXPECT_GT(ban_->hits(), 0);
}

TEST_F(PlaceQueryEndToEnd, TerritoiresGivesLabelsThatRoundTrip) {
  auto j = api("/api/v1/territoires?q=Saint-Denis");
  std::set<std::string> labels;
  for (const auto& c : j["communes"]) labels.insert(c["libelle"].get<std::string>());
  EXPECT_TRUE(labels.count("Saint-Denis (93)")) << j.dump();
  EXPECT_TRUE(labels.count("Saint-Denis (974)")) << j.dump();
  j = api("/api/v1/territoires?q=Saint-Denis%20(93)");
  ASSERT_FALSE(j["communes"].empty());
  EXPECT_EQ(j["communes"][0]["code_insee"], "93066");
  j = api("/api/v1/territoires?q=75020");
  ASSERT_EQ(j["communes"].size(), 2u);
  EXPECT_EQ(j["communes"][0]["libelle"], "Paris 20e Arrondissement");
  EXPECT_EQ(j["communes"][1]["libelle"], "Paris");
  j = api("/api/v1/territoires?q=Marseile");
  ASSERT_FALSE(j["communes"].empty());
  EXPECT_EQ(j["communes"][0]["libelle"], "Marseille");
}

TEST_F(PlaceQueryEndToEnd, TheResultsPageSaysWhereAndOffersTheOthers) {
  std::string body = page("/recherche?autour=Saint-Denis");
  EXPECT_NE(body.find("Autour de Saint-Denis (974)."), std::string::npos);
  EXPECT_NE(body.find(">Saint-Denis (93)</a>"), std::string::npos);
  EXPECT_NE(body.find("Vouliez-vous dire"), std::string::npos);
  body = page("/recherche?autour=Marseile");
  EXPECT_NE(body.find("Autour de Marseille."), std::string::npos);
  EXPECT_NE(body.find("compris comme Marseille."), std::string::npos);
  body = page("/recherche?autour=Mans", 400);  // as the API: a place not understood
  EXPECT_NE(body.find("aucune commune ne s&apos;appelle"), std::string::npos);
  EXPECT_NE(body.find("autour=Mana%20%28973%29"), std::string::npos);
  body = page("/recherche?autour=" + httplib::detail::encode_query_param("5 rue de Siam Brest"));
  EXPECT_NE(body.find("Autour du 5 Rue de Siam 29200 Brest."), std::string::npos);
}

}  // namespace
}  // namespace maillage
