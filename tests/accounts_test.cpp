// accounts::Service over a real SQLite database: sign-up and confirmation, the first
// administrator, login and lock-out, single-use reset tokens, what the database keeps of secrets,
// export and deletion of a person's data, the purge of unconfirmed accounts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <sqlite3.h>

#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "accounts/accounts.h"
#include "accounts/claims.h"
#include "accounts/freshness.h"
#include "store/accounts.h"
#include "support/test_support.h"
#include "territory/reference.h"

namespace maillage {
namespace {

struct AccountsFixture : ::testing::Test {
  testing::TempDir dir;
  std::unique_ptr<store::AccountStore> store;
  std::unique_ptr<accounts::Service> service;

  void SetUp() override {
    std::string error;
    store = store::open_account_store(dir / "m.db", error);
    ASSERT_TRUE(store) << error;
    start_service(accounts::Settings{});
  }
  void start_service(accounts::Settings s) {
    std::string error;
    auto sealer = accounts::Sealer::open(dir / "m.db.cle", error);
    ASSERT_TRUE(sealer) << error;
    s.public_url = "https://maillage.example.fr/";
    service = std::make_unique<accounts::Service>(*store, std::move(sealer), s);
  }
  // Waits after failed logins from a minute: none ends during a test, however slow the machine.
  static accounts::Settings slow_waits() {
    accounts::Settings s;
    s.login_first_delay_ms = 60'000;
    return s;
  }

  // The link of the newest e-mail to `to`, opened as an administrator would read it.
  std::string last_link(const std::string& to) {
    for (const auto& m : store->mail(100)) {
      if (m.recipient != to) continue;
      std::string body = service->open_body(m);
      auto at = body.find("https://maillage.example.fr/");
      if (at == std::string::npos) return {};
      return body.substr(at, body.find('\n', at) - at);
    }
    return {};
  }
  static std::string token_of(const std::string& link) {
    auto at = link.find("jeton=");
    return at == std::string::npos ? "" : link.substr(at + 6);
  }
  std::string sign_up_and_confirm(const std::string& email) {
    EXPECT_TRUE(service->sign_up(email, "Camille", "un mot de passe solide", true).ok);
    EXPECT_TRUE(service->confirm(token_of(last_link(email))).ok);
    return email;
  }

  // Every text and blob of the database file and its WAL, as bytes.
  std::string database_bytes() {
    std::string all;
    for (const char* f : {"m.db", "m.db-wal"})
      if (std::filesystem::exists(dir / f)) all += testing::read_file(dir / f);
    return all;
  }
};

TEST_F(AccountsFixture, SignUpQueuesAConfirmationAndTheFirstConfirmedAccountIsAdministrator) {
  auto r = service->sign_up(" Camille@Exemple.FR ", "  Camille  Martin ", "un mot de passe solide", true);
  ASSERT_TRUE(r.ok) << r.message;
  auto a = store->account_by_email("camille@exemple.fr");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, "Camille Martin");
  EXPECT_EQ(a->status, "a_confirmer");
  EXPECT_FALSE(a->consent_purpose.empty());
  EXPECT_EQ(a->password_hash.rfind("$argon2id$", 0), 0u);

  accounts::Result lr;
  EXPECT_FALSE(service->log_in("camille@exemple.fr", "un mot de passe solide", lr));
  EXPECT_NE(lr.message.find("Confirmez"), std::string::npos);

  std::string link = last_link("camille@exemple.fr");
  ASSERT_EQ(link.rfind("https://maillage.example.fr/compte/confirmer?jeton=", 0), 0u) << link;
  ASSERT_TRUE(service->confirm(token_of(link)).ok);
  EXPECT_FALSE(service->confirm(token_of(link)).ok) << "a confirmation link serves once";
  EXPECT_EQ(store->account_by_email("camille@exemple.fr")->role, "administrateur");

