#include <gtest/gtest.h>

#include "text/tokenize.h"

namespace maillage::text {
namespace {

std::vector<std::string> folded(std::string_view s) {
  std::vector<std::string> out;
  for (const auto& t : tokenize(s)) out.push_back(t.folded);
  return out;
}

TEST(TextTokenize, WordsElisionsAndPunctuation) {
  EXPECT_EQ(folded("L'Espace Public Numérique (EPN) — Saint-Étienne"),
            (std::vector<std::string>{"l", "espace", "public", "numerique", "epn", "saint",
                                      "etienne"}));
  EXPECT_EQ(folded("l’œuvre"), (std::vector<std::string>{"l", "oeuvre"}));
  EXPECT_TRUE(tokenize("le")[0].stop_word);
  EXPECT_FALSE(tokenize("bibliothèque")[0].stop_word);
  EXPECT_TRUE(folded("  ,;  ").empty());
}

TEST(TextTokenize, StemBeforeFoldingMatchesSingularAndPlural) {
  EXPECT_EQ(stem_word("médiathèques"), stem_word("Médiathèque"));
  EXPECT_EQ(stem_word("numériques"), stem_word("numérique"));
  EXPECT_EQ(stem_word("ateliers"), stem_word("atelier"));
  EXPECT_EQ(tokenize("Médiathèques")[0].stem, stem_word("médiathèque"));
}

}  // namespace
}  // namespace maillage::text
