// The administrators' API through HTTP: no token or a wrong one is refused (401, or 404 when
// the server has no token), the token never shows in a response; sources are added, checked,
// changed, harvested and removed; decisions on duplicates are taken and undone.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "support/serve_support.h"
#include "support/test_support.h"

namespace maillage {
namespace {

using nlohmann::json;

const std::string kToken = "jeton-de-test-0123456789-abcdefghijklmnop";

class AdminApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    testing::write_file(*dir_ / "jeton", kToken + "\n");
    port_ = testing::free_port();
    server_ = new testing::ServeProcess(*dir_ / "m.db", port_,
                                        {"--jeton-admin-fichier", (*dir_ / "jeton").string(),
                                         "--rate-limit", "0"});
    ASSERT_TRUE(server_->wait_ready());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  httplib::Headers auth() const { return {{"Authorization", "Bearer " + kToken}}; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c;
  }

  static testing::TempDir* dir_;
  static testing::ServeProcess* server_;
  static int port_;
};

testing::TempDir* AdminApi::dir_ = nullptr;
testing::ServeProcess* AdminApi::server_ = nullptr;
int AdminApi::port_ = 0;

TEST_F(AdminApi, RefusesWithoutTheToken) {
  auto c = client();
  auto r = c.Get("/api/v1/admin/sources");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_NE(r->get_header_value("WWW-Authenticate").find("Bearer"), std::string::npos);
  r = c.Get("/api/v1/admin/sources", {{"Authorization", "Bearer " + kToken + "x"}});
  EXPECT_EQ(r->status, 401);
  r = c.Get("/api/v1/admin/sources", {{"Authorization", kToken}});
  EXPECT_EQ(r->status, 401);
  r = c.Post("/api/v1/admin/sources", R"({"nom":"x","adresse":"/tmp/x.csv"})", "application/json");
  EXPECT_EQ(r->status, 401);
  r = c.Delete("/api/v1/admin/sources/20231003-bus-france-services-en-charente-lieux-de-mediation-numeriques-nouvelle-aquitaine");
  EXPECT_EQ(r->status, 401);
  r = c.Post("/api/v1/admin/doublons", R"({"a":"x:1","b":"y:2","decision":"separer"})", "application/json");
  EXPECT_EQ(r->status, 401);
  // Still there.
  EXPECT_EQ(json::parse(c.Get("/api/v1/sources")->body)["sources"].size(), 6u);
}

TEST_F(AdminApi, ManagesSourcesAndHarvests) {
  auto c = client();
  auto list = c.Get("/api/v1/admin/sources", auth());
  ASSERT_EQ(list->status, 200);
  auto sources = json::parse(list->body)["sources"];
  ASSERT_EQ(sources.size(), 6u);
  EXPECT_FALSE(sources[0]["adresse"].get<std::string>().empty());  // administrators see locations
  EXPECT_EQ(sources[0]["historique"].size(), 1u);
  EXPECT_EQ(list->body.find(kToken), std::string::npos);

  // Invalid definitions are refused with a reason.
  auto r = c.Post("/api/v1/admin/sources", auth(), R"({"nom":"Pas Bon","adresse":"ftp://x"})", "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(json::parse(r->body)["erreur"]["message"].get<std::string>().find("invalide"), std::string::npos);
  r = c.Post("/api/v1/admin/sources", auth(), R"({"nom":"x","adresse":"/tmp/x","couleur":"bleu"})", "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["erreur"]["champ"], "couleur");
  r = c.Post("/api/v1/admin/sources", auth(), "pas du json", "application/json");
  EXPECT_EQ(r->status, 400);

  const std::string file = (testing::shared_dir() / "data/fablabs/map_bzh_fablab.geojson").string();
  json def = {{"nom", "fablabs"}, {"adresse", file}, {"profil", "fablabs-bretagne"},
              {"licence", "CC BY 4.0"}, {"frequence_heures", 48}};
  r = c.Post("/api/v1/admin/sources", auth(), def.dump(), "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(json::parse(r->body)["frequence_heures"], 48);
  r = c.Post("/api/v1/admin/sources", auth(), def.dump(), "application/json");
  EXPECT_EQ(r->status, 409);

  r = c.Patch("/api/v1/admin/sources/fablabs", auth(), R"({"attribution":"Source : fablabs bretons"})", "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["attribution"], "Source : fablabs bretons");
  EXPECT_EQ(json::parse(r->body)["profil"], "fablabs-bretagne");
  r = c.Patch("/api/v1/admin/sources/inconnue", auth(), "{}", "application/json");
  EXPECT_EQ(r->status, 404);

  r = c.Post("/api/v1/admin/sources/fablabs/moisson", auth(), "", "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  auto h = json::parse(r->body);
  EXPECT_EQ(h["statut"], "ok");
  EXPECT_EQ(h["ajoutes"], 116);
  // Searchable within a second or so.
  bool found = false;
  for (int i = 0; i < 40 && !found; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    found = json::parse(c.Get("/api/v1/lieux?source=fablabs&limite=1")->body)["total"] == 116;
  }
  EXPECT_TRUE(found);
  r = c.Post("/api/v1/admin/sources/fablabs/moisson", auth(), "", "application/json");
  EXPECT_EQ(json::parse(r->body)["statut"], "inchangee");

  r = c.Delete("/api/v1/admin/sources/fablabs", auth());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["retires"], 116);
  EXPECT_EQ(c.Delete("/api/v1/admin/sources/fablabs", auth())->status, 404);
}

TEST_F(AdminApi, DecisionsOnDuplicates) {
  auto c = client();
  const std::string a = "20230516-hub-du-sud-lieux-de-mediation-numeriques-provence-alpes-cote-d-azur:mediation-numerique-france-services-1335";
  const std::string b = "20230517-hub-du-sud-lieux-de-mediation-numeriques-provence-alpes-cote-d-azur:mediation-numerique-france-services-1335";
  auto r = c.Post("/api/v1/admin/doublons", auth(), json{{"a", a}, {"b", b}, {"decision", "fusionner"}, {"motif", "même guichet"}}.dump(), "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_GE(json::parse(r->body)["dedoublonnage"]["lieux_fusionnes"], 1);
  r = c.Post("/api/v1/admin/doublons", auth(), json{{"a", a}, {"b", b}, {"decision", "annuler"}}.dump(), "application/json");
  EXPECT_EQ(r->status, 200);
  r = c.Post("/api/v1/admin/doublons", auth(), json{{"a", a}, {"b", b}, {"decision", "annuler"}}.dump(), "application/json");
  EXPECT_EQ(r->status, 404);
  r = c.Post("/api/v1/admin/doublons", auth(), json{{"a", a}, {"b", "source:inconnu"}, {"decision", "separer"}}.dump(), "application/json");
  EXPECT_EQ(r->status, 404);
  r = c.Post("/api/v1/admin/doublons", auth(), json{{"a", a}, {"b", b}, {"decision", "peut-etre"}}.dump(), "application/json");
  EXPECT_EQ(r->status, 400);
}

TEST(AdminApiOff, WithoutATokenTheApiIsOffAndAShortTokenIsRefused) {
  testing::TempDir dir;
  const int port = testing::free_port();
  {
    testing::ServeProcess server(dir / "m.db", port);
    ASSERT_TRUE(server.wait_ready());
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get("/api/v1/admin/sources", {{"Authorization", "Bearer " + kToken}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
  }
  testing::write_file(dir / "court", "trop-court\n");
  auto r = testing::run_maillage({"serve", "--db", (dir / "m.db").string(), "--port", std::to_string(port),
                                  "--jeton-admin-fichier", (dir / "court").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("32 caractères"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace maillage
