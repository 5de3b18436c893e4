// End to end through HTTP: `maillage serve` on a free port with a fresh database (the bundled
// places), then every parameter and every error of /api/v1/lieux, /lieux/{id}, /territoires,
// /sante, /changements and /export/*: status codes, content types, JSON shapes, French errors
// naming the parameter, ETag and 304, gzip, CORS, the GeoJSON and CSV formats, paging, and
// hostile query strings (unknown, repeated, huge, invalid UTF-8) that must never give a 5xx.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdio>
#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "hours/civil.h"
#include "hours/zone.h"
#include "support/serve_support.h"
#include "support/test_support.h"

namespace maillage {
namespace {

using nlohmann::json;
using testing::get;

constexpr const char* kJson = "application/json; charset=utf-8";

class ApiEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    port_ = testing::free_port();
    // Without the rate limit: this suite sends hundreds of requests (the limit has its own test
    // in serve_test.cpp).
    server_ = new testing::ServeProcess(*dir_ / "m.db", port_, {"--rate-limit", "0"});
    ready_ = server_->wait_ready();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_TRUE(ready_) << "maillage serve did not start";
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_decompress(false);  // bodies as sent; gzip is decoded by hand below
    client_->set_read_timeout(60, 0);
  }
  void TearDown() override {
    // Whatever a test sent, the server is still there.
    EXPECT_TRUE(server_->alive()) << "maillage serve died";
  }

  httplib::Response fetch(const std::string& path, const httplib::Headers& headers = {}) {
    return get(*client_, path, headers);
  }
  json fetch_json(const std::string& path, int status = 200) {
    auto r = fetch(path);
    EXPECT_EQ(r.status, status) << path << "\n" << r.body.substr(0, 500);
    EXPECT_EQ(r.get_header_value("Content-Type").rfind("application/", 0), 0u) << path;
    return json::parse(r.body, nullptr, false);
  }
  // A 400 (or `status`) whose JSON body is {"erreur":{"code","message","parametre"}}, the
  // message in French and naming `parameter`.
  void expect_error(const std::string& path, const std::string& parameter, int status = 400,
                    const std::string& code = "parametre_invalide", const std::string& part = {}) {
    SCOPED_TRACE(path.substr(0, 200));
    auto r = fetch(path);
    EXPECT_EQ(r.status, status) << r.body.substr(0, 300);
    EXPECT_EQ(r.get_header_value("Content-Type"), kJson);
    EXPECT_EQ(r.get_header_value("Access-Control-Allow-Origin"), "*");
    auto body = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << r.body.substr(0, 300);
    ASSERT_TRUE(body.contains("erreur")) << r.body;
    const auto& e = body["erreur"];
    EXPECT_EQ(e.value("code", ""), code);
    EXPECT_EQ(e.value("parametre", ""), parameter);
    std::string message = e.value("message", "");
    EXPECT_GT(message.size(), 10u);
    EXPECT_NE(message.find(part), std::string::npos)
        << "message: " << message << "\nexpected part: " << part;
    EXPECT_EQ(body.size(), 1u);
    EXPECT_LE(e.size(), 3u);
  }
  // Every id of a search, following curseur_suivant.
  std::vector<std::string> all_ids(const std::string& query, std::size_t& pages) {
    std::vector<std::string> ids;
    std::string cursor;
    pages = 0;
    do {
      std::string path = "/api/v1/lieux?" + query;
      if (!cursor.empty()) path += "&curseur=" + cursor;
      auto page = fetch_json(path);
      for (const auto& r : page["resultats"]) ids.push_back(r["id"]);
      cursor =
          page["curseur_suivant"].is_string() ? page["curseur_suivant"].get<std::string>() : "";
      if (++pages > 500) break;
    } while (!cursor.empty());
    return ids;
  }

  static testing::TempDir* dir_;
  static testing::ServeProcess* server_;
  static int port_;
  static bool ready_;
  std::unique_ptr<httplib::Client> client_;
};
testing::TempDir* ApiEndToEnd::dir_ = nullptr;
testing::ServeProcess* ApiEndToEnd::server_ = nullptr;
int ApiEndToEnd::port_ = 0;
bool ApiEndToEnd::ready_ = false;

// Every byte but letters, digits and -_. as %XX.
std::string percent_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string gunzip(const std::string& data) {
  httplib::detail::gzip_decompressor d;
  std::string out;
  bool ok = d.decompress(data.data(), data.size(), [&](const char* p, std::size_t n) {
    out.append(p, n);
    return true;
  });
  return ok ? out : "(not gzip)";
}

