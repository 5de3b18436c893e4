// Mapping profiles: loading errors (file, line, key, rule), each operation of the mapped reader
// on small inline sources, and exact records of the real France Services list.
#include <gtest/gtest.h>

#include <cmath>

#include "exchange/importer.h"
#include "federation/mapped_reader.h"
#include "federation/profile.h"
#include "federation/transforms.h"
#include "hours/parser.h"
#include "place/normalize.h"
#include "support/test_support.h"
#include "territory/reference.h"

namespace maillage::federation {
namespace {

// ---- loading ----

const Diagnostic* find_rule(const Diagnostics& ds, std::string_view rule) {
  for (const auto& d : ds)
    if (d.rule == rule) return &d;
  return nullptr;
}

constexpr const char* kHeader = "[profil]\nnom = \"essai\"\nformat = \"csv\"\n[champs]\n";

TEST(FederationProfile, LoadsAValidProfile) {
  auto loaded = parse_profile(std::string(kHeader) +
                                  "id = { colonne = \"ref\" }\n"
                                  "services = { constante = [\"Aide aux démarches administratives\", "
                                  "\"Accès internet et matériel informatique\"] }\n",
                              "essai.toml");
  ASSERT_TRUE(loaded.profile) << (loaded.errors.empty() ? "" : loaded.errors[0].to_french());
  EXPECT_EQ(loaded.profile->name, "essai");
  EXPECT_EQ(loaded.profile->format, SourceFormat::kCsv);
  ASSERT_EQ(loaded.profile->fields.size(), 2u);
  EXPECT_EQ(loaded.profile->fields[0].field, place::Field::kId);
}

struct LoadErrorCase {
  std::string body;      // after [champs]
  std::string rule;
  std::int64_t line;     // 1-based line in the whole profile
  std::string key;
};

TEST(FederationProfile, ErrorsNameFileLineKeyAndRule) {
  const LoadErrorCase cases[] = {
      {"nom = { colonne = \"a\" \n", "profil.syntaxe", 5, ""},
      {"couleur = { colonne = \"c\" }\n", "profil.champ_inconnu", 5, "champs.couleur"},
      {"nom = { colone = \"a\" }\n", "profil.cle_inconnue", 5, "champs.nom.colone"},
      {"nom = { colonne = \"a\", constante = \"b\" }\n", "profil.source_valeur", 5, "champs.nom"},
      {"nom = { prefixe = \"x\" }\n", "profil.source_valeur", 5, "champs.nom"},
      {"nom = \"a\"\n", "profil.type", 5, "champs.nom"},
      {"id = { colonne = \"a\", motif = \"(\" }\n", "profil.motif", 5, "champs.id.motif"},
      {"\nlatitude = { colonne = \"a\", decouper = \",\" }\n", "profil.partie", 6, "champs.latitude"},
      {"services = { constante = \"Cuisine\" }\n", "profil.valeur_cible", 5, "champs.services.constante"},
      {"typologie = { colonne = \"t\", valeurs = { \"x\" = \"XYZ\" } }\n", "profil.valeur_cible", 5,
       "champs.typologie.valeurs.\"x\""},
      {"[champs.services]\ncolonne = \"s\"\n[[champs.services.regles]]\nsi = [\"a\"]\n", "profil.regle",
       7, "champs.services.regles[1]"},
      {"horaires = { format = \"jours\", colonne = \"h\" }\n", "profil.jours", 5, "champs.horaires"},
      {"horaires = { jours = { lundy = \"h\" } }\n", "profil.jours", 5, "champs.horaires.jours.lundy"},
      {"nom = { colonne = \"a\", hachage = [\"b\"] }\n", "profil.source_valeur", 5, "champs.nom"},
      {"nom = { hachage = [\"b\"] }\n", "profil.hachage", 5, "champs.nom"},
      {"latitude = { colonne = \"x\", projection = \"lambert93\" }\n", "profil.projection", 5,
       "champs.latitude"},
      {"date_maj = { colonne = \"d\", interpreter = \"oui\" }\n", "profil.type", 5,
       "champs.date_maj.interpreter"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    auto loaded = parse_profile(std::string(kHeader) + c.body, "profils/essai.toml");
    EXPECT_FALSE(loaded.profile);
    const Diagnostic* d = find_rule(loaded.errors, c.rule);
    ASSERT_NE(d, nullptr) << (loaded.errors.empty() ? "no error" : loaded.errors[0].rule);
    EXPECT_EQ(d->file, "profils/essai.toml");
    EXPECT_EQ(d->line, c.line);
    EXPECT_EQ(d->field, c.key);
    EXPECT_FALSE(d->message.empty());
    EXPECT_NE(d->to_french().find("profils/essai.toml, ligne " + std::to_string(c.line)),
              std::string::npos);
  }
}

TEST(FederationProfile, MissingSectionsAndFile) {
  auto loaded = parse_profile("[champs]\nnom = { colonne = \"a\" }\n", "p.toml");
  EXPECT_NE(find_rule(loaded.errors, "profil.requis"), nullptr);
  auto missing = load_profile("/nonexistent/profil.toml");
  EXPECT_FALSE(missing.profile);
  EXPECT_NE(find_rule(missing.errors, "profil.fichier"), nullptr);
  std::string error;
  EXPECT_TRUE(resolve_profile("pas-de-profil", "/nonexistent", error).empty());
  EXPECT_NE(error.find("introuvable"), std::string::npos);
}

TEST(FederationProfile, BaseProfileIsExtended) {
  testing::TempDir dir;
  testing::write_file(dir / "base.toml", std::string(kHeader) +
                                             "nom = { colonne = \"n\" }\nid = { colonne = \"i\" }\n");
  testing::write_file(dir / "fille.toml",
                      "[profil]\nnom = \"fille\"\nbase = \"base\"\n[champs]\nid = { colonne = \"j\" }\n");
  auto loaded = load_profile(dir / "fille.toml");
  ASSERT_TRUE(loaded.profile);
  EXPECT_EQ(loaded.profile->name, "fille");
  EXPECT_EQ(loaded.profile->format, SourceFormat::kCsv);
  ASSERT_EQ(loaded.profile->fields.size(), 2u);
  EXPECT_EQ(loaded.profile->fields[0].columns, std::vector<std::string>{"j"});
  testing::write_file(dir / "boucle.toml", "[profil]\nnom = \"b\"\nbase = \"boucle\"\n[champs]\n");
  EXPECT_FALSE(load_profile(dir / "boucle.toml").profile);
}

// ---- mapping ----

struct Mapped {
  std::vector<place::RawRecord> records;
  Diagnostics diagnostics;
  std::string error;
  std::string header;
};

std::shared_ptr<const Profile> profile_of(const std::string& text) {
  auto loaded = parse_profile(text, "essai.toml");
  if (!loaded.profile) {
    ADD_FAILURE() << loaded.errors.at(0).to_french();
    return nullptr;
  }
  return std::make_shared<const Profile>(std::move(*loaded.profile));
}

Mapped map_bytes(const std::string& profile_text, std::string bytes) {
  Mapped m;
  auto opened = open_mapped_bytes(profile_of(profile_text), std::move(bytes), "source.csv");
  if (!opened.reader) {
    m.error = opened.error;
    return m;
  }
  place::RawRecord raw;
  while (opened.reader->next(raw)) m.records.push_back(raw);
  m.diagnostics = opened.reader->take_diagnostics();
  m.header = std::string(opened.reader->raw_header());
  return m;
}

std::string value(const place::RawRecord& r, std::string_view field) {
  for (const auto& [k, v] : r.fields)
    if (k == field) return v;
  return "<absent>";
}

TEST(FederationMapping, RenameConstantJoinAndVerbatim) {
  auto m = map_bytes(std::string(kHeader) +
                         "id = { colonne = \"REF\", prefixe = \"x-\" }\n"
                         "nom = { colonne = \"Nom du lieu\" }\n"
                         "adresse = { colonnes = [\"num\", \"voie\"], joindre = \" \" }\n"
                         "typologie = { constante = \"EPN\" }\n"
                         "complement_adresse = { colonnes = [\"a\", \"b\"], premiere_non_vide = true }\n",
                     "REF;Nom du lieu;num;voie;a;b\r\n7;Médiathèque;12;rue Haute;;Bât. B\r\n8;Mairie;;Place;A;B\r\n");
  ASSERT_EQ(m.records.size(), 2u) << m.error;
  const auto& r = m.records[0];
  EXPECT_EQ(value(r, "id"), "x-7");
  EXPECT_EQ(value(r, "nom"), "Médiathèque");
  EXPECT_EQ(value(r, "adresse"), "12 rue Haute");
  EXPECT_EQ(value(r, "typologie"), "EPN");
  EXPECT_EQ(value(r, "complement_adresse"), "Bât. B");
  EXPECT_EQ(value(m.records[1], "adresse"), "Place");
  EXPECT_EQ(value(m.records[1], "complement_adresse"), "A");
  // The raw record stays the source's bytes, with its header.
  EXPECT_EQ(r.verbatim, "7;Médiathèque;12;rue Haute;;Bât. B");
  EXPECT_EQ(m.header, "REF;Nom du lieu;num;voie;a;b");
  EXPECT_EQ(r.line, 2);
}

TEST(FederationMapping, SplitLatLonAndPattern) {
  auto m = map_bytes(std::string(kHeader) +
                         "id = { colonne = \"code\", motif = \"^(\\\\d+)\" }\n"
                         "latitude = { colonne = \"coord\", decouper = \",\", partie = 1 }\n"
                         "longitude = { colonne = \"coord\", decouper = \",\", partie = 2 }\n"
                         "code_postal = { colonne = \"adr\", motif = \"\\\\b(\\\\d{5})\\\\b\" }\n"
                         "commune = { colonne = \"adr\", motif = \"\\\\d{5},?\\\\s+([^,]+)\" }\n",
                     "code;coord;adr\n8724.0;\"49.609493, 2.705751\";\"1 rue X, 51200, Épernay, Marne\"\n");
  ASSERT_EQ(m.records.size(), 1u) << m.error;
  EXPECT_EQ(value(m.records[0], "id"), "8724");
  EXPECT_EQ(value(m.records[0], "latitude"), "49.609493");
  EXPECT_EQ(value(m.records[0], "longitude"), "2.705751");
  EXPECT_EQ(value(m.records[0], "code_postal"), "51200");
  EXPECT_EQ(value(m.records[0], "commune"), "Épernay");
}

TEST(FederationMapping, PatternOnAHugeCellDoesNotExhaustTheStack) {
  std::string huge(200000, 'a');
  auto m = map_bytes(std::string(kHeader) + "adresse = { colonne = \"adr\", motif = \"^(.*?)\\\\s*\\\\d{5}\" }\n"
                                            "nom = { colonne = \"adr\", motif = \"^(a+)\" }\n",
                     "adr\n" + huge + " 75001\n");
  ASSERT_EQ(m.records.size(), 1u);
  EXPECT_EQ(value(m.records[0], "adresse"), "<absent>");  // the postal code is past the window
  EXPECT_EQ(value(m.records[0], "nom").size(), 1000u);
}

TEST(FederationMapping, ValueMapsEqualContainsRulesAndUnmatched) {
  auto m = map_bytes(
      std::string(kHeader) +
          "id = { colonne = \"id\" }\n"
          "[champs.services]\ncolonne = \"codes\"\nseparateur = \"-\"\n"
          "valeurs = { \"ORD\" = \"Accès internet et matériel informatique\", \"ACCDA\" = "
          "\"Aide aux démarches administratives\", \"ACCDS\" = \"Aide aux démarches administratives\" }\n"
          "[champs.frais_a_charge]\ncolonnes = [\"tarif\"]\ncomparaison = \"contient\"\n"
          "[[champs.frais_a_charge.regles]]\nsi = [\"gratuit\"]\nsauf = [\"sous condition\"]\nalors = \"Gratuit\"\n"
          "[[champs.frais_a_charge.regles]]\nsi = [\"sous condition\"]\nalors = \"Gratuit sous condition\"\n"
          "[champs.modalites_accompagnement]\ncolonnes = [\"indiv\", \"groupe\"]\n"
          "[[champs.modalites_accompagnement.regles]]\ncolonnes = [\"indiv\"]\nsi = [\"oui\"]\nalors = \"Accompagnement individuel\"\n"
          "[[champs.modalites_accompagnement.regles]]\ncolonnes = [\"groupe\"]\nsi = [\"oui\"]\nalors = \"Dans un atelier collectif\"\n",
      "id,codes,tarif,indiv,groupe\n"
      "1,ORD-ACCDA-ACCDS-W,Gratuit sous condition d'adhésion,Oui,non\n"
      "2,ord,GRATUIT pour tous,non,OUI\n");
  ASSERT_EQ(m.records.size(), 2u) << m.error;
  EXPECT_EQ(value(m.records[0], "services"),
            "Accès internet et matériel informatique|Aide aux démarches administratives");
  EXPECT_EQ(value(m.records[0], "frais_a_charge"), "Gratuit sous condition");
  EXPECT_EQ(value(m.records[0], "modalites_accompagnement"), "Accompagnement individuel");
  EXPECT_EQ(value(m.records[1], "services"), "Accès internet et matériel informatique");
  EXPECT_EQ(value(m.records[1], "frais_a_charge"), "Gratuit");
  EXPECT_EQ(value(m.records[1], "modalites_accompagnement"), "Dans un atelier collectif");
  // "W" has no correspondence: left out, with a notice naming the record.
  const Diagnostic* d = find_rule(m.diagnostics, "profil.valeur_non_reprise");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Severity::kNotice);
  EXPECT_EQ(d->record_id, "1");
  EXPECT_EQ(d->line, 2);
  EXPECT_EQ(d->value, "W");
}

TEST(FederationMapping, KeepUnmatchedAndEmptyMarkers) {
  auto m = map_bytes("[profil]\nnom = \"e\"\nvides = [\"NC\"]\n[champs]\nid = { colonne = \"id\" }\n"
                     "telephone = { colonne = \"tel\" }\ncourriels = { colonne = \"mail\" }\n"
                     "[champs.publics_specifiquement_adresses]\ncolonne = \"p\"\nseparateur = \",\"\n"
                     "autres = \"garder\"\nvaleurs = { \"Séniors\" = \"Seniors\" }\n",
                     "id;tel;mail;p\n1;NC;-;Séniors,Jeunes\n");
  ASSERT_EQ(m.records.size(), 1u) << m.error;
  EXPECT_EQ(value(m.records[0], "telephone"), "<absent>");
  EXPECT_EQ(value(m.records[0], "courriels"), "<absent>");
  EXPECT_EQ(value(m.records[0], "publics_specifiquement_adresses"), "Seniors|Jeunes");
}

TEST(FederationMapping, PerDayHoursColumnsHalfDaysAndPairs) {
  // "Fermé" in a day column means closed: the profile lists it among the empty values.
  auto m = map_bytes(
      "[profil]\nnom = \"h\"\nvides = [\"Fermé\"]\n[champs]\n"
          "id = { colonne = \"id\" }\n"
          "[champs.horaires]\n[champs.horaires.jours]\n"
          "lundi = \"h_lundi\"\nmardi = [\"mardi matin\", \"mardi après-midi\"]\n"
          "mercredi = [[\"ouv mer\", \"ferm mer\"]]\njeudi = \"h_jeudi\"\n",
      "id,h_lundi,mardi matin,mardi après-midi,ouv mer,ferm mer,h_jeudi\n"
      "1,09:00 - 12:00 / 13:30 - 17:00,8h30-12h,13h30-17h,08:30,16:30,Fermé\n"
      "2,,,,,,\n"
      "3,10:00 - 13:00 / Après-midi sur RDV,,,,,\n");
  ASSERT_EQ(m.records.size(), 3u) << m.error;
  EXPECT_EQ(value(m.records[0], "horaires"),
            "Mo 09:00-12:00,13:30-17:00; Tu 08:30-12:00,13:30-17:00; We 08:30-16:30");
  EXPECT_TRUE(hours::parse(value(m.records[0], "horaires")).ok());
  EXPECT_EQ(value(m.records[1], "horaires"), "<absent>");
  EXPECT_EQ(value(m.records[2], "horaires"), "Mo 10:00-13:00");
  const Diagnostic* d = find_rule(m.diagnostics, "horaires.partiels");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->record_id, "3");
  EXPECT_EQ(d->severity, Severity::kWarning);
}

TEST(FederationMapping, FreeTextAndOsmHours) {
  auto m = map_bytes(std::string(kHeader) + "id = { colonne = \"id\" }\n"
                         "horaires = { colonnes = [\"osm\", \"texte\"], premiere_non_vide = true, format = \"osm\" }\n",
                     "id;osm;texte\n1;Mo-Fr 09:00-12:00;\n2;;Lundi au vendredi 9h-12h / 14h-17h\n"
                     "3;;En fonction des événements\n");
  ASSERT_EQ(m.records.size(), 3u) << m.error;
  EXPECT_EQ(value(m.records[0], "horaires"), "Mo-Fr 09:00-12:00");
  EXPECT_EQ(value(m.records[1], "horaires"), "Mo-Fr 09:00-12:00,14:00-17:00");
  EXPECT_EQ(value(m.records[2], "horaires"), "<absent>");
  EXPECT_NE(find_rule(m.diagnostics, "horaires.converti"), nullptr);
  EXPECT_NE(find_rule(m.diagnostics, "horaires.invalide"), nullptr);
}

TEST(FederationMapping, HashIdsAreStableAndDistinct) {
  // XXH64 of the empty input with seed 0, the reference value of the xxHash specification.
  EXPECT_EQ(stable_id({""}), "ef46db3751d8e999");
  EXPECT_EQ(stable_id({"a", "b"}), stable_id({"a", "b"}));
  EXPECT_NE(stable_id({"a", "b"}), stable_id({"ab", ""}));  // the separator matters
  auto m = map_bytes(std::string(kHeader) + "id = { hachage = [\"nom\", \"adr\"], prefixe = \"h-\" }\n",
                     "nom,adr\nA,1 rue X\nA,2 rue X\n");
  ASSERT_EQ(m.records.size(), 2u);
  EXPECT_EQ(value(m.records[0], "id"), "h-" + stable_id({"A", "1 rue X"}));
  EXPECT_NE(value(m.records[0], "id"), value(m.records[1], "id"));
}

TEST(FederationMapping, DatesAndDefaultUnknownDate) {
  auto m = map_bytes(std::string(kHeader) + "id = { colonne = \"id\" }\n"
                         "date_maj = { colonne = \"d\", interpreter = true, defaut = \"inconnue\" }\n",
                     "id;d\n1;Decembre 2019\n2;juil-22\n3;2020/06/30 14:16:50.898\n4;13/12/2022 17:51\n5;\n6;n'importe\n");
  ASSERT_EQ(m.records.size(), 6u) << m.error;
  EXPECT_EQ(value(m.records[0], "date_maj"), "2019-12-01");
  EXPECT_EQ(value(m.records[1], "date_maj"), "2022-07-01");
  EXPECT_EQ(value(m.records[2], "date_maj"), "2020-06-30");
  EXPECT_EQ(value(m.records[3], "date_maj"), "2022-12-13");
  // No date: unknown, never the file's (a checkout's date in a fresh clone) nor the day's.
  EXPECT_EQ(value(m.records[4], "date_maj"), "<absent>");
  EXPECT_TRUE(m.records[4].date_unknown);
  EXPECT_FALSE(m.records[3].date_unknown);
  EXPECT_EQ(value(m.records[5], "date_maj"), "n'importe");  // left for the normaliser to reject
  EXPECT_FALSE(m.records[5].date_unknown);
  EXPECT_NE(find_rule(m.diagnostics, "date_maj.approximative"), nullptr);
  EXPECT_FALSE(read_source_date("Février 2021")->iso.empty());
  EXPECT_EQ(read_source_date("Février 2021")->iso, "2021-02-01");
  EXPECT_FALSE(read_source_date("2024-02-30"));
  EXPECT_FALSE(read_source_date("ju 2020"));
}

TEST(FederationMapping, Lambert93) {
  // The origin of Lambert-93 is 46°30'N 3°E at (700 000, 6 600 000).
  auto [lat, lon] = lambert93_to_wgs84(700000, 6600000);
  EXPECT_NEAR(lat, 46.5, 1e-9);
  EXPECT_NEAR(lon, 3.0, 1e-9);
  auto m = map_bytes(std::string(kHeader) + "id = { colonne = \"id\" }\n"
                         "latitude = { colonnes = [\"x\", \"y\"], projection = \"lambert93\" }\n"
                         "longitude = { colonnes = [\"x\", \"y\"], projection = \"lambert93\" }\n",
                     "id;x;y\n1;475198,121680863;6692424,50691385\n2;12;34\n");
  ASSERT_EQ(m.records.size(), 2u) << m.error;
  // Allonnes (Maine-et-Loire), about 47.30 N, 0.02 E.
  EXPECT_NEAR(std::stod(value(m.records[0], "latitude")), 47.30, 0.02);
  EXPECT_NEAR(std::stod(value(m.records[0], "longitude")), 0.02, 0.03);
  EXPECT_EQ(value(m.records[1], "latitude"), "<absent>");
  EXPECT_NE(find_rule(m.diagnostics, "coordonnees.projection"), nullptr);
}

TEST(FederationMapping, Windows1252NestedJsonAndGeoJson) {
  auto csv = map_bytes("[profil]\nnom = \"n\"\nencodage = \"windows-1252\"\n[champs]\n"
                       "nom = { colonne = \"NOM\" }\nadresse = { colonne = \"ADR\" }\n",
                       "NOM;ADR\rEspace Num\xe9rique;4,\xa0rue Sainte R\xe9parate\r");
  ASSERT_EQ(csv.records.size(), 1u) << csv.error;
  EXPECT_EQ(value(csv.records[0], "nom"), "Espace Numérique");
  EXPECT_EQ(value(csv.records[0], "adresse"), "4,\u00a0rue Sainte Réparate");
  EXPECT_EQ(csv.records[0].verbatim, "Espace Num\xe9rique;4,\xa0rue Sainte R\xe9parate");

  auto json = map_bytes("[profil]\nnom = \"j\"\nformat = \"json\"\n[champs]\n"
                        "latitude = { colonne = \"geolocalisation.lat\" }\n"
                        "longitude = { colonne = \"geolocalisation.lon\" }\n"
                        "site_web = { colonne = \"url.website\" }\n",
                        "[{\"geolocalisation\": {\"lon\": 166.468099, \"lat\": -22.233939}, "
                        "\"url\": {\"website\": \"https://a.nc\"}}]");
  ASSERT_EQ(json.records.size(), 1u) << json.error;
  EXPECT_EQ(value(json.records[0], "latitude"), "-22.233939");
  EXPECT_EQ(value(json.records[0], "longitude"), "166.468099");
  EXPECT_EQ(value(json.records[0], "site_web"), "https://a.nc");

  auto geo = map_bytes("[profil]\nnom = \"g\"\nformat = \"geojson\"\n[champs]\n"
                       "nom = { colonne = \"name\" }\nlatitude = { colonne = \"latitude\" }\n",
                       "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                       "\"properties\":{\"name\":\"Tilt\"},\"geometry\":{\"type\":\"Point\","
                       "\"coordinates\":[-2.6,47.6]}}]}");
  ASSERT_EQ(geo.records.size(), 1u) << geo.error;
  EXPECT_EQ(value(geo.records[0], "latitude"), "47.6");
  EXPECT_EQ(find_rule(geo.diagnostics, "profil.colonne_absente"), nullptr);
}

TEST(FederationMapping, FormatMismatchAndMissingColumns) {
  auto m = map_bytes("[profil]\nnom = \"j\"\nformat = \"json\"\n[champs]\nnom = { colonne = \"n\" }\n", "n\nA\n");
  EXPECT_NE(m.error.find("profil.format"), std::string::npos);
  auto c = map_bytes(std::string(kHeader) + "nom = { colonne = \"nom\" }\nadresse = { colonne = \"voie\" }\n",
                     "nom,rue,x\nA,B,C\n");
  ASSERT_EQ(c.records.size(), 1u);
  const Diagnostic* d = find_rule(c.diagnostics, "profil.colonne_absente");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->value, "voie");
  const Diagnostic* n = find_rule(c.diagnostics, "profil.colonnes_non_reprises");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->value, "rue, x");
}

