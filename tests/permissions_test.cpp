// The permission table: every role against every write endpoint of the account pages (and the
// pages that only some roles may read), over HTTP against `maillage serve`. A manager of place A
// on place B, a coordinator outside their territory, a missing or wrong CSRF token are rows of
// the table. "Allowed" requests are built to stop right after the permission check where they
// would change something (an invalid decision, an empty name), so the table can run in any order.
#include <gtest/gtest.h>

#include <map>

#include "accounts/accounts.h"
#include "store/accounts.h"
#include "store/store.h"
#include "support/serve_support.h"
#include "support/test_support.h"
#include "support/web_session.h"
#include "territory/reference.h"

namespace maillage {
namespace {

using testing::WebSession;

constexpr const char* kPassword = "mot de passe des tests";

struct PlaceRef {
  std::string source, id, departement;
};

class PermissionTable : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    port_ = testing::free_port();
    server_ = new testing::ServeProcess(*dir_ / "m.db", port_);
    ASSERT_TRUE(server_->wait_ready());
    std::string error;
    auto places = store::open_sqlite(*dir_ / "m.db", error);
    ASSERT_TRUE(places) << error;
    // Two places in different départements whose ids are their public ids.
    std::map<std::string, int> id_count;
    std::vector<PlaceRef> candidates;
    places->scan([&](const store::StoredPlace& p) {
      ++id_count[p.id];
      std::string dep(territory::departement_of(p.place[place::Field::kCodeInsee]));
      if (!dep.empty()) candidates.push_back({p.source, p.id, dep});
    });
    for (const auto& c : candidates) {
      if (id_count[c.id] != 1 || c.id.find_first_of("/?#% ") != std::string::npos) continue;
      if (a_.id.empty())
        a_ = c;
      else if (c.departement != a_.departement) {
        b_ = c;
        break;
      }
    }
    ASSERT_FALSE(b_.id.empty());
    accounts_ = store::open_account_store(*dir_ / "m.db", error).release();
    ASSERT_TRUE(accounts_) << error;
    std::string hash = accounts::hash_password(kPassword);
    auto make = [&](const std::string& email, const std::string& role) {
      store::Account a;
      a.email = email;
      a.name = email.substr(0, email.find('@'));
      a.password_hash = hash;
      a.role = role;
      a.status = "actif";
      a.consent_purpose = "tests";
      store::Status st;
      auto id = accounts_->create_account(a, st);
      EXPECT_TRUE(id) << st.message;
      return id.value_or(0);
    };
    ids_["administrateur"] = make("admin@exemple.fr", "administrateur");
    ids_["coordinateur_du_territoire"] = make("coord-in@exemple.fr", "coordinateur");
    accounts_->set_territories(ids_["coordinateur_du_territoire"], {{"departement", a_.departement}});
    ids_["coordinateur_d_ailleurs"] = make("coord-out@exemple.fr", "coordinateur");
    accounts_->set_territories(ids_["coordinateur_d_ailleurs"], {{"departement", b_.departement}});
    ids_["gestionnaire_de_A"] = make("gestion-a@exemple.fr", "membre");
    accounts_->grant_place({ids_["gestionnaire_de_A"], a_.source, a_.id, "", "tests"});
    ids_["gestionnaire_de_B"] = make("gestion-b@exemple.fr", "membre");
    accounts_->grant_place({ids_["gestionnaire_de_B"], b_.source, b_.id, "", "tests"});
    ids_["membre"] = make("membre@exemple.fr", "membre");
    store::Status st;
    claim_ = accounts_->add_claim({0, ids_["membre"], a_.source, a_.id, "", "en_attente"}, st).value_or(0);
    ASSERT_GT(claim_, 0);
    ASSERT_TRUE(places->add_error_report({a_.source, a_.id, "horaires", "Fermé le lundi maintenant.", ""}).ok);
    report_ = accounts_->reports("nouveau", 10).at(0).id;
  }
  static void TearDownTestSuite() {
    delete accounts_;
    delete server_;
    delete dir_;
  }

  // A session of `role` ("anonyme": none).
  static WebSession session(const std::string& role) {
    WebSession s(port_);
    if (role != "anonyme") {
      auto it = ids_.find(role);
      EXPECT_NE(it, ids_.end());
      std::string email = accounts_->account(it->second)->email;
      EXPECT_TRUE(s.log_in(email, kPassword)) << role;
    }
    return s;
  }

