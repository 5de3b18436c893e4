// Tests of src/territory: the commune reference (data/territoire) and the geography helpers,
// on real data.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include "territory/geo.h"
#include "territory/reference.h"

namespace maillage::territory {
namespace {

const std::filesystem::path kDataDir =
    std::filesystem::path(MAILLAGE_SOURCE_DIR) / "data" / "territoire";

// Loaded once for the whole binary, from the source tree (not through $MAILLAGE_DATA_DIR).
const Reference& reference() {
  static const Reference ref = [] {
    std::string error;
    auto loaded = Reference::load(kDataDir, &error);
    if (!loaded) {
      std::fprintf(stderr, "%s\n", error.c_str());
      std::abort();
    }
    return std::move(*loaded);
  }();
  return ref;
}

std::string code_of(const Commune* c) {
  return c == nullptr ? "(nullptr)" : c->code_insee;
}

// A measure, not an assertion (STYLE.md): printed with a baseline taken in the same run, reading
// the same bytes and counting their fields, so that a busy machine shows in both numbers.
TEST(TerritoryReference, LoadTimeIsPrinted) {
  using Clock = std::chrono::steady_clock;
  const auto ms = [](Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  const auto baseline_start = Clock::now();
  std::ifstream in(kDataDir / "communes.tsv", std::ios::binary | std::ios::ate);
  std::string bytes(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0).read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  const auto fields =
      std::count(bytes.begin(), bytes.end(), '\t') + std::count(bytes.begin(), bytes.end(), '\n');
  const double baseline_ms = ms(Clock::now() - baseline_start);

  const auto start = Clock::now();
  const std::clock_t cpu_start = std::clock();
  std::string error;
  auto loaded = Reference::load(kDataDir, &error);
  const double load_ms = ms(Clock::now() - start);
  const double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  ASSERT_TRUE(loaded.has_value()) << error;
  EXPECT_GT(loaded->size(), 37000u);
  std::printf(
      "[ measure  ] Reference::load: %zu entrées en %.1f ms (CPU %.1f ms) ; lecture seule "
      "de communes.tsv (%zu octets, %ld champs) : %.1f ms\n",
      loaded->size(), load_ms, cpu_ms, bytes.size(), static_cast<long>(fields), baseline_ms);
  RecordProperty("load_ms", std::to_string(load_ms));
  RecordProperty("baseline_read_ms", std::to_string(baseline_ms));
}

TEST(TerritoryReference, BundledIsTheSourceTreeReference) {
  if (std::getenv("MAILLAGE_DATA_DIR") != nullptr) {
    GTEST_SKIP() << "MAILLAGE_DATA_DIR is set";
  }
  EXPECT_EQ(Reference::bundled().size(), reference().size());
  EXPECT_EQ(&Reference::bundled(), &Reference::bundled());
}

TEST(TerritoryReference, ByInsee) {
  const Commune* paris = reference().by_insee("75056");
  ASSERT_NE(paris, nullptr);
  EXPECT_EQ(paris->nom, "Paris");
  EXPECT_EQ(paris->type, "commune");
  EXPECT_EQ(paris->departement, "75");
  EXPECT_EQ(paris->region, "11");
  EXPECT_GT(paris->population, 2'000'000);
  EXPECT_EQ(paris->epci, "200054781");
  EXPECT_EQ(paris->epci_nom, "Métropole du Grand Paris");
  EXPECT_NEAR(paris->latitude, 48.86, 0.05);
  EXPECT_NEAR(paris->longitude, 2.34, 0.05);

  const Commune* ajaccio = reference().by_insee("2A004");
  ASSERT_NE(ajaccio, nullptr);
  EXPECT_EQ(ajaccio->nom, "Ajaccio");
  EXPECT_EQ(ajaccio->region, "94");

  const Commune* arrondissement = reference().by_insee("13201");
  ASSERT_NE(arrondissement, nullptr);
  EXPECT_EQ(arrondissement->type, "arrondissement");
  EXPECT_EQ(arrondissement->parent, "13055");
  EXPECT_EQ(arrondissement->epci, reference().by_insee("13055")->epci);

  // 74010 is both the commune nouvelle Annecy and its commune déléguée: the commune wins.
  EXPECT_EQ(reference().by_insee("74010")->type, "commune");
  const Commune* seynod = reference().by_insee("74268");
  ASSERT_NE(seynod, nullptr);
  EXPECT_EQ(seynod->type, "commune_deleguee");
  EXPECT_EQ(seynod->parent, "74010");
  EXPECT_EQ(seynod->population, -1);
  EXPECT_EQ(seynod->latitude, reference().by_insee("74010")->latitude);

  const Commune* papeete = reference().by_insee("98735");
  ASSERT_NE(papeete, nullptr);
  EXPECT_EQ(papeete->departement, "987");
  EXPECT_EQ(papeete->region, "");

  EXPECT_EQ(reference().by_insee("99999"), nullptr);
  EXPECT_EQ(reference().by_insee(""), nullptr);
  EXPECT_EQ(reference().by_insee("75056 "), nullptr);
}

TEST(TerritoryReference, ByPostalCode) {
  auto paris15 = reference().by_postal_code("75015");
  ASSERT_EQ(paris15.size(), 2u);
  EXPECT_EQ(paris15[0]->code_insee, "75056");  // communes before arrondissements
  EXPECT_EQ(paris15[1]->code_insee, "75115");

  auto saint_etienne = reference().by_postal_code("42000");
  ASSERT_EQ(saint_etienne.size(), 1u);
  EXPECT_EQ(saint_etienne[0]->nom, "Saint-Étienne");

  auto ain = reference().by_postal_code("1400");  // leading zero lost in a spreadsheet
  ASSERT_FALSE(ain.empty());
  for (std::size_t i = 1; i < ain.size(); ++i)
    EXPECT_GE(ain[i - 1]->population, ain[i]->population);
  for (const Commune* c : ain) EXPECT_EQ(c->departement, "01");

  EXPECT_EQ(reference().by_postal_code("97133")[0]->nom, "Saint-Barthélemy");
  EXPECT_TRUE(reference().by_postal_code("00000").empty());
  EXPECT_TRUE(reference().by_postal_code("").empty());
  EXPECT_TRUE(reference().by_postal_code("7501").empty());
}

struct ResolveCase {
  const char* code_postal;
  const char* name;
  const char* expected;  // INSEE code; "" for nullptr
};

// One line per case; a fixed bug adds a line.
constexpr ResolveCase kResolveCases[] = {
    {"13001", "Marseille", "13055"},
    {"13013", "MARSEILLE", "13055"},
    {"13013", "Marseille 13e Arrondissement", "13213"},
    {"75015", "Paris 15e Arrondissement", "75115"},
    {"75015", "Paris 15e", "75115"},
    {"75015", "PARIS 15", "75115"},
    {"75001", "Paris 1er", "75101"},
    {"75015", "Paris", "75056"},
    {"75000", "Paris", "75056"},
    {"75732", "PARIS CEDEX 15", "75056"},  // CEDEX code: accepted within the département
    {"69003", "Lyon 3ème", "69383"},
    {"69003", "Lyon 3e arrondissement", "69383"},
    {"17000", "La Rochelle", "17300"},
    {"17000", "Rochelle (La)", "17300"},
    {"17000", "LA ROCHELLE CEDEX 1", "17300"},
    {"70120", "La Rochelle", "70450"},
    {"42000", "St Etienne", "42218"},
    {"42100", "ST-ÉTIENNE", "42218"},
    {"33000", "BORDEAUX CEDEX", "33063"},
    {"33077", "Bordeaux Cedex", "33063"},
    {"1000", "Bourg-en-Bresse", "01053"},
    {"20000", "Ajaccio", "2A004"},
    {"97400", "Saint-Denis", "97411"},
    {"93200", "St Denis", "93066"},
    {"97133", "Saint-Barthélemy", "97701"},
    {"97150", "Saint-Martin", "97801"},
    {"74000", "Annecy", "74010"},     // commune and délégué share name and code: the commune
    {"74600", "Seynod", "74268"},     // a délégué name gives the délégué
    {"64370", "Castillon", "64181"},  // homonyms told apart by the postal code
    {"64350", "Castillon", "64182"},
    {"58120", "Château-Chinon (Ville)", "58062"},
    {"", "Besançon", "25056"},  // no postal code: the name is unique in France
    // Ambiguous.
    {"58120", "Château-Chinon", ""},  // (Ville) and (Campagne) share 58120
    {"64000", "Castillon", ""},       // two Castillon in the Pyrénées-Atlantiques
    {"", "Saint-Denis", ""},
    // Nothing matches.
    {"75015", "Lyon", ""},
    {"75015", "Atlantis", ""},
    {"98000", "Monaco", ""},
    {"75015", "", ""},
    {"75015", "Cedex", ""},
};

TEST(TerritoryReference, Resolve) {
  for (const ResolveCase& c : kResolveCases) {
    const Commune* found = reference().resolve(c.code_postal, c.name);
    EXPECT_EQ(found == nullptr ? "" : found->code_insee, c.expected)
        << "resolve(\"" << c.code_postal << "\", \"" << c.name << "\") → " << code_of(found);
  }
}

TEST(TerritoryReference, ResolveEveryCommuneByItsOwnNameAndPostalCode) {
  std::size_t checked = 0;
  for (const Commune& c : reference().communes()) {
    if (c.type != "commune" || c.codes_postaux.empty()) continue;
    const Commune* found = reference().resolve(c.codes_postaux.front(), c.nom);
    ASSERT_EQ(found, &c) << c.code_insee << " " << c.nom << " → " << code_of(found);
    ++checked;
  }
  EXPECT_GT(checked, 34000u);
}

TEST(TerritoryReference, NameMatches) {
  const Reference& ref = reference();
  const Commune& paris = *ref.by_insee("75056");
  const Commune& paris15 = *ref.by_insee("75115");
  const Commune& annecy = *ref.by_insee("74010");
  const Commune& seynod = *ref.by_insee("74268");
  EXPECT_TRUE(ref.name_matches(paris, "PARIS"));
  EXPECT_TRUE(ref.name_matches(paris, "Paris 15e"));
  EXPECT_TRUE(ref.name_matches(paris15, "Paris"));
  EXPECT_TRUE(ref.name_matches(paris15, "paris 15eme arrondissement"));
  EXPECT_FALSE(ref.name_matches(paris15, "Paris 16e"));
  EXPECT_TRUE(ref.name_matches(annecy, "Seynod"));
  EXPECT_TRUE(ref.name_matches(seynod, "Annecy"));
  EXPECT_TRUE(ref.name_matches(*ref.by_insee("42218"), "St-Etienne Cedex 2"));
  EXPECT_TRUE(ref.name_matches(*ref.by_insee("58062"), "Château-Chinon"));
  EXPECT_FALSE(ref.name_matches(paris, "Lyon"));
  EXPECT_FALSE(ref.name_matches(paris, ""));
}

TEST(TerritoryReference, HasPostalCode) {
  const Reference& ref = reference();
  EXPECT_TRUE(ref.has_postal_code(*ref.by_insee("75056"), "75015"));
  EXPECT_TRUE(ref.has_postal_code(*ref.by_insee("75115"), "75015"));
  EXPECT_TRUE(ref.has_postal_code(*ref.by_insee("75115"), "75001"));  // the parent's
  EXPECT_FALSE(ref.has_postal_code(*ref.by_insee("75115"), "13001"));
  EXPECT_TRUE(ref.has_postal_code(*ref.by_insee("74268"), "74600"));  // délégué: the parent's
  EXPECT_TRUE(ref.has_postal_code(*ref.by_insee("01053"), "1000"));
  EXPECT_FALSE(ref.has_postal_code(*ref.by_insee("01053"), ""));
}

TEST(TerritoryReference, SearchByName) {
  const Reference& ref = reference();
  auto marseille = ref.search_by_name("marseil", 5);
  ASSERT_FALSE(marseille.empty());
  EXPECT_EQ(marseille[0]->code_insee, "13055");
  EXPECT_LE(marseille.size(), 5u);

  auto saint_etienne = ref.search_by_name("St Étienne", 3);
  ASSERT_FALSE(saint_etienne.empty());
  EXPECT_EQ(saint_etienne[0]->code_insee, "42218");

  // "st" typed last finds both "Strasbourg" and the "Saint-..." communes.
  auto st = ref.search_by_name("st", 50);
  ASSERT_EQ(st.size(), 50u);
  EXPECT_EQ(st[0]->nom, "Strasbourg");
  bool has_saint = false;
  for (const Commune* c : st) has_saint = has_saint || c->nom.starts_with("Saint-");
  EXPECT_TRUE(has_saint);
  for (std::size_t i = 1; i < st.size(); ++i) EXPECT_GE(st[i - 1]->population, st[i]->population);

  auto reunion = ref.search_by_name("saint", 100, "974");
  ASSERT_FALSE(reunion.empty());
  EXPECT_EQ(reunion[0]->code_insee, "97411");
  for (const Commune* c : reunion) EXPECT_EQ(c->departement, "974");

  // The délégué "Annecy" (same name as its commune) is left out; "Annecy-le-Vieux" is not.
  auto annecy = ref.search_by_name("annecy", 10);
  std::size_t named_annecy = 0;
  for (const Commune* c : annecy) named_annecy += c->nom == "Annecy";
  EXPECT_EQ(named_annecy, 1u);

  EXPECT_TRUE(ref.search_by_name("zzzz", 10).empty());
  EXPECT_TRUE(ref.search_by_name("paris", 0).empty());
}

TEST(TerritoryReference, DepartementAndRegionNames) {
  const Reference& ref = reference();
  EXPECT_EQ(ref.departement_name("2A"), "Corse-du-Sud");
  EXPECT_EQ(ref.departement_name("2B"), "Haute-Corse");
  EXPECT_EQ(ref.departement_name("974"), "La Réunion");
  EXPECT_EQ(ref.departement_name("987"), "Polynésie française");
  EXPECT_EQ(ref.departement_region("2A"), "94");
  EXPECT_EQ(ref.departement_region("987"), "");
  EXPECT_EQ(ref.region_name("94"), "Corse");
  EXPECT_EQ(ref.region_name("11"), "Île-de-France");
  EXPECT_EQ(ref.region_name("987"), "");
  EXPECT_EQ(ref.departement_name("20"), "");
  for (const Commune& c : ref.communes()) {
    ASSERT_FALSE(ref.departement_name(c.departement).empty()) << c.code_insee;
    ASSERT_EQ(ref.departement_region(c.departement), c.region) << c.code_insee;
    if (!c.region.empty()) {
      ASSERT_FALSE(ref.region_name(c.region).empty()) << c.code_insee;
    }
  }
}

TEST(TerritoryReference, DepartementOf) {
  EXPECT_EQ(departement_of("75056"), "75");
  EXPECT_EQ(departement_of("01053"), "01");
  EXPECT_EQ(departement_of("2A004"), "2A");
  EXPECT_EQ(departement_of("2B033"), "2B");
  EXPECT_EQ(departement_of("97411"), "974");
  EXPECT_EQ(departement_of("97701"), "977");
  EXPECT_EQ(departement_of("98735"), "987");
  EXPECT_EQ(departement_of("98818"), "988");
  EXPECT_EQ(departement_of("7505"), "");
  EXPECT_EQ(departement_of(""), "");
  // The code tells the département, except for five communes associées whose parent lies across
  // a département border: Escaufourt (02285) belongs to Saint-Souplet, in the Nord (59).
  std::size_t elsewhere = 0;
  for (const Commune& c : reference().communes()) {
    if (departement_of(c.code_insee) == c.departement) continue;
    EXPECT_EQ(c.type, "commune_associee") << c.code_insee;
    EXPECT_EQ(c.departement, departement_of(c.parent)) << c.code_insee;
    ++elsewhere;
  }
  EXPECT_EQ(elsewhere, 5u);
  EXPECT_EQ(reference().by_insee("02285")->departement, "59");
}

class TerritoryLoadErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("maillage_territory_test_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    write("departements.tsv", "code\tnom\tregion\n75\tParis\t11\n");
    write("regions.tsv", "code\tnom\n11\tÎle-de-France\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const char* name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  static constexpr const char* kHeader =
      "code_insee\tnom\ttype\tparent\tdepartement\tregion\tcodes_postaux\tlatitude\tlongitude\t"
      "population\tepci\tepci_nom\n";
  static constexpr const char* kParis =
      "75056\tParis\tcommune\t\t75\t11\t75001|75002\t48.86\t2.34\t2103778\t200054781\tMGP\n";
  std::filesystem::path dir_;
};

TEST_F(TerritoryLoadErrors, MissingFile) {
  std::string error;
  EXPECT_FALSE(Reference::load(dir_, &error).has_value());
  EXPECT_NE(error.find("communes.tsv"), std::string::npos) << error;
}

TEST_F(TerritoryLoadErrors, WrongColumnCountNamesTheLine) {
  write("communes.tsv", std::string(kHeader) + kParis + "75101\tParis 1er\tarrondissement\n");
  std::string error;
  EXPECT_FALSE(Reference::load(dir_, &error).has_value());
  EXPECT_NE(error.find("communes.tsv, ligne 3 : 3 colonnes au lieu de 12"), std::string::npos)
      << error;
}

TEST_F(TerritoryLoadErrors, BadCoordinateAndUnknownParent) {
  write("communes.tsv",
        std::string(kHeader) + kParis +
            "75101\tParis 1er\tarrondissement\t75056\t75\t11\t75001\tnord\t2.3\t\t\t\n");
  std::string error;
  EXPECT_FALSE(Reference::load(dir_, &error).has_value());
  EXPECT_NE(error.find("ligne 3 : coordonnées"), std::string::npos) << error;

  write("communes.tsv",
        std::string(kHeader) + kParis +
            "13201\tMarseille 1er\tarrondissement\t13055\t13\t93\t13001\t43.3\t5.4\t\t\t\n");
  EXPECT_FALSE(Reference::load(dir_, &error).has_value());
  EXPECT_NE(error.find("13055"), std::string::npos) << error;
}

TEST_F(TerritoryLoadErrors, MinimalFileLoads) {
  write("communes.tsv", std::string(kHeader) + kParis);
  std::string error;
  auto ref = Reference::load(dir_, &error);
  ASSERT_TRUE(ref.has_value()) << error;
  EXPECT_EQ(ref->size(), 1u);
  EXPECT_EQ(code_of(ref->resolve("75002", "Paris")), "75056");
}

// ---- geo ----

TEST(TerritoryGeo, LocateRealPoints) {
  EXPECT_EQ(locate(48.8566, 2.3522), Area::kMetropole);     // Paris
  EXPECT_EQ(locate(48.4570, -5.0950), Area::kMetropole);    // Ouessant
  EXPECT_EQ(locate(43.0000, 6.2000), Area::kMetropole);     // Porquerolles
  EXPECT_EQ(locate(41.9192, 8.7386), Area::kCorse);         // Ajaccio
  EXPECT_EQ(locate(42.6977, 9.4508), Area::kCorse);         // Bastia
  EXPECT_EQ(locate(16.2411, -61.5331), Area::kGuadeloupe);  // Pointe-à-Pitre
  EXPECT_EQ(locate(14.6161, -61.0588), Area::kMartinique);  // Fort-de-France
  EXPECT_EQ(locate(4.9224, -52.3135), Area::kGuyane);       // Cayenne
  EXPECT_EQ(locate(-20.8821, 55.4507), Area::kReunion);     // Saint-Denis
  EXPECT_EQ(locate(-12.7806, 45.2278), Area::kMayotte);     // Mamoudzou
  EXPECT_EQ(locate(46.7811, -56.1764), Area::kSaintPierreEtMiquelon);
  EXPECT_EQ(locate(17.8962, -62.8498), Area::kSaintBarthelemy);     // Gustavia
  EXPECT_EQ(locate(18.0678, -63.0825), Area::kSaintMartin);         // Marigot
  EXPECT_EQ(locate(-13.2825, -176.1745), Area::kWallisEtFutuna);    // Mata-Utu
  EXPECT_EQ(locate(-17.5516, -149.5585), Area::kPolynesie);         // Papeete
  EXPECT_EQ(locate(-22.2758, 166.4580), Area::kNouvelleCaledonie);  // Nouméa

  EXPECT_EQ(locate(45.0, -20.0), std::nullopt);      // the Atlantic ocean
  EXPECT_EQ(locate(45.0, -4.0), std::nullopt);       // the Bay of Biscay, 150 km at sea
  EXPECT_EQ(locate(50.0, -4.0), std::nullopt);       // the Channel, off Plymouth
  EXPECT_EQ(locate(2.3522, 48.8566), std::nullopt);  // Paris with latitude and longitude swapped
  EXPECT_EQ(locate(0.0, 0.0), std::nullopt);
  EXPECT_EQ(locate(40.4168, -3.7038), std::nullopt);  // Madrid
  EXPECT_EQ(locate(-49.35, 70.22), std::nullopt);     // Kerguelen: not an Area
  EXPECT_EQ(locate(std::nan(""), 2.35), std::nullopt);
}

TEST(TerritoryGeo, EveryCentroidLocatesToItsOwnArea) {
  std::size_t checked = 0;
  for (const Commune& c : reference().communes()) {
    const std::optional<Area> expected = area_of_insee(c.code_insee);
    const std::optional<Area> got = locate(c.latitude, c.longitude);
    ASSERT_EQ(got, expected) << c.code_insee << " " << c.nom << " (" << c.latitude << ", "
                             << c.longitude << ")";
    ++checked;
  }
  EXPECT_EQ(checked, reference().size());
}

TEST(TerritoryGeo, AreaOfInseeAndNames) {
  EXPECT_EQ(area_of_insee("75056"), Area::kMetropole);
  EXPECT_EQ(area_of_insee("2A004"), Area::kCorse);
  EXPECT_EQ(area_of_insee("2B033"), Area::kCorse);
  EXPECT_EQ(area_of_insee("97105"), Area::kGuadeloupe);
  EXPECT_EQ(area_of_insee("97611"), Area::kMayotte);
  EXPECT_EQ(area_of_insee("97701"), Area::kSaintBarthelemy);
  EXPECT_EQ(area_of_insee("98818"), Area::kNouvelleCaledonie);
  EXPECT_EQ(area_of_insee("98412"), std::nullopt);  // Kerguelen
  EXPECT_EQ(area_of_insee("98901"), std::nullopt);  // Clipperton
  EXPECT_EQ(area_of_insee("20004"), std::nullopt);
  EXPECT_EQ(area_of_insee("96001"), std::nullopt);
  EXPECT_EQ(area_of_insee("7505"), std::nullopt);
  EXPECT_EQ(area_name(Area::kMetropole), "France métropolitaine");
  EXPECT_EQ(area_name(Area::kReunion), "La Réunion");
  EXPECT_EQ(area_name(Area::kPolynesie), "Polynésie française");
}

TEST(TerritoryGeo, DistanceKm) {
  EXPECT_NEAR(distance_km(48.8566, 2.3522, 43.2965, 5.3698), 661.0, 5.0);  // Paris–Marseille
  EXPECT_NEAR(distance_km(48.8566, 2.3522, 48.8566, 2.3522), 0.0, 1e-9);
  EXPECT_NEAR(distance_km(0, 0, 0, 180), 3.14159265 * 6371.0088, 0.01);
  EXPECT_NEAR(distance_km(-22.2758, 166.4580, 48.8566, 2.3522), 16700.0, 100.0);  // Nouméa–Paris
}

// ---- the committed files are what the tool builds ----

TEST(TerritoryBuild, CommittedFilesMatchTheTool) {
  const std::filesystem::path root = MAILLAGE_SOURCE_DIR;
  if (std::system("node --version > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "node is not installed";
  }
  if (!std::filesystem::exists(root / "node_modules/@etalab/decoupage-administratif/data")) {
    GTEST_SKIP() << "npm ci has not been run (node_modules/@etalab/decoupage-administratif)";
  }
  const std::filesystem::path shared = MAILLAGE_SHARED_DIR;
  if (!std::filesystem::exists(shared / "data/communes/france_cities_2022.csv")) {
    GTEST_SKIP() << "the shared data folder is missing: " << shared;
  }
  const std::string command = "cd '" + root.string() +
                              "' && node tools/build_territory.mjs --check --shared '" +
                              shared.string() + "'";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

}  // namespace
}  // namespace maillage::territory