  sign_up_and_confirm("dominique@exemple.fr");
  EXPECT_EQ(store->account_by_email("dominique@exemple.fr")->role, "membre");
}

TEST_F(AccountsFixture, SignUpRejectsBadInputWithTheField) {
  EXPECT_EQ(service->sign_up("pas-une-adresse", "A", "un mot de passe solide", true).field, "courriel");
  EXPECT_EQ(service->sign_up("a@exemple.fr", "", "un mot de passe solide", true).field, "nom");
  EXPECT_EQ(service->sign_up("a@exemple.fr", "A", "court", true).field, "mot_de_passe");
  EXPECT_EQ(service->sign_up("a@exemple.fr", "A", "           ", true).field, "mot_de_passe");
  EXPECT_EQ(service->sign_up("a@exemple.fr", "A", "un mot de passe solide", false).field, "consentement");
  EXPECT_EQ(service->sign_up("a@exemple.fr", "A\x01", "un mot de passe solide", true).field, "nom");
  EXPECT_TRUE(store->accounts(10).empty());
}

TEST_F(AccountsFixture, ATakenAddressGetsTheSameAnswerAndItsOwnerAnEmail) {
  sign_up_and_confirm("camille@exemple.fr");
  auto before = store->mail(100).size();
  EXPECT_TRUE(service->sign_up("camille@exemple.fr", "Autre", "un autre mot de passe", true).ok);
  EXPECT_EQ(store->accounts(10).size(), 1u);
  auto mail = store->mail(100);
  ASSERT_EQ(mail.size(), before + 1);
  EXPECT_EQ(mail.front().subject, "Votre compte maillage existe déjà");
}

// Failures slow down the client that makes them, never the owner elsewhere nor on a device they
// signed in from (issue 19: five wrong passwords used to lock any account, its owner included).
TEST_F(AccountsFixture, RepeatedFailuresSlowDownTheirClientOnly) {
  start_service(slow_waits());
  sign_up_and_confirm("camille@exemple.fr");
  accounts::Result r;
  const accounts::LoginClient attacker{"203.0.113.9", ""};
  // The owner's device, from an earlier login.
  auto first = service->log_in("camille@exemple.fr", "un mot de passe solide", r, {"198.51.100.7", ""});
  ASSERT_TRUE(first) << r.message;
  const std::string device = service->device_token(service->principal(*first).id);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(service->log_in("camille@exemple.fr", "mauvais mot de passe", r, attacker));
    EXPECT_EQ(r.message, "Adresse ou mot de passe incorrect.");
  }
  // The attacker's client now waits, even with the right password...
  EXPECT_FALSE(service->log_in("camille@exemple.fr", "un mot de passe solide", r, attacker));
  EXPECT_NE(r.message.find("réessayez dans 1 minute,"), std::string::npos) << r.message;
  // ...the account is not locked: its owner signs in from another address, or from their
  // device behind the attacker's own address (a shared connection).
  EXPECT_TRUE(service->log_in("camille@exemple.fr", "un mot de passe solide", r, {"198.51.100.7", ""})) << r.message;
  EXPECT_TRUE(service->log_in("camille@exemple.fr", "un mot de passe solide", r, {"203.0.113.9", device})) << r.message;
  // A device token of another account, or forged, is the attacker's address again.
  EXPECT_FALSE(service->log_in("camille@exemple.fr", "un mot de passe solide", r, {"203.0.113.9", device + "x"}));
  EXPECT_NE(r.message.find("réessayez"), std::string::npos);
  EXPECT_TRUE(store->account_by_email("camille@exemple.fr")->locked_until.empty());
  // A reset proves the address: no client waits for it any more.
  service->request_reset("camille@exemple.fr");
  ASSERT_TRUE(service->reset_password(token_of(last_link("camille@exemple.fr")), "encore un autre secret").ok);
  EXPECT_TRUE(service->log_in("camille@exemple.fr", "encore un autre secret", r, attacker)) << r.message;
}

