// The web pages through HTTP, on a small fixture of places served in-process: rendering,
// escaping of hostile data, search parameters in the URL, paging, security headers, the error
// report form (CSRF double submit, validation, rate limit) and static assets.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>

#include <chrono>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "http/server.h"
#include "search/query.h"
#include "search/service.h"
#include "support/test_support.h"
#include "support/web_server.h"
#include "territory/reference.h"
#include "web/web.h"

namespace maillage {
namespace {

using place::Field;

store::StoredPlace make_place(const std::string& id, const std::string& nom, const std::string& commune,
                              const std::string& cp, const std::string& insee, double lat, double lon) {
  store::StoredPlace sp;
  sp.source = "fixture";
  sp.id = id;
  sp.raw = "{}";
  sp.raw_format = "json";
  place::Place& p = sp.place;
  p[Field::kId] = id;
  p[Field::kPivot] = "00000000000000";
  p[Field::kNom] = nom;
  p[Field::kCommune] = commune;
  p[Field::kCodePostal] = cp;
  p[Field::kCodeInsee] = insee;
  p[Field::kAdresse] = "1 place de la Mairie";
  p[Field::kLatitude] = place::format_number(lat);
  p[Field::kLongitude] = place::format_number(lon);
  p[Field::kDateMaj] = "2024-03-05";
  p[Field::kSource] = "Fixture";
  return sp;
}

class WebPagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    std::string error;
    db_ = *dir_ / "web.db";
    store_ = store::open_sqlite(db_, error).release();
    ASSERT_TRUE(store_) << error;
    std::vector<store::StoredPlace> places;
    auto a = make_place("angouleme-1", "Médiathèque l'Alpha", "Angoulême", "16000", "16015", 45.6506, 0.1556);
    a.place[Field::kServices] = "Aide aux démarches administratives|Accès internet et matériel informatique";
    a.place[Field::kHoraires] = "Mo-Fr 09:00-12:00,14:00-17:00";
    a.place[Field::kTelephone] = "+33545000000";
    a.place[Field::kFraisACharge] = "Gratuit";
    a.place[Field::kSiteWeb] = "javascript:alert(1)";
    places.push_back(a);
    auto b = make_place("angouleme-2", "Espace <script>alert(\"x\")</script> & Cie", "Angoulême", "16000", "16015", 45.6480, 0.1600);
    b.place[Field::kServices] = "Maîtrise des outils numériques du quotidien";
    b.place[Field::kFraisACharge] = "Payant";
    b.place[Field::kHoraires] = "24/7";
    places.push_back(b);
    auto c = make_place("soyaux-1", "France Services de Soyaux", "Soyaux", "16800", "16374", 45.6414, 0.1990);
    c.place[Field::kServices] = "Aide aux démarches administratives";
    c.place[Field::kHoraires] = "Sa 09:00-12:00";
    c.place[Field::kDispositifProgrammesNationaux] = "France Services";
    places.push_back(c);
    auto d = make_place("lyon-1", "Tiers-lieu numérique", "Lyon", "69001", "69381", 45.7676, 4.8344);
    d.place[Field::kServices] = "Aide aux démarches administratives";
    places.push_back(d);
    store::Status st;
    auto run = store_->begin_run("fixture", "fixture.json", st);
    ASSERT_TRUE(run);
    std::vector<store::Outcome> outcomes;
    ASSERT_TRUE(store_->upsert(*run, places, outcomes).ok);

    service_ = new search::Service(store::open_sqlite(db_, error), territory::Reference::bundled());
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

