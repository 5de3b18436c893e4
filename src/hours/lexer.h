// Tokens of an opening_hours expression. Private to src/hours (the parser's input).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hours/ast.h"

namespace maillage::hours::detail {

enum class TokenKind : std::uint8_t {
  kNumber,        // "09", "2024"; `number` holds the value, `text` the digits
  kWord,          // letters; `text` is lower-cased (ASCII)
  kColon,         // ":"
  kDot,           // "." (tolerated as an hour/minute separator)
  kComma,         // ","
  kSemicolon,     // ";"
  kFallback,      // "||"
  kDash,          // "-" (also "–" and "—", tolerated)
  kPlus,          // "+"
  kSlash,         // "/"
  kOpenBracket,   // "["
  kCloseBracket,  // "]"
  kOpenParen,     // "("
  kCloseParen,    // ")"
  kComment,       // "text" (quotes removed)
  kTwentyFourSeven,  // "24/7"
  kOther,         // any other character: always an error for the parser
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::size_t position = 0;  // byte offset in the source
  std::size_t length = 0;    // bytes
  bool space_before = false;
  bool typographic = false;  // kDash written "–" or "—"
  std::int64_t number = 0;
  std::string text;
};

struct LexResult {
  std::vector<Token> tokens;  // ends with a kEnd token
  std::optional<Problem> error;
};

LexResult lex(std::string_view source);

// 1-based column in code points of a byte offset.
std::size_t column_of(std::string_view source, std::size_t position);

Problem make_problem(std::string_view source, std::size_t position, std::string code,
                     std::string message);

}  // namespace maillage::hours::detail