TEST_F(ApiEndToEnd, SearchAnswersTheDocumentedJsonShape) {
  auto r = fetch("/api/v1/lieux?q=m%C3%A9diath%C3%A8que&limite=3");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.get_header_value("Content-Type"), kJson);
  auto body = nlohmann::ordered_json::parse(r.body);
  std::vector<std::string> keys;
  for (const auto& [k, v] : body.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"total", "resultats", "facettes", "curseur_suivant"}));
  EXPECT_EQ(body["total"], 162);  // as tests/cases/search_queries.tsv, texte_mediatheque
  ASSERT_EQ(body["resultats"].size(), 3u);
  EXPECT_TRUE(body["facettes"].is_object());
  EXPECT_TRUE(body["curseur_suivant"].is_string());
  for (const auto& place : body["resultats"]) {
    for (const char* field : {"id", "nom", "commune", "code_postal", "adresse", "date_maj",
                              "services", "source", "pivot"})
      EXPECT_TRUE(place[field].is_string()) << field << " in " << place.dump();
    EXPECT_TRUE(place["distance_km"].is_null());  // no point asked
    EXPECT_TRUE(place["ouvert"].is_null() || place["ouvert"].is_boolean());
  }
  // With a point, every result has its distance, nearest first.
  auto near = fetch_json("/api/v1/lieux?autour=Marseille&rayon_km=10&tri=distance&limite=20");
  EXPECT_EQ(near["total"], 219);  // rayon_autour_nom
  double last = 0;
  for (const auto& place : near["resultats"]) {
    ASSERT_TRUE(place["distance_km"].is_number()) << place.dump();
    EXPECT_GE(place["distance_km"].get<double>(), last);
    EXPECT_LE(place["distance_km"].get<double>(), 10.0);
    last = place["distance_km"];
  }
  // The last page has no cursor.
  EXPECT_TRUE(fetch_json("/api/v1/lieux?departement=988&limite=1000")["curseur_suivant"].is_null());
}

TEST_F(ApiEndToEnd, EveryParameterIsAccepted) {
  struct Accepted {
    std::string query;
    long total;  // -1: not checked here (covered by the query table)
  };
  const std::vector<Accepted> cases = {
      {"q=biblioth%C3%A8que", 107},
      {"services=Aide+aux+d%C3%A9marches+administratives", 899},
      {"publics_specifiquement_adresses=Femmes", 2},
      {"prise_en_charge_specifique=Surdit%C3%A9", 172},
      {"frais_a_charge=Gratuit+sous+condition", 75},
      {"modalites_acces=T%C3%A9l%C3%A9phoner", 0},
      {"modalites_accompagnement=En+autonomie", 285},
      {"dispositif_programmes_nationaux=Aidants+Connect", 68},
      {"formations_labels=Fabriques+de+Territoire", 0},
      {"itinerance=Itin%C3%A9rant", 0},
      {"typologie=BIB", 23},
      {"source=20231003-bus-france-services-en-charente-lieux-de-mediation-numeriques-nouvelle-"
       "aquitaine",
       12},
      {"code_insee=16015", 18},
      {"code_postal=13001", 35},
      {"departement=988", 90},
      {"region=93", 1419},
      {"departement=04%7C05", 222},
      {"departement=04&departement=05", 222},
      {"lat=43.2965&lon=5.3698&rayon_km=5", 151},
      {"bbox=7.2,43.65,7.3,43.75", 63},
      {"autour=16000&rayon_km=20", 58},
      {"autour=Angoul%C3%AAme&rayon_km=20", 58},
      {"ouvert=maintenant", -1},
      {"ouvert_le=2026-06-02T10:00", -1},
      {"ouvert_jour=samedi", -1},
      {"ouvert_jour=Samedi%7Cdimanche", -1},
      {"ouvert_jour=samedi&ouvert_jour=dimanche", -1},
      {"ouvert_jour=samedi&ouvert=maintenant", -1},
      {"ouvert_jour=samedi&ouvert_le=2026-06-02T10:00&facettes=ouvert,ouvert_jour", -1},
      {"tri=pertinence", 2415},
      {"tri=nom", 2415},
      {"tri=date_maj", 2415},
      {"tri=distance&lat=45.9&lon=6.12", 2415},
      {"limite=1000", 2415},
      {"facettes=region,departement", 2415},
      {"format=json", 2415},
      {"doublons=inclure", 2415},
      {"doublons=exclure", 2415},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    auto body = fetch_json("/api/v1/lieux?" + c.query);
    ASSERT_TRUE(body.contains("total")) << body.dump().substr(0, 300);
    if (c.total >= 0) {
      EXPECT_EQ(body["total"], c.total);
    }
    EXPECT_LE(body["resultats"].size(), 1000u);
  }
  // Under ouvert / ouvert_le every result says it is open; elsewhere ouvert is true, false or null.
  for (const char* query :
       {"ouvert=maintenant&limite=1000", "ouvert_le=2026-06-02T10:00&limite=1000",
        "ouvert_le=2026-06-02T10:00&departement=988&format=geojson"}) {
    auto body = fetch_json(std::string("/api/v1/lieux?") + query);
    const auto& items = body.contains("features") ? body["features"] : body["resultats"];
    for (const auto& item : items) {
      const auto& place = item.contains("properties") ? item["properties"] : item;
      EXPECT_EQ(place["ouvert"], true) << query << " " << place["id"];
    }
  }
  EXPECT_EQ(fetch_json("/api/v1/lieux?ouvert_le=2026-06-02T10:00")["total"],
            1134);  // ouvert_mardi_10h
  std::set<std::string> states;
  auto first_thousand = fetch_json("/api/v1/lieux?limite=1000");
  for (const auto& place : first_thousand["resultats"])
    states.insert(place["ouvert"].is_null() ? "null" : place["ouvert"].dump());
  EXPECT_TRUE(states.count("null")) << "places without hours have ouvert: null";
  EXPECT_TRUE(states.count("true") || states.count("false")) << "ouvert is computed now";
  EXPECT_EQ(fetch_json("/api/v1/lieux?limite=1000")["resultats"].size(), 1000u);
  EXPECT_EQ(fetch_json("/api/v1/lieux")["resultats"].size(), 20u);  // default limite
  auto facets =
      fetch_json("/api/v1/lieux?frais_a_charge=Gratuit&facettes=frais_a_charge")["facettes"];
  EXPECT_EQ(facets,
            json::parse(
                R"({"frais_a_charge":{"Gratuit":1703,"Gratuit sous condition":75,"Payant":198}})"));
}

