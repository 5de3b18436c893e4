// Runs tests/cases/place_queries.tsv (what a person types in "Où ?" and the place it gives)
// against the bundled territory reference, and checks the promises of place_query.h that a
// table cannot: every label resolves back to its entry, corrections and errors say what they
// did in French, the table covers every status and basis.
#include "territory/place_query.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "support/test_support.h"
#include "territory/reference.h"

namespace maillage::territory {
namespace {

struct Case {
  std::string text, status, code, label, alternatives, basis, comment;
};

const char* status_name(PlaceStatus s) {
  switch (s) {
    case PlaceStatus::kFound:
      return "trouve";
    case PlaceStatus::kSeveral:
      return "plusieurs";
    case PlaceStatus::kCorrected:
      return "corrige";
    case PlaceStatus::kUnknown:
      return "inconnu";
  }
  return "?";
}

const char* basis_name(PlaceBasis b) {
  switch (b) {
    case PlaceBasis::kName:
      return "nom";
    case PlaceBasis::kPostalCode:
      return "code_postal";
    case PlaceBasis::kInseeCode:
      return "code_insee";
    case PlaceBasis::kNearName:
      return "nom_proche";
    case PlaceBasis::kAddress:
      return "adresse";
  }
  return "?";
}

std::vector<Case> load_cases() {
  std::vector<Case> cases;
  for (auto& cols : testing::read_tsv_rows(testing::repo_dir() / "tests/cases/place_queries.tsv")) {
    cols.resize(7);
    if (cols[0] == "<vide>") cols[0].clear();
    cases.push_back({cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6]});
  }
  return cases;
}

std::string joined_alternatives(const PlaceMatch& m, std::size_t count) {
  std::string out;
  for (std::size_t k = 0; k < std::min(count, m.alternatives.size()); ++k)
    out += (k > 0 ? ";" : "") + m.alternatives[k].label;
  return out.empty() ? "-" : out;
}

class PlaceQueryTest : public ::testing::Test {
 protected:
  const Reference& ref = Reference::bundled();
  const PlaceResolver& resolver = PlaceResolver::of(ref);
};

TEST_F(PlaceQueryTest, CaseTable) {
  const std::vector<Case> cases = load_cases();
  ASSERT_GE(cases.size(), 40u);
  std::set<std::string> statuses, bases;
  for (const Case& c : cases) {
    SCOPED_TRACE("« " + c.text + " » (" + c.comment + ")");
    const PlaceMatch m = resolver.resolve(c.text);
    statuses.insert(c.status);
    EXPECT_EQ(status_name(m.status), c.status);
    if (c.basis != "-") {
      bases.insert(c.basis);
      EXPECT_EQ(basis_name(m.basis), c.basis);
    }
    EXPECT_EQ(m.commune ? m.commune->code_insee : "-", c.code);
    EXPECT_EQ(m.label.empty() ? "-" : m.label, c.label);
    const std::size_t listed =
        c.alternatives == "-"
            ? 0
            : static_cast<std::size_t>(
                  std::count(c.alternatives.begin(), c.alternatives.end(), ';') + 1);
    EXPECT_EQ(joined_alternatives(m, c.alternatives == "-" ? 5 : listed), c.alternatives);
    // What the page shows with it.
    if (m.status == PlaceStatus::kUnknown) {
      // The text typed, or the name known elsewhere: "aucune commune « Paris » dans le
      // département 21 (Côte-d'Or)".
      EXPECT_TRUE(m.error.find("« " + c.text + " »") != std::string::npos ||
                  m.error.find(" » dans le département ") != std::string::npos)
          << m.error;
      for (const PlaceChoice& s : m.alternatives)
        EXPECT_NE(m.error.find(s.label), std::string::npos);
    } else {
      EXPECT_TRUE(m.error.empty()) << m.error;
    }
    if (m.status == PlaceStatus::kCorrected) {
      EXPECT_EQ(m.note, "« " + c.text + " » compris comme " + m.label + ".");
    }
    if (m.status == PlaceStatus::kSeveral) {
      EXPECT_NE(m.note.find("la plus peuplée a été choisie"), std::string::npos) << m.note;
    }
    // Every label offered resolves to its entry.
    for (const PlaceChoice& s : m.alternatives)
      EXPECT_EQ(resolver.resolve(s.label).commune, s.commune) << s.label;
  }
  // The table covers every outcome and every way of finding a place.
  EXPECT_EQ(statuses, (std::set<std::string>{"trouve", "plusieurs", "corrige", "inconnu"}));
  EXPECT_EQ(bases,
            (std::set<std::string>{"nom", "code_postal", "code_insee", "nom_proche", "adresse"}));
}

TEST_F(PlaceQueryTest, EveryLabelResolvesBackToItsEntry) {
  std::size_t checked = 0;
  for (const Commune& c : ref.communes()) {
    const std::string label = resolver.label(c);
    const PlaceMatch m = resolver.resolve(label);
    ASSERT_NE(m.commune, nullptr) << label;
    ++checked;
    if (m.commune == &c) continue;
    // A délégué named like its commune nouvelle is shown, and found, as that commune.
    EXPECT_EQ(m.commune->code_insee, c.parent) << c.code_insee << " " << label;
    EXPECT_EQ(resolver.label(*m.commune), label);
  }
  EXPECT_EQ(checked, ref.size());
}

TEST_F(PlaceQueryTest, SuggestionLabelsCarryTheirDepartementAndResolve) {
  for (const Commune* c : {ref.by_insee("13055"), ref.by_insee("97411"), ref.by_insee("75120")}) {
    ASSERT_NE(c, nullptr);
    const std::string label = resolver.label_with_departement(*c);
    EXPECT_NE(label.find("(" + c->departement + ")"), std::string::npos) << label;
    EXPECT_EQ(resolver.resolve(label).commune, c) << label;
  }
  EXPECT_EQ(resolver.label_with_departement(*ref.by_insee("13055")), "Marseille (13)");
}

TEST_F(PlaceQueryTest, PostalCodeEntriesPutTheArrondissementFirst) {
  const auto paris = resolver.postal_code_entries("75020");
  ASSERT_EQ(paris.size(), 2u);
  EXPECT_EQ(paris[0]->code_insee, "75120");
  EXPECT_EQ(paris[1]->code_insee, "75056");
  EXPECT_EQ(resolver.postal_code_entries("13015").front()->code_insee, "13215");
  EXPECT_EQ(resolver.postal_code_entries("69003").front()->code_insee, "69383");
  EXPECT_TRUE(resolver.postal_code_entries("99999").empty());
}

TEST_F(PlaceQueryTest, ArrondissementsUseTheirOwnCentroid) {
  const PlaceMatch m = resolver.resolve("75020");
  ASSERT_NE(m.commune, nullptr);
  const Commune* paris = ref.by_insee("75056");
  EXPECT_NE(m.commune->latitude, paris->latitude);
  EXPECT_GT(m.commune->longitude, paris->longitude);  // the 20e lies east of the centre
}

TEST_F(PlaceQueryTest, MisspeltNameWithoutAClearWinnerIsAnErrorWithSuggestions) {
  const PlaceMatch m = resolver.resolve("Mans");
  EXPECT_EQ(m.status, PlaceStatus::kUnknown);
  EXPECT_EQ(m.commune, nullptr);
  ASSERT_FALSE(m.alternatives.empty());
  EXPECT_LE(m.alternatives.size(), 5u);
  EXPECT_EQ(m.error.rfind("aucune commune ne s'appelle « Mans ». Vouliez-vous dire : ", 0), 0u)
      << m.error;
}

TEST_F(PlaceQueryTest, StreetAddresses) {
  EXPECT_TRUE(looks_like_street_address("12 rue Mercière 69002 Lyon"));
  EXPECT_TRUE(looks_like_street_address("place Bellecour Lyon"));
  EXPECT_TRUE(looks_like_street_address("3 bis allée des Tilleuls, Brest"));
  EXPECT_TRUE(looks_like_street_address("12 Kerichen Brest"));
  for (const char* commune : {"Paris 20e", "Saint-Denis 93", "69003 Lyon", "Lyon", "Le Mans",
                              "Marseille 13e arrondissement", "Saint-Denis (974)", "75020", "Rue"})
    EXPECT_FALSE(looks_like_street_address(commune)) << commune;
}

TEST_F(PlaceQueryTest, AroundPhrase) {
  EXPECT_EQ(around("Lyon"), "autour de Lyon");
  EXPECT_EQ(around("Angoulême"), "autour d'Angoulême");
  EXPECT_EQ(around("Œuilly (51)"), "autour d'Œuilly (51)");
  EXPECT_EQ(around("Le Mans"), "autour du Mans");
  EXPECT_EQ(around("Les Mureaux"), "autour des Mureaux");
  EXPECT_EQ(around("La Rochelle"), "autour de La Rochelle");
  EXPECT_EQ(around("Lesneven"), "autour de Lesneven");
}

TEST_F(PlaceQueryTest, BadInputIsAnAnswer) {
  for (std::string text :
       {std::string("\xff\xfe"), std::string(300, 'a'), std::string("(((("), std::string(")"),
        std::string(","), std::string("()"), std::string("(93)"), std::string(" , 93")}) {
    const PlaceMatch m = resolver.resolve(text);
    EXPECT_EQ(m.status, PlaceStatus::kUnknown) << text;
    EXPECT_FALSE(m.error.empty()) << text;
  }
}

TEST_F(PlaceQueryTest, SameResolverForTheSameReferenceFromEveryThread) {
  std::vector<const PlaceResolver*> seen(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i)
    threads.emplace_back([&, i] {
      seen[i] = &PlaceResolver::of(ref);
      EXPECT_EQ(seen[i]->resolve("Saint-Denis (93)").commune, ref.by_insee("93066"));
    });
  for (auto& t : threads) t.join();
  for (const PlaceResolver* r : seen) EXPECT_EQ(r, &resolver);
}

}  // namespace
}  // namespace maillage::territory
