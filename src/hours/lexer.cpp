#include "hours/lexer.h"

#include <cctype>

namespace maillage::hours {

std::string Problem::to_french() const {
  return "colonne " + std::to_string(column) + " : " + message;
}

namespace detail {
namespace {

bool is_ascii_letter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Length of the white space at `i` (ASCII blanks, U+00A0 and U+202F), 0 when none.
std::size_t space_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
  if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) == 0xAF)
    return 3;
  return 0;
}

// "–" (U+2013) and "—" (U+2014) are read as "-".
std::size_t typographic_dash_length(std::string_view s, std::size_t i) {
  if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 &&
      static_cast<unsigned char>(s[i + 1]) == 0x80) {
    const auto c = static_cast<unsigned char>(s[i + 2]);
    if (c == 0x93 || c == 0x94) return 3;
  }
  return 0;
}

// A UTF-8 sequence starting with a byte >= 0xC3 is taken as part of a word (accented letters).
std::size_t letter_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (is_ascii_letter(c)) return 1;
  if (c >= 0xC3 && c <= 0xC5 && i + 1 < s.size()) return 2;  // Latin-1 supplement, Latin A
  return 0;
}

std::size_t utf8_sequence_length(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if ((c & 0xF8) == 0xF0) return 4;
  return 1;
}

}  // namespace

std::size_t column_of(std::string_view source, std::size_t position) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < position && i < source.size(); ++i)
    if ((static_cast<unsigned char>(source[i]) & 0xC0) != 0x80) ++column;
  return column;
}

Problem make_problem(std::string_view source, std::size_t position, std::string code,
                     std::string message) {
  Problem p;
  p.position = position;
  p.column = column_of(source, position);
  p.code = std::move(code);
  p.message = std::move(message);
  return p;
}

LexResult lex(std::string_view s) {
  LexResult result;
  std::size_t i = 0;
  bool space = false;
  auto push = [&](TokenKind kind, std::size_t start, std::size_t length) -> Token& {
    Token t;
    t.kind = kind;
    t.position = start;
    t.length = length;
    t.space_before = space;
    space = false;
    result.tokens.push_back(std::move(t));
    return result.tokens.back();
  };
  while (i < s.size()) {
    if (const std::size_t n = space_length(s, i)) {
      i += n;
      space = true;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (std::isdigit(c)) {
      if (s.substr(i, 4) == "24/7" && (i + 4 == s.size() || !std::isdigit(static_cast<unsigned char>(s[i + 4])))) {
        push(TokenKind::kTwentyFourSeven, i, 4);
        i += 4;
        continue;
      }
      std::size_t j = i;
      std::int64_t value = 0;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
        if (value < 1'000'000'000) value = value * 10 + (s[j] - '0');
        ++j;
      }
      Token& t = push(TokenKind::kNumber, i, j - i);
      t.number = value;
      t.text = std::string(s.substr(i, j - i));
      i = j;
      continue;
    }
    if (letter_length(s, i) > 0) {
      std::size_t j = i;
      while (j < s.size()) {
        const std::size_t n = letter_length(s, j);
        if (n == 0) break;
        j += n;
      }
      Token& t = push(TokenKind::kWord, i, j - i);
      t.text = std::string(s.substr(i, j - i));
      for (char& ch : t.text)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      i = j;
      continue;
    }
    if (c == '"') {
      const std::size_t close = s.find('"', i + 1);
      if (close == std::string_view::npos) {
        result.error = make_problem(s, i, "hours.comment.unterminated",
                                    "le commentaire ouvert par « \" » n'est jamais fermé");
        return result;
      }
      if (close == i + 1) {
        result.error = make_problem(s, i, "hours.comment.empty",
                                    "commentaire vide « \"\" » : écrivez un texte ou retirez les guillemets");
        return result;
      }
      Token& t = push(TokenKind::kComment, i, close + 1 - i);
      t.text = std::string(s.substr(i + 1, close - i - 1));
      i = close + 1;
      continue;
    }
    if (const std::size_t n = typographic_dash_length(s, i)) {
      push(TokenKind::kDash, i, n).typographic = true;
      i += n;
      continue;
    }
    TokenKind kind = TokenKind::kOther;
    std::size_t length = 1;
    switch (c) {
      case ':': kind = TokenKind::kColon; break;
      case '.': kind = TokenKind::kDot; break;
      case ',': kind = TokenKind::kComma; break;
      case ';': kind = TokenKind::kSemicolon; break;
      case '-': kind = TokenKind::kDash; break;
      case '+': kind = TokenKind::kPlus; break;
      case '/': kind = TokenKind::kSlash; break;
      case '[': kind = TokenKind::kOpenBracket; break;
      case ']': kind = TokenKind::kCloseBracket; break;
      case '(': kind = TokenKind::kOpenParen; break;
      case ')': kind = TokenKind::kCloseParen; break;
      case '|':
        if (i + 1 < s.size() && s[i + 1] == '|') {
          kind = TokenKind::kFallback;
          length = 2;
        }
        break;
      default:
        length = std::min(utf8_sequence_length(c), s.size() - i);
        break;
    }
    Token& t = push(kind, i, length);
    if (kind == TokenKind::kOther) t.text = std::string(s.substr(i, length));
    i += length;
  }
  push(TokenKind::kEnd, s.size(), 0);
  return result;
}

}  // namespace detail
}  // namespace maillage::hours