TEST_F(ApiEndToEnd, GeoJsonAndCsvFormats) {
  auto geo = fetch("/api/v1/lieux?departement=988&tri=nom&limite=5&format=geojson");
  ASSERT_EQ(geo.status, 200);
  EXPECT_EQ(geo.get_header_value("Content-Type"), "application/geo+json; charset=utf-8");
  auto fc = json::parse(geo.body);
  EXPECT_EQ(fc["type"], "FeatureCollection");
  EXPECT_EQ(fc["total"], 90);
  ASSERT_EQ(fc["features"].size(), 5u);
  for (const auto& f : fc["features"]) {
    EXPECT_EQ(f["type"], "Feature");
    EXPECT_EQ(f["geometry"]["type"], "Point");
    ASSERT_EQ(f["geometry"]["coordinates"].size(), 2u);
    double lon = f["geometry"]["coordinates"][0], lat = f["geometry"]["coordinates"][1];
    EXPECT_GT(lon, 160);  // New Caledonia: [longitude, latitude]
    EXPECT_LT(lat, -18);
    EXPECT_TRUE(f["properties"]["id"].is_string());
    EXPECT_TRUE(f["properties"].contains("distance_km"));
  }
  EXPECT_TRUE(fc["curseur_suivant"].is_string());

  auto csv = fetch("/api/v1/lieux?departement=988&tri=nom&limite=5&format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.rfind("\"id\",\"pivot\",\"nom\"", 0), 0u) << csv.body.substr(0, 100);
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 6);  // header + 5 places
  // format=csv-tableur: the same rows for a French spreadsheet: a byte order mark, ";" between
  // cells, CRLF line ends; a number (New Caledonia's latitudes are negative) is no formula.
  auto sheet = fetch("/api/v1/lieux?departement=988&tri=nom&limite=5&format=csv-tableur");
  ASSERT_EQ(sheet.status, 200);
  EXPECT_EQ(sheet.get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(sheet.body.rfind("\xEF\xBB\xBF\"id\";\"pivot\";\"nom\"", 0), 0u)
      << sheet.body.substr(0, 100);
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = sheet.body.find("\r\n", at)) != std::string::npos; at += 2) ++lines;
  EXPECT_EQ(lines, 6u);  // header + 5 places
  EXPECT_NE(sheet.body.find("\";\"-2"), std::string::npos);
  EXPECT_EQ(sheet.body.find("\"'-"), std::string::npos);
  // The same places, in the same order, in all four formats.
  auto js = fetch_json("/api/v1/lieux?departement=988&tri=nom&limite=5");
  for (std::size_t i = 0; i < 5; ++i) {
    std::string id = js["resultats"][i]["id"];
    EXPECT_EQ(fc["features"][i]["properties"]["id"], id);
    EXPECT_NE(csv.body.find("\"" + id + "\""), std::string::npos) << id;
    EXPECT_NE(sheet.body.find("\r\n\"" + id + "\";"), std::string::npos) << id;
  }
}

