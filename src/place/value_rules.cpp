#include "place/value_rules.h"

#include <charconv>
#include <cstdlib>

#include "common/utf8.h"

namespace maillage::place::rules {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}
bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

std::optional<Normalised> pivot(std::string_view raw) {
  std::string_view t = utf8::trim(raw);
  std::string out;
  for (char c : t)
    if (c != ' ' && c != '.') out += c;
  if (out.size() < 9 || out.size() > 14) return std::nullopt;
  for (char c : out)
    if (!is_alnum(c)) return std::nullopt;
  bool corrected = out != t;
  return Normalised{std::move(out), corrected};
}

std::optional<Normalised> code_postal(std::string_view raw) {
  std::string_view t = utf8::trim(raw);
  if (t.size() == 5 && all_digits(t)) return Normalised{std::string(t), false};
  if (t.size() == 4 && all_digits(t)) return Normalised{"0" + std::string(t), true};
  return std::nullopt;
}

std::optional<Normalised> code_insee(std::string_view raw) {
  std::string v(utf8::trim(raw));
  bool corrected = false;
  for (char& c : v)
    if (c == 'a' || c == 'b') {
      c = static_cast<char>(c - 'a' + 'A');
      corrected = true;
    }
  if (v.size() == 4 && all_digits(v)) {
    v = "0" + v;
    corrected = true;
  }
  if (v.size() != 5 || !all_digits(std::string_view(v).substr(2))) return std::nullopt;
  char a = v[0], b = v[1];
  bool ok = (is_digit(a) && a != '2' && is_digit(b)) ||
            (a == '2' && (b == 'A' || b == 'B' || (b >= '1' && b <= '9')));
  if (!ok) return std::nullopt;
  return Normalised{std::move(v), corrected};
}

std::optional<double> number(std::string_view raw) {
  std::string s(utf8::trim(raw));
  for (char& c : s)
    if (c == ',') c = '.';
  if (s.empty() || s.size() > 40) return std::nullopt;
  const char* b = s.data();
  if (*b == '+') ++b;
  double v = 0;
  auto [end, ec] = std::from_chars(b, s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  if (v != v || v > 1e300 || v < -1e300) return std::nullopt;  // NaN, infinities
  return v;
}

namespace {
bool valid_ymd(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}
int to_int(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}
}  // namespace

std::optional<Normalised> date(std::string_view raw) {
  std::string_view t = utf8::trim(raw);
  bool corrected = false;
  if (t.size() > 10 && (t[10] == 'T' || t[10] == ' ')) {
    t = t.substr(0, 10);
    corrected = true;
  }
  if (t.size() == 10 && t[4] == '-' && t[7] == '-' && all_digits(t.substr(0, 4)) &&
      all_digits(t.substr(5, 2)) && all_digits(t.substr(8, 2))) {
    if (!valid_ymd(to_int(t.substr(0, 4)), to_int(t.substr(5, 2)), to_int(t.substr(8, 2))))
      return std::nullopt;
    return Normalised{std::string(t), corrected};
  }
  if (t.size() == 10 && t[2] == '/' && t[5] == '/' && all_digits(t.substr(0, 2)) &&
      all_digits(t.substr(3, 2)) && all_digits(t.substr(6, 4))) {
    int d = to_int(t.substr(0, 2)), m = to_int(t.substr(3, 2)), y = to_int(t.substr(6, 4));
    if (!valid_ymd(y, m, d)) return std::nullopt;
    std::string out = std::string(t.substr(6, 4)) + "-" + std::string(t.substr(3, 2)) + "-" +
                      std::string(t.substr(0, 2));
    return Normalised{std::move(out), true};
  }
  return std::nullopt;
}

namespace {
constexpr std::string_view kPhonePrefixes[] = {"+33",  "+590", "+594", "+262", "+596",
                                               "+269", "+687", "+689", "+508", "+681"};

// National 10-digit number → international, by its overseas prefix.
std::string international_from_national(std::string_view digits) {
  std::string_view rest = digits.substr(1);
  struct P {
    std::string_view national, country;
  };
  static constexpr P kOverseas[] = {
      {"0590", "+590"}, {"0690", "+590"}, {"0691", "+590"}, {"0594", "+594"}, {"0694", "+594"},
      {"0262", "+262"}, {"0263", "+262"}, {"0692", "+262"}, {"0693", "+262"}, {"0269", "+262"},
      {"0639", "+262"}, {"0596", "+596"}, {"0696", "+596"}, {"0697", "+596"}, {"0508", "+508"},
  };
  for (const auto& p : kOverseas)
    if (starts_with(digits, p.national)) return std::string(p.country) + std::string(rest);
  return "+33" + std::string(rest);
}
}  // namespace

bool matches_phone_pattern(std::string_view n) {
  for (auto p : kPhonePrefixes) {
    if (!starts_with(n, p)) continue;
    std::string_view rest = n.substr(p.size());
    if (rest.size() >= 6 && rest.size() <= 9 && all_digits(rest)) return true;
  }
  return false;
}

std::optional<Phone> telephone(std::string_view raw, std::string_view departement) {
  std::string_view t = utf8::trim(raw);
  // Several numbers: keep the first segment that holds digits.
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= t.size(); ++i) {
    bool sep = i == t.size() || t[i] == '/' || t[i] == ';' || t[i] == ',' || t[i] == '|' ||
               t[i] == '\n' || (t.substr(i, 4) == " ou ");
    if (!sep) continue;
    std::string_view seg = t.substr(start, i - start);
    bool has_digit = false;
    for (char c : seg) has_digit |= is_digit(c);
    if (has_digit) segments.push_back(seg);
    start = i + (t.substr(i, 4) == " ou " ? 4 : 1);
  }
  if (segments.empty()) return std::nullopt;
  std::string s(segments.front());
  if (auto p = s.find("(0)"); p != std::string::npos) s.erase(p, 3);
  std::string compact;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (is_digit(c) || (c == '+' && compact.empty())) {
      compact += c;
    } else if (c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' || c == '\t') {
      continue;
    } else if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {
      ++i;
    } else {
      return std::nullopt;  // letters or other characters: not a phone number
    }
  }
  if (starts_with(compact, "00")) compact = "+" + compact.substr(2);
  std::string out;
  if (starts_with(compact, "+")) {
    out = compact;
    if (starts_with(out, "+330")) out = "+33" + out.substr(4);
  } else if (compact.size() == 10 && compact[0] == '0') {
    out = international_from_national(compact);
  } else if (compact.size() == 9 && compact[0] != '0') {
    out = "+33" + compact;
  } else if (compact.size() == 6 && departement == "988") {
    out = "+687" + compact;
  } else if (compact.size() == 6 && departement == "986") {
    out = "+681" + compact;
  } else if (compact.size() == 6 && departement == "975") {
    out = "+508" + compact;
  } else if (compact.size() == 8 && departement == "987") {
    out = "+689" + compact;
  } else {
    return std::nullopt;
  }
  if (!matches_phone_pattern(out)) return std::nullopt;
  bool corrected = out != t;
  return Phone{Normalised{std::move(out), corrected}, segments.size() > 1};
}

