// Experts (issue 7, docs/experts.md): the profile's validation and JSON form, the search over
// published profiles (text, domain, département, distance), and the whole journey over HTTP
// against `maillage serve`: a profile written unpublished, then published with consent, found
// by every filter, reached through the relay form (which never shows the expert's address),
// protected by CSRF, by the rate limit and by ownership.
#include "accounts/experts.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "store/accounts.h"
#include "support/serve_support.h"
#include "support/test_support.h"
#include "support/web_session.h"
#include "territory/reference.h"

namespace maillage {
namespace {

using accounts::ExpertProfile;

const territory::Reference& expert_territory() {
  return territory::Reference::bundled();
}

ExpertProfile valid_expert_profile() {
  ExpertProfile p;
  p.name = "  Camille   Numérique ";
  p.domains = {"demarches_en_ligne", "smartphone_tablette", "demarches_en_ligne"};
  p.tags = {"impôts", " Visio ", "visio", ""};
  p.departements = {"56", "2a", "1"};
  p.places = {"lieu-1", "lieu-1", "fusion-0123456789abcdef"};
  p.kind = "benevole";
  p.availability = "Le mercredi\naprès-midi";
  p.languages = {"Français", "LSF", "arabe"};
  p.commune = "35238";
  return p;
}

std::set<std::string> error_fields(const std::vector<accounts::Result>& errors) {
  std::set<std::string> fields;
  for (const auto& e : errors) {
    EXPECT_FALSE(e.message.empty());
    fields.insert(e.field);
  }
  return fields;
}

TEST(ExpertProfile, ValidProfileIsNormalised) {
  ExpertProfile p = valid_expert_profile();
  auto errors = accounts::validate(p, expert_territory());
  EXPECT_TRUE(errors.empty()) << errors.front().field << " : " << errors.front().message;
  EXPECT_EQ(p.name, "Camille Numérique");
  EXPECT_EQ(p.domains, (std::vector<std::string>{"demarches_en_ligne", "smartphone_tablette"}));
  EXPECT_EQ(p.tags, (std::vector<std::string>{"impôts", "Visio"}));
  EXPECT_EQ(p.departements, (std::vector<std::string>{"56", "2A", "01"}));
  EXPECT_EQ(p.places, (std::vector<std::string>{"lieu-1", "fusion-0123456789abcdef"}));
  EXPECT_EQ(p.availability, "Le mercredi après-midi");
  EXPECT_EQ(p.languages,
            (std::vector<std::string>{"français", "langue des signes française", "arabe"}));
}

TEST(ExpertProfile, EveryFieldIsCheckedWithAFrenchMessage) {
  ExpertProfile p;
  p.name = "";
  p.domains = {"astrologie"};
  for (int i = 0; i < 11; ++i) p.tags.push_back("étiquette " + std::to_string(i));
  p.departements = {"35", "96"};
  for (int i = 0; i < 21; ++i) p.places.push_back("lieu-" + std::to_string(i));
  p.kind = "expert";
  p.availability = std::string(201, 'a');
  p.languages = {"klingon"};
  p.commune = "00000";
  auto errors = accounts::validate(p, expert_territory());
  EXPECT_EQ(error_fields(errors),
            (std::set<std::string>{"nom", "domaines", "etiquettes", "departements", "lieux",
                                   "statut", "disponibilites", "langues", "commune"}));
  std::map<std::string, std::string> message_of;
  for (const auto& e : errors) message_of[e.field] = e.message;
  EXPECT_NE(message_of["domaines"].find("astrologie"), std::string::npos);
  EXPECT_NE(message_of["departements"].find("96"), std::string::npos);
  EXPECT_NE(message_of["langues"].find("klingon"), std::string::npos);
}

TEST(ExpertProfile, BoundsAndUnreadableText) {
  ExpertProfile p = valid_expert_profile();
  p.name = std::string(101, 'x');
  p.tags = {std::string(41, 't')};
  p.domains.clear();
  p.availability = "bad\x01";
  p.kind.clear();
  p.commune.clear();
  auto fields = error_fields(accounts::validate(p, expert_territory()));
  EXPECT_EQ(fields, (std::set<std::string>{"nom", "etiquettes", "domaines", "disponibilites",
                                           "statut", "commune"}));
  ExpertProfile q = valid_expert_profile();
  q.name = "\xff\xfe";
  q.places = {"a/b"};
  EXPECT_EQ(error_fields(accounts::validate(q, expert_territory())),
            (std::set<std::string>{"nom", "lieux"}));
}

TEST(ExpertProfile, NoEmailAddressInPublicTexts) {
  for (const char* field : {"nom", "etiquettes", "disponibilites"}) {
    ExpertProfile p = valid_expert_profile();
    std::string address = "camille.n@exemple.fr";
    if (std::string(field) == "nom") p.name = address;
    if (std::string(field) == "etiquettes") p.tags = {address};
    if (std::string(field) == "disponibilites")
      p.availability = "écrivez à " + address + " le soir";
    EXPECT_EQ(error_fields(accounts::validate(p, expert_territory())), std::set<std::string>{field})
        << field;
  }
  ExpertProfile ok = valid_expert_profile();
  ok.availability = "@ bientôt, au café @ la mairie";
  EXPECT_TRUE(accounts::validate(ok, expert_territory()).empty());
}

TEST(ExpertProfile, JsonRoundTripAndBadJson) {
  ExpertProfile p = valid_expert_profile();
  ASSERT_TRUE(accounts::validate(p, expert_territory()).empty());
  std::string json = accounts::expert_to_json(p);
  auto parsed = nlohmann::json::parse(json);
  EXPECT_EQ(parsed["nom"], "Camille Numérique");
  EXPECT_EQ(parsed["statut"], "benevole");
  EXPECT_EQ(parsed["commune"], "35238");
  EXPECT_FALSE(parsed.contains("courriel"));
  auto back = accounts::expert_from_json(json);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, p);
  EXPECT_FALSE(accounts::expert_from_json("[]"));
  EXPECT_FALSE(accounts::expert_from_json("pas du json"));
  EXPECT_FALSE(accounts::expert_from_json(R"({"nom": 3})"));
  EXPECT_FALSE(accounts::expert_from_json(R"({"domaines": "demarches_en_ligne"})"));
  EXPECT_FALSE(accounts::expert_from_json(R"({"langues": [1]})"));
  auto partial = accounts::expert_from_json(R"({"nom": "X", "inconnu": true})");
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->name, "X");
}

