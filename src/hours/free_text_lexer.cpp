#include "hours/free_text_lexer.h"

#include <cctype>

#include "text/fold.h"

namespace maillage::hours::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A letter of a word: ASCII, or a UTF-8 sequence of Latin-1 supplement / Latin Extended-A
// (accented letters), except "à" and "è" alone, which people use as "to".
std::size_t word_letter_length(std::string_view s, std::size_t i) {
  if (is_ascii_letter(s[i])) return 1;
  const auto c = static_cast<unsigned char>(s[i]);
  if ((c == 0xC3 || c == 0xC5) && i + 1 < s.size()) {
    const auto d = static_cast<unsigned char>(s[i + 1]);
    if (c == 0xC3 && (d == 0x97 || d == 0xB7)) return 0;  // × ÷
    return 2;
  }
  return 0;
}

std::size_t skip_spaces(std::string_view s, std::size_t i) {
  while (i < s.size() && s[i] == ' ') ++i;
  return i;
}

std::size_t digits_end(std::string_view s, std::size_t i) {
  while (i < s.size() && is_digit(s[i])) ++i;
  return i;
}

int number_of(std::string_view s, std::size_t from, std::size_t to) {
  int v = 0;
  for (std::size_t i = from; i < to && i < from + 6; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

bool is_hour_mark(std::string_view s, std::size_t i) {
  if (i >= s.size() || (s[i] != 'h' && s[i] != 'H')) return false;
  // "h" alone, or followed by digits or a non-letter: not the start of a word such as "hors".
  return i + 1 == s.size() || !is_ascii_letter(s[i + 1]) || s.substr(i + 1, 5) == "eures" ||
         s.substr(i + 1, 4) == "eure";
}

// Reads a number at `i` and whatever makes it a time, date or ordinal.
TextToken lex_number(std::string_view s, std::size_t& i) {
  TextToken t;
  t.begin = i;
  const std::size_t d_end = digits_end(s, i);
  const std::size_t n_digits = d_end - i;
  const int value = number_of(s, i, d_end);
  // Dates: 14/04/2022, 14/04/22, 14.04.2022.
  if (n_digits <= 2 && d_end < s.size() && (s[d_end] == '/' || s[d_end] == '.')) {
    const std::size_t m_end = digits_end(s, d_end + 1);
    if (m_end - d_end - 1 >= 1 && m_end - d_end - 1 <= 2 && m_end < s.size() && s[m_end] == s[d_end]) {
      const std::size_t y_end = digits_end(s, m_end + 1);
      if (y_end - m_end - 1 == 2 || y_end - m_end - 1 == 4) {
        t.kind = TextKind::kDate;
        t.end = i = y_end;
        return t;
      }
    }
  }
  // Ordinals: 1er, 1ère, 2e, 2ème, 3eme, 2nd.
  if (n_digits <= 2 && d_end < s.size()) {
    for (std::string_view suffix : {"ère", "ème", "eme", "er", "re", "nd", "e"}) {
      if (s.substr(d_end, suffix.size()) == suffix &&
          (d_end + suffix.size() == s.size() || !is_ascii_letter(s[d_end + suffix.size()]))) {
        t.kind = TextKind::kOrdinal;
        t.value = value;
        t.end = i = d_end + suffix.size();
        return t;
      }
    }
  }
  // hhmm: "1730".
  if ((n_digits == 3 || n_digits == 4) && value < 1900 && value / 100 <= 24 && value % 100 <= 59) {
    t.kind = TextKind::kTime;
    t.minutes = value / 100 * 60 + value % 100;
    t.end = i = d_end;
    return t;
  }
  // "14:" (the colon right after the digits) or "14h", "14 h".
  std::size_t j = d_end < s.size() && s[d_end] == ':' ? d_end : skip_spaces(s, d_end);
  if (n_digits <= 2 && value <= 24 && j < s.size() && ((j == d_end && s[j] == ':') || is_hour_mark(s, j))) {
    const bool colon = s[j] == ':';
    j += colon ? 1 : (s.substr(j + 1, 5) == "eures" ? 6 : s.substr(j + 1, 4) == "eure" ? 5 : 1);
    t.kind = TextKind::kTime;
    t.minutes = value * 60;
    t.end = j;
    std::size_t m = skip_spaces(s, j);
    if (colon) m = j;  // "14:" then " - 17:30": no minutes across spaces after a colon
    const std::size_t m_end = digits_end(s, m);
    // Digits glued to the "h" are minutes unless an "h" is glued to them too ("9h12h"); after a
    // space they are the next hour when an "h" follows ("9h 12h", "9h 12 h").
    const std::size_t after = m == j ? m_end : skip_spaces(s, m_end);
    const bool next_is_hour = after < s.size() && (s[after] == ':' || is_hour_mark(s, after));
    if (m_end > m && m_end - m <= 2 && !next_is_hour) {
      int minutes = number_of(s, m, m_end);
      if (m_end - m == 1 && !colon) {
        t.guessed = minutes != 0;
        minutes *= 10;  // "16h3": the minutes were cut short
      }
      if (minutes <= 59) {
        t.minutes += minutes;
        t.end = m_end;
      }
    } else if (m_end > m + 2 && !colon) {
      // "12h3019h": two digits of minutes, then the next time.
      const int minutes = number_of(s, m, m + 2);
      if (minutes <= 59) {
        t.minutes += minutes;
        t.end = m + 2;
      }
    }
    // A stray "h" right after ("8h30 h"): part of this time.
    const std::size_t k = skip_spaces(s, t.end);
    if (k < s.size() && (s[k] == 'h' || s[k] == 'H') && (k + 1 == s.size() || !is_ascii_letter(s[k + 1]))) t.end = k + 1;
    i = t.end;
    return t;
  }
  t.kind = TextKind::kNumber;
  t.value = value;
  t.end = i = d_end;
  return t;
}

}  // namespace

std::string clean_free_text(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&amp;", "&"}, {"&nbsp;", " "}, {"&#39;", "'"}, {"&apos;", "'"}, {"&quot;", "\""},
      {"&lt;", "<"},  {"&gt;", ">"},   {"&eacute;", "é"}, {"&egrave;", "è"}, {"&agrave;", "à"}};
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (text[i] == '&') {
      for (const auto& [entity, value] : kEntities) {
        if (text.substr(i, entity.size()) == entity) {
          out += value;
          i += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (replaced) continue;
    const auto c = static_cast<unsigned char>(text[i]);
    const bool nbsp = c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0;
    if (nbsp || c == '\t' || c == '\n' || c == '\r' || c == ' ') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      i += nbsp ? 2 : 1;
      continue;
    }
    out += text[i++];
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<TextToken> lex_free_text(std::string_view s) {
  std::vector<TextToken> tokens;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    if (is_digit(s[i])) {
      tokens.push_back(lex_number(s, i));
      continue;
    }
    // "à" or "è" alone ("9h à 12h", "9hè16h"): "to", a connector.
    const std::string_view two = s.substr(i, 2);
    const bool lone_to = (two == "à" || two == "è") && (i + 2 >= s.size() || word_letter_length(s, i + 2) == 0);
    if (word_letter_length(s, i) > 0 && !lone_to) {
      TextToken t;
      t.kind = TextKind::kWord;
      t.begin = i;
      while (i < s.size() && word_letter_length(s, i) > 0) i += word_letter_length(s, i);
      // "rendez-vous", "après-midi", "week-end": one word.
      while (i + 1 < s.size() && s[i] == '-' && word_letter_length(s, i + 1) > 0) {
        const std::string_view head = s.substr(t.begin, i - t.begin);
        const std::string folded = text::fold(head);
        if (folded != "rendez" && folded != "apres" && folded != "week" && folded != "sur") break;
        ++i;
        while (i < s.size() && word_letter_length(s, i) > 0) i += word_letter_length(s, i);
      }
      t.end = i;
      t.word = text::fold(s.substr(t.begin, t.end - t.begin));
      tokens.push_back(std::move(t));
      continue;
    }
    TextToken t;
    t.begin = i;
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t length = 1;
    if (c >= 0x80) {
      length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      const std::string_view ch = s.substr(i, length);
      if (ch == "à" || ch == "è" || ch == "–" || ch == "—" || ch == "→" || ch == "’") t.kind = TextKind::kConnector;
    } else if (std::string_view("-/,;|&+_*>:.'").find(s[i]) != std::string_view::npos) {
      t.kind = TextKind::kConnector;
    } else if (s[i] == '(' || s[i] == '[') {
      t.kind = TextKind::kOpenParen;
    } else if (s[i] == ')' || s[i] == ']') {
      t.kind = TextKind::kCloseParen;
    }
    t.end = i = std::min(s.size(), i + length);
    t.word = std::string(s.substr(t.begin, t.end - t.begin));
    tokens.push_back(std::move(t));
  }
  return tokens;
}

}  // namespace maillage::hours::detail
