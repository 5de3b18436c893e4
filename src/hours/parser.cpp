// Rules, sections and modifiers; the selectors are in parser_dates.cpp and parser_time.cpp, the
// checks for suspect expressions in parser_checks.cpp.
#include "hours/parser.h"

#include <array>

#include "hours/parser_impl.h"

namespace maillage::hours {

namespace detail {

void add_suspect_expression_warnings(std::string_view source, const Expression& expression,
                                     std::vector<Problem>& warnings);  // parser_checks.cpp

namespace {

struct NameEntry {
  std::string_view word;
  int value;
  bool canonical;
};

// Canonical two-letter names, then tolerated French and English names.
constexpr std::array<NameEntry, 35> kWeekdayNames = {{
    {"mo", 0, true},          {"tu", 1, true},        {"we", 2, true},        {"th", 3, true},
    {"fr", 4, true},          {"sa", 5, true},        {"su", 6, true},        {"lundi", 0, false},
    {"mardi", 1, false},      {"mercredi", 2, false}, {"jeudi", 3, false},    {"vendredi", 4, false},
    {"samedi", 5, false},     {"dimanche", 6, false}, {"lundis", 0, false},   {"mardis", 1, false},
    {"mercredis", 2, false},  {"jeudis", 3, false},   {"vendredis", 4, false}, {"samedis", 5, false},
    {"dimanches", 6, false},  {"mon", 0, false},      {"tue", 1, false},      {"wed", 2, false},
    {"thu", 3, false},        {"fri", 4, false},      {"sat", 5, false},      {"sun", 6, false},
    {"monday", 0, false},     {"tuesday", 1, false},  {"wednesday", 2, false}, {"thursday", 3, false},
    {"friday", 4, false},     {"saturday", 5, false}, {"sunday", 6, false},
}};

constexpr std::array<NameEntry, 26> kMonthNames = {{
    {"jan", 1, true},         {"feb", 2, true},       {"mar", 3, true},       {"apr", 4, true},
    {"may", 5, true},         {"jun", 6, true},       {"jul", 7, true},       {"aug", 8, true},
    {"sep", 9, true},         {"oct", 10, true},      {"nov", 11, true},      {"dec", 12, true},
    {"janvier", 1, false},    {"février", 2, false},  {"fevrier", 2, false},  {"avril", 4, false},
    {"mai", 5, false},        {"juin", 6, false},     {"juillet", 7, false},  {"août", 8, false},
    {"aout", 8, false},       {"septembre", 9, false}, {"octobre", 10, false}, {"novembre", 11, false},
    {"décembre", 12, false},  {"decembre", 12, false},
}};

constexpr std::array<std::string_view, 7> kWeekdayCanonical = {"Mo", "Tu", "We", "Th",
                                                                "Fr", "Sa", "Su"};
constexpr std::array<std::string_view, 12> kMonthCanonical = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

template <std::size_t N>
NamedValue lookup(const std::array<NameEntry, N>& table, std::string_view word, bool weekday) {
  for (const NameEntry& e : table) {
    if (e.word != word) continue;
    NamedValue v;
    v.value = e.value;
    if (!e.canonical) v.written_for = weekday ? kWeekdayCanonical[e.value] : kMonthCanonical[e.value - 1];
    return v;
  }
  return {};
}

}  // namespace

NamedValue weekday_from_word(std::string_view word) { return lookup(kWeekdayNames, word, true); }
NamedValue month_from_word(std::string_view word) { return lookup(kMonthNames, word, false); }
std::string_view weekday_name(int weekday) { return kWeekdayCanonical[weekday]; }
std::string_view month_name(int month) { return kMonthCanonical[month - 1]; }

const Token& Parser::peek(std::size_t ahead) const {
  const std::size_t i = pos_ + ahead;
  return i < tokens_.size() ? tokens_[i] : tokens_.back();
}

const Token& Parser::next() {
  const Token& t = peek();
  if (pos_ + 1 < tokens_.size()) ++pos_;
  return t;
}

bool Parser::at_word(std::string_view word, std::size_t ahead) const {
  const Token& t = peek(ahead);
  return t.kind == TokenKind::kWord && t.text == word;
}

bool Parser::at_rule_end() const {
  const TokenKind k = peek().kind;
  return k == TokenKind::kEnd || k == TokenKind::kSemicolon || k == TokenKind::kFallback;
}

void Parser::fail(const Token& at, std::string code, std::string message) const {
  throw ParseFailure{make_problem(source_, at.position, std::move(code), std::move(message))};
}

void Parser::warn(const Token& at, std::string code, std::string message) {
  if (warnings_.size() < 64)
    warnings_.push_back(make_problem(source_, at.position, std::move(code), std::move(message)));
}

Expression Parser::parse_expression() {
  Expression expression;
  RuleSeparator separator = RuleSeparator::kNormal;  // joins the next rule to the previous one
  bool after_separator = false;
  while (true) {
    const Token& t = peek();
    if (t.kind == TokenKind::kEnd) {
      if (separator == RuleSeparator::kFallback)
        fail(t, "hours.fallback.empty", "« || » doit être suivi d'une règle de repli");
      if (after_separator && !expression.rules.empty())
        warn(t, "hours.rule.empty", "« ; » en fin d'expression : retirez ce point-virgule");
      break;
    }
    if (t.kind == TokenKind::kSemicolon) {
      if (separator == RuleSeparator::kFallback)
        fail(t, "hours.fallback.empty", "« || » doit être suivi d'une règle de repli");
      warn(t, "hours.rule.empty", "règle vide : retirez ce point-virgule en trop");
      next();
      after_separator = true;
      continue;
    }
    if (t.kind == TokenKind::kFallback) fail(t, "hours.fallback.empty", "« || » sans règle avant lui");
    bool additional = false;
    expression.rules.push_back(parse_rule(separator, additional));
    after_separator = true;
    if (additional) {
      separator = RuleSeparator::kAdditional;
      continue;
    }
    const Token& end = next();
    if (end.kind == TokenKind::kEnd) break;
    separator = end.kind == TokenKind::kFallback ? RuleSeparator::kFallback : RuleSeparator::kNormal;
  }
  if (expression.rules.empty())
    fail(peek(), "hours.empty", "l'expression ne contient aucune règle");
  return expression;
}

Parser::Section Parser::section_of(const Token& t) const {
  switch (t.kind) {
    case TokenKind::kNumber:
      if (!is_year(t)) return Section::kTime;
      return starts_dated_monthday(0) ? Section::kMonthday : Section::kYear;
    case TokenKind::kTwentyFourSeven:
    case TokenKind::kOpenParen:
      return Section::kTime;
    case TokenKind::kComment:
      return Section::kModifier;
    case TokenKind::kWord:
      if (weekday_from_word(t.text).value >= 0 || t.text == "ph" || t.text == "sh") return Section::kWeekday;
      if (month_from_word(t.text).value >= 0 || t.text == "easter") return Section::kMonthday;
      if (t.text == "week") return Section::kWeek;
      if (t.text == "sunrise" || t.text == "sunset" || t.text == "dawn" || t.text == "dusk")
        return Section::kTime;
      if (t.text == "open" || t.text == "closed" || t.text == "off" || t.text == "unknown")
        return Section::kModifier;
      fail(t, "hours.word.unknown",
           "mot inconnu « " + std::string(source_.substr(t.position, t.length)) +
               " » : les jours s'écrivent Mo Tu We Th Fr Sa Su, les mois Jan..Dec, les états open, "
               "closed, off, unknown, et un texte libre se met entre guillemets");
    case TokenKind::kOther:
      fail(t, "hours.char.unexpected",
           "caractère inattendu « " + t.text + " »");
    default:
      fail(t, "hours.token.unexpected",
           "« " + std::string(source_.substr(t.position, t.length)) + " » inattendu à cet endroit");
  }
}

Rule Parser::parse_rule(RuleSeparator separator, bool& next_is_additional) {
  Rule rule;
  rule.separator = separator;
  rule.position = peek().position;
  next_is_additional = false;
  int last = -1;
  std::array<bool, 6> seen{};
  while (!at_rule_end()) {
    const Token& t = peek();
    if (t.kind == TokenKind::kComma) {
      if (last == static_cast<int>(Section::kTime) || last == static_cast<int>(Section::kModifier)) {
        next();
        if (at_rule_end()) {
          warn(t, "hours.comma.trailing", "virgule en fin de règle : retirez-la");
          return rule;
        }
        next_is_additional = true;
        return rule;
      }
      fail(t, "hours.comma.unexpected",
           "virgule inattendue : une règle supplémentaire ne peut suivre qu'une plage horaire ou un état ; "
           "séparez les règles par « ; »");
    }
    if (t.kind == TokenKind::kColon && last >= 0 && last <= static_cast<int>(Section::kWeek)) {
      next();  // "Jan-Mar: Mo 10:00-12:00": a colon after the wide-range selectors, for readability.
      continue;
    }
    const Section section = section_of(t);
    const int s = static_cast<int>(section);
    if (last == static_cast<int>(Section::kModifier) && section != Section::kModifier)
      fail(t, "hours.modifier.not_last",
           "l'état (open, closed, off, unknown) et le commentaire terminent la règle : rien ne peut les suivre");
    if (section == Section::kModifier) {
      parse_modifier(rule);
      last = s;
      continue;
    }
    if (seen[s])
      warn(t, "hours.selector.repeated",
           "ce type de sélecteur apparaît deux fois dans la règle : les deux listes sont réunies ; "
           "séparez les valeurs par une virgule (« Mo,We », « 09:00-12:00,14:00-18:00 »)");
    else if (s < last)
      warn(t, "hours.selector.order",
           "sélecteurs dans un ordre inhabituel : l'ordre attendu est année, mois et jours, semaine, "
           "jours de la semaine, horaires");
    seen[s] = true;
    last = s;
    switch (section) {
      case Section::kYear: parse_year_selector(rule); break;
      case Section::kMonthday: parse_monthday_selector(rule); break;
      case Section::kWeek: parse_week_selector(rule); break;
      case Section::kWeekday: parse_weekday_selector(rule); break;
      case Section::kTime: parse_time_selector(rule); break;
      case Section::kModifier: break;
    }
  }
  return rule;
}

void Parser::parse_modifier(Rule& rule) {
  const Token& t = next();
  if (t.kind == TokenKind::kComment) {
    if (rule.comment) fail(t, "hours.comment.twice", "deux commentaires dans la même règle");
    rule.comment = t.text;
    return;
  }
  if (rule.state || rule.comment)
    fail(t, "hours.state.misplaced", "l'état (open, closed, off, unknown) se place avant le commentaire, une seule fois");
  if (t.text == "open") rule.state = RuleState::kOpen;
  else if (t.text == "closed") rule.state = RuleState::kClosed;
  else if (t.text == "off") rule.state = RuleState::kOff;
  else rule.state = RuleState::kUnknown;
}

}  // namespace detail

ParseResult parse(std::string_view source, const ParseOptions& options) {
  ParseResult result;
  if (source.size() > kMaxExpressionBytes) {
    result.error = detail::make_problem(source, kMaxExpressionBytes, "hours.too_long",
                                        "expression trop longue (plus de " +
                                            std::to_string(kMaxExpressionBytes) + " octets)");
    return result;
  }
  detail::LexResult lexed = detail::lex(source);
  if (lexed.error) {
    result.error = std::move(lexed.error);
    return result;
  }
  detail::Parser parser(source, options, std::move(lexed.tokens));
  try {
    Expression expression = parser.parse_expression();
    result.warnings = std::move(parser.warnings());
    detail::add_suspect_expression_warnings(source, expression, result.warnings);
    result.expression = std::move(expression);
  } catch (const detail::ParseFailure& failure) {
    result.error = failure.problem;
    result.warnings = std::move(parser.warnings());
  }
  return result;
}

bool Expression::uses_solar_events() const {
  for (const Rule& r : rules)
    for (const TimeSpan& t : r.times)
      if (t.start.is_event() || (t.end && t.end->is_event())) return true;
  return false;
}

bool Expression::uses_school_holidays() const {
  for (const Rule& r : rules)
    for (const HolidayRange& h : r.holidays)
      if (h.kind == HolidayRange::Kind::kSchool) return true;
  return false;
}

}  // namespace maillage::hours