// Every error of the API, with the parameter it names.
TEST_F(ApiEndToEnd, EveryErrorNamesItsParameterInFrench) {
  struct Refused {
    std::string query, parameter, message;  // message: a part of the French message
  };
  const std::vector<Refused> errors = {
      {"inconnu=1", "inconnu", "paramètre inconnu « inconnu »"},
      {"q=a&q=b", "q", "est donné plusieurs fois"},
      {"limite=1&limite=2", "limite", "est donné plusieurs fois"},
      {"q=%FF%FE", "q", "illisible ou trop longue"},
      {"q=" + std::string(2001, 'a'), "q", "illisible ou trop longue"},
      {"q=" + std::string(201, 'a'), "q", "plus de 200 caractères"},
      {"services=Cuisine", "services", "« Cuisine » n'est pas une valeur de services"},
      {"services=Aide+aux+d%C3%A9marches+administratives%7CCuisine", "services",
       "« Cuisine » n'est pas une valeur de services"},
      {"publics_specifiquement_adresses=Martiens", "publics_specifiquement_adresses",
       "valeurs possibles : Jeunes, Étudiants"},
      {"prise_en_charge_specifique=x", "prise_en_charge_specifique",
       "n'est pas une valeur de prise_en_charge_specifique"},
      {"frais_a_charge=Cher", "frais_a_charge",
       "valeurs possibles : Gratuit, Gratuit sous condition, Payant"},
      {"modalites_acces=x", "modalites_acces", "n'est pas une valeur de modalites_acces"},
      {"modalites_accompagnement=x", "modalites_accompagnement",
       "n'est pas une valeur de modalites_accompagnement"},
      {"dispositif_programmes_nationaux=x", "dispositif_programmes_nationaux",
       "n'est pas une valeur de dispositif_programmes_nationaux"},
      {"formations_labels=x", "formations_labels", "n'est pas une valeur de formations_labels"},
      {"itinerance=Volant", "itinerance", "valeurs possibles : Itinérant, Fixe"},
      {"typologie=XYZ", "typologie", "n'est pas un code de typologie"},
      {"code_postal=1300", "code_postal", "n'est pas un code postal"},
      {"code_insee=123", "code_insee", "n'est pas un code INSEE"},
      {"departement=00", "departement", "n'est pas un code de département"},
      {"region=99", "region", "n'est pas un code de région"},
      {"source=" + std::string(201, 's'), "source", "valeur trop longue"},
      {"lat=43", "lon", "lat et lon vont ensemble"},
      {"lon=5", "lat", "lat et lon vont ensemble"},
      {"lat=abc&lon=5", "lat", "lat doit être un nombre entre -90 et 90"},
      {"lat=91&lon=5", "lat", "lat doit être un nombre"},
      {"lat=43&lon=200", "lon", "lon doit être un nombre entre -180 et 180"},
      {"lat=43&lon=5e", "lon", "lon doit être un nombre"},
      {"autour=Nice&lat=43&lon=7", "autour", "autour et lat/lon ne vont pas ensemble"},
      {"autour=Atlantide-sur-Mer", "autour",
       "aucune commune ne correspond à « Atlantide-sur-Mer »"},
      {"autour=99999", "autour", "aucune commune ne correspond à « 99999 »"},
      {"autour=", "autour", "aucune commune ne correspond"},
      {"rayon_km=5", "rayon_km", "rayon_km demande un point"},
      {"lat=43&lon=5&rayon_km=0", "rayon_km", "entre 0 et 1000"},
      {"lat=43&lon=5&rayon_km=1001", "rayon_km", "entre 0 et 1000"},
      {"lat=43&lon=5&rayon_km=nan", "rayon_km", "entre 0 et 1000"},
      {"bbox=1,2,3", "bbox", "bbox attend minLon,minLat,maxLon,maxLat"},
      {"bbox=5,44,4,43", "bbox", "min < max"},
      {"bbox=1,2,3,x", "bbox", "bbox attend"},
      {"bbox=-200,0,0,1", "bbox", "bbox attend"},
      {"ouvert=demain", "ouvert", "ouvert n'accepte que la valeur « maintenant »"},
      {"ouvert=maintenant&ouvert_le=2026-05-01T10:00", "ouvert_le",
       "ouvert et ouvert_le ne vont pas ensemble"},
      {"ouvert_le=2026-13-01T10:00", "ouvert_le", "AAAA-MM-JJTHH:MM"},
      {"ouvert_le=2026-05-01", "ouvert_le", "AAAA-MM-JJTHH:MM"},
      {"ouvert_le=2026-05-01T24:00", "ouvert_le", "AAAA-MM-JJTHH:MM"},
      {"ouvert_jour=sabato", "ouvert_jour",
       "« sabato » n'est pas un jour : ouvert_jour accepte lundi"},
      {"ouvert_jour=samedi,dimanche", "ouvert_jour", "« samedi,dimanche » n'est pas un jour"},
      {"ouvert_jour=samedi&ouvert_jour=jeudy", "ouvert_jour", "« jeudy » n'est pas un jour"},
      {"ouvert_jour=", "ouvert_jour", "ouvert_jour est vide"},
      {"ouvert_jour=%7C", "ouvert_jour", "ouvert_jour est vide"},
      {"facettes=ouvert_le", "facettes", "« ouvert_le » n'est pas un champ à facettes"},
      {"tri=prix", "tri", "tri accepte pertinence, distance, nom ou date_maj"},
      {"tri=distance", "tri", "le tri par distance demande un point"},
      {"limite=0", "limite", "limite doit être un entier entre 1 et 1000"},
      {"limite=1001", "limite", "entier entre 1 et 1000"},
      {"limite=-1", "limite", "entier entre 1 et 1000"},
      {"limite=dix", "limite", "entier entre 1 et 1000"},
      {"curseur=pas-un-curseur", "curseur", "relancez la recherche"},
      {"curseur=" + std::string(513, 'A'), "curseur", "curseur invalide"},
      {"facettes=couleur", "facettes", "« couleur » n'est pas un champ à facettes"},
      {"facettes=region,couleur", "facettes", "« couleur » n'est pas un champ à facettes"},
      {"format=xml", "format", "format accepte json, geojson, csv ou csv-tableur"},
      {"doublons=peut-etre", "doublons", "doublons accepte inclure ou exclure"},
  };
  for (const auto& e : errors)
    expect_error("/api/v1/lieux?" + e.query, e.parameter, 400, "parametre_invalide", e.message);
  // A cursor of another sort order is still a cursor: it pages, it does not fail.
  auto page = fetch_json("/api/v1/lieux?tri=nom&limite=2");
  std::string cursor = page["curseur_suivant"];
  EXPECT_EQ(fetch("/api/v1/lieux?tri=date_maj&limite=2&curseur=" + cursor).status, 200);
}