// ---- the real France Services list, through the shipped profile ----

std::shared_ptr<const Profile> shipped(const std::string& name) {
  auto loaded = load_profile(testing::repo_dir() / "data/profils" / (name + ".toml"));
  if (!loaded.profile) {
    ADD_FAILURE() << loaded.errors.at(0).to_french();
    return nullptr;
  }
  return std::make_shared<const Profile>(std::move(*loaded.profile));
}

TEST(FederationFranceServices, RecordsComeOutRight) {
  auto opened = open_mapped(shipped("france-services"),
                            testing::shared_dir() / "data/france-services/liste-fs-20240801.csv");
  ASSERT_TRUE(opened.reader) << opened.error;
  const auto& territory = territory::Reference::bundled();
  place::NormalizeContext ctx{&territory, "liste-fs", "france-services", "2026-11-28"};
  std::map<std::string, place::Place> by_id;
  place::RawRecord raw;
  int n = 0, with_hours = 0;
  while (opened.reader->next(raw)) {
    ++n;
    auto result = place::normalize(raw, ctx);
    ASSERT_TRUE(result.accepted) << raw.line;
    const auto& p = result.place;
    // Every expression made from the per-day columns parses.
    if (p.has(place::Field::kHoraires)) {
      ++with_hours;
      EXPECT_TRUE(hours::parse(p[place::Field::kHoraires]).ok()) << p[place::Field::kHoraires];
    }
    EXPECT_EQ(p[place::Field::kServices], "Aide aux démarches administratives");
    EXPECT_EQ(p[place::Field::kDispositifProgrammesNationaux], "France Services");
    EXPECT_FALSE(p[place::Field::kCodeInsee].empty());
    if (p[place::Field::kId] == "fs-1" || p[place::Field::kId] == "fs-2" || p[place::Field::kId] == "fs-3")
      by_id[p[place::Field::kId]] = p;
  }
  EXPECT_EQ(n, 2845);
  EXPECT_EQ(with_hours, 2797);  // the rows with at least one non-empty day column
  ASSERT_EQ(by_id.size(), 3u);
  // Checked by hand against the CSV rows.
  const auto& a = by_id["fs-1"];
  EXPECT_EQ(a[place::Field::kNom], "France services de Valserhône");
  EXPECT_EQ(a[place::Field::kCodeInsee], "01033");
  EXPECT_EQ(a[place::Field::kCodePostal], "01200");
  EXPECT_EQ(a[place::Field::kCommune], "Valserhône");
  EXPECT_EQ(a[place::Field::kAdresse], "5-9 Rue des Papetiers");
  EXPECT_EQ(a[place::Field::kLatitude], "46.1060711578546");
  EXPECT_EQ(a[place::Field::kLongitude], "5.8260084241619");
  EXPECT_EQ(a[place::Field::kTelephone], "+33450568749");
  EXPECT_EQ(a[place::Field::kCourriels], "franceservices@ccpb01.fr");
  EXPECT_EQ(a[place::Field::kTypologie], "RFS");
  EXPECT_EQ(a[place::Field::kItinerance], "Fixe");
  EXPECT_EQ(a[place::Field::kDateMaj], "2024-08-01");
  // h_lundi 13:30 - 17:00; mardi-jeudi 09:00 - 12:00 / 13:30 - 17:00; vendredi ... 16:00.
  EXPECT_EQ(a[place::Field::kHoraires],
            "Mo 13:30-17:00; Tu-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00,13:30-16:00");
  const auto& b = by_id["fs-2"];
  EXPECT_EQ(b[place::Field::kHoraires], "Tu-Fr 09:00-12:00,14:00-16:30; Sa 09:00-12:00");
  const auto& c = by_id["fs-3"];
  EXPECT_EQ(c[place::Field::kItinerance], "Itinérant");  // Bus_équivalent
  EXPECT_EQ(c[place::Field::kHoraires], "Mo-Fr 09:30-16:30");
  EXPECT_EQ(c[place::Field::kCodeInsee], "02361");
}