// An address without an account is slowed down exactly like one with an account: the messages
// say nothing of which exists.
TEST_F(AccountsFixture, SlowingDownSaysNothingOfTheAccountsExistence) {
  start_service(slow_waits());
  sign_up_and_confirm("camille@exemple.fr");
  const accounts::LoginClient from{"203.0.113.9", ""};
  std::vector<std::string> known, unknown;
  for (int i = 0; i < 7; ++i) {
    accounts::Result a, b;
    service->log_in("camille@exemple.fr", "mauvais mot de passe", a, from);
    service->log_in("personne@exemple.fr", "mauvais mot de passe", b, from);
    // The countdown itself moves between the two attempts: compared without its number.
    auto plain = [](std::string m) {
      m.erase(std::remove_if(m.begin(), m.end(), [](char c) { return c >= '0' && c <= '9'; }), m.end());
      for (const char* unit : {" secondes", " seconde", " minutes", " minute"})
        if (auto at = m.find(unit); at != std::string::npos) m.erase(at, std::strlen(unit));
      return m;
    };
    known.push_back(plain(a.message));
    unknown.push_back(plain(b.message));
  }
  EXPECT_EQ(known, unknown);
  EXPECT_NE(known.back().find("réessayez"), std::string::npos);
}

// The owner hears of repeated failures, whoever made them, once at ten.
TEST_F(AccountsFixture, TheOwnerIsToldOfRepeatedFailures) {
  sign_up_and_confirm("camille@exemple.fr");
  const auto before = store->mail(100).size();
  accounts::Result r;
  for (int i = 0; i < 12; ++i)
    service->log_in("camille@exemple.fr", "mauvais mot de passe", r, {"203.0.113." + std::to_string(i), ""});
  auto mail = store->mail(100);
  ASSERT_EQ(mail.size(), before + 1);
  EXPECT_EQ(mail.front().recipient, "camille@exemple.fr");
  EXPECT_EQ(mail.front().subject, "Tentatives de connexion à votre compte maillage");
  EXPECT_NE(mail.front().body.find("10 essais"), std::string::npos);
  EXPECT_NE(mail.front().body.find("n'est pas bloqué"), std::string::npos);
}

// One reset link used spends the others sent before it.
TEST_F(AccountsFixture, OneResetLinkUsedCancelsTheOthers) {
  sign_up_and_confirm("camille@exemple.fr");
  service->request_reset("camille@exemple.fr");
  const std::string older = token_of(last_link("camille@exemple.fr"));
  service->request_reset("camille@exemple.fr");
  const std::string newer = token_of(last_link("camille@exemple.fr"));
  ASSERT_NE(older, newer);
  ASSERT_TRUE(service->reset_password(newer, "encore un autre secret").ok);
  EXPECT_FALSE(service->reset_password(older, "le secret de quelqu'un d'autre").ok);
  accounts::Result r;
  EXPECT_TRUE(service->log_in("camille@exemple.fr", "encore un autre secret", r)) << r.message;
}

TEST_F(AccountsFixture, AnUnknownAddressAndAWrongPasswordGetTheSameMessage) {
  sign_up_and_confirm("camille@exemple.fr");
  accounts::Result unknown, wrong;
  EXPECT_FALSE(service->log_in("personne@exemple.fr", "un mot de passe solide", unknown));
  EXPECT_FALSE(service->log_in("camille@exemple.fr", "pas le bon", wrong));
  EXPECT_EQ(unknown.message, wrong.message);
  auto before = store->mail(100).size();
  service->request_reset("personne@exemple.fr");
  EXPECT_EQ(store->mail(100).size(), before) << "no e-mail to an address without an account";
}

