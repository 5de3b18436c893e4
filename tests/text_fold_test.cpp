#include <gtest/gtest.h>

#include "text/fold.h"

namespace maillage::text {
namespace {

TEST(TextFold, CaseAccentsLigaturesApostrophes) {
  EXPECT_EQ(fold("Médiathèque"), "mediatheque");
  EXPECT_EQ(fold("ŒUVRE  Cœur"), "oeuvre coeur");
  EXPECT_EQ(fold("ex æquo"), "ex aequo");
  EXPECT_EQ(fold("l’espace"), "l'espace");
  EXPECT_EQ(fold("  ÉTAPES\u00a0numériques "), "etapes numeriques");
  EXPECT_EQ(fold("PLAIN ascii"), "plain ascii");
}

TEST(TextFold, KeyDropsPunctuation) {
  EXPECT_EQ(fold_key("Saint-Étienne (Loire)"), "saint etienne loire");
  EXPECT_EQ(fold_key("Étapes numériques (La Poste)"), fold_key("Étapes numériques(La Poste)"));
  EXPECT_EQ(fold_key("L'Abergement-Clémenciat"), "l abergement clemenciat");
  EXPECT_EQ(fold_key("---"), "");
}

TEST(TextFold, InvalidUtf8DoesNotCrash) {
  std::string bad = "abc\xC3\x28\xFF";
  EXPECT_FALSE(fold(bad).empty());
  EXPECT_NO_FATAL_FAILURE(fold_key(bad));
}

}  // namespace
}  // namespace maillage::text
