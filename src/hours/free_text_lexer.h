// Words, times and separators of French free-text hours. Private to src/hours (the input of
// free_text.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace maillage::hours::detail {

enum class TextKind {
  kTime,       // "9h", "9h30", "9 h 30", "09:00", "14:", "1730": `minutes`
  kNumber,     // a bare number: `value`
  kOrdinal,    // "1er", "2e", "3ème": `value`
  kDate,       // "14/04/2022": never a time
  kWord,       // letters; `word` is folded (lower case, no accents)
  kConnector,  // "-", "/", ",", ";", "|", "&", "+", "_", "*", ">", ":", ".", "'", "–", "à", "è"
  kOpenParen,
  kCloseParen,
  kOther,
};

struct TextToken {
  TextKind kind = TextKind::kOther;
  std::size_t begin = 0, end = 0;  // byte span in the cleaned text
  std::string word;                // kWord: folded; kConnector: the character
  int minutes = 0;                 // kTime
  int value = 0;                   // kNumber, kOrdinal
  bool guessed = false;            // kTime: one-digit minutes read as tens ("16h3" -> 16:30)
};

// HTML entities decoded (&amp; &nbsp; &#39; ...), white space runs folded into one space, trimmed.
std::string clean_free_text(std::string_view text);

// Tokens of cleaned text.
std::vector<TextToken> lex_free_text(std::string_view cleaned);

}  // namespace maillage::hours::detail