TEST(FederationFranceServices, ImportReaderStoresTheVerbatimRow) {
  exchange::Options options;
  options.today = "2026-11-28";
  auto opened = open_mapped(shipped("france-services"),
                            testing::shared_dir() / "data/france-services/liste-fs-20240801.csv");
  auto report = exchange::import_reader(std::move(opened), "liste-fs-20240801.csv", nullptr,
                                        &territory::Reference::bundled(), options);
  ASSERT_TRUE(report.ok()) << report.fatal;
  EXPECT_EQ(report.source, "liste-fs-20240801");
  EXPECT_EQ(report.read, 2845);
  EXPECT_EQ(report.rejected, 0);
  EXPECT_EQ(report.version, "1.0");
}

TEST(FederationCli, ValidateAndImportWithAProfile) {
  testing::TempDir dir;
  testing::write_file(dir / "lieux.csv",
                      "REF;NOM;VOIE;CP;VILLE;GEO\n1;Médiathèque;1 rue Haute;51200;Épernay;\"49.04,3.95\"\n"
                      "2;;2 rue Basse;51200;Épernay;\n");
  testing::write_file(dir / "p.toml",
                      "[profil]\nnom = \"p\"\nformat = \"csv\"\n[champs]\nid = { colonne = \"REF\" }\n"
                      "pivot = { constante = \"00000000000000\" }\nnom = { colonne = \"NOM\" }\n"
                      "adresse = { colonne = \"VOIE\" }\ncode_postal = { colonne = \"CP\" }\n"
                      "commune = { colonne = \"VILLE\" }\ndate_maj = { constante = \"2024-01-02\" }\n"
                      "latitude = { colonne = \"GEO\", decouper = \",\", partie = 1 }\n"
                      "longitude = { colonne = \"GEO\", decouper = \",\", partie = 2 }\n");
  auto v = testing::run_maillage({"validate", "--profile", (dir / "p.toml").string(), (dir / "lieux.csv").string()});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.out.find("2 lus, 1 valides, 1 rejetés"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("nom"), std::string::npos);

  auto db = (dir / "base.db").string();
  auto i = testing::run_maillage({"import", "--db", db, "--profile", (dir / "p.toml").string(),
                                  (dir / "lieux.csv").string()});
  EXPECT_EQ(i.exit_code, 0) << i.err;
  auto e = testing::run_maillage({"export", "--db", db, "--format", "csv"});
  EXPECT_NE(e.out.find("\"Médiathèque\""), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("\"49.04\",\"3.95\""), std::string::npos) << e.out;

  testing::write_file(dir / "faux.toml", "[profil]\nnom = \"f\"\n[champs]\ncouleur = { colonne = \"c\" }\n");
  auto bad = testing::run_maillage({"validate", "--profile", (dir / "faux.toml").string(), (dir / "lieux.csv").string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("ligne 4"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("profil.champ_inconnu"), std::string::npos) << bad.err;
  auto missing = testing::run_maillage({"validate", "--profile", "pas-de-tel-profil", (dir / "lieux.csv").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("introuvable"), std::string::npos);
}

}  // namespace
}  // namespace maillage::federation
