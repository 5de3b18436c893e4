// "Orienter une personne" over HTTP against `maillage serve` with the bundled data: the page is
// for signed-in accounts only, a need and a commune give the five best places near it (three
// kept), the printable sheet holds the places kept, and the e-mail needs the CSRF token and a
// valid address, and queues one outbox message naming the places.
#include <gtest/gtest.h>

#include <memory>
#include <regex>

#include "store/accounts.h"
#include "support/serve_support.h"
#include "support/test_support.h"
#include "support/web_session.h"

namespace maillage {
namespace {

using testing::WebSession;

bool orientation_contains(const std::string& s, const std::string& what) {
  return s.find(what) != std::string::npos;
}

// The places proposed on the page: (public id, postal code) of each, in order, and whether its
// « Retenir » box is ticked.
struct ProposedPlace {
  std::string id, postal_code;
  bool kept = false;
};
std::vector<ProposedPlace> proposed_places(const std::string& html) {
  std::vector<ProposedPlace> out;
  static const std::regex item(
      R"re(<li class="resultat orienter-lieu" data-id="([^"]*)" data-code-postal="([^"]*)">)re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), item); it != std::sregex_iterator();
       ++it) {
    ProposedPlace p{(*it)[1], (*it)[2], false};
    auto box = html.find("name=\"lieu\" value=\"" + p.id + "\"", it->position());
    if (box != std::string::npos)
      p.kept = html.compare(box + 20 + p.id.size(), 9, " checked>") == 0;
    out.push_back(p);
  }
  return out;
}

class Orientation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>();
    db_ = *dir_ / "m.db";
    port_ = testing::free_port();
    server_ = std::make_unique<testing::ServeProcess>(db_, port_);
    ready_ = server_->wait_ready();
    if (!ready_) return;
    // The installer (the first confirmed account administers), then a mediator.
    for (auto [name, email] : {std::pair{"Alex Admin", "alex@exemple.fr"},
                               std::pair{"Marie Médiatrice", "marie@exemple.fr"}}) {
      WebSession s(port_);
      auto r = s.post("/compte/inscription", {{"nom", name},
                                              {"courriel", email},
                                              {"mot_de_passe", "un secret assez long"},
                                              {"consentement", "oui"}});
      EXPECT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(s.get(testing::mailed_link(db_, email, "/compte/confirmer?jeton=")).status, 200);
    }
    mediator_ = std::make_unique<WebSession>(port_);
    ready_ = mediator_->log_in("marie@exemple.fr", "un secret assez long");
  }
  static void TearDownTestSuite() {
    mediator_.reset();
    server_.reset();
    dir_.reset();
  }
  void SetUp() override { ASSERT_TRUE(ready_) << "server or mediator's login"; }

  static inline std::unique_ptr<testing::TempDir> dir_;
  static inline std::filesystem::path db_;
  static inline int port_ = 0;
  static inline std::unique_ptr<testing::ServeProcess> server_;
  static inline std::unique_ptr<WebSession> mediator_;
  static inline bool ready_ = false;
};

TEST_F(Orientation, AnonymousIsSentToLogin) {
  WebSession anonymous(port_);
  for (const std::string path :
       {"/orienter", "/orienter/fiche?lieu=x", "/orienter/courriel?lieu=x"}) {
    auto r = anonymous.get(path);
    EXPECT_EQ(r.status, 303) << path;
    EXPECT_EQ(r.get_header_value("Location").rfind("/compte/connexion?retour=", 0), 0u) << path;
  }
  EXPECT_EQ(
      anonymous.post("/orienter/courriel", {{"courriel", "a@exemple.fr"}, {"lieu", "x"}}).status,
      401);
  EXPECT_FALSE(orientation_contains(anonymous.get("/").body, "href=\"/orienter\""));
}

