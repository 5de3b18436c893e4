// Honest data on the place pages, the result rows and the API: dates that come from the data
// or are said unknown, approximate positions said so (never « à 0 m »), phone numbers in the
// national form with a tel: link, and the provenance of a merged place (its members and which
// one gives each field). A small store served in-process.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "exchange/exporter.h"
#include "exchange/importer.h"
#include "federation/dedup.h"
#include "federation/mapped_reader.h"
#include "federation/profile.h"
#include "http/server.h"
#include "search/service.h"
#include "support/test_support.h"
#include "support/web_server.h"
#include "territory/reference.h"
#include "web/web.h"

namespace maillage {
namespace {

using place::Field;

store::StoredPlace make_place(const std::string& source, const std::string& id,
                              const std::string& nom, const std::string& date) {
  store::StoredPlace sp;
  sp.source = source;
  sp.id = id;
  sp.raw = "{}";
  sp.raw_format = "json";
  place::Place& p = sp.place;
  p[Field::kId] = id;
  p[Field::kPivot] = "00000000000000";
  p[Field::kNom] = nom;
  p[Field::kCommune] = "Soyaux";
  p[Field::kCodePostal] = "16800";
  p[Field::kCodeInsee] = "16374";
  p[Field::kAdresse] = "1 place de la Mairie";
  p[Field::kLatitude] = "45.6414";
  p[Field::kLongitude] = "0.199";
  p[Field::kDateMaj] = date;
  return sp;
}

class HonestPagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    std::string error;
    const auto db = *dir_ / "honest.db";
    store_ = store::open_sqlite(db, error).release();
    ASSERT_TRUE(store_) << error;
    auto dated = make_place("annuaire", "date-1", "Espace daté", "2024-03-05");
    dated.place[Field::kTelephone] = "+33545000000";
    auto undated = make_place("annuaire", "sans-date-1", "Bibliothèque sans date", "");
    auto epoch = make_place("annuaire", "epoque-1", "Cyber-base du temps zéro", "1970-01-01");
    epoch.place[Field::kTelephone] = "+687271234";
    // No coordinates: placed at its commune's centre.
    auto approx =
        make_place("annuaire", "approx-1", "Point numérique sans coordonnées", "2024-03-05");
    approx.place[Field::kLatitude].clear();
    approx.place[Field::kLongitude].clear();
    const auto* soyaux = territory::Reference::bundled().by_insee("16374");
    ASSERT_TRUE(soyaux);
    approx.approx_position = std::make_pair(soyaux->latitude, soyaux->longitude);
    // One place published by two directories: merged.
    auto a = make_place("annuaire-a", "m1", "Médiathèque Toussaint", "2020-06-01");
    a.place[Field::kAdresse] = "49 rue Toussaint";
    a.place[Field::kTelephone] = "+33241000000";
    a.place[Field::kSource] = "Annuaire A";
    auto b = make_place("annuaire-b", "m2", "Médiathèque Toussaint", "2024-03-01");
    b.place[Field::kAdresse] = "49 rue Toussaint";
    b.place[Field::kHoraires] = "Tu-Sa 10:00-18:00";
    b.place[Field::kSource] = "Annuaire B";
    put({a});
    put({b});
    auto merged = federation::deduplicate(*store_);
    ASSERT_EQ(merged.clusters, 1) << merged.error;
    store_->scan([](const store::StoredPlace& p) {
      if (p.source == store::kFusionSource) merged_id_ = p.id;
    });
    put({dated, undated, epoch, approx});  // after the merge: they stay source records

