// French free text to opening_hours: the tokens (free_text_lexer.cpp) are read into clauses,
// each a set of days (and months, holidays) with time ranges, "fermé" or "sur rendez-vous";
// every clause becomes a rule. Words that are not understood stay in the remainder.
#include "hours/free_text.h"

#include <algorithm>

#include "hours/ast.h"
#include "hours/free_text_lexer.h"
#include "hours/parser.h"
#include "hours/printer.h"

namespace maillage::hours {

namespace {

using detail::TextKind;
using detail::TextToken;

bool one_of(std::string_view w, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

int weekday_word(std::string_view w) {
  static constexpr std::string_view kNames[7][4] = {
      {"lundi", "lundis", "lun", ""},        {"mardi", "mardis", "mar", ""},
      {"mercredi", "mercredis", "mer", ""},  {"jeudi", "jeudis", "jeu", ""},
      {"vendredi", "vendredis", "ven", ""},  {"samedi", "samedis", "sam", ""},
      {"dimanche", "dimanches", "dim", ""}};
  for (int d = 0; d < 7; ++d)
    for (std::string_view n : kNames[d])
      if (!n.empty() && n == w) return d;
  return -1;
}

int month_word(std::string_view w) {
  static constexpr std::string_view kNames[12][3] = {
      {"janvier", "janv", ""}, {"fevrier", "fev", "fevr"}, {"mars", "", ""},         {"avril", "avr", ""},
      {"mai", "", ""},         {"juin", "", ""},           {"juillet", "juil", ""},    {"aout", "", ""},
      {"septembre", "sept", ""}, {"octobre", "oct", ""},   {"novembre", "nov", ""},    {"decembre", "dec", ""}};
  for (int m = 0; m < 12; ++m)
    for (std::string_view n : kNames[m])
      if (!n.empty() && n == w) return m + 1;
  return 0;
}

int ordinal_word(const TextToken& t) {
  if (t.kind == TextKind::kOrdinal) return t.value >= 1 && t.value <= 5 ? t.value : 0;
  if (t.kind != TextKind::kWord) return 0;
  const std::string& w = t.word;
  if (one_of(w, {"premier", "premiere", "premiers", "premieres"})) return 1;
  if (one_of(w, {"deuxieme", "deuxiemes", "second", "seconde"})) return 2;
  if (one_of(w, {"troisieme", "troisiemes"})) return 3;
  if (one_of(w, {"quatrieme", "quatriemes"})) return 4;
  if (one_of(w, {"cinquieme", "cinquiemes"})) return 5;
  if (one_of(w, {"dernier", "derniere", "derniers", "dernieres"})) return -1;
  return 0;
}

bool is_filler(std::string_view w) {
  return one_of(w, {"de", "du", "des", "d", "le", "la", "les", "l", "au", "aux", "a", "et", "h", "heures", "heure",
                    "puis", "ou", "tous", "toutes", "chaque", "uniquement", "seulement", "ouvert", "ouverte",
                    "ouverts", "ouverture", "horaires", "horaire", "accueil", "en", "journee", "continue", "y",
                    "compris", "inclus"});
}

bool is_qualifier(std::string_view w) {
  return one_of(w, {"matin", "matins", "matinee", "apres-midi", "soir", "soiree", "soirs", "nuit"});
}

struct Range {
  int from, to;
};

struct Clause {
  std::vector<WeekdayRange> weekdays;
  std::vector<MonthdayRange> months;
  bool holidays = false;
  std::vector<Range> times;
  bool closed = false;
  bool appointment = false;
  bool appointment_fallback = false;
  bool qualifier = false;
  std::vector<std::size_t> tokens;

  bool has_selectors() const { return !weekdays.empty() || !months.empty() || holidays; }
  bool empty() const { return !has_selectors() && times.empty() && !closed && !appointment && !qualifier; }
};

class Interpreter {
 public:
  explicit Interpreter(std::string_view text) : text_(detail::clean_free_text(text)), tokens_(detail::lex_free_text(text_)) {
    understood_.assign(tokens_.size(), false);
    clauses_.emplace_back();
  }

  Normalized run(bool times_only);

 private:
  const TextToken& token(std::size_t k) const { return tokens_[k]; }
  bool word_at(std::size_t k, std::string_view w) const {
    return k < tokens_.size() && tokens_[k].kind == TextKind::kWord && tokens_[k].word == w;
  }
  void use(std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to; ++k) {
      understood_[k] = true;
      clauses_.back().tokens.push_back(k);
    }
  }
  Clause& current() { return clauses_.back(); }
  Clause& fresh_clause() {
    if (!current().empty()) clauses_.emplace_back();
    return current();
  }

  std::size_t phrase(std::size_t k, std::initializer_list<std::string_view> words) const;
  bool is_time_value(std::size_t k) const;
  bool is_time_glue(std::size_t k) const;
  std::size_t read_times(std::size_t k);
  std::size_t read_days(std::size_t k);
  std::size_t read_months(std::size_t k);
  std::size_t step(std::size_t k, bool times_only);
  void begin_selectors();
  void tidy(std::vector<Range>& times);
  std::optional<Rule> rule_of(const Clause& c, bool& fallback_after);
  std::vector<std::string> remainder() const;

  std::string text_;
  std::vector<TextToken> tokens_;
  std::vector<bool> understood_;
  std::vector<Clause> clauses_;
  std::vector<std::string> notes_;
  double penalty_ = 1.0;
  bool closing_ = false;  // "fermé" / "sauf" seen: the next days are closed
};

// The end of `words` matched at k (skipping apostrophes), or k when they do not match.
std::size_t Interpreter::phrase(std::size_t k, std::initializer_list<std::string_view> words) const {
  std::size_t i = k;
  for (std::string_view w : words) {
    while (i < tokens_.size() && tokens_[i].kind == TextKind::kConnector && (tokens_[i].word == "'" || tokens_[i].word == "’")) ++i;
    if (!word_at(i, w)) return k;
    ++i;
  }
  return i;
}

bool Interpreter::is_time_value(std::size_t k) const {
  if (k >= tokens_.size()) return false;
  const TextToken& t = tokens_[k];
  return t.kind == TextKind::kTime || (t.kind == TextKind::kNumber && t.value <= 24) ||
         (t.kind == TextKind::kWord && (t.word == "midi" || t.word == "minuit") && !word_at(k - 1, "apres"));
}

bool Interpreter::is_time_glue(std::size_t k) const {
  if (k >= tokens_.size()) return false;
  const TextToken& t = tokens_[k];
  // A colon after a number is a label ("1 samedi sur 2 : 9:00 - 12:30"), not a range.
  if (t.kind == TextKind::kConnector) return t.word != ":";
  return t.kind == TextKind::kWord && one_of(t.word, {"a", "et", "de", "au", "puis", "h", "jusqu", "ou"});
}

// Times: "9h-12h / 14h-17h", "de 9h à 12h et de 14h à 17h", "9-12/14-18", "8h30 12h 13h30 17h".
std::size_t Interpreter::read_times(std::size_t k) {
  struct Value {
    int minutes;
    std::size_t token;
    bool explicit_time;
  };
  std::vector<Value> values;
  std::size_t j = k;
  while (j < tokens_.size() && is_time_value(j)) {
    const TextToken& t = tokens_[j];
    if (t.kind == TextKind::kTime) values.push_back({t.minutes, j, true});
    else if (t.kind == TextKind::kNumber) values.push_back({t.value * 60, j, false});
    else values.push_back({t.word == "midi" ? 12 * 60 : 24 * 60, j, true});
    if (t.guessed) {
      notes_.push_back("« " + text_.substr(t.begin, t.end - t.begin) + " » lu comme " + clock_string(t.minutes));
      penalty_ *= 0.9;
    }
    ++j;
    std::size_t m = j;
    while (m < tokens_.size() && is_time_glue(m)) ++m;
    if (m < tokens_.size() && is_time_value(m)) j = m;
    else break;
  }
  const auto explicit_count = std::count_if(values.begin(), values.end(), [](const Value& v) { return v.explicit_time; });
  if (explicit_count == 0 && (values.size() < 2 || values.size() % 2 == 1)) return k;  // not times
  std::size_t end = j;
  std::size_t begin = k;
  if (values.size() % 2 == 1) {
    // An odd value out ("de 13h30 à 16h30 1 semaine sur 2", "2 9h-12h"): left in the remainder.
    if (!values.front().explicit_time && values.back().explicit_time) {
      begin = values[1].token;
      values.erase(values.begin());
    } else {
      end = values.back().token;
      values.pop_back();
    }
  }
  if (values.empty()) return k;
  std::vector<Range> ranges;
  for (std::size_t i = 0; i + 1 < values.size(); i += 2) {
    int from = values[i].minutes % (24 * 60), to = values[i + 1].minutes;
    if (to == 0 && from > 0) to = 24 * 60;  // "18h-0h"; "00:00 - 00:00" stays empty
    const bool night = to < from && to <= 6 * 60 && from >= 17 * 60;
    if (to <= from && !night) {
      if (to == from) notes_.push_back("plage vide « " + clock_string(from) + " - " + clock_string(to) + " » ignorée");
      else {
        notes_.push_back("plage à l'envers « " + clock_string(from) + " - " + clock_string(to) + " » ignorée");
        penalty_ *= 0.8;
      }
      continue;
    }
    ranges.push_back({from, to});
  }
  if (!current().times.empty() && current().has_selectors() && current().closed) fresh_clause();
  if (current().closed && current().qualifier) fresh_clause();
  use(begin, end);
  current().times.insert(current().times.end(), ranges.begin(), ranges.end());
  return end;
}

void Interpreter::begin_selectors() {
  const bool closing = closing_;
  closing_ = false;
  if (closing) {
    if (current().closed && current().has_selectors() && current().times.empty()) return;  // "fermé lundi et mardi"
    if (!current().closed || current().has_selectors()) fresh_clause();
    current().closed = true;
    return;
  }
  if (current().closed || (current().has_selectors() && !current().times.empty()) || current().appointment) fresh_clause();
}

// Days: "lundi", "du lundi au vendredi", "lundi, mardi et jeudi", "les 1er et 3e mardis du mois".
std::size_t Interpreter::read_days(std::size_t k) {
  std::vector<WeekdayRange> days;
  std::vector<int> nth;
  std::size_t j = k, end = k;
  while (j < tokens_.size()) {
    std::size_t i = j;
    while (i < tokens_.size() && tokens_[i].kind == TextKind::kWord && one_of(tokens_[i].word, {"le", "les", "la", "du", "de", "tous", "chaque", "l"})) ++i;
    while (i < tokens_.size() && tokens_[i].kind == TextKind::kConnector && (tokens_[i].word == "'" || tokens_[i].word == "’")) ++i;
    // "1er et 3e", "premier et dernier".
    std::vector<int> these_nth;
    while (i < tokens_.size() && ordinal_word(tokens_[i]) != 0) {
      these_nth.push_back(ordinal_word(tokens_[i]));
      std::size_t m = i + 1;
      while (m < tokens_.size() && (word_at(m, "et") || word_at(m, "le") || word_at(m, "les") ||
                                    (tokens_[m].kind == TextKind::kConnector && tokens_[m].word == ",")))
        ++m;
      const bool another = m < tokens_.size() && ordinal_word(tokens_[m]) != 0;
      i = another ? m : i + 1;
    }
    if (i >= tokens_.size() || tokens_[i].kind != TextKind::kWord || weekday_word(tokens_[i].word) < 0) break;
    WeekdayRange r;
    r.from = r.to = static_cast<Weekday>(weekday_word(tokens_[i].word));
    ++i;
    std::size_t m = i;
    while (m < tokens_.size() && (word_at(m, "au") || word_at(m, "a") || word_at(m, "jusqu") || word_at(m, "le") ||
                                  (tokens_[m].kind == TextKind::kConnector && (tokens_[m].word == "-" || tokens_[m].word == "à" || tokens_[m].word == "'"))))
      ++m;
    if (these_nth.empty() && m > i && m < tokens_.size() && tokens_[m].kind == TextKind::kWord && weekday_word(tokens_[m].word) >= 0) {
      r.to = static_cast<Weekday>(weekday_word(tokens_[m].word));
      i = m + 1;
    }
    if (!these_nth.empty()) {
      std::sort(these_nth.begin(), these_nth.end(), [](int a, int b) { return (a < 0 ? 10 - a : a) < (b < 0 ? 10 - b : b); });
      r.nth = these_nth;
      const std::size_t month = phrase(i, {"du", "mois"}) != i ? phrase(i, {"du", "mois"}) : phrase(i, {"de", "chaque", "mois"});
      if (month != i) i = month;
    }
    days.push_back(r);
    end = j = i;
    // More days: ", mardi", "et jeudi", "/ vendredi".
    std::size_t n = j;
    while (n < tokens_.size() && (word_at(n, "et") || (tokens_[n].kind == TextKind::kConnector && one_of(tokens_[n].word, {",", "/", "&", "-"}))))
      ++n;
    if (n == j) break;
    std::size_t p = n;
    while (p < tokens_.size() && (word_at(p, "le") || word_at(p, "les"))) ++p;
    if (p < tokens_.size() && ((tokens_[p].kind == TextKind::kWord && weekday_word(tokens_[p].word) >= 0) || ordinal_word(tokens_[p]) != 0))
      j = n;
    else
      break;
  }
  if (days.empty()) return k;
  // Three consecutive single days or more read as a range: "lundi, mardi, mercredi" -> Mo-We.
  auto single = [](const WeekdayRange& d) { return d.nth.empty() && d.from == d.to; };
  std::vector<WeekdayRange> merged;
  for (std::size_t i = 0; i < days.size();) {
    std::size_t j = i;
    while (j + 1 < days.size() && single(days[j]) && single(days[j + 1]) && days[j + 1].from == days[j].from + 1) ++j;
    if (j >= i + 2) {
      merged.push_back({days[i].from, days[j].from, {}, 0});
      i = j + 1;
    } else {
      merged.push_back(days[i++]);
    }
  }
  begin_selectors();
  use(k, end);
  current().weekdays.insert(current().weekdays.end(), merged.begin(), merged.end());
  return end;
}

// Months: "juillet-août", "de juin à septembre", "juillet et août", "en août".
std::size_t Interpreter::read_months(std::size_t k) {
  const int from = month_word(tokens_[k].word);
  if (k > 0 && (word_at(k - 1, "jusqu") || word_at(k - 1, "partir") || word_at(k - 1, "depuis") ||
                (word_at(k - 1, "en") && k > 2 && word_at(k - 3, "jusqu"))))
    return k;  // "jusqu'en juin": a validity date, not a selector
  MonthdayRange r;
  r.month_from = r.month_to = from;
  const bool between = k > 0 && word_at(k - 1, "entre");  // "entre octobre et novembre": a range
  std::size_t end = k + 1, m = k + 1;
  while (m < tokens_.size() && (word_at(m, "a") || word_at(m, "au") || word_at(m, "et") ||
                                (tokens_[m].kind == TextKind::kConnector && one_of(tokens_[m].word, {"-", "à", "/", ","}))))
    ++m;
  if (m > end && m < tokens_.size() && tokens_[m].kind == TextKind::kWord && month_word(tokens_[m].word) > 0) {
    const bool list = !between && (word_at(end, "et") || (tokens_[end].kind == TextKind::kConnector && tokens_[end].word == ","));
    if (list) {
      begin_selectors();
      MonthdayRange second;
      second.month_from = second.month_to = month_word(tokens_[m].word);
      use(k, m + 1);
      current().months.push_back(r);
      current().months.push_back(second);
      return m + 1;
    }
    r.month_to = month_word(tokens_[m].word);
    end = m + 1;
  }
  begin_selectors();
  use(between ? k - 1 : k, end);
  current().months.push_back(r);
  return end;
}

// Reads what starts at token k; returns the next token to read.
std::size_t Interpreter::step(std::size_t k, bool times_only) {
  const TextToken& t = tokens_[k];
  if (t.kind == TextKind::kOpenParen) {
    std::size_t j = k + 1;
    while (j < tokens_.size() && tokens_[j].kind != TextKind::kCloseParen) ++j;
    return std::min(j + 1, tokens_.size());  // a parenthesis: a remark, left in the remainder
  }
  if (is_time_value(k)) {
    const std::size_t end = read_times(k);
    if (end != k) return end;
  }
  if (t.kind == TextKind::kConnector) {
    understood_[k] = true;
    return k + 1;
  }
  if (times_only) {
    if (t.kind == TextKind::kWord && is_filler(t.word)) understood_[k] = true;
    return k + 1;
  }
  if (std::size_t e = phrase(k, {"sans", "rendez-vous"}); e != k) {
    use(k, e);
    return e;
  }
  if (std::size_t e = phrase(k, {"sans", "rdv"}); e != k) {
    use(k, e);
    return e;
  }
  for (auto words : {std::initializer_list<std::string_view>{"sur", "rendez-vous"}, {"sur", "rendez", "vous"}, {"sur", "rdv"}, {"rendez-vous"}, {"rdv"}}) {
    if (std::size_t e = phrase(k, words); e != k) {
      const bool after_and = k > 0 && !current().times.empty() &&
                             (word_at(k - 1, "et") || (tokens_[k - 1].kind == TextKind::kConnector && tokens_[k - 1].word == ","));
      if (current().closed && !current().times.empty()) fresh_clause();
      if (after_and) current().appointment_fallback = true;
      else current().appointment = true;
      use(k, e);
      return e;
    }
  }
  for (auto words : {std::initializer_list<std::string_view>{"tous", "les", "jours"}, {"toute", "la", "semaine"}, {"7j", "7"}}) {
    if (std::size_t e = phrase(k, words); e != k) {
      begin_selectors();
      use(k, e);
      current().weekdays.push_back({kMonday, kSunday, {}, 0});
      return e;
    }
  }
  for (auto words : {std::initializer_list<std::string_view>{"la", "semaine"}, {"en", "semaine"}, {"week-end"}, {"weekend"}, {"le", "week-end"}}) {
    if (std::size_t e = phrase(k, words); e != k) {
      begin_selectors();
      use(k, e);
      const bool weekend = token(e - 1).word != "semaine";
      current().weekdays.push_back(weekend ? WeekdayRange{kSaturday, kSunday, {}, 0} : WeekdayRange{kMonday, kFriday, {}, 0});
      return e;
    }
  }
  for (auto words : {std::initializer_list<std::string_view>{"jours", "feries"}, {"feries"}, {"jour", "ferie"}}) {
    if (std::size_t e = phrase(k, words); e != k) {
      begin_selectors();
      use(k, e);
      current().holidays = true;
      return e;
    }
  }
  if (phrase(k, {"apres", "midi"}) != k || (t.kind == TextKind::kWord && is_qualifier(t.word))) {
    const std::size_t e = phrase(k, {"apres", "midi"}) != k ? phrase(k, {"apres", "midi"}) : k + 1;
    if (!current().times.empty() || current().appointment) fresh_clause();
    current().qualifier = true;
    use(k, e);
    return e;
  }
  if (t.kind == TextKind::kWord && one_of(t.word, {"ferme", "fermee", "fermes", "fermees", "fermeture", "sauf", "hors", "excepte"})) {
    if (!current().empty() && !(current().closed && !current().has_selectors())) clauses_.emplace_back();
    current().closed = true;
    closing_ = true;
    use(k, k + 1);
    return k + 1;
  }
  if ((t.kind == TextKind::kWord && weekday_word(t.word) >= 0) || ordinal_word(t) != 0 ||
      (t.kind == TextKind::kWord && one_of(t.word, {"le", "les", "du", "tous", "chaque"}))) {
    const std::size_t e = read_days(k);
    if (e != k) return e;
  }
  if (t.kind == TextKind::kWord && month_word(t.word) > 0) {
    const std::size_t e = read_months(k);
    if (e != k) return e;
  }
  if (t.kind == TextKind::kWord && is_filler(t.word)) understood_[k] = true;
  // Words that change the meaning but cannot be converted weigh more than their length.
  if (t.kind == TextKind::kWord && one_of(t.word, {"hiver", "ete", "printemps", "automne", "vacances", "scolaires",
                                                    "semaines", "quinzaine", "pairs", "impairs", "alternance", "sauf", "hors"}))
    penalty_ *= 0.6;
  return k + 1;
}

void Interpreter::tidy(std::vector<Range>& times) {
  std::sort(times.begin(), times.end(), [](const Range& a, const Range& b) { return a.from < b.from; });
  std::vector<Range> merged;
  for (const Range& r : times) {
    if (!merged.empty() && r.from < merged.back().to && merged.back().to <= 24 * 60 && r.to <= 24 * 60) {
      notes_.push_back("plages qui se chevauchent réunies : « " + clock_string(merged.back().from) + "-" + clock_string(merged.back().to) +
                       " » et « " + clock_string(r.from) + "-" + clock_string(r.to) + " »");
      merged.back().to = std::max(merged.back().to, r.to);
      continue;
    }
    if (!merged.empty() && r.from == merged.back().from && r.to == merged.back().to) continue;
    merged.push_back(r);
  }
  times = std::move(merged);
}

std::optional<Rule> Interpreter::rule_of(const Clause& c, bool& fallback_after) {
  fallback_after = false;
  Rule rule;
  rule.weekdays = c.weekdays;
  rule.monthdays = c.months;
  if (c.holidays) rule.holidays.push_back({});
  for (const Range& r : c.times) {
    TimeSpan span;
    span.start.minutes = r.from;
    TimePoint end;
    end.minutes = r.to;
    span.end = end;
    rule.times.push_back(span);
  }
  const bool has_times = !rule.times.empty();
  if (c.qualifier && !has_times) return std::nullopt;  // "le matin", "après-midi sur rendez-vous"
  if (c.closed) {
    if (!has_times && !c.has_selectors()) return std::nullopt;  // "fermé" alone
    rule.state = RuleState::kOff;
  } else if (c.appointment) {
    rule.comment = "sur rendez-vous";
  } else if (!has_times) {
    return std::nullopt;  // days without hours
  }
  fallback_after = c.appointment_fallback;
  return rule;
}

std::vector<std::string> Interpreter::remainder() const {
  // Runs of tokens not understood, through connectors and filler words ("rue des fortes"), up
  // to the next understood word, number or time.
  auto is_connector = [&](std::size_t i) { return tokens_[i].kind == TextKind::kConnector; };
  auto stops_run = [&](std::size_t i) {
    return understood_[i] && !(tokens_[i].kind == TextKind::kWord && is_filler(tokens_[i].word));
  };
  std::vector<std::string> out;
  std::size_t k = 0;
  while (k < tokens_.size()) {
    if (understood_[k] || is_connector(k)) {
      ++k;
      continue;
    }
    std::size_t last = k;
    for (std::size_t j = k + 1; j < tokens_.size() && !stops_run(j); ++j)
      if (!understood_[j] && !is_connector(j)) last = j;
    std::size_t end = tokens_[last].end;
    // A parenthesis keeps its closing mark.
    if (last + 1 < tokens_.size() && tokens_[last + 1].kind == TextKind::kCloseParen) end = tokens_[last + 1].end;
    out.push_back(text_.substr(tokens_[k].begin, end - tokens_[k].begin));
    k = last + 1;
  }
  return out;
}

Normalized Interpreter::run(bool times_only) {
  for (std::size_t k = 0; k < tokens_.size();) k = step(k, times_only);
  Normalized result;
  Expression expression;
  std::vector<Rule> closed_rules;
  for (Clause& c : clauses_) {
    if (c.empty()) continue;
    tidy(c.times);
    bool fallback_after = false;
    std::optional<Rule> rule = rule_of(c, fallback_after);
    if (!rule) {
      for (std::size_t k : c.tokens) understood_[k] = false;
      continue;
    }
    if (rule->state == RuleState::kOff) {
      closed_rules.push_back(std::move(*rule));
      continue;
    }
    expression.rules.push_back(std::move(*rule));
    if (fallback_after) {
      Rule fallback;
      fallback.separator = RuleSeparator::kFallback;
      fallback.comment = "sur rendez-vous";
      expression.rules.push_back(std::move(fallback));
    }
  }
  // "fermé le mercredi" overrides the days named before it, wherever it was written.
  for (Rule& r : closed_rules) expression.rules.push_back(std::move(r));
  result.remainder = remainder();
  result.notes = notes_;
  std::size_t known = 0, unknown = 0;
  for (std::size_t k = 0; k < tokens_.size(); ++k) {
    if (tokens_[k].kind == TextKind::kConnector) continue;
    (understood_[k] ? known : unknown) += tokens_[k].end - tokens_[k].begin;
  }
  if (expression.rules.empty()) {
    result.reason = tokens_.empty() ? "texte vide" : "aucun horaire reconnu : « " + text_ + " »";
    return result;
  }
  result.expression = to_string(expression);
  const ParseResult check = parse(result.expression);
  if (!check.ok()) {  // a bug of this file; never give an invalid expression
    result.reason = "conversion impossible (" + check.error->message + ")";
    result.expression.clear();
    return result;
  }
  result.confidence = penalty_ * static_cast<double>(known) / static_cast<double>(std::max<std::size_t>(1, known + unknown));
  return result;
}

}  // namespace

Normalized normalize_free_text(std::string_view text) { return Interpreter(text).run(false); }

Normalized normalize_time_ranges(std::string_view text) { return Interpreter(text).run(true); }

}  // namespace maillage::hours