// ouvert_jour over HTTP with the server's own clock: the days are OR-ed however they are
// written, the filter combines with the others, its facet is disjunctive, and a place open at
// 10:00 next Saturday is open on Saturday. (Exact totals at fixed instants: the _maintenant
// cases of tests/cases/search_queries.tsv.)
TEST_F(ApiEndToEnd, OpenOnADay) {
  auto total = [&](const std::string& query) {
    return fetch_json("/api/v1/lieux?" + query)["total"].get<std::uint64_t>();
  };
  const auto saturday = total("ouvert_jour=samedi"), sunday = total("ouvert_jour=dimanche");
  EXPECT_GT(saturday, 100u);
  EXPECT_LT(saturday, 2415u);
  EXPECT_GT(sunday, 0u);
  EXPECT_LT(sunday, saturday);
  EXPECT_EQ(total("ouvert_jour=SAMEDI"), saturday);
  const auto both = total("ouvert_jour=samedi%7Cdimanche");
  EXPECT_EQ(total("ouvert_jour=samedi&ouvert_jour=dimanche"), both);
  EXPECT_EQ(total("ouvert_jour=dimanche%7Csamedi%7Csamedi"), both);
  EXPECT_GE(both, saturday);
  EXPECT_LE(both, saturday + sunday);
  EXPECT_LE(total("ouvert_jour=samedi&departement=13"), total("departement=13"));
  EXPECT_LE(total("ouvert_jour=samedi&ouvert=maintenant"), saturday);
  // Facets: without the filter, each day counts its places; with it, the other days still count.
  auto facets = fetch_json("/api/v1/lieux?facettes=ouvert_jour,ouvert&limite=1")["facettes"];
  EXPECT_EQ(facets["ouvert_jour"]["samedi"], saturday);
  EXPECT_EQ(facets["ouvert_jour"]["dimanche"], sunday);
  EXPECT_EQ(facets["ouvert"].size(), facets["ouvert"].contains("maintenant") ? 1u : 0u);
  auto filtered = fetch_json("/api/v1/lieux?ouvert_jour=samedi&facettes=ouvert_jour&limite=1");
  EXPECT_EQ(filtered["total"], saturday);
  EXPECT_EQ(filtered["facettes"]["ouvert_jour"]["dimanche"], sunday);
  // The next Saturday in Paris (today when it is Saturday): every place of the Bouches-du-Rhône
  // open at 10:00 that day is open on Saturday.
  const auto paris = hours::Zone::load("Europe/Paris");
  ASSERT_TRUE(paris);
  const std::int64_t today = hours::split_wall(paris->wall_of(std::time(nullptr))).day;
  const auto date =
      hours::civil_from_days(today + (hours::kSaturday - hours::weekday_of(today) + 7) % 7);
  char at[32];
  std::snprintf(at, sizeof at, "%04d-%02d-%02dT10:00", date.year, date.month, date.day);
  std::set<std::string> on_saturday;
  const auto saturday_13 =
      fetch_json("/api/v1/lieux?departement=13&ouvert_jour=samedi&limite=1000");
  for (const auto& p : saturday_13["resultats"]) on_saturday.insert(p["id"].get<std::string>());
  auto at_ten = fetch_json(std::string("/api/v1/lieux?departement=13&limite=1000&ouvert_le=") + at);
  EXPECT_GT(at_ten["total"].get<std::uint64_t>(), 0u) << at;
  for (const auto& p : at_ten["resultats"])
    EXPECT_TRUE(on_saturday.count(p["id"].get<std::string>())) << p["id"] << " " << at;
  // Every result of the filter says whether it is open now, as elsewhere.
  const auto first_fifty = fetch_json("/api/v1/lieux?ouvert_jour=samedi&limite=50");
  EXPECT_EQ(first_fifty["resultats"].size(), 50u);
  for (const auto& p : first_fifty["resultats"])
    EXPECT_TRUE(p["ouvert"].is_boolean() || p["ouvert"].is_null());
}

