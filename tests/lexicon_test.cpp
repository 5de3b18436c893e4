// The lexicon of needs (data/lexique) and the reading of a need typed in ordinary French
// (search/understand.h): the lexicon's own rules, and tests/cases/understand_queries.tsv.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "search/lexicon.h"
#include "search/understand.h"
#include "support/test_support.h"
#include "territory/reference.h"
#include "text/fold.h"

namespace maillage {
namespace {

using search::Lexicon;
using search::understand;

TEST(Lexicon, BundledLoadsAndEveryEntryMapsToTheStandard) {
  std::string error;
  auto lex = Lexicon::load(testing::repo_dir() / "data/lexique", &error);
  ASSERT_TRUE(lex) << error;
  EXPECT_GE(lex->needs().size(), 80u);
  for (const auto& n : lex->needs()) {
    EXPECT_FALSE(n.values.empty() && n.identity_values.empty()) << n.id;
    EXPECT_FALSE(n.triggers.empty()) << n.id;
    EXPECT_FALSE(n.sources.empty()) << n.id << " : sans source";
  }
  // The themes of La Coop (data/standard/activites-coop.tsv seeds the lexicon): the standard's
  // nine services are each reachable.
  for (const char* service : {"Aide aux démarches administratives",
                              "Maîtrise des outils numériques du quotidien",
                              "Insertion professionnelle via le numérique",
                              "Utilisation sécurisée du numérique",
                              "Parentalité et éducation avec le numérique",
                              "Loisirs et créations numériques", "Compréhension du monde numérique",
                              "Accès internet et matériel informatique",
                              "Acquisition de matériel informatique à prix solidaire"}) {
    bool found = false;
    for (const auto& n : lex->needs())
      for (const auto* list : {&n.values, &n.weak_values})
        for (const auto& [field, value] : *list) found |= field == "services" && value == service;
    EXPECT_TRUE(found) << service;
  }
}

// Every trigger read alone is its own need (or, when several needs share words, a need), and
// never a place: no entry maps an ordinary word onto a commune.
TEST(Lexicon, EveryTriggerReadAloneIsANeedNeverACommune) {
  const auto& lex = Lexicon::bundled();
  const auto& territory = territory::Reference::bundled();
  std::size_t checked = 0;
  for (const auto& n : lex.needs())
    for (const auto& trigger : n.triggers) {
      const auto u = understand(trigger, lex, territory);
      EXPECT_EQ(u.commune, nullptr) << "« " << trigger << " » (" << n.id << ") lu comme la commune "
                                    << u.commune->nom;
      const bool found = std::find(u.needs.begin(), u.needs.end(), &n) != u.needs.end() ||
                         std::find(u.preferences.begin(), u.preferences.end(), &n) !=
                             u.preferences.end();
      EXPECT_TRUE(found) << "« " << trigger << " » ne donne pas le besoin " << n.id;
      ++checked;
    }
  EXPECT_GT(checked, 1000u);
}

TEST(Lexicon, ABrokenFileIsRefusedWithTheLineColumnAndRule) {
  testing::TempDir dir;
  auto write = [&](const std::string& body) {
    std::ofstream(dir / "besoins.tsv") << body;
    std::ofstream(dir / "mots_neutres.txt") << "aide\n";
  };
  const std::string header =
      "besoin\tlibelle\tcategorie\trole\tdeclencheurs\tservices\tpublics\tprise_en_charge\t"
      "dispositifs\ttypologies\tfrais\tmodalites_accompagnement\tsources\n";
  struct Bad {
    std::string row, expected;
  };
  const Bad cases[] = {
      {"impots\timpôts\tdemarches\tbesoin\timpots\tDémarches\t\t\t\t\t\t\tx\n",
       "ligne 2, colonne services : « Démarches » n'est pas une valeur de services"},
      {"impots\timpôts\tdemarches\tbesoin\timpots\t\t\t\t\tXYZ\t\t\tx\n",
       "ligne 2, colonne typologies : « XYZ » n'est pas une valeur de typologie"},
      {"impots\timpôts\tdemarches\tobligatoire\timpots\tAide aux démarches administratives\t\t\t\t\t\t\tx\n",
       "ligne 2, colonne role"},
      {"impots\timpôts\tdemarches\tbesoin\tle|impots\tAide aux démarches administratives\t\t\t\t\t\t\tx\n",
       "ligne 2, colonne declencheurs : « le » n'a aucun mot qui compte"},
      {"impots\timpôts\tdemarches\tbesoin\timpots\t\t\t\t\t\t\t\tx\n",
       "ligne 2, colonne services : le besoin ne correspond à aucune valeur du standard"},
      {"a\tA\tdemarches\tbesoin\timpots\tAide aux démarches administratives\t\t\t\t\t\t\tx\n"
       "b\tB\tdemarches\tbesoin\tImpôts\tAide aux démarches administratives\t\t\t\t\t\t\tx\n",
       "ligne 3, colonne declencheurs : « Impôts » est déjà un déclencheur, ligne 2"},
      {"impots\timpôts\tdemarches\tbesoin\timpots\n", "ligne 2 : 5 colonnes au lieu de 13"},
  };
  for (const auto& c : cases) {
    write(header + c.row);
    std::string error;
    EXPECT_FALSE(Lexicon::load(dir.path(), &error)) << c.row;
    EXPECT_NE(error.find(c.expected), std::string::npos) << error;
  }
  write(header + "impots\timpôts\tdemarches\tbesoin\timpots|déclaration de revenus\t"
                 "Aide aux démarches administratives\t\t\t\tRFS\t\t\tx\n");
  std::string error;
  EXPECT_TRUE(Lexicon::load(dir.path(), &error)) << error;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

TEST(Understanding, CaseTable) {
  std::ifstream in(testing::repo_dir() / "tests/cases/understand_queries.tsv");
  ASSERT_TRUE(in);
  std::string line;
  bool header = true;
  std::size_t cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    auto cols = testing::split_tsv(line);
    cols.resize(5);
    const auto u = understand(cols[0], Lexicon::bundled(), territory::Reference::bundled());
    std::vector<std::string> needs, preferences;
    for (const auto* n : u.needs) needs.push_back(n->id);
    for (const auto* n : u.preferences) preferences.push_back(n->id);
    EXPECT_EQ(needs, split_list(cols[1])) << cols[0];
    EXPECT_EQ(preferences, split_list(cols[2])) << cols[0];
    EXPECT_EQ(u.commune ? u.commune->code_insee : "", cols[3]) << cols[0];
    EXPECT_EQ(text::fold(u.free_text), text::fold(cols[4])) << cols[0];
    ++cases;
  }
  EXPECT_GE(cases, 20u);
}

}  // namespace
}  // namespace maillage