TEST(ExpertProfile, ListsAndCommunesAsPeopleTypeThem) {
  EXPECT_EQ(accounts::split_list(" a, b ;c\r\n\nd,, ", 10),
            (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(accounts::split_list("1,2,3,4,5", 2).size(), 3u) << "stops one past the limit";
  const auto& t = expert_territory();
  std::string error;
  for (const char* typed : {"35000 Rennes", "Rennes", "35238", "  rennes  "}) {
    const auto* c = accounts::resolve_commune_input(typed, t, error);
    ASSERT_TRUE(c) << typed << " : " << error;
    EXPECT_EQ(c->code_insee, "35238") << typed;
  }
  EXPECT_EQ(accounts::commune_input("35238", t), "35000 Rennes");
  const auto* reunion = accounts::resolve_commune_input("97400 Saint-Denis", t, error);
  ASSERT_TRUE(reunion) << error;
  EXPECT_EQ(reunion->departement, "974");
  EXPECT_FALSE(accounts::resolve_commune_input("Saint-Denis", t, error));
  EXPECT_NE(error.find("code postal"), std::string::npos) << error;
  EXPECT_FALSE(accounts::resolve_commune_input("Nullepartville", t, error));
  EXPECT_NE(error.find("Nullepartville"), std::string::npos);
  EXPECT_FALSE(accounts::resolve_commune_input("", t, error));
  EXPECT_FALSE(accounts::resolve_commune_input("99999", t, error));
}

// Three published experts in Rennes, Brest and Marseille, and one unpublished in Rennes.
std::vector<store::ExpertRow> expert_rows() {
  auto make = [](std::int64_t id, const char* name, const char* commune,
                 std::vector<std::string> domains, std::vector<std::string> tags,
                 std::vector<std::string> departements, std::vector<std::string> languages,
                 bool published) {
    ExpertProfile p;
    p.name = name;
    p.commune = commune;
    p.domains = std::move(domains);
    p.tags = std::move(tags);
    p.departements = std::move(departements);
    p.languages = std::move(languages);
    p.kind = "benevole";
    p.availability = "le samedi matin";
    EXPECT_TRUE(accounts::validate(p, expert_territory()).empty()) << name;
    return store::ExpertRow{id, accounts::expert_to_json(p), published, "2026-01-01T00:00:00Z", ""};
  };
  return {make(1, "Yann", "29019", {"logiciels_libres", "bureautique"}, {"Linux"}, {"22"},
               {"breton"}, true),
          make(2, "Anne", "35238", {"demarches_en_ligne", "smartphone_tablette"}, {"impôts"},
               {"56"}, {"arabe"}, true),
          make(3, "Zoé", "13055", {"demarches_en_ligne"}, {}, {}, {"français"}, true),
          make(4, "Cachée", "35238", {"demarches_en_ligne"}, {"impôts"}, {}, {}, false),
          {5, "pas du json", true, "", ""}};
}

std::vector<std::int64_t> expert_ids(const accounts::ExpertDirectory& d,
                                     const accounts::ExpertQuery& q) {
  std::vector<std::int64_t> ids;
  for (const auto& h : d.search(q)) ids.push_back(h.expert->id);
  return ids;
}

TEST(ExpertDirectory, OnlyPublishedReadableProfiles) {
  accounts::ExpertDirectory d(expert_rows(), expert_territory());
  EXPECT_EQ(d.size(), 3u);
  EXPECT_TRUE(d.find(2));
  EXPECT_FALSE(d.find(4)) << "unpublished";
  EXPECT_FALSE(d.find(5)) << "unreadable";
  EXPECT_EQ(expert_ids(d, {}), (std::vector<std::int64_t>{2, 1, 3})) << "by name without a point";
}

TEST(ExpertDirectory, FiltersByDomainDepartementAndText) {
  accounts::ExpertDirectory d(expert_rows(), expert_territory());
  accounts::ExpertQuery q;
  q.domain = "demarches_en_ligne";
  EXPECT_EQ(expert_ids(d, q), (std::vector<std::int64_t>{2, 3}));
  q = {};
  q.departement = "56";  // served by Anne
  EXPECT_EQ(expert_ids(d, q), (std::vector<std::int64_t>{2}));
  q.departement = "29";  // Yann's home commune
  EXPECT_EQ(expert_ids(d, q), (std::vector<std::int64_t>{1}));
  q.departement = "75";
  EXPECT_TRUE(expert_ids(d, q).empty());
  auto text = [&](const char* words) {
    accounts::ExpertQuery t;
    t.text = words;
    return expert_ids(d, t);
  };
  EXPECT_EQ(text("impots"), (std::vector<std::int64_t>{2})) << "a tag, accents folded";
  EXPECT_EQ(text("smartph"), (std::vector<std::int64_t>{2})) << "a prefix of a domain's label";
  EXPECT_EQ(text("la démarche en ligne"), (std::vector<std::int64_t>{2, 3})) << "stems, stop words";
  EXPECT_EQ(text("ARABE"), (std::vector<std::int64_t>{2})) << "a language";
  EXPECT_EQ(text("brest linux"), (std::vector<std::int64_t>{1})) << "the commune and a tag, both";
  EXPECT_EQ(text("Marseille"), (std::vector<std::int64_t>{3}));
  EXPECT_TRUE(text("linux marseille").empty());
  EXPECT_TRUE(text("zzzz").empty());
  q = {};
  q.domain = "demarches_en_ligne";
  q.text = "samedi";
  q.departement = "13";
  EXPECT_EQ(expert_ids(d, q), (std::vector<std::int64_t>{3})) << "criteria add up";
}

TEST(ExpertDirectory, DistanceRankingAndRadius) {
  accounts::ExpertDirectory d(expert_rows(), expert_territory());
  const auto* rennes = expert_territory().by_insee("35238");
  ASSERT_TRUE(rennes);
  accounts::ExpertQuery q;
  q.has_point = true;
  q.latitude = rennes->latitude;
  q.longitude = rennes->longitude;
  auto hits = d.search(q);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].expert->id, 2);
  EXPECT_NEAR(hits[0].distance_km, 0, 0.01);
  EXPECT_EQ(hits[1].expert->id, 1);
  EXPECT_NEAR(hits[1].distance_km, 210, 25);
  EXPECT_EQ(hits[2].expert->id, 3);
  q.radius_km = 50;
  EXPECT_EQ(expert_ids(d, q), (std::vector<std::int64_t>{2}));
  q.radius_km = 300;
  EXPECT_EQ(expert_ids(d, q), (std::vector<std::int64_t>{2, 1}));
}