    service_ = new search::Service(store::open_sqlite(db, error), territory::Reference::bundled());
    ASSERT_TRUE(service_->build(error)) << error;
    server_ = new testing::InProcessWebServer();
    ASSERT_TRUE(server_->start(*store_, *service_, error)) << error;
    port_ = server_->port();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete service_;
    delete store_;
    delete dir_;
  }
  static void put(std::vector<store::StoredPlace> places) {
    store::Status st;
    auto run = store_->begin_run(places.front().source, "fixture", st);
    ASSERT_TRUE(run);
    std::vector<store::Outcome> out;
    ASSERT_TRUE(store_->upsert(*run, places, out).ok);
  }
  static std::string get(const std::string& path) {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Get(path);
    EXPECT_TRUE(r && r->status == 200) << path;
    return r ? r->body : "";
  }
  static bool has(const std::string& body, const std::string& needle) {
    return body.find(needle) != std::string::npos;
  }

  static testing::TempDir* dir_;
  static store::Store* store_;
  static search::Service* service_;
  static testing::InProcessWebServer* server_;
  static int port_;
  static std::string merged_id_;
};
testing::TempDir* HonestPagesTest::dir_ = nullptr;
store::Store* HonestPagesTest::store_ = nullptr;
search::Service* HonestPagesTest::service_ = nullptr;
testing::InProcessWebServer* HonestPagesTest::server_ = nullptr;
int HonestPagesTest::port_ = 0;
std::string HonestPagesTest::merged_id_;

TEST_F(HonestPagesTest, AnUnknownDateIsSaidUnknownNeverTheImportDayNor1970) {
  std::string dated = get("/lieux/date-1");
  EXPECT_TRUE(has(dated, "informations mises à jour le 5 mars 2024"));
  for (const std::string id : {"sans-date-1", "epoque-1"}) {
    SCOPED_TRACE(id);
    std::string page = get("/lieux/" + id);
    EXPECT_TRUE(has(page, "date de mise à jour inconnue"));
    EXPECT_FALSE(has(page, "1970"));
    EXPECT_FALSE(has(page, "mises à jour le"));
  }
  // The API leaves an unknown date out, and says so in the provenance.
  auto j = nlohmann::json::parse(get("/api/v1/lieux/sans-date-1"));
  EXPECT_FALSE(j.contains("date_maj"));
  EXPECT_TRUE(j["provenance"]["membres"][0]["date_maj"].is_null());
}

TEST_F(HonestPagesTest, TheExportWritesATechnicalDateWhereTheSourceGivesNone) {
  std::ostringstream out;
  ASSERT_TRUE(exchange::export_places(*store_, place::Format::kJson, out).status.ok);
  auto places = nlohmann::json::parse(out.str());
  bool seen = false;
  for (const auto& p : places) {
    ASSERT_TRUE(p.contains("date_maj")) << p.dump();  // the standard requires it
    if (p["id"] == "sans-date-1") {
      seen = true;
      EXPECT_EQ(p["date_maj"], exchange::today_utc());  // the day the record was stored
    }
  }
  EXPECT_TRUE(seen);
}