TEST_F(Orientation, SignedInGetsTheFormAndTheLinks) {
  auto r = mediator_->get("/orienter");
  ASSERT_EQ(r.status, 200);
  for (const char* label :
       {"Besoin de la personne", "Où habite-t-elle ?", "Peut se déplacer jusqu'à", "Ouvert le",
        "Gratuit seulement", "Personnes âgées", "Personnes sourdes ou malentendantes",
        "<option value=\"20\">20 km</option>"})
    EXPECT_TRUE(orientation_contains(r.body, label)) << label;
  EXPECT_FALSE(orientation_contains(r.body, "lieux proposés"))
      << "no search before the form is sent";
  EXPECT_TRUE(orientation_contains(mediator_->get("/compte").body, "href=\"/orienter\""));
  EXPECT_TRUE(orientation_contains(mediator_->get("/").body, "href=\"/orienter\""));
}

TEST_F(Orientation, ImpotsAroundLyonGivesFivePlacesNearLyonThreeKept) {
  auto r = mediator_->get("/orienter?q=impots&autour=Lyon&envoi=1");
  ASSERT_EQ(r.status, 200);
  auto places = proposed_places(r.body);
  ASSERT_EQ(places.size(), 5u) << r.body.substr(0, 3000);
  for (std::size_t i = 0; i < places.size(); ++i) {
    EXPECT_EQ(places[i].postal_code.rfind("69", 0), 0u)
        << places[i].id << " " << places[i].postal_code;
    EXPECT_EQ(places[i].kept, i < 3) << i;
  }
  EXPECT_TRUE(orientation_contains(r.body, "5 lieux proposés"));
  EXPECT_TRUE(orientation_contains(r.body, "Horaires de la semaine"));
  EXPECT_TRUE(orientation_contains(r.body, "Imprimer la fiche"));
  EXPECT_TRUE(orientation_contains(r.body, "formaction=\"/orienter/courriel\""));

  // Constraints: 5 km, free only, open on Monday: the form keeps them, places stay near Lyon.
  auto narrow = mediator_->get(
      "/orienter?q=impots&autour=Lyon&rayon_km=5&frais_a_charge=Gratuit&ouvert_jour=lundi");
  ASSERT_EQ(narrow.status, 200);
  EXPECT_TRUE(orientation_contains(narrow.body, "<option value=\"5\" selected>"));
  EXPECT_TRUE(orientation_contains(narrow.body, "<option value=\"lundi\" selected>"));
  EXPECT_TRUE(orientation_contains(narrow.body, "value=\"Gratuit\" checked"));
  for (const auto& p : proposed_places(narrow.body))
    EXPECT_EQ(p.postal_code.rfind("69", 0), 0u) << p.id;

  // A distance without a commune: a French message on the field.
  auto bad = mediator_->get("/orienter?q=impots&rayon_km=10");
  EXPECT_TRUE(orientation_contains(bad.body, "href=\"#rayon_km\"")) << bad.body.substr(0, 3000);
  EXPECT_TRUE(orientation_contains(bad.body, "indiquez aussi où habite la personne"));
}

TEST_F(Orientation, SheetHoldsTheChosenPlaces) {
  auto page = mediator_->get("/orienter?q=impots&autour=Lyon");
  auto places = proposed_places(page.body);
  ASSERT_EQ(places.size(), 5u);
  auto sheet = mediator_->get("/orienter/fiche?q=impots&autour=Lyon&lieu=" + places[3].id +
                              "&lieu=" + places[0].id);
  ASSERT_EQ(sheet.status, 200) << sheet.body.substr(0, 2000);
  EXPECT_TRUE(orientation_contains(sheet.body, "/static/fiche.css"));
  EXPECT_TRUE(orientation_contains(sheet.body, "« impots »"));
  EXPECT_TRUE(orientation_contains(sheet.body, "Notes du médiateur"));
  EXPECT_TRUE(orientation_contains(sheet.body, "/lieux/" + places[3].id));
  EXPECT_TRUE(orientation_contains(sheet.body, "/lieux/" + places[0].id));
  EXPECT_FALSE(orientation_contains(sheet.body, "/lieux/" + places[1].id + "<")) << "not kept";
  std::size_t qr = 0;
  for (std::size_t at = 0; (at = sheet.body.find("<svg", at)) != std::string::npos; ++at) ++qr;
  EXPECT_EQ(qr, 2u);
  EXPECT_LT(sheet.body.find("/lieux/" + places[3].id), sheet.body.find("/lieux/" + places[0].id))
      << "the order chosen";
  EXPECT_EQ(mediator_->get("/orienter/fiche?q=impots&autour=Lyon").status, 400) << "no place kept";
}