std::optional<Normalised> url(std::string_view raw) {
  std::string_view t = utf8::trim(raw);
  if (t.empty() || t.size() > 2000) return std::nullopt;
  for (char c : t)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '<' || c == '>')
      return std::nullopt;
  std::string out(t);
  bool corrected = false;
  if (!starts_with(out, "http://") && !starts_with(out, "https://")) {
    if (!starts_with(out, "www.")) return std::nullopt;
    out = "https://" + out;
    corrected = true;
  }
  std::string_view rest = std::string_view(out).substr(out.find("//") + 2);
  std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.empty() || host.find('.') == std::string_view::npos || host.front() == '.' ||
      host.back() == '.')
    return std::nullopt;
  return Normalised{std::move(out), corrected};
}

std::optional<Normalised> email(std::string_view raw) {
  std::string_view t = utf8::trim(raw);
  bool corrected = false;
  if (starts_with(t, "mailto:")) {
    t.remove_prefix(7);
    corrected = true;
  }
  auto at = t.find('@');
  if (at == std::string_view::npos || at == 0 || t.find('@', at + 1) != std::string_view::npos)
    return std::nullopt;
  std::string_view domain = t.substr(at + 1);
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || domain.size() - dot - 1 < 2) return std::nullopt;
  for (char c : t)
    if (static_cast<unsigned char>(c) <= ' ' || c == ',' || c == ';' || c == '<' || c == '>' ||
        c == '"' || c == '(' || c == ')')
      return std::nullopt;
  if (domain.find("..") != std::string_view::npos) return std::nullopt;
  return Normalised{std::string(t), corrected};
}

namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void append_code_point(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The named references French sources use; others are left as written.
struct NamedReference {
  std::string_view name, text;
};
constexpr NamedReference kReferences[] = {
    {"nbsp", " "},   {"amp", "&"},    {"lt", "<"},     {"gt", ">"},     {"quot", "\""},
    {"apos", "'"},   {"eacute", "é"}, {"egrave", "è"}, {"ecirc", "ê"},  {"euml", "ë"},
    {"agrave", "à"}, {"acirc", "â"},  {"auml", "ä"},   {"ccedil", "ç"}, {"icirc", "î"},
    {"iuml", "ï"},   {"ocirc", "ô"},  {"ouml", "ö"},   {"ugrave", "ù"}, {"ucirc", "û"},
    {"uuml", "ü"},   {"Eacute", "É"}, {"Egrave", "È"}, {"Ecirc", "Ê"},  {"Agrave", "À"},
    {"Acirc", "Â"},  {"Ccedil", "Ç"}, {"Icirc", "Î"},  {"Ocirc", "Ô"},  {"oelig", "œ"},
    {"OElig", "Œ"},  {"rsquo", "’"},  {"lsquo", "‘"},  {"ldquo", "“"},  {"rdquo", "”"},
    {"laquo", "«"},  {"raquo", "»"},  {"hellip", "…"}, {"ndash", "–"},  {"mdash", "—"},
    {"euro", "€"},   {"deg", "°"},    {"middot", "·"}, {"bull", "•"},   {"times", "×"},
    {"copy", "©"},   {"reg", "®"},    {"shy", ""},     {"ordm", "º"},   {"sup2", "²"},
};

// The reference at the start of `s` ("&eacute;…"): its text and length, or false.
bool read_reference(std::string_view s, std::string& text, std::size_t& length) {
  auto semi = s.find(';');
  if (semi == std::string_view::npos || semi < 2 || semi > 10) return false;
  std::string_view body = s.substr(1, semi - 1);
  length = semi + 1;
  if (body[0] == '#') {
    std::string_view digits = body.substr(1);
    int base = 10;
    if (!digits.empty() && (digits[0] == 'x' || digits[0] == 'X')) {
      base = 16;
      digits.remove_prefix(1);
    }
    std::uint32_t cp = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, base);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return false;
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF || (cp < 0x20 && cp != '\n'))
      return false;
    text.clear();
    append_code_point(text, cp == 0xA0 ? U' ' : static_cast<char32_t>(cp));
    return true;
  }
  for (const auto& r : kReferences)
    if (r.name == body) {
      text = r.text;
      return true;
    }
  return false;
}

// The tag at the start of `s` ("<br />", "</p>", "<!-- … -->"): its length and whether it ends a
// line, or false when `s` does not open a tag.
bool read_tag(std::string_view s, std::size_t& length, bool& ends_line) {
  if (s.size() < 3) return false;
  if (s.substr(0, 4) == "<!--") {
    auto end = s.find("-->");
    if (end == std::string_view::npos) return false;
    length = end + 3;
    ends_line = false;
    return true;
  }
  const bool closing = s[1] == '/';
  const std::size_t name_at = closing ? 2 : 1;
  if (name_at >= s.size() || !is_alpha(s[name_at])) return false;
  auto close = s.find('>');
  auto next_open = s.find('<', 1);
  if (close == std::string_view::npos || (next_open != std::string_view::npos && next_open < close))
    return false;
  std::string name;
  for (std::size_t i = name_at; i < close && (is_alpha(s[i]) || is_digit(s[i])); ++i)
    name += static_cast<char>(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
  static constexpr std::string_view kBlocks[] = {"br", "p",  "div", "li", "ul", "ol", "tr",
                                                 "h1", "h2", "h3",  "h4", "h5", "h6", "table"};
  ends_line = false;
  for (auto b : kBlocks) ends_line |= name == b;
  if (!closing && name != "br") ends_line = false;  // an opening <p> starts, its end ends
  length = close + 1;
  return true;
}

bool ends_sentence(std::string_view line) {
  if (line.empty()) return true;
  char c = line.back();
  return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?';
}

}  // namespace

Normalised plain_text(std::string_view raw, bool keep_lines) {
  if (raw.find_first_of("<&") == std::string_view::npos) return {std::string(raw), false};
  std::string text;  // lines separated by '\n'
  bool found = false;
  for (std::size_t i = 0; i < raw.size();) {
    std::size_t length = 0;
    bool ends_line = false;
    std::string decoded;
    if (raw[i] == '<' && read_tag(raw.substr(i), length, ends_line)) {
      text += ends_line ? "\n" : "";
      found = true;
      i += length;
    } else if (raw[i] == '&' && read_reference(raw.substr(i), decoded, length)) {
      text += decoded;
      found = true;
      i += length;
    } else {
      text += raw[i++];
    }
  }
  if (!found) return {std::string(raw), false};
  // Lines: spaces collapsed, empty ones dropped, then joined.
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = utf8::collapse_spaces(std::string_view(text).substr(start, end - start));
    if (!line.empty()) {
      if (!out.empty()) out += keep_lines ? "\n" : ends_sentence(out) ? " " : ". ";
      out += line;
    }
    start = end + 1;
  }
  return {std::move(out), true};
}

std::vector<std::string_view> split_list(std::string_view raw, bool split_spaces) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= raw.size(); ++i) {
    bool sep = i == raw.size() || raw[i] == '|' || raw[i] == ';' || raw[i] == ',' ||
               (split_spaces && (raw[i] == ' ' || raw[i] == '\n' || raw[i] == '\t'));
    if (!sep) continue;
    std::string_view piece = utf8::trim(raw.substr(start, i - start));
    if (!piece.empty()) out.push_back(piece);
    start = i + 1;
  }
  return out;
}

}  // namespace maillage::place::rules