TEST_F(AccountsFixture, AResetTokenServesOnceAndClosesEverySession) {
  sign_up_and_confirm("camille@exemple.fr");
  accounts::Result r;
  auto session = service->log_in("camille@exemple.fr", "un mot de passe solide", r);
  ASSERT_TRUE(session);
  EXPECT_TRUE(service->principal(*session).signed_in());
  service->request_reset("camille@exemple.fr");
  std::string token = token_of(last_link("camille@exemple.fr"));
  ASSERT_TRUE(service->reset_password(token, "nouveau mot de passe").ok);
  EXPECT_FALSE(service->principal(*session).signed_in()) << "sessions closed by a reset";
  auto replay = service->reset_password(token, "encore un autre mot");
  EXPECT_FALSE(replay.ok) << "a replayed reset token is refused";
  EXPECT_FALSE(service->log_in("camille@exemple.fr", "encore un autre mot", r));
  EXPECT_TRUE(service->log_in("camille@exemple.fr", "nouveau mot de passe", r));
  EXPECT_FALSE(service->reset_password("pas-un-jeton", "nouveau mot de passe").ok);
}

TEST_F(AccountsFixture, SecretsNeverReachTheDatabaseInClear) {
  sign_up_and_confirm("camille@exemple.fr");
  service->request_reset("camille@exemple.fr");
  std::string reset = token_of(last_link("camille@exemple.fr"));
  accounts::Result r;
  auto session = service->log_in("camille@exemple.fr", "un mot de passe solide", r);
  ASSERT_TRUE(session);
  ASSERT_EQ(reset.size(), 43u);
  std::string bytes = database_bytes();
  EXPECT_EQ(bytes.find(*session), std::string::npos) << "session token in clear";
  EXPECT_EQ(bytes.find(reset), std::string::npos) << "reset token in clear";
  EXPECT_EQ(bytes.find("un mot de passe solide"), std::string::npos) << "password in clear";
  // The key that opens the e-mails' links is outside the database, readable by its owner only.
  auto perms = std::filesystem::status(dir / "m.db.cle").permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
}

TEST_F(AccountsFixture, AnEmailSentDropsItsLink) {
  sign_up_and_confirm("camille@exemple.fr");
  service->request_reset("camille@exemple.fr");
  auto m = store->mail(1).front();
  ASSERT_FALSE(m.sealed_link.empty());
  ASSERT_TRUE(store->mark_mail(m.id, true, "").ok);
  auto sent = store->mail(1).front();
  EXPECT_TRUE(sent.sealed_link.empty());
  EXPECT_NE(service->open_body(sent).find("lien expiré"), std::string::npos);
}

TEST_F(AccountsFixture, ExportHoldsThePersonsDataAndDeletionRemovesIt) {
  sign_up_and_confirm("admin@exemple.fr");
  sign_up_and_confirm("camille@exemple.fr");
  auto id = store->account_by_email("camille@exemple.fr")->id;
  ASSERT_TRUE(service->grant_place("compte:1", id, {"src", "lieu-1"}).ok);
  store::Status st;
  ASSERT_TRUE(store->add_claim({0, id, "src", "lieu-2", "je travaille ici", "en_attente"}, st));
  auto data = nlohmann::json::parse(service->export_data(id));
  EXPECT_EQ(data["compte"]["courriel"], "camille@exemple.fr");
  EXPECT_EQ(data["lieux_geres"].size(), 1u);
  EXPECT_EQ(data["demandes"][0]["message"], "je travaille ici");
  EXPECT_FALSE(data["compte"].contains("password_hash"));
  EXPECT_EQ(service->export_data(id).find("argon2"), std::string::npos);

  EXPECT_FALSE(service->delete_account(id, "pas le bon").ok);
  ASSERT_TRUE(service->delete_account(id, "un mot de passe solide").ok);
  EXPECT_FALSE(store->account(id));
  EXPECT_TRUE(store->places_of(id).empty());
  EXPECT_TRUE(store->claims_of(id).empty());
  EXPECT_FALSE(store->account_by_email("camille@exemple.fr"));
}