  static testing::TempDir* dir_;
  static testing::ServeProcess* server_;
  static int port_;
  static PlaceRef a_, b_;
  static store::AccountStore* accounts_;
  static std::map<std::string, std::int64_t> ids_;
  static std::int64_t claim_, report_;
};

testing::TempDir* PermissionTable::dir_ = nullptr;
testing::ServeProcess* PermissionTable::server_ = nullptr;
int PermissionTable::port_ = 0;
PlaceRef PermissionTable::a_, PermissionTable::b_;
store::AccountStore* PermissionTable::accounts_ = nullptr;
std::map<std::string, std::int64_t> PermissionTable::ids_;
std::int64_t PermissionTable::claim_ = 0, PermissionTable::report_ = 0;

enum class Expect { kAllowed, kForbidden, kLogin };

struct Row {
  std::string method, path;  // "{A}", "{B}", "{claim}", "{report}", "{member}" replaced
  std::vector<std::pair<std::string, std::string>> form;
  int allowed_status;                  // what an allowed request answers
  std::map<std::string, Expect> by_role;
};

TEST_F(PermissionTable, EveryRoleAgainstEveryWriteEndpoint) {
  const Expect Y = Expect::kAllowed, N = Expect::kForbidden, L = Expect::kLogin;
  const std::vector<std::string> roles = {"anonyme", "membre", "gestionnaire_de_A", "gestionnaire_de_B",
                                          "coordinateur_du_territoire", "coordinateur_d_ailleurs",
                                          "administrateur"};
  auto row = [&](std::string method, std::string path, std::vector<std::pair<std::string, std::string>> form,
                 int allowed, std::vector<Expect> e) {
    Row r{std::move(method), std::move(path), std::move(form), allowed, {}};
    for (std::size_t i = 0; i < roles.size(); ++i) r.by_role[roles[i]] = e[i];
    return r;
  };
  //                                                                      anon memb  gA   gB  cIn cOut adm
  std::vector<Row> table = {
      row("POST", "/lieux/{A}/modifier", {{"nom", ""}}, 400, {L, N, Y, N, Y, N, Y}),
      row("POST", "/lieux/{B}/modifier", {{"nom", ""}}, 400, {L, N, N, Y, N, Y, Y}),
      row("POST", "/lieux/{A}/confirmer", {}, 303, {L, N, Y, N, Y, N, Y}),
      row("POST", "/espace/demandes/{claim}", {{"decision", "peut-etre"}}, 400, {L, N, N, N, Y, N, Y}),
      row("POST", "/espace/signalements/{report}", {{"decision", "peut-etre"}}, 400, {L, N, Y, N, Y, N, Y}),
      row("POST", "/espace/comptes/{member}", {{"role", "inconnu"}}, 303, {L, N, N, N, N, N, Y}),
      row("POST", "/lieux/{A}/gerer", {{"message", ""}}, 303, {L, Y, Y, Y, Y, Y, Y}),
      row("GET", "/lieux/{A}/modifier", {}, 200, {L, N, Y, N, Y, N, Y}),
      row("GET", "/lieux/{A}/historique", {}, 200, {L, N, Y, N, Y, N, Y}),
      row("GET", "/espace/demandes", {}, 200, {L, N, N, N, Y, Y, Y}),
      row("GET", "/espace/comptes", {}, 200, {L, N, N, N, N, N, Y}),
      row("GET", "/espace/courriels", {}, 200, {L, N, N, N, N, N, Y}),
      row("GET", "/espace/tableau-de-bord", {}, 200, {L, N, N, N, Y, Y, Y}),
      row("GET", "/espace/tableau-de-bord?format=csv", {}, 200, {L, N, N, N, Y, Y, Y}),
  };
  auto expand = [&](std::string p) {
    auto put = [&](const std::string& key, const std::string& value) {
      if (auto at = p.find(key); at != std::string::npos) p.replace(at, key.size(), value);
    };
    put("{A}", a_.id);
    put("{B}", b_.id);
    put("{claim}", std::to_string(claim_));
    put("{report}", std::to_string(report_));
    put("{member}", std::to_string(ids_["membre"]));
    return p;
  };
  for (const auto& role : roles) {
    WebSession s = session(role);
    for (const auto& r : table) {
      std::string path = expand(r.path);
      auto res = r.method == "GET" ? s.get(path) : s.post(path, r.form);
      Expect e = r.by_role.at(role);
      int want = e == Y ? r.allowed_status : e == N ? 403 : (r.method == "GET" ? 303 : 401);
      EXPECT_EQ(res.status, want) << role << " " << r.method << " " << r.path;
      if (e == L && r.method == "GET") {
        EXPECT_EQ(res.get_header_value("Location").rfind("/compte/connexion?retour=", 0), 0u);
      }
    }
  }
}

