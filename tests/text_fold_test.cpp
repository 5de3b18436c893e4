#include <gtest/gtest.h>

#include <cstdint>

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

// fold() folds one- and two-byte code points from a table: it must agree with ICU on the
// whole text for every code point of the Basic Multilingual Plane, ASCII context included.
TEST(TextFold, TablesAgreeWithIcuOnEveryBmpCodePoint) {
  for (char32_t cp = 1; cp < 0x10000; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string text = "A`\xC3\x89";  // "A`É": an ASCII character ICU folds differently
    if (cp < 0x80) {
      text += static_cast<char>(cp);
    } else if (cp < 0x800) {
      text += static_cast<char>(0xC0 | (cp >> 6));
      text += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      text += static_cast<char>(0xE0 | (cp >> 12));
      text += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      text += static_cast<char>(0x80 | (cp & 0x3F));
    }
    text += "b\xC5\x93 Z";  // "bœ Z"
    ASSERT_EQ(fold(text), detail::fold_with_icu(text)) << "U+" << std::hex << static_cast<std::uint32_t>(cp);
  }
}

TEST(TextFold, InvalidUtf8DoesNotCrash) {
  std::string bad = "abc\xC3\x28\xFF";
  EXPECT_FALSE(fold(bad).empty());
  EXPECT_NO_FATAL_FAILURE(fold_key(bad));
}

}  // namespace
}  // namespace maillage::text