TEST_F(AccountsFixture, PurgeDeletesUnconfirmedAccountsAfterTheirLinkExpired) {
  ASSERT_TRUE(service->sign_up("tard@exemple.fr", "Tard", "un mot de passe solide", true).ok);
  EXPECT_EQ(service->purge(store::utc_now()), 0u) << "still within its confirmation delay";
  // Two days later (the store's clock is the system's: age the row instead).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "m.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE accounts SET created_at = '2020-01-01T00:00:00.000Z', "
                             "last_active_at = '2020-01-01T00:00:00.000Z'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(service->purge(store::utc_now()), 1u);
  EXPECT_FALSE(store->account_by_email("tard@exemple.fr"));
}

TEST(Freshness, LastConfirmationIsTheLaterDateAndSixMonthsMakeAPlaceStale) {
  EXPECT_EQ(accounts::last_confirmation("2024-03-01", "2025-01-02T10:00:00.000Z"), "2025-01-02");
  EXPECT_EQ(accounts::last_confirmation("2025-06-01", "2025-01-02T10:00:00.000Z"), "2025-06-01");
  EXPECT_EQ(accounts::last_confirmation("", ""), "");
  std::string cutoff = accounts::stale_before();
  EXPECT_LT(cutoff, store::utc_now().substr(0, 10));
  EXPECT_GT(cutoff, store::utc_in(-190 * 86400).substr(0, 10));

  place::Place p;
  p[place::Field::kNom] = "EPN";
  auto missing = accounts::missing_fields(p);
  ASSERT_FALSE(missing.empty());
  EXPECT_EQ(missing.front(), "horaires");
  p[place::Field::kHoraires] = "Mo 09:00-12:00";
  EXPECT_EQ(accounts::missing_fields(p).size(), missing.size() - 1);

  accounts::PlaceFreshness f;
  f.public_id = "a";
  f.name = "Le \"Cyber\" centre";
  f.stale = true;
  f.missing = {"horaires", "téléphone"};
  std::string csv = accounts::freshness_csv({f});
  EXPECT_EQ(csv.rfind("\"id\",\"nom\"", 0), 0u);
  EXPECT_NE(csv.find("\"Le \"\"Cyber\"\" centre\""), std::string::npos);
  EXPECT_NE(csv.find("\"oui\",\"non\",0,\"horaires|téléphone\""), std::string::npos);
  // The file is opened in spreadsheets: a name from a source that would run as a formula is
  // written after an apostrophe (CSV injection).
  f.name = "=HYPERLINK(\"http://x.example\";\"cliquez\")";
  f.commune = "@SUM(1+1)";
  csv = accounts::freshness_csv({f});
  EXPECT_NE(csv.find("\"'=HYPERLINK("), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"'@SUM(1+1)\""), std::string::npos) << csv;
  EXPECT_EQ(csv.find(",\"=HYPERLINK"), std::string::npos) << csv;
}

TEST_F(AccountsFixture, ManagersOfStalePlacesAreRemindedAtMostOnceAMonth) {
  sign_up_and_confirm("camille@exemple.fr");
  auto id = store->account_by_email("camille@exemple.fr")->id;
  ASSERT_TRUE(service->grant_place("tests", id, {"src", "vieux"}).ok);
  ASSERT_TRUE(service->grant_place("tests", id, {"src", "frais"}).ok);
  ASSERT_TRUE(service->grant_place("tests", id, {"src", "confirme"}).ok);
  ASSERT_TRUE(store->confirm_place("src", "confirme", "compte:1").ok);
  auto lookup = [](const accounts::PlaceKey& key) {
    accounts::PlaceSummary s{key.second, "2020-01-01", true};
    if (key.second == "frais") s.date_maj = store::utc_now().substr(0, 10);
    return s;
  };
  auto before = store->mail(100).size();
  EXPECT_EQ(accounts::send_reminders(*service, lookup), 1u) << "only the stale, unconfirmed place";
  auto mail = store->mail(100);
  ASSERT_EQ(mail.size(), before + 1);
  EXPECT_NE(mail.front().subject.find("vieux"), std::string::npos);
  EXPECT_NE(service->open_body(mail.front()).find("/lieux/vieux"), std::string::npos);
  EXPECT_EQ(accounts::send_reminders(*service, lookup), 0u) << "not again within a month";
}