  static httplib::Response get(const std::string& path, const httplib::Headers& headers = {}) {
    httplib::Client c("127.0.0.1", port_);
    c.set_decompress(false);
    auto r = c.Get(path, headers);
    EXPECT_TRUE(r) << path;
    return r ? *r : httplib::Response{};
  }
  static httplib::Response post(const std::string& path, const std::string& body,
                                const httplib::Headers& headers = {}) {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Post(path, headers, body, "application/x-www-form-urlencoded");
    EXPECT_TRUE(r) << path;
    return r ? *r : httplib::Response{};
  }
  static bool has(const std::string& body, const std::string& needle) {
    return body.find(needle) != std::string::npos;
  }
  static std::int64_t report_count() {
    sqlite3* db = nullptr;
    sqlite3_open(db_.c_str(), &db);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM error_reports", -1, &s, nullptr);
    std::int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
  }
  // The CSRF cookie set by the report form and the token of its hidden field.
  static std::pair<std::string, std::string> form_token(const std::string& path) {
    auto r = get(path);
    std::string cookie = r.get_header_value("Set-Cookie");
    std::smatch m;
    std::regex field(R"re(name="jeton" value="([0-9a-f]{64})")re");
    EXPECT_TRUE(std::regex_search(r.body, m, field)) << r.body;
    return {cookie.substr(0, cookie.find(';')), m.size() > 1 ? m[1].str() : ""};
  }

