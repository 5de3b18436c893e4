#include <gtest/gtest.h>

#include "common/utf8.h"
#include "place/value_rules.h"

namespace maillage::place::rules {
namespace {

std::string phone_or_empty(std::string_view raw, std::string_view dep = "") {
  auto p = telephone(raw, dep);
  return p ? p->number.value : "";
}

TEST(ValueRules, Telephone) {
  EXPECT_EQ(phone_or_empty("+33180059880"), "+33180059880");
  EXPECT_EQ(phone_or_empty("01 80 05 98 80"), "+33180059880");
  EXPECT_EQ(phone_or_empty("01.80.05.98.80"), "+33180059880");
  EXPECT_EQ(phone_or_empty("+33 (0)1 80 05 98 80"), "+33180059880");
  EXPECT_EQ(phone_or_empty("0033180059880"), "+33180059880");
  EXPECT_EQ(phone_or_empty("0262 12 34 56"), "+262262123456");
  EXPECT_EQ(phone_or_empty("0696 12 34 56"), "+596696123456");
  EXPECT_EQ(phone_or_empty("27 12 34", "988"), "+687271234");
  EXPECT_EQ(phone_or_empty("40 12 34 56", "987"), "+68940123456");
  EXPECT_EQ(phone_or_empty("27 12 34", "75"), "");
  EXPECT_EQ(phone_or_empty("mairie"), "");
  EXPECT_EQ(phone_or_empty("+44 20 7946 0958"), "");
  EXPECT_TRUE(telephone("01 02 03 04 05 ou 06 07 08 09 10", "")->several);
}

TEST(ValueRules, PostalAndInseeCodes) {
  EXPECT_EQ(code_postal("01400")->value, "01400");
  EXPECT_EQ(code_postal("1400")->value, "01400");
  EXPECT_FALSE(code_postal("140"));
  EXPECT_FALSE(code_postal("75O01"));
  EXPECT_EQ(code_insee("2a004")->value, "2A004");
  EXPECT_EQ(code_insee("97411")->value, "97411");
  EXPECT_FALSE(code_insee("20004"));  // 20 is not a département since 1976
  EXPECT_FALSE(code_insee("2C004"));
}

TEST(ValueRules, DatesNumbersUrlsEmails) {
  EXPECT_EQ(date("2024-02-29")->value, "2024-02-29");
  EXPECT_FALSE(date("2023-02-29"));
  EXPECT_EQ(date("31/12/2023")->value, "2023-12-31");
  EXPECT_FALSE(date("2023-13-01"));
  EXPECT_EQ(*number("43,5"), 43.5);
  EXPECT_FALSE(number("nan"));
  EXPECT_FALSE(number("1e999"));
  EXPECT_EQ(url("https://exemple.fr/a?b")->value, "https://exemple.fr/a?b");
  EXPECT_TRUE(url("www.exemple.fr")->corrected);
  EXPECT_FALSE(url("https://"));
  EXPECT_FALSE(url("http://exemple .fr"));
  EXPECT_EQ(email("mailto:a.b@exemple.fr")->value, "a.b@exemple.fr");
  EXPECT_FALSE(email("a@b"));
  EXPECT_FALSE(email("a@@b.fr"));
  EXPECT_EQ(pivot("434 933 123 00029")->value, "43493312300029");
  EXPECT_FALSE(pivot("W123"));
}

TEST(ValueRules, PlainTextOfHtml) {
  struct Case {
    std::string_view in;
    bool keep_lines;
    std::string_view want;
    bool corrected;
  };
  const Case cases[] = {
      {"<p>Accueil libre<br />sur RDV</p>", false, "Accueil libre. sur RDV", true},
      {"<p>Accueil libre<br />sur RDV</p>", true, "Accueil libre\nsur RDV", true},
      {"<P>Ateliers :</P><UL><LI>lundi</LI><LI>mardi</LI></UL>", false, "Ateliers : lundi. mardi",
       true},
      {"Caf&eacute; &amp; num&eacute;rique&nbsp;!", false, "Café & numérique !", true},
      {"L&#39;espace &#x2013; l&rsquo;atelier", false, "L'espace – l’atelier", true},
      {"<b>Espace</b>  <i>public</i>", false, "Espace public", true},
      {"a<!-- note -->b", false, "ab", true},
      {"R&D < 5 ans", false, "R&D < 5 ans", false},  // no tag, no reference
      {"Paris <> Lyon & co;", false, "Paris <> Lyon & co;", false},
      {"&inconnu; &#0; &#xD800;", false, "&inconnu; &#0; &#xD800;", false},
      {"sans balise", false, "sans balise", false},
      {"<br><br>", false, "", true},
  };
  for (const auto& c : cases) {
    auto n = plain_text(c.in, c.keep_lines);
    EXPECT_EQ(n.value, c.want) << c.in;
    EXPECT_EQ(n.corrected, c.corrected) << c.in;
  }
}

}  // namespace
// Text fields keep one plain space between words: runs of spaces, tabs, line breaks and the
// non-breaking spaces of word processors (U+00A0, U+202F) become one ' ', none at the ends.
TEST(ValueRules, CollapseSpaces) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},
      {"   \t\n ", ""},
      {"Médiathèque", "Médiathèque"},
      {"  Espace   public\tnumérique \r\n", "Espace public numérique"},
      {"a\xC2\xA0\xE2\x80\xAF b", "a b"},            // U+00A0 U+202F then a space
      {"\xC2\xA0Maison France\xC2\xA0Services\xE2\x80\xAF", "Maison France Services"},
      {"x\xC2y \xE2\x80z", "x\xC2y \xE2\x80z"},     // lone lead bytes are not spaces
      {"a b c", "a b c"},
      {"1\f2\v3", "1 2 3"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(maillage::utf8::collapse_spaces(in), want) << in;
}

}  // namespace maillage::place::rules