// Query strings no client should send: never a 5xx, never a crash.
TEST_F(ApiEndToEnd, HostileQueryStringsNeverGiveA5xx) {
  const std::vector<std::string> hostile = {
      "%FF=1",           // invalid UTF-8 in a parameter name
      "%C3=1&q=ok",      // a truncated sequence in a name
      "q=%00",           // NUL
      "q=%ED%A0%80",     // a UTF-16 surrogate in UTF-8
      "q=%F4%90%80%80",  // above U+10FFFF
      "q=%C0%AF",        // overlong
      "=",
      "&&&",
      "q",
      "q=%",
      "q=%G1",
      "%=%",
      "services=%7C%7C%7C",
      "q=" + std::string(5000, 'e'),  // long but under the URI limit
      "q=%E2%80%99%C5%93%C3%A9%C3%A8" + std::string(190, 'x'),
      "facettes=,,,",
      "bbox=,,,",
      "bbox=1e308,1e308,1e309,1e309",
      "lat=1e-320&lon=-0",
      "lat=-90&lon=-180&rayon_km=1000&tri=distance",
      "lat=90&lon=180&rayon_km=1000",
      "autour=%20",
      "autour=00000",
      "curseur=MR8wHzAfMB8fMQ",
      "curseur=" + std::string(512, '_'),
      std::string(3000, '&'),
      "x" + std::string(2000, 'y') + "=1",
  };
  for (const auto& query : hostile) {
    auto r = fetch("/api/v1/lieux?" + query);
    EXPECT_GT(r.status, 0) << query.substr(0, 100);
    EXPECT_LT(r.status, 500) << query.substr(0, 100) << "\n" << r.body.substr(0, 300);
    if (r.status == 400) {
      auto body = json::parse(r.body, nullptr, false);
      EXPECT_TRUE(body.is_object() && body.contains("erreur")) << r.body.substr(0, 300);
    }
  }
  // Beyond the URI limit of the server: refused before the API, not a 5xx.
  auto huge = fetch("/api/v1/lieux?q=" + std::string(20000, 'a'));
  EXPECT_GE(huge.status, 400);
  EXPECT_LT(huge.status, 500);
  // The unknown parameter's name is quoted back in the message, even when it is not UTF-8.
  expect_error("/api/v1/lieux?%FF=1", "\xEF\xBF\xBD");
}

TEST_F(ApiEndToEnd, PagingThroughHttpVisitsEveryPlaceOnce) {
  for (const char* query : {"q=numerique&limite=97", "tri=nom&limite=250",
                            "autour=Nice&rayon_km=30&tri=distance&limite=33",
                            "tri=date_maj&departement=13&limite=100"}) {
    SCOPED_TRACE(query);
    std::size_t pages = 0;
    auto ids = all_ids(query, pages);
    std::set<std::string> unique(ids.begin(), ids.end());
    EXPECT_EQ(unique.size(), ids.size()) << "a place came twice";
    auto total = fetch_json(std::string("/api/v1/lieux?") + query)["total"].get<std::size_t>();
    EXPECT_EQ(ids.size(), total);
    EXPECT_GT(pages, 1u);
  }
}

