// The federation through the program and through HTTP: `maillage sources …`, `harvest`, `dedup`,
// `merge`/`split`, `export --doublons`, and a server that merges on its first start: search,
// exports (validators, 304), the public registry of sources.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "support/serve_support.h"
#include "support/test_support.h"

namespace maillage {
namespace {

using nlohmann::json;
using testing::run_maillage;

TEST(SourcesCli, AddListShowDisableRemove) {
  testing::TempDir dir;
  const std::string db = (dir / "m.db").string();
  const std::string file = (testing::shared_dir() / "data/fablabs/map_bzh_fablab.geojson").string();
  auto r = run_maillage({"sources", "add", "--db", db, "fablabs", file, "--profil", "fablabs-bretagne",
                         "--licence", "CC BY 4.0", "--editeur", "Réseau breton"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // A second source with the same name, a bad name, an unknown profile: refused with reasons.
  r = run_maillage({"sources", "add", "--db", db, "fablabs", file});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("existe déjà"), std::string::npos) << r.err;
  r = run_maillage({"sources", "add", "--db", db, "Mauvais Nom", "ftp://x", "--profil", "inconnu"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nom « Mauvais Nom » invalide"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ftp://"), std::string::npos);

  r = run_maillage({"harvest", "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("fablabs : 121 lus, 116 ajoutés"), std::string::npos) << r.out;
  r = run_maillage({"harvest", "--db", db});
  EXPECT_NE(r.out.find("fablabs : inchangée"), std::string::npos) << r.out;

  r = run_maillage({"sources", "list", "--db", db, "--json"});
  ASSERT_EQ(r.exit_code, 0);
  auto list = json::parse(r.out);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["lieux_actifs"], 116);
  EXPECT_EQ(list[0]["licence"], "CC BY 4.0");
  EXPECT_EQ(list[0]["etat"]["statut"], "inchangee");

  r = run_maillage({"sources", "show", "--db", db, "fablabs"});
  auto shown = json::parse(r.out);
  ASSERT_EQ(shown["historique"].size(), 2u);
  EXPECT_EQ(shown["historique"][1]["ajoutes"], 116);

  ASSERT_EQ(run_maillage({"sources", "disable", "--db", db, "fablabs"}).exit_code, 0);
  r = run_maillage({"harvest", "--db", db});
  EXPECT_NE(r.out.find("aucune source"), std::string::npos);
  ASSERT_EQ(run_maillage({"sources", "enable", "--db", db, "fablabs"}).exit_code, 0);

  r = run_maillage({"sources", "remove", "--db", db, "fablabs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("116 lieux retirés"), std::string::npos) << r.out;
  r = run_maillage({"export", "--db", db, "--format", "json"});
  EXPECT_EQ(json::parse(r.out).size(), 0u);
  EXPECT_NE(run_maillage({"sources", "show", "--db", db, "fablabs"}).exit_code, 0);
}

TEST(SourcesCli, LoadRegistryHarvestMergeAndSplit) {
  testing::TempDir dir;
  const std::string db = (dir / "m.db").string();
  // The two Hub du Sud extracts of May 2023 publish most places twice.
  testing::write_file(dir / "r.toml",
                      "[[source]]\nnom = \"sud-16\"\nadresse = \"" +
                          (testing::repo_dir() / "data/lieux/20230516-hub-du-sud-lieux-de-mediation-numeriques-provence-alpes-cote-d-azur.json").string() +
                          "\"\n\n[[source]]\nnom = \"sud-17\"\nadresse = \"" +
                          (testing::repo_dir() / "data/lieux/20230517-hub-du-sud-lieux-de-mediation-numeriques-provence-alpes-cote-d-azur.json").string() +
                          "\"\n");
  auto r = run_maillage({"sources", "load", "--db", db, (dir / "r.toml").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 sources ajoutées"), std::string::npos);
  r = run_maillage({"harvest", "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("dédoublonnage :"), std::string::npos) << r.out;

  auto merged = json::parse(run_maillage({"export", "--db", db, "--format", "json"}).out);
  auto all = json::parse(run_maillage({"export", "--db", db, "--format", "json", "--doublons", "inclure"}).out);
  EXPECT_EQ(all.size(), 792u + 646u);
  // The 17 May extract is a subset of the 16 May one, which itself lists some places once per
  // feed (a France Services record and a conseiller numérique record of one place).
  EXPECT_LE(merged.size(), 792u);
  EXPECT_GT(merged.size(), 600u);
  std::string fusion_id;
  for (const auto& p : merged)
    if (p["id"].get<std::string>().rfind("fusion-", 0) == 0) {
      fusion_id = p["id"];
      break;
    }
  ASSERT_FALSE(fusion_id.empty());

  // Split the first merged pair, then force it back: each decision is applied at once.
  const std::string a = "sud-16:mediation-numerique-france-services-1335";
  const std::string b = "sud-17:mediation-numerique-france-services-1335";
  r = run_maillage({"split", "--db", db, a, b, "--motif", "deux guichets"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto after_split = json::parse(run_maillage({"export", "--db", db, "--format", "json"}).out);
  EXPECT_EQ(after_split.size(), merged.size() + 1);
  r = run_maillage({"split", "--db", db, a, b, "--annuler"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(run_maillage({"export", "--db", db, "--format", "json"}).out).size(), merged.size());
  r = run_maillage({"merge", "--db", db, a, "sud-17:inconnu"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("aucun lieu sud-17:inconnu"), std::string::npos) << r.err;
  r = run_maillage({"merge", "--db", db, "sans-deux-points", b});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(FederationServe, MergesOnFirstStartAndServesValidatedExports) {
  testing::TempDir dir;
  const int port = testing::free_port();
  // Naming the registry turns merging on (the other HTTP tests serve unmerged records).
  testing::ServeProcess server(dir / "m.db", port,
                               {"--sources",
                                (testing::repo_dir() / "tests/fixtures/sources-cartographie.toml").string(),
                                "--rate-limit", "0"});
  ASSERT_TRUE(server.wait_ready());
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(60, 0);

  auto get_json = [&](const std::string& path) {
    auto res = client.Get(path.c_str());
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 200) << path;
    return json::parse(res->body);
  };
  const auto merged_total = get_json("/api/v1/lieux?limite=1")["total"].get<int>();
  const auto all_total = get_json("/api/v1/lieux?limite=1&doublons=inclure")["total"].get<int>();
  EXPECT_EQ(all_total, 2415);
  EXPECT_LT(merged_total, 2415 - 400);

  auto res = client.Get("/api/v1/export/lieux.json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(static_cast<int>(json::parse(res->body).size()), merged_total);
  const std::string etag = res->get_header_value("ETag");
  const std::string modified = res->get_header_value("Last-Modified");
  EXPECT_FALSE(etag.empty());
  EXPECT_NE(modified.find(" GMT"), std::string::npos);
  EXPECT_NE(res->get_header_value("Link").find("/api/v1/sources"), std::string::npos);
  auto again = client.Get("/api/v1/export/lieux.json", {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  again = client.Get("/api/v1/export/lieux.json", {{"If-Modified-Since", modified}});
  EXPECT_EQ(again->status, 304);
  auto every = client.Get("/api/v1/export/lieux.csv?doublons=inclure");
  ASSERT_EQ(every->status, 200);
  EXPECT_NE(every->get_header_value("ETag"), etag);
  EXPECT_EQ(std::count(every->body.begin(), every->body.end(), '\n') > 2415, true);
  EXPECT_EQ(client.Get("/api/v1/export/lieux.json?doublons=peut-etre")->status, 400);

  auto sources = get_json("/api/v1/sources")["sources"];
  ASSERT_EQ(sources.size(), 6u);
  for (const auto& s : sources) {
    EXPECT_EQ(s["licence"], "Licence Ouverte 2.0");
    EXPECT_TRUE(s["adresse"].is_null());  // a file path is not published
    EXPECT_EQ(s["statut"], "ok");
  }

  // The open-data page lists the sources with their licences, and counts the merged places.
  auto page = client.Get("/donnees");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Les annuaires moissonnés, leur licence"), std::string::npos);
  EXPECT_NE(page->body.find("<td>2\u00a0415</td><td>Licence Ouverte 2.0</td>"), std::string::npos);

  // The change feed carries the merged places too.
  auto feed = get_json("/api/v1/changements?depuis=2415&limite=1000")["changements"];
  ASSERT_FALSE(feed.empty());
  EXPECT_EQ(feed[0]["source"], "fusion");
  EXPECT_EQ(feed[0]["operation"], "ajout");
}

}  // namespace
}  // namespace maillage