TEST_F(HonestPagesTest, AProfileWithoutDatesLeavesTheDateUnknown) {
  auto loaded = federation::parse_profile(
      "[profil]\nnom = \"essai\"\nformat = \"csv\"\n[champs]\n"
      "id = { colonne = \"id\" }\npivot = { constante = \"00000000000000\" }\n"
      "nom = { colonne = \"nom\" }\nadresse = { colonne = \"adresse\" }\n"
      "code_postal = { colonne = \"cp\" }\ncommune = { colonne = \"commune\" }\n"
      "date_maj = { defaut = \"inconnue\" }\n",
      "essai.toml");
  ASSERT_TRUE(loaded.profile);
  auto profile = std::make_shared<const federation::Profile>(std::move(*loaded.profile));
  testing::TempDir dir;
  std::string error;
  auto store = store::open_sqlite(dir / "p.db", error);
  ASSERT_TRUE(store) << error;
  exchange::Options options;
  options.source = "bibliotheques";
  auto report = exchange::import_reader(
      federation::open_mapped_bytes(
          profile, "id,nom,adresse,cp,commune\nb1,Bibliothèque,1 rue Haute,16800,Soyaux\n",
          "bib.csv"),
      "bib.csv", store.get(), &territory::Reference::bundled(), options);
  ASSERT_TRUE(report.ok()) << report.fatal;
  EXPECT_EQ(report.rejected, 0);
  bool noticed = false;
  for (const auto& d : report.diagnostics) noticed |= d.rule == "date_maj.inconnue";
  EXPECT_TRUE(noticed);
  auto stored = store->get("bibliotheques", "b1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->place[Field::kDateMaj], "");  // neither the file's date nor the day's
}

TEST_F(HonestPagesTest, AnApproximatePositionIsSaidAndNeverZeroMetresAway) {
  std::string page = get("/lieux/approx-1");
  EXPECT_TRUE(has(page, "Position approximative (centre de la commune)"));
  EXPECT_FALSE(has(page, "openstreetmap.org/directions"));  // no itinerary to a commune's centre
  std::string results = get("/recherche?autour=16800");
  ASSERT_TRUE(has(results, "Point numérique sans coordonnées"));
  EXPECT_TRUE(has(results, "Position approximative (centre de la commune)"));
  EXPECT_TRUE(has(results, "— dans la commune"));
  EXPECT_FALSE(has(results, "à 0 m"));
}

TEST_F(HonestPagesTest, PhoneNumbersInTheNationalFormWithATelLink) {
  EXPECT_TRUE(has(get("/lieux/date-1"), "<a href=\"tel:+33545000000\">05 45 00 00 00</a>"));
  EXPECT_TRUE(has(get("/lieux/epoque-1"), "<a href=\"tel:+687271234\">+687 27 12 34</a>"));
}

TEST_F(HonestPagesTest, AMergedPlaceNamesItsMembersAndTheSourceOfEachField) {
  ASSERT_FALSE(merged_id_.empty());
  std::string page = get("/lieux/" + merged_id_);
  EXPECT_TRUE(has(page, "D&apos;où viennent ces informations ?") ||
              has(page, "D'où viennent ces informations ?"));
  EXPECT_TRUE(has(page, "Annuaire A</a> (fiche m1) — mise à jour le 1er juin 2020"));
  EXPECT_TRUE(has(page, "Annuaire B</a> (fiche m2) — mise à jour le 1er mars 2024"));
  EXPECT_TRUE(has(page, "<th scope=\"row\">Numéro de téléphone</th><td>Annuaire A</td>"));
  EXPECT_TRUE(has(page, "<th scope=\"row\">Horaires</th><td>Annuaire B</td>"));
  EXPECT_TRUE(has(page, "<th scope=\"row\">Nom</th><td>Annuaire A, Annuaire B</td>"));

  auto j = nlohmann::json::parse(get("/api/v1/lieux/" + merged_id_));
  const auto& prov = j["provenance"];
  EXPECT_EQ(prov["source"], "fusion");
  ASSERT_EQ(prov["membres"].size(), 2u);
  EXPECT_EQ(prov["membres"][0],
            (nlohmann::json{{"source", "annuaire-a"}, {"id", "m1"}, {"date_maj", "2020-06-01"}}));
  EXPECT_EQ(prov["membres"][1]["date_maj"], "2024-03-01");
  EXPECT_EQ(prov["champs"]["telephone"], nlohmann::json::array({"annuaire-a:m1"}));
  EXPECT_EQ(prov["champs"]["horaires"], nlohmann::json::array({"annuaire-b:m2"}));
  EXPECT_EQ(prov["champs"]["nom"].size(), 2u);
  EXPECT_FALSE(prov["champs"].contains("id"));

  // A source record's answer names itself.
  auto single = nlohmann::json::parse(get("/api/v1/lieux/date-1"));
  EXPECT_EQ(
      single["provenance"]["membres"],
      nlohmann::json::parse(R"([{"source":"annuaire","id":"date-1","date_maj":"2024-03-05"}])"));
  EXPECT_FALSE(single["provenance"].contains("champs"));
}

}  // namespace
}  // namespace maillage