TEST_F(PermissionTable, ACoordinatorsDashboardHoldsTheirTerritoryOnly) {
  WebSession in = session("coordinateur_du_territoire");
  auto csv = in.get("/espace/tableau-de-bord?format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv.body.find("\"" + a_.id + "\""), std::string::npos) << "place A is in the territory";
  EXPECT_EQ(csv.body.find("\"" + b_.id + "\""), std::string::npos) << "place B is not";
  EXPECT_EQ(csv.body.find("\"" + b_.departement + "\","), std::string::npos);
  auto page = in.get("/espace/tableau-de-bord");
  EXPECT_NE(page.body.find("Fiches à confirmer"), std::string::npos);
  // A's manager is listed as such; its open report is counted.
  auto line_start = csv.body.find("\"" + a_.id + "\"");
  std::string line = csv.body.substr(line_start, csv.body.find("\r\n", line_start) - line_start);
  EXPECT_NE(line.find(",\"oui\",1,"), std::string::npos) << line;
}

TEST_F(PermissionTable, AMissingOrWrongCsrfTokenIsRefusedEvenToAnAdministrator) {
  WebSession admin = session("administrateur");
  const std::vector<std::string> posts = {"/lieux/" + a_.id + "/modifier", "/lieux/" + a_.id + "/confirmer",
                                          "/espace/demandes/" + std::to_string(claim_),
                                          "/espace/signalements/" + std::to_string(report_),
                                          "/espace/comptes/" + std::to_string(ids_["membre"]),
                                          "/lieux/" + a_.id + "/gerer", "/compte/supprimer",
                                          "/compte/deconnexion", "/compte/connexion", "/compte/inscription",
                                          "/compte/oubli", "/compte/reinitialiser"};
  for (const auto& p : posts) {
    auto missing = admin.post(p, {}, /*csrf=*/false);
    EXPECT_EQ(missing.status, 403) << "no token: " << p;
    EXPECT_NE(missing.body.find("Formulaire expiré"), std::string::npos) << p;
    auto wrong = admin.post(p, {{"jeton", std::string(64, 'a')}});
    EXPECT_EQ(wrong.status, 403) << "wrong token: " << p;
  }
  // The session survived every refused request: the token check comes before anything else.
  EXPECT_EQ(admin.get("/compte").status, 200);
}

TEST_F(PermissionTable, ASessionCookieIsHttpOnlyAndSameSite) {
  WebSession s(port_);
  s.get("/compte/connexion");
  httplib::Client c("127.0.0.1", port_);
  httplib::Params form{{"courriel", "membre@exemple.fr"}, {"mot_de_passe", kPassword},
                       {"jeton", s.cookie("maillage_jeton")}, {"retour", "//ailleurs.example/"}};
  auto r = c.Post("/compte/connexion", {{"Cookie", "maillage_jeton=" + s.cookie("maillage_jeton")}}, form);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/compte") << "never redirected to another site";
  std::string cookie;
  for (const auto& [k, v] : r->headers)
    if (k == "Set-Cookie" && v.rfind("maillage_session=", 0) == 0) cookie = v;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
}

TEST_F(PermissionTable, LoginsAreRateLimitedPerAddress) {
  WebSession s(port_);
  int limited = 0;
  for (int i = 0; i < 15; ++i) {
    auto r = s.post("/compte/connexion", {{"courriel", "personne@exemple.fr"}, {"mot_de_passe", "faux mot de passe"}});
    if (r.status == 429) ++limited;
  }
  EXPECT_GT(limited, 0) << "15 logins in a row from one address";
}

}  // namespace
}  // namespace maillage