TEST_F(Orientation, EmailNeedsCsrfAndAValidAddressAndQueuesOneMessage) {
  auto page = mediator_->get("/orienter?q=impots&autour=Lyon");
  auto places = proposed_places(page.body);
  ASSERT_GE(places.size(), 2u);
  auto form = mediator_->get("/orienter/courriel?q=impots&autour=Lyon&lieu=" + places[0].id +
                             "&lieu=" + places[1].id);
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(orientation_contains(form.body, "Adresse de courriel de la personne"));
  EXPECT_TRUE(orientation_contains(form.body, "nulle part ailleurs que dans le message"));

  std::string error;
  auto accounts = store::open_account_store(db_, error);
  ASSERT_TRUE(accounts) << error;
  auto mails_to_person = [&] {
    std::vector<store::OutboxMail> out;
    for (auto& m : accounts->mail(100))
      if (m.recipient == "personne@exemple.fr") out.push_back(m);
    return out;
  };
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"q", "impots"},
      {"autour", "Lyon"},
      {"lieu", places[0].id},
      {"lieu", places[1].id},
      {"courriel", "Personne@Exemple.fr"}};

  auto no_csrf = mediator_->post("/orienter/courriel", fields, /*csrf=*/false);
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_TRUE(mails_to_person().empty());

  auto invalid_fields = fields;
  invalid_fields.back().second = "personne@exemple";
  auto invalid = mediator_->post("/orienter/courriel", invalid_fields);
  EXPECT_EQ(invalid.status, 400);
  EXPECT_TRUE(orientation_contains(invalid.body,
                                   "Adresse de courriel de la personne : indiquez une adresse"))
      << invalid.body.substr(0, 3000);
  EXPECT_TRUE(orientation_contains(invalid.body, "href=\"#courriel\""));
  EXPECT_TRUE(mails_to_person().empty());

  auto sent = mediator_->post("/orienter/courriel", fields);
  ASSERT_EQ(sent.status, 200) << sent.body.substr(0, 3000);
  EXPECT_TRUE(orientation_contains(sent.body, "Le courriel part vers personne@exemple.fr"));
  auto mails = mails_to_person();
  ASSERT_EQ(mails.size(), 1u);
  // The names of the places, as the page shows them (HTML-escaped there).
  std::smatch name;
  for (const auto& p : {places[0], places[1]}) {
    std::regex title("data-id=\"" +
                     std::regex_replace(p.id, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                     R"re("[^>]*>\s*<h3 class="resultat-titre"><a href="[^"]*">([^<]*)</a>)re");
    ASSERT_TRUE(std::regex_search(page.body, name, title)) << p.id;
    std::string text = name[1];
    if (text.find('&') == std::string::npos) {
      EXPECT_TRUE(orientation_contains(mails[0].body, text)) << text << "\n" << mails[0].body;
    }
    EXPECT_TRUE(orientation_contains(mails[0].body, "/lieux/" + p.id));
  }
  EXPECT_TRUE(orientation_contains(mails[0].body, "impots"));
  EXPECT_TRUE(orientation_contains(mails[0].body, "Marie Médiatrice"));
}

}  // namespace
}  // namespace maillage