TEST(AccountPermissions, CoordinatorsAreScopedToTheirTerritory) {
  const auto& territory = territory::Reference::bundled();
  auto rennes = accounts::place_scope(territory, "s", "a", "35238", "35000");
  EXPECT_EQ(rennes.departement, "35");
  EXPECT_EQ(rennes.region, "53");
  auto ajaccio = accounts::place_scope(territory, "s", "b", "2A004", "20000");
  EXPECT_EQ(ajaccio.departement, "2A");

  accounts::Principal coordinator;
  coordinator.id = 2;
  coordinator.role = "coordinateur";
  coordinator.territories = {{"departement", "35"}};
  EXPECT_TRUE(accounts::can_edit_place(coordinator, rennes));
  EXPECT_TRUE(accounts::can_decide_claim(coordinator, rennes));
  EXPECT_FALSE(accounts::can_edit_place(coordinator, ajaccio));
  coordinator.territories = {{"region", "53"}};
  EXPECT_TRUE(accounts::can_decide_claim(coordinator, rennes));
  EXPECT_FALSE(accounts::can_manage_accounts(coordinator));

  accounts::Principal manager;
  manager.id = 3;
  manager.role = "membre";
  manager.places = {{"s", "a"}};
  EXPECT_TRUE(accounts::can_edit_place(manager, rennes));
  EXPECT_FALSE(accounts::can_edit_place(manager, ajaccio));
  EXPECT_FALSE(accounts::can_decide_claim(manager, rennes));

  accounts::Principal nobody;
  EXPECT_FALSE(accounts::can_edit_place(nobody, rennes));
  nobody.role = "administrateur";  // a role without a signed-in account grants nothing
  EXPECT_FALSE(accounts::can_manage_accounts(nobody));
}

}  // namespace
}  // namespace maillage

namespace maillage::accounts {
namespace {

TEST(ClaimDomains, CaseTable) {
  std::ifstream in(testing::repo_dir() / "tests/cases/claim_domains.tsv");
  ASSERT_TRUE(in);
  const std::map<std::string, DomainVerdict> verdicts = {
      {"approuve", DomainVerdict::kApproves},  {"sans_domaine", DomainVerdict::kNoDomain},
      {"messagerie", DomainVerdict::kWebmail}, {"national", DomainVerdict::kNational},
      {"pas_son_site", DomainVerdict::kNotItsWebsite}, {"partage", DomainVerdict::kShared}};
  std::string line;
  std::set<std::string> seen;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto cols = testing::split_tsv(line);
    ASSERT_EQ(cols.size(), 5u) << line;
    SCOPED_TRACE(cols[0] + " / " + cols[1] + " — " + cols[4]);
    ASSERT_TRUE(verdicts.count(cols[3])) << cols[3];
    EXPECT_EQ(claim_domain_verdict(cols[0], cols[1] == "-" ? "" : cols[1],
                                   static_cast<std::size_t>(std::stoul(cols[2]))),
              verdicts.at(cols[3]));
    seen.insert(cols[3]);
    ++cases;
  }
  EXPECT_GE(cases, 15);
  EXPECT_EQ(seen.size(), verdicts.size()) << "every verdict has a case";
}

TEST(ClaimDomains, APlaceNamesItsWebsitesHostsAndItsAddressesDomains) {
  EXPECT_EQ(place_domains("https://www.Alpha.fr/x|http://beta.org:8080", "a@gamma.fr|b@Alpha.fr"),
            (std::set<std::string>{"alpha.fr", "beta.org", "gamma.fr"}));
}

}  // namespace
}  // namespace maillage::accounts