// ---- over HTTP ----

bool page_has(const httplib::Response& r, const std::string& what) {
  return r.body.find(what) != std::string::npos;
}

void expert_signs_up(testing::WebSession& s, const std::filesystem::path& db,
                     const std::string& name, const std::string& email,
                     const std::string& password) {
  ASSERT_EQ(s.post("/compte/inscription", {{"nom", name},
                                           {"courriel", email},
                                           {"mot_de_passe", password},
                                           {"consentement", "oui"}})
                .status,
            200);
  std::string link = testing::mailed_link(db, email, "/compte/confirmer?jeton=");
  ASSERT_FALSE(link.empty());
  ASSERT_EQ(s.get(link).status, 200);
  ASSERT_TRUE(s.log_in(email, password));
}

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields camille_profile(const std::string& place_id, bool publish) {
  Fields f = {{"nom", "Camille Numérique"},
              {"domaines", "demarches_en_ligne"},
              {"domaines", "smartphone_tablette"},
              {"etiquettes", "impôts, visio"},
              {"statut", "benevole"},
              {"commune", "35000 Rennes"},
              {"departements", "56, 22"},
              {"langues", "français, arabe"},
              {"disponibilites", "Le mercredi après-midi"},
              {"lieux", "/lieux/" + place_id}};
  if (publish) f.emplace_back("publier", "oui");
  return f;
}

