#include "search/understand.h"

#include <algorithm>

#include "territory/place_query.h"
#include "territory/reference.h"
#include "text/fold.h"
#include "text/tokenize.h"

namespace maillage::search {
namespace {

constexpr std::size_t kLongestCommuneName = 6;  // words: "saint martin d heres" ...
constexpr std::int64_t kPopulationOfALoneWord = 2000;

bool is_number(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A word after which a commune is expected: "à Lyon", "près de Brest", "sur Angoulême".
bool place_preposition(const std::string& folded) {
  static const char* kWords[] = {"a", "au", "aux", "sur", "vers", "pres", "autour", "proche",
                                 "cote", "dans", "de", "du", "en"};
  return std::any_of(std::begin(kWords), std::end(kWords),
                     [&](const char* w) { return folded == w; });
}

// The commune `words` name exactly (case, accents, hyphens aside), or a district
// ("paris 20e"): the most populated of homonyms. nullptr when none.
const territory::Commune* commune_named(const territory::Reference& territory,
                                        const std::string& words) {
  if (const auto* c = territory.resolve("", words)) return c;
  const std::string key = text::fold_key(words);
  for (const auto* c : territory.search_by_name(words, 20))
    if (text::fold_key(c->nom) == key) return c;
  return nullptr;
}

// A district code (69003, 75020, 13015) means the district, not the whole city: the
// resolver of « Où ? » lists districts first.
const territory::Commune* commune_of_postal_code(const territory::Reference& territory,
                                                 std::string_view code) {
  const auto list = territory::PlaceResolver::of(territory).postal_code_entries(code);
  return list.empty() ? nullptr : list.front();
}

}  // namespace

namespace {

// The commune named by the free tokens [i, i + len), or null; `counted`: its words that are not
// stop words.
const territory::Commune* commune_at(const territory::Reference& territory,
                                     const std::vector<std::string>& raw,
                                     const std::vector<text::Token>& tokens, std::size_t i,
                                     std::size_t len, std::size_t& counted, std::string& words) {
  words.clear();
  counted = 0;
  for (std::size_t k = i; k < i + len; ++k) {
    words += (words.empty() ? "" : " ") + raw[k];
    counted += !tokens[k].stop_word;
  }
  if (tokens[i + len - 1].stop_word) return nullptr;
  return commune_named(territory, words);
}

}  // namespace

Understanding understand(std::string_view query, const Lexicon& lexicon,
                         const territory::Reference& territory) {
  Understanding u;
  std::vector<text::Token> tokens;
  std::vector<std::string> raw;  // each token's word as typed
  text::for_each_word(query, [&](std::string_view word) {
    text::Token t;
    if (!text::token_of(word, t)) return;
    tokens.push_back(std::move(t));
    raw.emplace_back(word);
  });
  std::vector<bool> used(tokens.size(), false);
  auto take_commune = [&](const territory::Commune* c, std::size_t i, std::size_t len,
                          const std::string& words) {
    u.commune = c;
    u.commune_words = words;
    for (std::size_t k = i; k < i + len; ++k) used[k] = true;
    // A preposition before the place belongs to it ("à Lyon").
    if (i > 0 && !used[i - 1] && place_preposition(tokens[i - 1].folded)) used[i - 1] = true;
  };
  auto is_article = [&](std::size_t i) {
    return tokens[i].folded == "la" || tokens[i].folded == "le" || tokens[i].folded == "les";
  };

  // 1. A commune of several words first: "Saint-Cloud" holds "cloud", "Saint-Cyr-l'École"
  // holds "école", needs of the lexicon.
  for (std::size_t i = 0; i < tokens.size() && !u.commune; ++i) {
    if (tokens[i].stop_word && !is_article(i)) continue;
    const std::size_t longest = std::min(kLongestCommuneName, tokens.size() - i);
    for (std::size_t len = longest; len >= 2 && !u.commune; --len) {
      std::size_t counted = 0;
      std::string words;
      const auto* c = commune_at(territory, raw, tokens, i, len, counted, words);
      if (c && counted >= 2) take_commune(c, i, len, words);
    }
  }

  // 2. Needs. A word one typo away from a trigger that is exactly the name of a town is the
  // town ("Bourges" is not "bourses").
  for (const auto& m : lexicon.match(tokens, &used)) {
    if (m.typo && !u.commune) {
      const auto* c = commune_named(territory, raw[m.first]);
      if (c && c->population >= kPopulationOfALoneWord) continue;
    }
    std::vector<std::string> words;
    for (std::size_t k = m.first; k < m.first + m.count; ++k) {
      used[k] = true;
      if (!tokens[k].stop_word) words.push_back(tokens[k].folded);
    }
    auto& list = m.need->preference ? u.preferences : u.needs;
    if (std::find(list.begin(), list.end(), m.need) != list.end()) continue;
    list.push_back(m.need);
    if (!m.need->preference) u.need_words.push_back(std::move(words));
  }

  // 3. Otherwise the place: a postal code, or a commune of one word where a place is expected.
  for (std::size_t i = 0; i < tokens.size() && !u.commune; ++i) {
    if (used[i] || (tokens[i].stop_word && !is_article(i))) continue;
    if (is_number(tokens[i].folded) && tokens[i].folded.size() == 5) {
      if (const auto* c = commune_of_postal_code(territory, tokens[i].folded))
        take_commune(c, i, 1, raw[i]);
      continue;
    }
    std::size_t longest = 0;
    while (longest < kLongestCommuneName && i + longest < tokens.size() && !used[i + longest])
      ++longest;
    for (std::size_t len = longest; len >= 1 && !u.commune; --len) {
      std::size_t counted = 0;
      std::string words;
      const auto* c = commune_at(territory, raw, tokens, i, len, counted, words);
      if (!c) continue;
      if (counted < 2) {
        // One word: is it meant as a place? After a preposition, or ending the query, and
        // the name of a town rather than of a hamlet that shares an ordinary word.
        const bool after_preposition = i > 0 && place_preposition(tokens[i - 1].folded);
        const bool last = i + len == tokens.size();
        if (!(after_preposition || last) || c->population < kPopulationOfALoneWord) continue;
        if (lexicon.neutral_at(tokens, i) > 0) continue;
      }
      take_commune(c, i, len, words);
    }
  }

  // 4. Neutral words; what is left is searched in the places' text.
  for (std::size_t i = 0; i < tokens.size();) {
    if (used[i]) {
      ++i;
      continue;
    }
    if (const std::size_t n = lexicon.neutral_at(tokens, i)) {
      for (std::size_t k = i; k < i + n; ++k) {
        used[k] = true;
        u.dropped.push_back(raw[k]);
      }
      i += n;
      continue;
    }
    if (!tokens[i].stop_word) u.free_text += (u.free_text.empty() ? "" : " ") + raw[i];
    ++i;
  }
  return u;
}

std::string understood_labels(const Understanding& u) {
  std::string out;
  for (const auto* list : {&u.needs, &u.preferences})
    for (const Need* n : *list) out += (out.empty() ? "" : " · ") + n->label;
  return out;
}

}  // namespace maillage::search
