// The accounts' whole journey over HTTP against `maillage serve`: sign-up, confirmation (the link
// read from the outbox, as an installer without SMTP does with `maillage comptes courriels`),
// login, claim, approval, edit (a manual field that a later harvest keeps), report, moderation,
// "still correct", history, password reset (and its replay), data export, deletion.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "accounts/claims.h"
#include "store/accounts.h"
#include "store/store.h"
#include "support/serve_support.h"
#include "support/test_support.h"
#include "support/web_session.h"

namespace maillage {
namespace {

using testing::WebSession;

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

TEST(AccountsJourney, SignUpClaimEditModerateConfirmResetExportDelete) {
  testing::TempDir dir;
  const auto db = dir / "m.db";
  int port = testing::free_port();
  testing::ServeProcess server(db, port);
  ASSERT_TRUE(server.wait_ready());

  // A place of the fixture, by its public id, with its store identity.
  std::string error;
  std::string source, id, phone_before;
  {
    auto places = store::open_sqlite(db, error);
    ASSERT_TRUE(places) << error;
    std::map<std::string, int> id_count;
    places->scan([&](const store::StoredPlace& p) { ++id_count[p.id]; });
    places->scan([&](const store::StoredPlace& p) {
      if (id.empty() && id_count[p.id] == 1 && !p.place[place::Field::kCodeInsee].empty() && p.id.find_first_of("/?#% ") == std::string::npos &&
          p.id.rfind("fusion", 0) != 0 && !p.place[place::Field::kHoraires].empty()) {
        source = p.source;
        id = p.id;
        phone_before = p.place[place::Field::kTelephone];
      }
    });
  }
  ASSERT_FALSE(id.empty());
  const std::string place_url = "/lieux/" + id;

  // 1. The installer signs up; the first confirmed account administers.
  WebSession admin(port);
  ASSERT_EQ(admin.get("/compte/inscription").status, 200);
  auto signed_up = admin.post("/compte/inscription", {{"nom", "Alex Admin"}, {"courriel", "alex@exemple.fr"},
                                                      {"mot_de_passe", "un secret d'installateur"}, {"consentement", "oui"}});
  ASSERT_EQ(signed_up.status, 200) << signed_up.body;
  EXPECT_TRUE(contains(signed_up.body, "Vérifiez vos courriels"));
  EXPECT_FALSE(admin.log_in("alex@exemple.fr", "un secret d'installateur")) << "not confirmed yet";
  std::string link = testing::mailed_link(db, "alex@exemple.fr", "/compte/confirmer?jeton=");
  ASSERT_FALSE(link.empty());
  EXPECT_EQ(admin.get(link).status, 200);
  ASSERT_TRUE(admin.log_in("alex@exemple.fr", "un secret d'installateur"));
  auto home = admin.get("/compte");
  ASSERT_EQ(home.status, 200);
  EXPECT_TRUE(contains(home.body, "Administrateur"));

  // 2. A mediator signs up, confirms, claims the place; the administrator approves.
  WebSession marie(port);
  ASSERT_EQ(marie.post("/compte/inscription", {{"nom", "Marie"}, {"courriel", "marie@exemple.fr"},
                                               {"mot_de_passe", "le secret de marie"}, {"consentement", "oui"}}).status, 200);
  ASSERT_EQ(
      marie.get(testing::mailed_link(db, "marie@exemple.fr", "/compte/confirmer?jeton=")).status,
      200);
  ASSERT_TRUE(marie.log_in("marie@exemple.fr", "le secret de marie"));
  EXPECT_TRUE(contains(marie.get(place_url).body, "Gérer cette fiche"));
  EXPECT_EQ(marie.get(place_url + "/modifier").status, 403) << "not a manager yet";
  auto claimed = marie.post(place_url + "/gerer", {{"message", "Je suis la conseillère numérique du lieu."}});
  ASSERT_EQ(claimed.status, 303);
  EXPECT_EQ(claimed.get_header_value("Location"), "/compte?message=demande");
  auto queue = admin.get("/espace/demandes");
  ASSERT_EQ(queue.status, 200);
  EXPECT_TRUE(contains(queue.body, "Je suis la conseillère numérique du lieu."));
  auto accounts = store::open_account_store(db, error);
  ASSERT_TRUE(accounts) << error;
  // The claim is told to whoever decides it (no coordinator here: the administrator), by e-mail
  // and in their space; Marie sees her claim by the place's name, not its id in the source.
  bool notified = false;
  for (const auto& m : accounts->mail(20))
    notified |= m.recipient == "alex@exemple.fr" && m.subject == "Une demande de gestion à traiter" &&
                contains(m.body, "Marie <marie@exemple.fr> demande à gérer la fiche") &&
                contains(m.body, "/espace/demandes");
  EXPECT_TRUE(notified) << "the administrator is told of the claim";
  EXPECT_TRUE(contains(admin.get("/compte").body, "1 en attente"));
  auto marie_home = marie.get("/compte");
  EXPECT_TRUE(contains(marie_home.body, "en attente"));
  EXPECT_FALSE(contains(marie_home.body, ">" + id + "<")) << "no internal id shown";
  auto claims = accounts->claims("en_attente", 10);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(admin.post("/espace/demandes/" + std::to_string(claims[0].id), {{"decision", "refuser"}}).status, 400)
      << "a refusal needs a reason";
  ASSERT_EQ(admin.post("/espace/demandes/" + std::to_string(claims[0].id), {{"decision", "accepter"}}).status, 303);
  EXPECT_EQ(admin.post("/espace/demandes/" + std::to_string(claims[0].id), {{"decision", "accepter"}}).status, 409);

  // 3. Marie edits the place: every field through the importer's rules.
  auto form = marie.get(place_url + "/modifier");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(contains(form.body, "Semaine lue dans ces horaires")) << "the parsed week under the hours";
  // A form for people: plain labels (never the standard's column names), closed lists as
  // checkboxes, the type of place by its name, the week as an editor, the pivot optional.
  for (const char* column : {"(code_postal)", "(horaires)", "(pivot)", "(typologie)", "(services)", ">pivot<", ">typologie<"})
    EXPECT_FALSE(contains(form.body, column)) << column;
  EXPECT_TRUE(contains(form.body, "Horaires d&apos;ouverture, jour par jour") || contains(form.body, "Horaires d'ouverture, jour par jour"));
  EXPECT_TRUE(contains(form.body, R"(id="jour_lundi" name="jour_lundi")"));
  EXPECT_TRUE(contains(form.body, R"(type="checkbox" id="services" name="services" value="Aide aux démarches administratives")"));
  EXPECT_TRUE(contains(form.body, "Bibliothèque / Médiathèque")) << "typologie BIB by its name";
  EXPECT_TRUE(contains(form.body, "Numéro SIRET ou RNA</label>") || contains(form.body, "Numéro SIRET ou RNA <span class=\"aide\">Facultatif"));
  auto api = nlohmann::json::parse(marie.get("/api/v1/lieux/" + id).body);
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& [k, v] : api.items())
    if (v.is_string()) fields.emplace_back(k, v.get<std::string>());
    else if (v.is_number()) fields.emplace_back(k, v.dump());
    else if (v.is_array()) {  // the form reads a list joined with "|" too
      std::string joined;
      for (const auto& x : v)
        if (x.is_string()) joined += (joined.empty() ? "" : "|") + x.get<std::string>();
      fields.emplace_back(k, joined);
    }
  auto with = [&](const std::string& key, const std::string& value) {
    auto f = fields;
    bool set = false;
    for (auto& [k, v] : f)
      if (k == key) v = value, set = true;
    if (!set) f.emplace_back(key, value);
    return f;
  };
  auto bad = marie.post(place_url + "/modifier", with("code_postal", "7500"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(contains(bad.body, "code_postal")) << "the error names the field";
  // Hours in plain French: written as opening_hours and shown back as a week, not saved yet.
  auto french = marie.post(place_url + "/modifier",
                           with("horaires", "du lundi au vendredi 9h-12h et 14h-17h"));
  EXPECT_EQ(french.status, 200);
  EXPECT_TRUE(contains(french.body, "Horaires compris : vérifiez la semaine"));
  EXPECT_TRUE(contains(french.body, "Mo-Fr 09:00-12:00,14:00-17:00"));
  EXPECT_TRUE(contains(french.body, "Semaine lue dans ces horaires"));
  auto refused = marie.post(place_url + "/modifier", with("horaires", "quand ça leur chante"));
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(
      contains(refused.body, "Horaires : « quand ça leur chante » n&apos;a pas été compris"));
  // The week editor: the days as typed, shown back as a week, then saved as opening_hours.
  auto grid = with("grille_de", api.value("horaires", ""));
  for (const char* day : {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"})
    grid.emplace_back(std::string("jour_") + day, "");
  for (auto& [k, v] : grid) {
    if (k == "horaires") v = api.value("horaires", "");
    if (k == "jour_lundi" || k == "jour_jeudi") v = "9h-12h et 14h-17h";
    if (k == "jour_samedi") v = "de 9h30 à 12h";
  }
  auto week = marie.post(place_url + "/modifier", grid);
  EXPECT_EQ(week.status, 200);
  EXPECT_TRUE(contains(week.body, "Horaires compris : vérifiez la semaine"));
  EXPECT_TRUE(contains(week.body, "Mo,Th 09:00-12:00,14:00-17:00; Sa 09:30-12:00")) << week.body.substr(0, 3000);
  EXPECT_TRUE(contains(week.body, R"(name="jour_samedi" value="9h30-12h")")) << "the week read back";
  auto bad_day = grid;
  for (auto& [k, v] : bad_day)
    if (k == "jour_mardi") v = "le matin";
  auto refused_day = marie.post(place_url + "/modifier", bad_day);
  EXPECT_EQ(refused_day.status, 400);
  EXPECT_TRUE(contains(refused_day.body, "Mardi : « le matin » n&apos;a pas été compris"));
  EXPECT_TRUE(contains(refused_day.body, R"(name="jour_mardi" value="le matin")")) << "what was typed is kept";
  auto both = grid;
  for (auto& [k, v] : both)
    if (k == "horaires") v = "du lundi au samedi 10h-18h";
  auto refused_both = marie.post(place_url + "/modifier", both);
  EXPECT_EQ(refused_both.status, 400);
  EXPECT_TRUE(contains(refused_both.body, "dans la grille et dans la phrase"));
  // A value outside a closed list is refused, named by the field's label.
  auto forged = with("publics_specifiquement_adresses", "Adultes");
  auto refused_value = marie.post(place_url + "/modifier", forged);
  EXPECT_EQ(refused_value.status, 400);
  EXPECT_TRUE(contains(refused_value.body, "Publics accueillis exclusivement : « Adultes » ne fait pas partie des choix proposés."));

  auto saved = marie.post(place_url + "/modifier", with("telephone", "+33299000000"));
  ASSERT_EQ(saved.status, 303) << saved.body.substr(0, 2000);
  auto page = marie.get(place_url + "?modification=enregistree");
  EXPECT_TRUE(contains(page.body, "La fiche est enregistrée"));
  EXPECT_TRUE(contains(page.body, "Champs tenus à jour par le lieu lui-même : Téléphone.")) << "the manual fields are listed by their labels: " << page.body.substr(page.body.find("Champs tenus"), 300);
  auto after = nlohmann::json::parse(marie.get("/api/v1/lieux/" + id).body);
  EXPECT_EQ(after["telephone"], "+33299000000");

  // A later harvest of the source keeps the manual value.
  auto harvest = testing::run_maillage({"harvest", "--db", db.string(), "--source", source, "--force",
                                        "--sans-dedoublonnage"});
  EXPECT_EQ(harvest.exit_code, 0) << harvest.err;
  {
    auto places = store::open_sqlite(db, error);
    auto stored = places->get(source, id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->place[place::Field::kTelephone], "+33299000000");
  }

  // 4. A visitor reports an error; Marie, the manager, handles it.
  WebSession visitor(port);
  visitor.get(place_url + "/signaler");
  ASSERT_EQ(visitor.post(place_url + "/signaler", {{"categorie", "horaires"},
                                                   {"message", "Le lieu est fermé le samedi désormais."},
                                                   {"courriel", "visiteur@exemple.fr"},
                                                   {"champ", "horaires"}, {"valeur", "Mo-Fr 09:00-12:00"}}).status, 303);
  auto reports = marie.get("/espace/signalements");
  ASSERT_EQ(reports.status, 200);
  EXPECT_TRUE(contains(reports.body, "fermé le samedi"));
  auto pending = accounts->reports("nouveau", 10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_TRUE(contains(reports.body, "Appliquer la correction proposée"));
  // « Appliquer la correction proposée » shows the change side by side and asks to confirm.
  auto side_by_side = marie.post("/espace/signalements/" + std::to_string(pending[0].id), {{"decision", "appliquer"}});
  ASSERT_EQ(side_by_side.status, 200);
  EXPECT_TRUE(contains(side_by_side.body, "Aujourd&apos;hui") || contains(side_by_side.body, "Aujourd'hui"));
  EXPECT_TRUE(contains(side_by_side.body, "Après la correction"));
  EXPECT_TRUE(contains(side_by_side.body, "Confirmer et appliquer"));
  EXPECT_EQ(accounts->report(pending[0].id)->status, "nouveau") << "nothing applied before the confirmation";
  ASSERT_EQ(marie.post("/espace/signalements/" + std::to_string(pending[0].id), {{"decision", "appliquer"}, {"confirme", "oui"}}).status, 303);
  EXPECT_EQ(accounts->report(pending[0].id)->status, "accepte");
  EXPECT_EQ(nlohmann::json::parse(marie.get("/api/v1/lieux/" + id).body)["horaires"], "Mo-Fr 09:00-12:00")
      << "the suggested value, applied";
  bool told = false;
  for (const auto& m : accounts->mail(20)) told |= m.recipient == "visiteur@exemple.fr";
  EXPECT_TRUE(told) << "the visitor who left an address is told";

  // 5. "Still correct", and the history the managers see.
  ASSERT_EQ(marie.post(place_url + "/confirmer", {}).status, 303);
  bool confirmed = false;
  for (const auto& [key, at] : accounts->confirmations()) confirmed |= key.second == id;
  EXPECT_TRUE(confirmed);
  auto history = marie.get(place_url + "/historique");
  ASSERT_EQ(history.status, 200);
  EXPECT_TRUE(contains(history.body, "Marie"));
  EXPECT_TRUE(contains(history.body, "+33299000000"));
  EXPECT_EQ(visitor.get(place_url + "/historique").status, 303) << "anonymous: to the login page";

  // 6. Forgotten password: a single-use link that closes the other sessions.
  WebSession forgetful(port);
  ASSERT_EQ(forgetful.post("/compte/oubli", {{"courriel", "marie@exemple.fr"}}).status, 200);
  std::string reset = testing::mailed_link(db, "marie@exemple.fr", "/compte/reinitialiser?jeton=");
  ASSERT_FALSE(reset.empty());
  std::string token = reset.substr(reset.find("jeton=") + 6);
  ASSERT_EQ(forgetful.get(reset).status, 200);
  ASSERT_EQ(forgetful.post("/compte/reinitialiser", {{"jeton_courriel", token}, {"mot_de_passe", "le nouveau secret"}}).status, 200);
  EXPECT_EQ(forgetful.post("/compte/reinitialiser", {{"jeton_courriel", token}, {"mot_de_passe", "un autre secret"}}).status, 400)
      << "a replayed reset token";
  EXPECT_EQ(marie.get("/compte").status, 303) << "the old session was closed";
  ASSERT_TRUE(marie.log_in("marie@exemple.fr", "le nouveau secret"));

  // 7. Her data, then her account, gone.
  auto data = marie.get("/compte/donnees");
  ASSERT_EQ(data.status, 200);
  auto json = nlohmann::json::parse(data.body);
  EXPECT_EQ(json["compte"]["courriel"], "marie@exemple.fr");
  ASSERT_EQ(json["lieux_geres"].size(), 1u);
  EXPECT_EQ(json["lieux_geres"][0]["id"], id);
  EXPECT_EQ(marie.post("/compte/supprimer", {{"mot_de_passe", "pas le bon"}}).status, 400);
  ASSERT_EQ(marie.post("/compte/supprimer", {{"mot_de_passe", "le nouveau secret"}}).status, 200);
  EXPECT_FALSE(accounts->account_by_email("marie@exemple.fr"));
  WebSession again(port);
  EXPECT_FALSE(again.log_in("marie@exemple.fr", "le nouveau secret"));
  EXPECT_TRUE(server.alive());
}

}  // namespace
}  // namespace maillage

namespace maillage {
namespace {

// The probe of issue 19: one confirmed mailbox @france-services.gouv.fr claimed three places in
// three départements and was given them at once. Now a national or shared domain only files a
// claim for a coordinator; the place's own website's domain, named by no other place, still
// approves at once.
TEST(ClaimJourney, ASharedOrNationalDomainNoLongerObtainsPlaces) {
  testing::TempDir dir;
  const auto db = dir / "m.db";
  int port = testing::free_port();
  testing::ServeProcess server(db, port);
  ASSERT_TRUE(server.wait_ready());
  std::string error;
  std::vector<std::string> national;  // places with an @france-services.gouv.fr address, 3 départements
  std::string own_id, own_host;
  {
    auto places = store::open_sqlite(db, error);
    ASSERT_TRUE(places) << error;
    std::set<std::string> departements;
    std::map<std::string, int> host_uses, id_count;
    places->scan([&](const store::StoredPlace& p) {
      ++id_count[p.id];
      for (const auto& d : accounts::place_domains(p.place[place::Field::kSiteWeb], p.place[place::Field::kCourriels])) ++host_uses[d];
    });
    places->scan([&](const store::StoredPlace& p) {
      if (id_count[p.id] != 1 || p.id.find_first_of("/?#% ") != std::string::npos) return;
      const std::string insee = p.place[place::Field::kCodeInsee];
      if (national.size() < 3 && insee.size() == 5 &&
          p.place[place::Field::kCourriels].find("@france-services.gouv.fr") != std::string::npos &&
          departements.insert(insee.substr(0, 2)).second)
        national.push_back(p.id);
      if (own_id.empty())
        place::for_each_value(p.place[place::Field::kSiteWeb], [&](std::string_view w) {
          for (const auto& d : accounts::place_domains(w, ""))
            if (own_id.empty() && host_uses[d] == 1 && d.find('.') != std::string::npos &&
                accounts::claim_domain_verdict("contact@" + d, w, 1) == accounts::DomainVerdict::kApproves)
              own_id = p.id, own_host = d;
        });
    });
  }
  ASSERT_EQ(national.size(), 3u);
  ASSERT_FALSE(own_id.empty());

  auto member = [&](const std::string& email) {
    auto s = std::make_unique<WebSession>(port);
    EXPECT_EQ(s->post("/compte/inscription", {{"nom", "Agent"}, {"courriel", email},
                                               {"mot_de_passe", "un mot de passe solide"}, {"consentement", "oui"}}).status, 200);
    EXPECT_EQ(s->get(testing::mailed_link(db, email, "/compte/confirmer?jeton=")).status, 200);
    EXPECT_TRUE(s->log_in(email, "un mot de passe solide"));
    return s;
  };
  // The installer (the first account, administrator) is the one told of the claims.
  auto admin = member("installateur@exemple.fr");
  auto agent = member("agent@france-services.gouv.fr");
  for (const auto& id : national) {
    auto claimed = agent->post("/lieux/" + id + "/gerer", {{"message", "Je suis agent France Services."}});
    ASSERT_EQ(claimed.status, 303);
    EXPECT_EQ(claimed.get_header_value("Location"), "/compte?message=demande") << id << ": pending, not approved";
    EXPECT_EQ(agent->get("/lieux/" + id + "/modifier").status, 403) << id;
  }
  auto accounts = store::open_account_store(db, error);
  ASSERT_TRUE(accounts) << error;
  EXPECT_EQ(accounts->claims("en_attente", 10).size(), 3u);
  EXPECT_TRUE(accounts->claims("acceptee", 10).empty());

  // The place's own domain still approves at once, and the administrator is told to check it.
  auto own = member("contact@" + own_host);
  auto approved = own->post("/lieux/" + own_id + "/gerer", {});
  ASSERT_EQ(approved.status, 303);
  EXPECT_EQ(approved.get_header_value("Location"), "/compte?message=accepte");
  EXPECT_EQ(own->get("/lieux/" + own_id + "/modifier").status, 200);
  bool told = false;
  for (const auto& m : accounts->mail(50)) told |= m.recipient == "installateur@exemple.fr" && m.subject == "Une fiche a un nouveau gestionnaire";
  EXPECT_TRUE(told);

  // The console lists the automatic approvals, each judged again by today's rule.
  auto listed = testing::run_maillage({"comptes", "demandes-automatiques", "--db", db.string()});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("contact@" + own_host), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("1 demande(s) acceptée(s) d'office, 0 à revoir"), std::string::npos) << listed.out;
}

}  // namespace
}  // namespace maillage

namespace maillage {
namespace {

// The lock-out of issue 19 as a weapon: five wrong passwords used to keep the owner out for 15
// minutes. Now only the client that failed waits, with the message anyone gets, and the owner's
// own device (the cookie its earlier login left) signs in at once, even behind the same address.
TEST(LoginJourney, FailuresSlowDownTheirClientNotTheOwnersDevice) {
  testing::TempDir dir;
  const auto db = dir / "m.db";
  int port = testing::free_port();
  testing::ServeProcess server(db, port);
  ASSERT_TRUE(server.wait_ready());
  WebSession owner(port);
  ASSERT_EQ(owner.post("/compte/inscription", {{"nom", "Alex"}, {"courriel", "alex@exemple.fr"},
                                               {"mot_de_passe", "un secret d'installateur"}, {"consentement", "oui"}}).status, 200);
  ASSERT_EQ(owner.get(testing::mailed_link(db, "alex@exemple.fr", "/compte/confirmer?jeton=")).status, 200);
  ASSERT_TRUE(owner.log_in("alex@exemple.fr", "un secret d'installateur"));
  EXPECT_FALSE(owner.cookie("maillage_appareil").empty());
  owner.forget_cookie("maillage_session");

  WebSession attacker(port);
  for (int i = 0; i < 5; ++i) {
    auto r = attacker.post("/compte/connexion", {{"courriel", "alex@exemple.fr"}, {"mot_de_passe", "essai " + std::to_string(i)}});
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(contains(r.body, "Adresse ou mot de passe incorrect."));
  }
  auto slowed = attacker.post("/compte/connexion", {{"courriel", "alex@exemple.fr"}, {"mot_de_passe", "un secret d'installateur"}});
  EXPECT_EQ(slowed.status, 400);
  EXPECT_TRUE(contains(slowed.body, "Trop d&apos;essais depuis cette connexion")) << slowed.body.substr(0, 2000);
  EXPECT_FALSE(contains(slowed.body, "bloqué"));
  // (An address without an account is slowed down alike: AccountsFixture.SlowingDownSaysNothing...;
  // not here, where the logins of one address per minute are limited too.)
  // The owner, from the same address, on their device.
  EXPECT_TRUE(owner.log_in("alex@exemple.fr", "un secret d'installateur"));
  EXPECT_TRUE(server.alive());
}

}  // namespace
}  // namespace maillage
