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

// The folded stem of one folded-or-not word.
std::string stem_word(std::string_view word);

// French stop words and elisions, folded.
bool is_stop_word(std::string_view folded);

}  // namespace maillage::text