  static testing::TempDir* dir_;
  static std::filesystem::path db_;
  static store::Store* store_;
  static search::Service* service_;
  static testing::InProcessWebServer* server_;
  static int port_;
};
testing::TempDir* WebPagesTest::dir_ = nullptr;
std::filesystem::path WebPagesTest::db_;
store::Store* WebPagesTest::store_ = nullptr;
search::Service* WebPagesTest::service_ = nullptr;
testing::InProcessWebServer* WebPagesTest::server_ = nullptr;
int WebPagesTest::port_ = 0;

TEST_F(WebPagesTest, HomeIsFrenchAccessibleAndLocksDownScripts) {
  auto r = get("/");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(has(r.body, "<html lang=\"fr\">"));
  EXPECT_TRUE(has(r.body, "href=\"#contenu\""));
  EXPECT_TRUE(has(r.body, "<main id=\"contenu\""));
  EXPECT_TRUE(has(r.body, "<label for=\"q\">"));
  EXPECT_TRUE(has(r.body, "<label for=\"autour\">"));
  // The nine services, in plain language, with their facet counts.
  EXPECT_TRUE(has(r.body, "Être aidé pour mes démarches en ligne"));
  EXPECT_TRUE(has(r.body, "value=\"Aide aux démarches administratives\""));
  EXPECT_TRUE(has(r.body, "(3<span class=\"visuellement-cache\"> lieux</span>)"));
  EXPECT_FALSE(has(r.body, "<script>"));  // no inline script
  std::string csp = r.get_header_value("Content-Security-Policy");
  EXPECT_TRUE(has(csp, "script-src 'self'"));
  EXPECT_FALSE(has(csp, "unsafe-inline"));
  EXPECT_TRUE(has(csp, "frame-ancestors 'none'"));
  EXPECT_EQ(r.get_header_value("X-Frame-Options"), "DENY");
  EXPECT_EQ(get("/recherche").status, 200);
}

TEST_F(WebPagesTest, SearchByCommuneAndNeedListsNearestFirstWithDistance) {
  auto r = get("/recherche?autour=Soyaux&services=Aide+aux+d%C3%A9marches+administratives");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(has(r.body, "3 lieux trouvés"));
  auto soyaux = r.body.find("France Services de Soyaux"), alpha = r.body.find("Médiathèque l&apos;Alpha"),
       lyon = r.body.find("Tiers-lieu numérique");
  ASSERT_NE(soyaux, std::string::npos);
  ASSERT_NE(alpha, std::string::npos);
  ASSERT_NE(lyon, std::string::npos);
  EXPECT_LT(soyaux, alpha);
  EXPECT_LT(alpha, lyon);
  EXPECT_TRUE(has(r.body, "— à "));
  EXPECT_TRUE(has(r.body, " checked>"));  // the chosen service stays checked
  EXPECT_TRUE(has(r.body, "data-api=\"/recherche/carte?"));
  EXPECT_TRUE(has(r.body, "<title>Résultats de la recherche (3)"));
}

TEST_F(WebPagesTest, FiltersNarrowAndFacetsStayDisjunctive) {
  auto r = get("/recherche?autour=16000&frais_a_charge=Payant");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(has(r.body, "1 lieu trouvé"));
  EXPECT_TRUE(has(r.body, "Espace &lt;script&gt;"));
  // The other fee value still shows its count (disjunctive facet).
  EXPECT_TRUE(has(r.body, "Gratuit <span class=\"compte\">(1<span"));
}

// "Quand ?": a day's checkbox (or "ouvert" for "Ouvert maintenant") as the page renders it:
// whether it is there, ticked, and the count beside it ("" without one).
struct OpeningBox {
  bool shown = false, checked = false;
  std::string count;
};
OpeningBox opening_box(const std::string& body, const std::string& id) {
  OpeningBox box;
  std::smatch m;
  const std::regex input("<input type=\"checkbox\" id=\"" + id +
                         "\" name=\"[a-z_]+\" value=\"[a-z]+\"( checked)?");
  if (!std::regex_search(body, m, input)) return box;
  box.shown = true;
  box.checked = m[1].matched;
  const std::regex label("<label for=\"" + id +
                         "\">Ouvert [a-z ]+ <span class=\"compte\">\\(([0-9]+)<");
  if (std::regex_search(body, m, label)) box.count = m[1].str();
  return box;
}

TEST_F(WebPagesTest, OpenOnSaturdayAndOpenNowShowTheApiCountsAndKeepTheUrlsDays) {
  // angouleme-1 Mo-Fr, angouleme-2 24/7, soyaux-1 Sa morning; lyon-1 has no hours.
  for (const std::string search :
       {"departement=16", "departement=16&ouvert_jour=dimanche",
        "departement=16&ouvert=maintenant&ouvert_jour=samedi", "ouvert_jour=mardi%7Csamedi"}) {
    auto page = get("/recherche?" + search);
    ASSERT_EQ(page.status, 200) << search;
    auto api = get("/api/v1/lieux?" + search + "&facettes=ouvert,ouvert_jour&limite=1");
    ASSERT_EQ(api.status, 200) << search;
    const auto facets = nlohmann::json::parse(api.body)["facettes"];
    auto api_count = [&](const std::string& field, const std::string& value) {
      return std::to_string(facets.value(field, nlohmann::json::object()).value(value, 0));
    };
    auto now = opening_box(page.body, "ouvert");
    EXPECT_TRUE(now.shown) << search;
    EXPECT_EQ(now.checked, has(search, "ouvert=maintenant")) << search;
    EXPECT_EQ(now.count, api_count("ouvert", "maintenant")) << search;
    int shown = 0;
    for (const std::string& day : search::weekday_names()) {
      const bool asked = has(search, day);
      auto box = opening_box(page.body, "ouvert-" + day);
      shown += box.shown;
      // Samedi always, every other day only when the URL asks for it, ticked.
      EXPECT_EQ(box.shown, asked || day == "samedi") << search << " " << day;
      EXPECT_EQ(box.checked, asked) << search << " " << day;
      if (box.shown) {
        EXPECT_EQ(box.count, api_count("ouvert_jour", day)) << search << " " << day;
      }
    }
    EXPECT_TRUE(has(page.body, "aria-describedby=\"aide-jours\"")) << search;
    // The hint names the day, or says that one of the days is enough.
    EXPECT_EQ(has(page.body, "Le samedi qui vient"), shown == 1) << search;
    EXPECT_EQ(has(page.body, "l'un des jours cochés suffit"), shown > 1) << search;
  }
  // The counts are the fixture's: whatever the day, the 24/7 place is open now and on Saturday,
  // and the Saturday-morning one on Saturday.
  EXPECT_EQ(opening_box(get("/recherche?departement=16").body, "ouvert-samedi").count, "2");
  auto sunday = get("/recherche?departement=16&ouvert_jour=dimanche");
  EXPECT_TRUE(has(sunday.body, "1 lieu trouvé"));
  EXPECT_EQ(opening_box(sunday.body, "ouvert-samedi").count, "2");  // disjunctive: not Sunday's
}

TEST_F(WebPagesTest, HostileDataIsEscapedEverywhere) {
  for (const std::string path : {"/recherche?q=espace", "/lieux/angouleme-2", "/lieux/angouleme-2/fiche",
                                 "/integrer?q=espace", "/fiche?q=espace"}) {
    auto r = get(path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_FALSE(has(r.body, "<script>alert")) << path;
    EXPECT_TRUE(has(r.body, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie")) << path;
  }
  // A hostile query is echoed escaped.
  auto r = get("/recherche?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
  EXPECT_FALSE(has(r.body, "<img src=x"));
  EXPECT_TRUE(has(r.body, "value=\"&lt;img src=x onerror=alert(1)&gt;\""));
  // A javascript: site web is not a link.
  EXPECT_FALSE(has(get("/lieux/angouleme-1").body, "javascript:"));
}

TEST_F(WebPagesTest, BadParametersGetAFrenchMessageOnTheForm) {
  auto r = get("/recherche?autour=Nullepartville");
  ASSERT_EQ(r.status, 400);
  EXPECT_TRUE(has(r.body, "aucune commune ne correspond à « Nullepartville »"));
  EXPECT_TRUE(has(r.body, "aria-invalid=\"true\" aria-describedby=\"erreur-autour\""));
  EXPECT_TRUE(has(r.body, "role=\"alert\""));
  EXPECT_TRUE(has(get("/recherche?services=Jardinage").body, "n&apos;est pas une valeur de services"));
  EXPECT_TRUE(has(get("/recherche?limite=5000").body, "limite doit être un entier entre 1 et 100"));
  EXPECT_TRUE(has(get("/recherche?curseur=abc").body, "curseur invalide"));
  // Empty form fields are ignored, not errors.
  auto empty = get("/recherche?q=&autour=&envoi=");
  EXPECT_FALSE(has(empty.body, "role=\"alert\""));
}

TEST_F(WebPagesTest, MapPointsAreCompactAndFollowTheSearch) {
  auto r = get("/recherche/carte?departement=16");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.get_header_value("Content-Type"), "application/json");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["total"], 3);
  ASSERT_EQ(body["lieux"].size(), 3u);
  bool found = false;
  for (const auto& p : body["lieux"])
    found |= p == nlohmann::json::array({"soyaux-1", "France Services de Soyaux", "Soyaux", 45.6414, 0.199});
  EXPECT_TRUE(found) << r.body;
  // Compressed only when it is worth it (512 bytes or more, http::ListenerLimits::gzip_min_bytes).
  auto small = get("/recherche/carte?departement=16", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(small.get_header_value("Content-Encoding"), "");
  EXPECT_EQ(small.body, r.body);
  auto page = get("/recherche?departement=16");
  ASSERT_GT(page.body.size(), 512u);
  auto zipped = get("/recherche?departement=16", {{"Accept-Encoding", "gzip, deflate, br"}});
  EXPECT_EQ(zipped.get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(zipped.get_header_value("Vary"), "Accept-Encoding");
  EXPECT_LT(zipped.body.size(), page.body.size() / 2);
  auto refused = get("/recherche?departement=16", {{"Accept-Encoding", "gzip;q=0, identity"}});
  EXPECT_EQ(refused.get_header_value("Content-Encoding"), "");
  auto bad = get("/recherche/carte?autour=Nullepartville");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad.body)["erreur"]["parametre"], "autour");
}

// Public pages are kept for repeated requests (web/page_cache.h): a kept page is the page, gzipped
// or not as asked, and a change of the data is on the next request.
TEST_F(WebPagesTest, KeptPagesFollowTheData) {
  auto first = get("/lieux/lyon-1");
  ASSERT_EQ(first.status, 200);
  auto again = get("/lieux/lyon-1");
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.get_header_value("Content-Security-Policy"), first.get_header_value("Content-Security-Policy"));
  auto zipped = get("/lieux/lyon-1", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(zipped.get_header_value("Content-Encoding"), "gzip");
  EXPECT_LT(zipped.body.size(), first.body.size());
  ASSERT_TRUE(store_->set_manual_fields("fixture", "lyon-1", {{Field::kNom, "Tiers-lieu de la Croix-Rousse"}}, {}, "test").ok);
  service_->catch_up();
  auto changed = get("/lieux/lyon-1");
  EXPECT_TRUE(has(changed.body, "Tiers-lieu de la Croix-Rousse"));
  ASSERT_TRUE(store_->set_manual_fields("fixture", "lyon-1", {{Field::kNom, "Tiers-lieu numérique"}}, {}, "test").ok);
  service_->catch_up();
  EXPECT_FALSE(has(get("/lieux/lyon-1").body, "Croix-Rousse"));
  // An error page is never kept: the same bad request is answered 400 each time.
  EXPECT_EQ(get("/recherche?limite=5000").status, 400);
  EXPECT_EQ(get("/recherche?limite=5000").status, 400);
}

TEST_F(WebPagesTest, PagingFollowsTheCursorWithoutRepeating) {
  auto first = get("/recherche?services=Aide+aux+d%C3%A9marches+administratives&limite=2");
  std::smatch m;
  std::regex next(R"re(href="(/recherche\?[^"]*curseur=[^"]*)" rel="next")re");
  ASSERT_TRUE(std::regex_search(first.body, m, next));
  std::string url = std::regex_replace(m[1].str(), std::regex("&amp;"), "&");
  EXPECT_TRUE(has(url, "page=2"));
  auto second = get(url);
  ASSERT_EQ(second.status, 200);
  EXPECT_TRUE(has(second.body, "Résultats 3 à 3"));
  EXPECT_TRUE(has(second.body, "Revenir aux premiers résultats"));
  EXPECT_FALSE(has(second.body, "rel=\"next\""));
  EXPECT_TRUE(has(second.body, "<ol class=\"liste\" start=\"3\">"));
}

TEST_F(WebPagesTest, PlacePageHoldsEverythingInPlainLanguage) {
  auto r = get("/lieux/angouleme-1");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(has(r.body, "<h1>Médiathèque l&apos;Alpha</h1>"));
  EXPECT_TRUE(has(r.body, "<table class=\"horaires\">"));
  EXPECT_TRUE(has(r.body, "<th scope=\"row\">Lundi"));
  EXPECT_TRUE(has(r.body, "09:00 – 12:00, 14:00 – 17:00"));
  EXPECT_TRUE(has(r.body, "<th scope=\"row\">Dimanche"));
  EXPECT_TRUE(has(r.body, "href=\"tel:+33545000000\">05 45 00 00 00</a>"));
  EXPECT_TRUE(has(r.body, "Utiliser un ordinateur et internet sur place"));
  EXPECT_TRUE(has(r.body, "https://www.openstreetmap.org/directions?to=45.6506%2C0.1556"));
  EXPECT_TRUE(has(r.body, "mises à jour le 5 mars 2024"));
  EXPECT_TRUE(has(r.body, "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"Place\""));
  EXPECT_TRUE(has(r.body, "href=\"/lieux/angouleme-1/signaler\""));
  auto missing = get("/lieux/nulle-part");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(has(missing.body, "Aucun lieu n&apos;a l&apos;identifiant « nulle-part »"));
}

TEST_F(WebPagesTest, SheetsCarryAQrCodeToThePlacePage) {
  auto one = get("/lieux/angouleme-1/fiche", {{"Host", "localhost:8080"}});
  ASSERT_EQ(one.status, 200);
  EXPECT_TRUE(has(one.body, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(has(one.body, "aria-label=\"Code QR vers la page du lieu en ligne\""));
  EXPECT_TRUE(has(one.body, "http://localhost:8080/lieux/angouleme-1"));
  // Without --url-publique, a Host that is not this machine's never reaches the page (nor the
  // pages kept for other visitors): the link is relative.
  auto other = get("/lieux/angouleme-1/fiche", {{"Host", "annuaire.example.fr"}});
  EXPECT_FALSE(has(other.body, "annuaire.example.fr"));
  EXPECT_FALSE(has(get("/lieux/angouleme-1/fiche", {{"Host", "localhost:8080"}}).body, "annuaire.example.fr"));
  auto list = get("/fiche?autour=Angoul%C3%AAme");
  ASSERT_EQ(list.status, 200);
  std::size_t svgs = 0;
  for (auto p = list.body.find("<svg"); p != std::string::npos; p = list.body.find("<svg", p + 1)) ++svgs;
  EXPECT_EQ(svgs, 4u);
  // A forged Host header does not get into the page.
  auto forged = get("/lieux/angouleme-1/fiche", {{"Host", "evil\"><script>"}});
  EXPECT_FALSE(has(forged.body, "evil"));
}

TEST_F(WebPagesTest, WidgetIsFramableAndTheRestIsNot) {
  auto w = get("/integrer?departement=16");
  ASSERT_EQ(w.status, 200);
  EXPECT_EQ(w.get_header_value("X-Frame-Options"), "");
  EXPECT_TRUE(has(w.get_header_value("Content-Security-Policy"), "frame-ancestors *"));
  EXPECT_TRUE(has(w.body, "3 lieux"));
  EXPECT_FALSE(has(w.body, "Tiers-lieu numérique"));  // Lyon is not in the 16
  EXPECT_TRUE(has(w.body, "target=\"_blank\""));
  auto code = get("/integrer/code?departement=16&services=Aide%20aux%20d%C3%A9marches%20administratives",
                  {{"Host", "127.0.0.1:8080"}});
  EXPECT_EQ(code.get_header_value("X-Frame-Options"), "DENY");
  EXPECT_FALSE(has(get("/integrer/code?departement=16", {{"Host", "annuaire.example.fr"}}).body, "annuaire.example.fr"));
  EXPECT_TRUE(has(code.body, "&lt;iframe src=&quot;http://127.0.0.1:8080/integrer?departement=16&amp;services=Aide%20aux%20d%C3%A9marches%20administratives&quot;"))
      << code.body;
  EXPECT_TRUE(has(get("/integrer/code?departement=99").body, "n&apos;est pas un code de département"));
}

TEST_F(WebPagesTest, OpenDataPageLinksTheDownloads) {
  auto r = get("/donnees");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(has(r.body, "href=\"/api/v1/export/lieux.csv\""));
  EXPECT_TRUE(has(r.body, "href=\"/api/v1/export/lieux.geojson\""));
  EXPECT_TRUE(has(r.body, "Les 4 lieux"));
  // The API's operations, from data/api/openapi.json.
  EXPECT_TRUE(has(r.body, "<code>GET /api/v1/lieux</code>"));
  EXPECT_TRUE(has(r.body, "<code>GET /api/v1/territoires</code>"));
}

TEST_F(WebPagesTest, StaticAssetsAndLeafletAreServed) {
  EXPECT_EQ(get("/static/site.css").status, 200);
  EXPECT_EQ(get("/static/carte.js").status, 200);
  EXPECT_EQ(get("/static/leaflet/leaflet.js").status, 200);
  EXPECT_EQ(get("/static/markercluster/leaflet.markercluster.js").status, 200);
  EXPECT_EQ(get("/static/../CMakeLists.txt").status, 404);
}

TEST_F(WebPagesTest, ReportNeedsTheCsrfTokenOfTheSameBrowser) {
  std::int64_t before = report_count();
  auto [cookie, token] = form_token("/lieux/soyaux-1/signaler");
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(has(cookie, "maillage_jeton=" + token));
  std::string body = "categorie=horaires&message=Ferm%C3%A9+le+mercredi+depuis+janvier&courriel=&jeton=" + token;
  // No cookie, another browser's token, no token: refused.
  EXPECT_EQ(post("/lieux/soyaux-1/signaler", body).status, 403);
  EXPECT_EQ(post("/lieux/soyaux-1/signaler", body, {{"Cookie", "maillage_jeton=" + std::string(64, 'a')}}).status, 403);
  EXPECT_EQ(post("/lieux/soyaux-1/signaler", "categorie=horaires&message=Ferm%C3%A9+le+mercredi",
                 {{"Cookie", cookie}}).status, 403);
  EXPECT_EQ(report_count(), before);
  auto ok = post("/lieux/soyaux-1/signaler", body, {{"Cookie", cookie}});
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(ok.get_header_value("Location"), "/lieux/soyaux-1?signalement=merci");
  EXPECT_EQ(report_count(), before + 1);
  EXPECT_TRUE(has(get("/lieux/soyaux-1?signalement=merci").body, "votre signalement a été envoyé"));
}

TEST_F(WebPagesTest, ReportFormValidatesAndKeepsWhatWasTyped) {
  auto [cookie, token] = form_token("/lieux/angouleme-1/signaler");
  std::int64_t before = report_count();
  auto r = post("/lieux/angouleme-1/signaler",
                "categorie=inconnue&message=%3Cb%3Ecourt&courriel=pas-un-courriel&jeton=" + token,
                {{"Cookie", cookie}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has(r.body, "Choisissez ce qui est erroné dans la liste."));
  EXPECT_TRUE(has(r.body, "Décrivez l&apos;erreur en 10 caractères au moins."));
  EXPECT_TRUE(has(r.body, "nom@exemple.fr"));
  EXPECT_TRUE(has(r.body, "&lt;b&gt;court</textarea>"));
  EXPECT_TRUE(has(r.body, "aria-invalid=\"true\" aria-describedby=\"erreur-message\""));
  EXPECT_EQ(report_count(), before);
  std::string long_message(2100, 'x');
  auto too_long = post("/lieux/angouleme-1/signaler",
                       "categorie=autre&message=" + long_message + "&jeton=" + token, {{"Cookie", cookie}});
  EXPECT_EQ(too_long.status, 400);
  EXPECT_TRUE(has(too_long.body, "dépasse 2000 caractères"));
  EXPECT_EQ(post("/lieux/nulle-part/signaler", "jeton=" + token, {{"Cookie", cookie}}).status, 404);
}

// Hours suggested in plain French: understood, shown back as a week with « Confirmer », saved as
// opening_hours once confirmed; what cannot be understood is refused, never saved as typed.
TEST_F(WebPagesTest, ReportHoursInPlainFrenchAreShownAsAWeekBeforeSaving) {
  auto [cookie, token] = form_token("/lieux/angouleme-1/signaler");
  const std::int64_t before = report_count();
  const std::string base =
      "categorie=horaires&message=Les+horaires+ont+chang%C3%A9+en+janvier"
      "&champ=horaires&jeton=" +
      token + "&valeur=";
  const std::string french = "du+lundi+au+vendredi+9h-12h+et+14h-17h%2C+le+samedi+9h30-12h";
  auto preview = post("/lieux/angouleme-1/signaler", base + french, {{"Cookie", cookie}});
  EXPECT_EQ(preview.status, 200);
  EXPECT_TRUE(has(preview.body, "<li>lundi : 9 h – 12 h, 14 h – 17 h</li>")) << preview.body;
  EXPECT_TRUE(has(preview.body, "<li>vendredi : 9 h – 12 h, 14 h – 17 h</li>"));
  EXPECT_TRUE(has(preview.body, "<li>samedi : 9 h 30 – 12 h</li>"));
  EXPECT_TRUE(has(preview.body, "<li>dimanche : fermé</li>"));
  const std::string expression = "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:30-12:00";
  EXPECT_TRUE(has(preview.body, "name=\"confirmer_horaires\" value=\"" + expression + "\""));
  EXPECT_TRUE(has(preview.body, ">Confirmer</button>"));
  EXPECT_TRUE(
      has(preview.body, "value=\"du lundi au vendredi 9h-12h et 14h-17h, le samedi 9h30-12h\""));
  EXPECT_EQ(report_count(), before) << "nothing is saved before the confirmation";
  // A confirmation of other hours (the text was changed after the preview): shown again.
  auto changed = post("/lieux/angouleme-1/signaler",
                      base + "du+lundi+au+jeudi+9h-12h&confirmer_horaires=Mo-Fr+09%3A00-12%3A00",
                      {{"Cookie", cookie}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_TRUE(has(changed.body, "<li>vendredi : fermé</li>"));
  EXPECT_EQ(report_count(), before);
  // Not understood: refused, naming the field, nothing saved.
  auto refused =
      post("/lieux/angouleme-1/signaler", base + "quand+%C3%A7a+leur+chante", {{"Cookie", cookie}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(has(refused.body,
                  "Horaires d&apos;ouverture : « quand ça leur chante » n&apos;a pas été compris"));
  EXPECT_TRUE(has(refused.body, "aria-describedby=\"erreur-valeur\""));
  EXPECT_FALSE(has(refused.body, "confirmer_horaires"));
  EXPECT_EQ(report_count(), before);
  // Confirmed: saved, as opening_hours.
  auto saved =
      post("/lieux/angouleme-1/signaler",
           base + french +
               "&confirmer_horaires=Mo-Fr+09%3A00-12%3A00%2C14%3A00-17%3A00%3B+Sa+09%3A30-12%3A00",
           {{"Cookie", cookie}});
  EXPECT_EQ(saved.status, 303);
  EXPECT_EQ(report_count(), before + 1);
  sqlite3* db = nullptr;
  sqlite3_open(db_.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT suggestion FROM error_reports ORDER BY id DESC LIMIT 1", -1, &st,
                     nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))),
            R"({"champ":"horaires","valeur":")" + expression + R"("})");
  sqlite3_finalize(st);
  sqlite3_close(db);
  // Hours already in opening_hours are saved at once (no preview), CSRF still required.
  EXPECT_EQ(post("/lieux/angouleme-1/signaler", base + "Mo-Fr+09%3A00-12%3A00").status, 403);
}

TEST_F(WebPagesTest, ReportsAreRateLimitedPerClient) {
  auto [cookie, token] = form_token("/lieux/lyon-1/signaler");
  std::string body = "categorie=autre&message=Le+lieu+a+d%C3%A9m%C3%A9nag%C3%A9+rue+voisine&jeton=" + token;
  int accepted = 0, limited = 0;
  for (int i = 0; i < 5; ++i) {
    int status = post("/lieux/lyon-1/signaler", body, {{"Cookie", cookie}}).status;
    accepted += status == 303;
    limited += status == 429;
  }
  // 3 per window for the whole suite (the CSRF test used one already).
  EXPECT_LE(accepted, 3);
  EXPECT_GE(limited, 2);
  auto r = post("/lieux/lyon-1/signaler", body, {{"Cookie", cookie}});
  EXPECT_EQ(r.status, 429);
  EXPECT_TRUE(has(r.body, "Réessayez dans quelques minutes"));
}

}  // namespace
}  // namespace maillage