TEST_F(ApiEndToEnd, ETagAnd304) {
  for (const std::string path : {"/api/v1/lieux?q=mediatheque", "/api/v1/lieux?format=csv&limite=3",
                                 "/api/v1/lieux/454", "/api/v1/territoires?q=angou"}) {
    SCOPED_TRACE(path);
    auto first = fetch(path);
    ASSERT_EQ(first.status, 200);
    std::string etag = first.get_header_value("ETag");
    ASSERT_FALSE(etag.empty());
    EXPECT_EQ(etag.front(), '"');
    EXPECT_EQ(fetch(path).get_header_value("ETag"), etag);  // stable
    auto again = fetch(path, {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(fetch(path, {{"If-None-Match", "\"autre\""}}).status, 200);
  }
  EXPECT_NE(fetch("/api/v1/lieux?q=mediatheque").get_header_value("ETag"),
            fetch("/api/v1/lieux?q=bibliotheque").get_header_value("ETag"));
}

TEST_F(ApiEndToEnd, GzipWhenAccepted) {
  for (const std::string path :
       {"/api/v1/lieux?limite=200", "/api/v1/lieux?limite=200&format=geojson",
        "/api/v1/lieux?limite=200&format=csv", "/api/v1/export/lieux.json"}) {
    SCOPED_TRACE(path);
    auto plain = fetch(path);
    ASSERT_EQ(plain.status, 200);
    EXPECT_TRUE(plain.get_header_value("Content-Encoding").empty());
    auto zipped = fetch(path, {{"Accept-Encoding", "gzip"}});
    ASSERT_EQ(zipped.status, 200);
    EXPECT_EQ(zipped.get_header_value("Content-Encoding"), "gzip");
    EXPECT_LT(zipped.body.size(), plain.body.size() / 3);
    EXPECT_EQ(gunzip(zipped.body), plain.body);
  }
}

TEST_F(ApiEndToEnd, CorsOnEveryEndpoint) {
  for (const std::string path :
       {"/api/v1/lieux", "/api/v1/lieux?tri=prix", "/api/v1/lieux/454", "/api/v1/lieux/inconnu",
        "/api/v1/territoires?q=nice", "/api/v1/sante", "/api/v1/changements?limite=1",
        "/api/v1/export/lieux.geojson", "/api/v1/nulle-part"}) {
    EXPECT_EQ(fetch(path).get_header_value("Access-Control-Allow-Origin"), "*") << path;
  }
}

TEST_F(ApiEndToEnd, OnePlaceWithItsProvenance) {
  auto r = fetch("/api/v1/lieux/454");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.get_header_value("Content-Type"), kJson);
  auto place = json::parse(r.body);
  EXPECT_EQ(place["id"], "454");
  EXPECT_EQ(place["nom"], "1/3 LIEU NUMERIQUE");
  EXPECT_EQ(
      place["provenance"],
      json::parse(
          R"({"source":"2022-hinaura-lieux-de-mediation-numeriques-auvergne-rhone-alpes","id":"454",)"
          R"("membres":[{"source":"2022-hinaura-lieux-de-mediation-numeriques-auvergne-rhone-alpes",)"
          R"("id":"454","date_maj":"2021-08-17"}]})"));
  // No hours: neither a state nor a next change.
  EXPECT_TRUE(place["ouvert"].is_null()) << place.dump();
  EXPECT_TRUE(place["prochain_changement"].is_null()) << place.dump();
  // "Mo-Th 08:30-12:30,13:30-17:00; Fr 08:30-12:30": a state now, and when it changes next
  // (RFC 3339 with the offset of Paris).
  auto with_hours = fetch_json("/api/v1/lieux/36");
  EXPECT_TRUE(with_hours["ouvert"].is_boolean()) << with_hours.dump();
  ASSERT_TRUE(with_hours["prochain_changement"].is_string()) << with_hours.dump();
  std::string next = with_hours["prochain_changement"];
  EXPECT_EQ(next.size(), 25u) << next;  // 2026-12-01T08:30:00+01:00
  EXPECT_TRUE(next.ends_with("+01:00") || next.ends_with("+02:00")) << next;
  // New Caledonia: the offset of Nouméa.
  auto noumea = fetch_json("/api/v1/lieux?departement=988&ouvert_le=2026-06-02T10:00&limite=1");
  ASSERT_EQ(noumea["resultats"].size(), 1u);
  std::string noumea_id = noumea["resultats"][0]["id"];
  auto nc = fetch_json("/api/v1/lieux/" + percent_encode(noumea_id));
  ASSERT_TRUE(nc["prochain_changement"].is_string()) << nc.dump();
  EXPECT_TRUE(nc["prochain_changement"].get<std::string>().ends_with("+11:00")) << nc.dump();
  // An id shared by two sources is published as source:id; an id with `|` is URL-encoded.
  std::string shared =
      "20230516-hub-du-sud-lieux-de-mediation-numeriques-provence-alpes-cote-d-azur:"
      "dora-3d647b3a-a5b6-41f8-8374-ba37c1ff1746";
  auto twin = fetch_json("/api/v1/lieux/" + shared);
  EXPECT_EQ(twin["id"], shared);
  EXPECT_EQ(twin["provenance"]["id"], "dora-3d647b3a-a5b6-41f8-8374-ba37c1ff1746");
  // Placed at its commune's centroid: approximate, and said so.
  EXPECT_TRUE(twin.contains("position_approximative")) << twin.dump();
  auto piped =
      fetch_json("/api/v1/lieux/3dda8fc2-b101-43df-be8e-0eca532c728b%7Caidants-connect-3082");
  EXPECT_EQ(piped["id"], "3dda8fc2-b101-43df-be8e-0eca532c728b|aidants-connect-3082");
  // Every result of a search can be fetched by its id.
  auto page = fetch_json("/api/v1/lieux?departement=05&limite=5");
  for (const auto& p : page["resultats"]) {
    std::string id = p["id"];
    EXPECT_EQ(fetch_json("/api/v1/lieux/" + percent_encode(id))["nom"], p["nom"]) << id;
  }

  expect_error("/api/v1/lieux/inconnu", "id", 404, "introuvable",
               "aucun lieu n'a l'identifiant « inconnu »");
  expect_error("/api/v1/lieux/%FF%FE", "id", 404, "introuvable");
  EXPECT_EQ(fetch("/api/v1/lieux/" + std::string(400, 'x')).status, 404);
}

TEST_F(ApiEndToEnd, Territoires) {
  auto r = fetch("/api/v1/territoires?q=angou");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.get_header_value("Content-Type"), kJson);
  auto body = json::parse(r.body);
  ASSERT_FALSE(body["communes"].empty());
  const auto& first = body["communes"][0];
  EXPECT_EQ(first["code_insee"], "16015");
  EXPECT_EQ(first["nom"], "Angoulême");
  EXPECT_EQ(first["codes_postaux"], json::parse(R"(["16000"])"));
  EXPECT_EQ(first["departement"], "16");
  EXPECT_TRUE(first["latitude"].is_number());
  EXPECT_TRUE(first["population"].is_number());
  EXPECT_LE(fetch_json("/api/v1/territoires?q=saint")["communes"].size(), 10u);
  auto by_code = fetch_json("/api/v1/territoires?q=16000")["communes"];
  ASSERT_EQ(by_code.size(), 1u);
  EXPECT_EQ(by_code[0]["nom"], "Angoulême");
  EXPECT_EQ(fetch_json("/api/v1/territoires?q=SAINT-%C3%89TIENNE")["communes"][0]["code_insee"],
            "42218");
  EXPECT_TRUE(fetch_json("/api/v1/territoires?q=zzzzzz")["communes"].empty());
  expect_error("/api/v1/territoires", "q", 400, "parametre_invalide",
               "q attend le début d'un nom de commune");
  expect_error("/api/v1/territoires?q=", "q");
  expect_error("/api/v1/territoires?q=" + std::string(101, 'a'), "q");
  expect_error("/api/v1/territoires?q=%FF%FE", "q");  // was 200 with the largest communes
  expect_error("/api/v1/territoires?q=%21%21", "q");
}

