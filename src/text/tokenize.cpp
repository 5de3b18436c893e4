#include "text/tokenize.h"

#include <libstemmer.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <memory>

#include "text/fold.h"

namespace maillage::text {
namespace {

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};

sb_stemmer* thread_stemmer() {
  thread_local std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer(
      sb_stemmer_new("french", "UTF_8"));
  return stemmer.get();
}

constexpr std::array<std::string_view, 64> kStopWords = {
    "a",    "au",   "aux",  "avec", "c",    "ce",   "ces",   "d",     "dans", "de",   "des",
    "du",   "elle", "en",   "et",   "eux",  "il",   "j",     "je",    "l",    "la",   "le",
    "les",  "leur", "lui",  "m",    "ma",   "mais", "me",    "mes",   "moi",  "mon",  "n",
    "ne",   "nos",  "notre", "nous", "on",  "ou",   "par",   "pas",   "pour", "qu",   "que",
    "qui",  "s",    "sa",   "se",   "ses",  "son",  "sur",   "t",     "ta",   "te",   "tes",
    "toi",  "ton",  "tu",   "un",   "une",  "vos",  "votre", "vous",  "y"};

// Lower-cases a word keeping its accents (the stemmer's input).
std::string lower_keep_accents(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  for (int32_t i = 0; i < static_cast<int32_t>(word.size());) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(word.data()), i, static_cast<int32_t>(word.size()), c);
    if (c < 0) continue;
    c = u_tolower(c);
    uint8_t buf[4];
    int32_t n = 0;
    UBool error = false;
    U8_APPEND(buf, n, 4, c, error);
    if (!error) out.append(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace

bool is_stop_word(std::string_view folded) {
  return std::binary_search(kStopWords.begin(), kStopWords.end(), folded);
}

std::string stem_word(std::string_view word) {
  std::string lower = lower_keep_accents(word);
  const sb_symbol* s = sb_stemmer_stem(thread_stemmer(),
                                       reinterpret_cast<const sb_symbol*>(lower.data()),
                                       static_cast<int>(lower.size()));
  if (!s) return fold(lower);
  std::string_view stemmed(reinterpret_cast<const char*>(s),
                           static_cast<std::size_t>(sb_stemmer_length(thread_stemmer())));
  return fold(stemmed);
}

namespace detail {

std::size_t word_run(std::string_view utf8, std::size_t at, bool& is_word) {
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto n = static_cast<int32_t>(utf8.size());
  auto i = static_cast<int32_t>(at);
  bool first = true;
  while (i < n) {
    const int32_t before = i;
    UChar32 c;
    bool word_char;
    if (p[i] < 0x80) {  // ASCII, most of the text: no call into ICU
      c = p[i++];
      word_char = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    } else {
      U8_NEXT(p, i, n, c);
      word_char = c >= 0 && (u_isalnum(c) || u_getCombiningClass(c) != 0);
    }
    if (first) {
      is_word = word_char;
      first = false;
    } else if (word_char != is_word) {
      return static_cast<std::size_t>(before) - at;
    }
  }
  return static_cast<std::size_t>(i) - at;
}

}  // namespace detail

bool token_of(std::string_view word, Token& t) {
  t.folded = fold(word);
  // Folding may expand (œ → oe) but never splits; drop anything folding made empty.
  if (t.folded.empty()) return false;
  t.stop_word = is_stop_word(t.folded);
  t.stem = t.stop_word ? t.folded : stem_word(word);
  return true;
}

std::vector<Token> tokenize(std::string_view utf8) {
  std::vector<Token> tokens;
  for_each_word(utf8, [&](std::string_view word) {
    Token t;
    if (token_of(word, t)) tokens.push_back(std::move(t));
  });
  return tokens;
}

}  // namespace maillage::text