TEST(ExpertsJourney, PublishFindContactAndProtect) {
  testing::TempDir dir;
  const auto db = dir / "m.db";
  int port = testing::free_port();
  testing::ServeProcess server(db, port);
  ASSERT_TRUE(server.wait_ready());
  const std::string camille_email = "camille.expert@exemple.fr";

  testing::WebSession camille(port);
  expert_signs_up(camille, db, "Camille", camille_email, "le secret de camille");
  std::string error;
  auto accounts = store::open_account_store(db, error);
  ASSERT_TRUE(accounts) << error;
  auto account = accounts->account_by_email(camille_email);
  ASSERT_TRUE(account);
  const std::string id = std::to_string(account->id);
  const std::string profile_url = "/experts/" + id;

  // A place of the bundled data to link.
  auto places = nlohmann::json::parse(camille.get("/api/v1/lieux?autour=Rennes&limite=1").body);
  ASSERT_EQ(places["resultats"].size(), 1u);
  const std::string place_id = places["resultats"][0]["id"];

  // The form; CSRF; errors named per field.
  auto form = camille.get("/compte/expert");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(page_has(form, "Publier mon profil"));
  EXPECT_TRUE(page_has(form, "value=\"Camille\"")) << "the account's name proposed";
  EXPECT_FALSE(page_has(form, "aria-invalid")) << "no error before sending";
  EXPECT_EQ(camille.post("/compte/expert", camille_profile(place_id, true), /*csrf=*/false).status,
            403);
  auto bad =
      camille.post("/compte/expert",
                   {{"nom", "Camille"}, {"statut", "benevole"}, {"commune", "Nullepartville"}});
  ASSERT_EQ(bad.status, 400);
  EXPECT_TRUE(page_has(bad, "Le formulaire contient des erreurs"));
  EXPECT_TRUE(page_has(bad, "href=\"#domaines\""));
  EXPECT_TRUE(page_has(bad, "href=\"#commune\""));
  EXPECT_TRUE(page_has(bad, "aria-describedby=\"erreur-commune\""));
  EXPECT_TRUE(page_has(bad, "Nullepartville")) << "what was typed is kept";
  auto no_place = camille.post("/compte/expert", camille_profile("nulle-part-xyz", false));
  EXPECT_EQ(no_place.status, 400);
  EXPECT_TRUE(page_has(no_place, "nulle-part-xyz"));

  // Saved, not published: invisible.
  auto saved = camille.post("/compte/expert", camille_profile(place_id, false));
  ASSERT_EQ(saved.status, 303) << saved.body.substr(0, 3000);
  auto row = accounts->expert(account->id);
  ASSERT_TRUE(row);
  EXPECT_FALSE(row->published);
  EXPECT_TRUE(row->consent_at.empty());
  EXPECT_TRUE(page_has(camille.get("/compte/expert?enregistre=1"), "est pas publié"));
  EXPECT_FALSE(page_has(camille.get("/experts"), "Camille Numérique"));
  EXPECT_EQ(camille.get(profile_url).status, 404);
  EXPECT_EQ(camille.get(profile_url + "/contact").status, 404);

  // Published with consent: found by every filter.
  ASSERT_EQ(camille.post("/compte/expert", camille_profile(place_id, true)).status, 303);
  row = accounts->expert(account->id);
  ASSERT_TRUE(row && row->published);
  EXPECT_FALSE(row->consent_at.empty());
  testing::WebSession visitor(port);
  auto listed = [&](const std::string& query) {
    auto r = visitor.get("/experts" + query);
    EXPECT_EQ(r.status, 200) << query;
    return page_has(r, "Camille Numérique");
  };
  EXPECT_TRUE(listed(""));
  EXPECT_TRUE(listed("?domaine=smartphone_tablette"));
  EXPECT_FALSE(listed("?domaine=logiciels_libres"));
  EXPECT_TRUE(listed("?departement=56"));
  EXPECT_TRUE(listed("?departement=35"));
  EXPECT_FALSE(listed("?departement=13"));
  EXPECT_TRUE(listed("?q=impots"));
  EXPECT_TRUE(listed("?q=arabe"));
  EXPECT_FALSE(listed("?q=zzzzzz"));
  EXPECT_TRUE(listed("?autour=Rennes&rayon_km=20"));
  EXPECT_TRUE(listed("?autour=35000"));
  EXPECT_FALSE(listed("?autour=Marseille&rayon_km=50"));
  auto wrong = visitor.get("/experts?autour=Nullepartville");
  EXPECT_EQ(wrong.status, 200);
  EXPECT_TRUE(page_has(wrong, "Nullepartville"));
  EXPECT_TRUE(page_has(wrong, "aria-invalid=\"true\""));
  auto points =
      nlohmann::json::parse(visitor.get("/experts/carte?domaine=smartphone_tablette").body);
  ASSERT_EQ(points["experts"].size(), 1u);
  EXPECT_EQ(points["experts"][0][0], account->id);
  EXPECT_EQ(points["experts"][0][2], "Rennes");
  EXPECT_EQ(visitor.get("/experts/carte?domaine=astrologie").status, 400);
  auto page = visitor.get(profile_url);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(page_has(page, "Camille Numérique"));
  EXPECT_TRUE(page_has(page, "Smartphone et tablette"));
  EXPECT_TRUE(page_has(page, "Morbihan (56)"));
  EXPECT_TRUE(page_has(page, "Lieux où Camille Numérique intervient")) << "the linked place";
  EXPECT_TRUE(page_has(page, profile_url + "/contact"));

  // The relay form: CSRF, validation, an e-mail to the expert with the sender's address.
  auto contact = visitor.get(profile_url + "/contact");
  ASSERT_EQ(contact.status, 200);
  Fields message = {{"nom", "Lou Visiteur"},
                    {"courriel", "lou@exemple.org"},
                    {"message", "Bonjour, pouvez-vous m'aider à déclarer mes impôts en ligne ?"}};
  EXPECT_EQ(visitor.post(profile_url + "/contact", message, /*csrf=*/false).status, 403);
  auto short_message =
      visitor.post(profile_url + "/contact",
                   {{"nom", "Lou"}, {"courriel", "lou@exemple.org"}, {"message", "Aide"}});
  EXPECT_EQ(short_message.status, 400);
  EXPECT_TRUE(page_has(short_message, "10 caractères au moins"));
  auto sent = visitor.post(profile_url + "/contact", message);
  ASSERT_EQ(sent.status, 200);
  EXPECT_TRUE(page_has(sent, "Votre message est parti"));
  bool mailed = false;
  for (const auto& m : accounts->mail(20))
    if (m.recipient == camille_email && m.body.find("Lou Visiteur") != std::string::npos) {
      mailed = true;
      EXPECT_NE(m.body.find("Répondre à : lou@exemple.org"), std::string::npos);
      EXPECT_NE(m.body.find("déclarer mes impôts"), std::string::npos);
    }
  EXPECT_TRUE(mailed);
  for (const auto& body : {visitor.get("/experts").body, visitor.get(profile_url).body,
                           visitor.get(profile_url + "/contact").body, sent.body,
                           short_message.body, visitor.get("/experts/carte").body})
    EXPECT_EQ(body.find(camille_email), std::string::npos) << "the expert's address never shows";

  // Someone else can only ever write their own profile.
  testing::WebSession dominique(port);
  expert_signs_up(dominique, db, "Dominique", "dominique@exemple.fr", "le secret de dominique");
  Fields other = {{"nom", "Dominique"},
                  {"domaines", "bureautique"},
                  {"statut", "professionnel"},
                  {"commune", "Brest"},
                  {"compte", id},
                  {"account_id", id}};
  ASSERT_EQ(dominique.post("/compte/expert", other).status, 303);
  auto camille_row = accounts->expert(account->id);
  ASSERT_TRUE(camille_row);
  EXPECT_NE(camille_row->profile.find("Camille Numérique"), std::string::npos) << "untouched";
  EXPECT_TRUE(camille_row->published);
  ASSERT_EQ(dominique.post("/compte/expert/supprimer", {{"compte", id}}).status, 303);
  EXPECT_TRUE(accounts->expert(account->id)) << "deleting only deletes one's own";
  testing::WebSession anonymous(port);
  EXPECT_EQ(anonymous.get("/compte/expert").status, 303) << "to the login page";
  EXPECT_EQ(anonymous.post("/compte/expert", camille_profile(place_id, true)).status, 401);

  // Withdrawn, then deleted.
  ASSERT_EQ(camille.post("/compte/expert", camille_profile(place_id, false)).status, 303);
  EXPECT_EQ(visitor.get(profile_url).status, 404);
  EXPECT_TRUE(accounts->expert(account->id)->consent_at.empty());
  ASSERT_EQ(camille.post("/compte/expert/supprimer", {}).status, 303);
  EXPECT_FALSE(accounts->expert(account->id));

  // The relay form is rate-limited per client address.
  ASSERT_EQ(camille.post("/compte/expert", camille_profile(place_id, true)).status, 303);
  int refused = 0;
  for (int i = 0; i < 8 && refused == 0; ++i)
    if (visitor.post(profile_url + "/contact", message).status == 429) ++refused;
  EXPECT_EQ(refused, 1);
  EXPECT_TRUE(server.alive());
}

}  // namespace
}  // namespace maillage