TEST_F(ApiEndToEnd, SanteChangementsAndExports) {
  auto health = fetch_json("/api/v1/sante");
  EXPECT_EQ(health["statut"], "ok");
  EXPECT_TRUE(health["version"].is_string());
  EXPECT_EQ(health["lieux"], 2415);
  EXPECT_EQ(health["sequence"], 2415);

  auto feed = fetch_json("/api/v1/changements?depuis=2410&limite=3");
  ASSERT_EQ(feed["changements"].size(), 3u);
  EXPECT_EQ(feed["changements"][0]["sequence"], 2411);
  for (const char* k : {"sequence", "date", "operation", "source", "id", "lieu"})
    EXPECT_TRUE(feed["changements"][0].contains(k)) << k;
  EXPECT_EQ(feed["sequence_suivante"], 2413);
  EXPECT_EQ(fetch_json("/api/v1/changements?depuis=2415")["changements"].size(), 0u);
  EXPECT_EQ(fetch_json("/api/v1/changements")["changements"].size(), 100u);  // default limite
  expect_error("/api/v1/changements?depuis=-1", "depuis", 400, "parametre_invalide",
               "le paramètre « depuis » doit être un entier entre 0 et");
  expect_error("/api/v1/changements?depuis=x", "depuis");
  expect_error("/api/v1/changements?limite=1001", "limite", 400, "parametre_invalide",
               "le paramètre « limite » doit être un entier entre 0 et 1000");
  expect_error("/api/v1/changements?limite=%FF", "limite");

  struct Export {
    const char* ext;
    const char* type;
  };
  for (const auto& e : {Export{"csv", "text/csv; charset=utf-8"}, Export{"json", kJson},
                        Export{"geojson", "application/geo+json; charset=utf-8"}}) {
    auto r = fetch(std::string("/api/v1/export/lieux.") + e.ext);
    ASSERT_EQ(r.status, 200) << e.ext;
    EXPECT_EQ(r.get_header_value("Content-Type"), e.type);
    EXPECT_EQ(r.get_header_value("Content-Disposition"),
              std::string("attachment; filename=\"lieux-mediation-numerique.") + e.ext + "\"");
  }
  EXPECT_EQ(json::parse(fetch("/api/v1/export/lieux.json").body).size(), 2415u);
  // Beside the standard's CSV (every value byte for byte), the same places for spreadsheets.
  auto sheet_export = fetch("/api/v1/export/lieux-tableur.csv");
  ASSERT_EQ(sheet_export.status, 200);
  EXPECT_EQ(sheet_export.get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(sheet_export.get_header_value("Content-Disposition"),
            "attachment; filename=\"lieux-mediation-numerique-tableur.csv\"");
  EXPECT_EQ(sheet_export.body.rfind("\xEF\xBB\xBF\"id\";\"pivot\";\"nom\"", 0), 0u);
  std::size_t sheet_rows = 0;
  for (std::size_t at = 0; (at = sheet_export.body.find("\r\n\"", at)) != std::string::npos; at += 3) ++sheet_rows;
  EXPECT_EQ(sheet_rows, 2415u) << "one row per place after the header";
  EXPECT_EQ(sheet_export.body.find(";\"="), std::string::npos) << "no cell starts a formula";
  EXPECT_NE(sheet_export.get_header_value("ETag"), fetch("/api/v1/export/lieux.csv").get_header_value("ETag"));
  expect_error("/api/v1/export/lieux.xml", "", 404, "introuvable");
  expect_error("/api/v1/nulle-part", "", 404, "introuvable", "aucune ressource à cette adresse");
}

}  // namespace
}  // namespace maillage
