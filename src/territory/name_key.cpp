#include "territory/name_key.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "common/utf8.h"
#include "text/fold.h"

namespace maillage::territory::detail {
namespace {

struct Parenthesised {
  std::string_view before;  // trimmed text before the last "(", or the whole name
  std::string_view inside;  // trimmed text inside the trailing "(...)"; empty when there is none
};

Parenthesised split_trailing_parentheses(std::string_view name) {
  name = utf8::trim(name);
  if (name.empty() || name.back() != ')') return {name, {}};
  const std::size_t open = name.rfind('(');
  if (open == std::string_view::npos || open == 0) return {name, {}};
  return {utf8::trim(name.substr(0, open)),
          utf8::trim(name.substr(open + 1, name.size() - open - 2))};
}

bool is_article(std::string_view text) {
  const std::string folded = text::fold(text);
  return folded == "le" || folded == "la" || folded == "les" || folded == "l'" || folded == "l";
}

std::vector<std::string_view> split_tokens(std::string_view key) {
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  while (start < key.size()) {
    std::size_t end = key.find(' ', start);
    if (end == std::string_view::npos) end = key.size();
    tokens.push_back(key.substr(start, end - start));
    start = end + 1;
  }
  return tokens;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string_view expand_saint(std::string_view token) {
  if (token == "st") return "saint";
  if (token == "ste") return "sainte";
  if (token == "sts") return "saints";
  if (token == "stes") return "saintes";
  return token;
}

// "15", "15e", "1er", "3eme", "3ieme", "2nd"... → the number, or 0 when `token` is not one.
int arrondissement_number(std::string_view token) {
  std::size_t digits = 0;
  while (digits < token.size() && digits < 2 && token[digits] >= '0' && token[digits] <= '9')
    ++digits;
  if (digits == 0) return 0;
  static constexpr std::array<std::string_view, 9> kSuffixes = {"",   "e",    "er", "ere", "eme",
                                                                "em", "ieme", "me", "nd"};
  const std::string_view suffix = token.substr(digits);
  bool known = false;
  for (std::string_view s : kSuffixes) known = known || suffix == s;
  if (!known) return 0;
  int n = 0;
  std::from_chars(token.data(), token.data() + digits, n);
  return n >= 1 && n <= 20 ? n : 0;
}

bool is_arrondissement_word(std::string_view token) {
  return token == "arrondissement" || token == "arrondissements" || token == "arr" ||
         token == "arrt" || token == "ardt" || token == "arrdt";
}

// "paris 15e arrondissement" → "paris 15"; empty when the tokens are not such a name.
std::string arrondissement_key(const std::vector<std::string_view>& tokens) {
  if (tokens.size() < 2) return {};
  if (tokens[0] != "paris" && tokens[0] != "lyon" && tokens[0] != "marseille") return {};
  const int n = arrondissement_number(tokens[1]);
  if (n == 0) return {};
  for (std::size_t i = 2; i < tokens.size(); ++i)
    if (!is_arrondissement_word(tokens[i])) return {};
  return std::string(tokens[0]) + ' ' + std::to_string(n);
}

std::string key_of_tokens(std::vector<std::string_view> tokens) {
  // A trailing "cedex" with at most a number after it is a postal routing mark, not a name.
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    if (tokens[i] != "cedex") continue;
    if (i + 1 == tokens.size() || (i + 2 == tokens.size() && all_digits(tokens[i + 1])))
      tokens.resize(i);
    break;
  }
  if (std::string arrondissement = arrondissement_key(tokens); !arrondissement.empty())
    return arrondissement;
  std::string key;
  for (std::string_view token : tokens) {
    if (!key.empty()) key += ' ';
    key += expand_saint(token);
  }
  return key;
}

}  // namespace

std::string commune_name_key(std::string_view name) {
  const Parenthesised p = split_trailing_parentheses(name);
  std::string folded;
  if (!p.inside.empty() && is_article(p.inside)) {
    std::string reordered(p.inside);
    reordered += ' ';
    reordered += p.before;
    folded = text::fold_key(reordered);
  } else {
    folded = text::fold_key(name);
  }
  return key_of_tokens(split_tokens(folded));
}

std::optional<std::string> rewrite_folded_name(std::string_view folded) {
  bool special = folded.starts_with("paris ") || folded.starts_with("lyon ") ||
                 folded.starts_with("marseille ");
  for (std::size_t start = 0; !special && start < folded.size();) {
    const std::size_t end = std::min(folded.find(' ', start), folded.size());
    const std::string_view token = folded.substr(start, end - start);
    special = token == "cedex" || expand_saint(token) != token;
    start = end + 1;
  }
  if (!special) return std::nullopt;
  std::string key = key_of_tokens(split_tokens(folded));
  if (key == folded) return std::nullopt;
  return key;
}

std::string commune_base_key(std::string_view name) {
  const Parenthesised p = split_trailing_parentheses(name);
  if (p.inside.empty() || p.before.empty() || is_article(p.inside)) return {};
  return commune_name_key(p.before);
}

std::vector<std::string> search_prefixes(std::string_view prefix) {
  const std::string folded = text::fold_key(prefix);
  const std::vector<std::string_view> tokens = split_tokens(folded);
  // "st " or "st-" is a complete word; "st" at the very end may still be "stenay".
  const auto last_byte = prefix.empty() ? 'x' : static_cast<unsigned char>(prefix.back());
  const bool last_complete = last_byte < 0x80 && !((last_byte >= 'a' && last_byte <= 'z') ||
                                                   (last_byte >= 'A' && last_byte <= 'Z') ||
                                                   (last_byte >= '0' && last_byte <= '9'));
  std::string head;
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    head += expand_saint(tokens[i]);
    head += ' ';
  }
  if (tokens.empty()) return {std::string()};
  const std::string_view last = tokens.back();
  if (last_complete) return {head + std::string(expand_saint(last))};
  std::vector<std::string> prefixes = {head + std::string(last)};
  if (last == "st" || last == "ste") prefixes.push_back(head + std::string(expand_saint(last)));
  return prefixes;
}

}  // namespace maillage::territory::detail
