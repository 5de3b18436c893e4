// French text into search terms: words, folded (text/fold.h), with their Snowball French stem.
// The stem is computed on the lower-cased accented word, then folded ("médiathèques" →
// "mediathequ"), because the French stemmer relies on accents.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace maillage::text {

struct Token {
  std::string folded;    // "mediatheques"
  std::string stem;      // "mediathequ" (folded stem)
  bool stop_word = false;  // "le", "de", "l" (elision)...
};

// Splits on every character that is neither a letter nor a digit (apostrophes too: "l'espace"
// gives "l" and "espace"). Thread-safe (one stemmer per thread).
std::vector<Token> tokenize(std::string_view utf8);

// The token of one word as split by for_each_word; false when folding leaves nothing.
bool token_of(std::string_view word, Token& out);

// Calls fn(word) for every word of `utf8`, unfolded, as tokenize() splits them (for callers
// that cache tokens by word).
template <typename Fn>
void for_each_word(std::string_view utf8, Fn&& fn);

namespace detail {
// The byte length of the run of word characters (or of non-word characters) at utf8[at].
std::size_t word_run(std::string_view utf8, std::size_t at, bool& is_word);
}  // namespace detail

template <typename Fn>
void for_each_word(std::string_view utf8, Fn&& fn) {
  for (std::size_t at = 0; at < utf8.size();) {
    bool is_word = false;
    const std::size_t n = detail::word_run(utf8, at, is_word);
    if (is_word) fn(utf8.substr(at, n));
    at += n;
  }
}

// The folded stem of one folded-or-not word.
std::string stem_word(std::string_view word);

// French stop words and elisions, folded.
bool is_stop_word(std::string_view folded);

}  // namespace maillage::text
