// Wide-range selectors: years, month-days (with easter and n-th weekdays), weeks, weekdays and
// holidays.
#include <string>

#include "hours/parser_impl.h"

namespace maillage::hours::detail {

namespace {

std::string ordinal_range_message(std::string_view what, int min, int max) {
  return std::string(what) + " doit être compris entre " + std::to_string(min) + " et " +
         std::to_string(max);
}

}  // namespace

// A weekday or month name: canonical, or tolerated with a warning ("lundi", "juillet").
int Parser::expect_name(bool weekday) {
  const Token& t = peek();
  const NamedValue v = t.kind != TokenKind::kWord ? NamedValue{} : weekday ? weekday_from_word(t.text) : month_from_word(t.text);
  const std::string kind = weekday ? "weekday" : "month";
  if (v.value < 0)
    fail(t, "hours." + kind + ".expected",
         weekday ? "jour de la semaine attendu (Mo, Tu, We, Th, Fr, Sa, Su)" : "mois attendu (Jan, Feb, ..., Dec)");
  if (!v.written_for.empty())
    warn(t, "hours." + kind + ".name",
         "« " + std::string(source_.substr(t.position, t.length)) + " » lu comme « " + std::string(v.written_for) +
             (weekday ? " » : écrivez les jours Mo Tu We Th Fr Sa Su"
                      : " » : écrivez les mois Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"));
  next();
  return v.value;
}

// A day-of-month number after a month, as opposed to an hour ("Jan 10:00-12:00").
static bool is_day_number(const Token& t, const Token& after) {
  return t.kind == TokenKind::kNumber && t.number <= 1900 && after.kind != TokenKind::kColon &&
         after.kind != TokenKind::kDot && !(after.kind == TokenKind::kWord && after.text == "h");
}

bool Parser::starts_dated_monthday(std::size_t ahead) const {
  std::size_t i = ahead;
  if (is_year(peek(i))) ++i;
  if (at_word("easter", i)) return true;
  if (peek(i).kind != TokenKind::kWord || month_from_word(peek(i).text).value < 0) return false;
  if (is_day_number(peek(i + 1), peek(i + 2))) return true;
  return peek(i + 1).kind == TokenKind::kWord && weekday_from_word(peek(i + 1).text).value >= 0 &&
         peek(i + 2).kind == TokenKind::kOpenBracket;
}

const Token& Parser::expect_year() {
  const Token& y = next();
  if (y.number > 9999) fail(y, "hours.year.range", "année invalide : une année s'écrit sur quatre chiffres, de 1901 à 9999");
  return y;
}

void Parser::parse_year_selector(Rule& rule) {
  while (true) {
    const Token& first = expect_year();
    YearRange y;
    y.from = y.to = static_cast<int>(first.number);
    bool range = false;
    if (at(TokenKind::kDash) && is_year(peek(1))) {
      next();
      const Token& to = expect_year();
      y.to = static_cast<int>(to.number);
      range = true;
      if (y.to == y.from) fail(to, "hours.year.single_range", "plage d'une seule année : écrivez « " + std::to_string(y.from) + " »");
      if (y.to < y.from) fail(to, "hours.year.reversed", "plage d'années à l'envers : la première année doit précéder la seconde");
    }
    if (at(TokenKind::kSlash) && at(TokenKind::kNumber, 1)) {
      next();
      const Token& step = next();
      if (step.number < 1) fail(step, "hours.year.step", "le pas d'une plage d'années doit valoir au moins 1");
      if (step.number == 1) warn(step, "hours.year.step_one", "un pas de 1 an ne change rien : retirez « /1 »");
      y.step = static_cast<int>(std::min<std::int64_t>(step.number, 1000));
      y.open_ended = !range;
    } else if (!range && at(TokenKind::kPlus)) {
      next();
      y.open_ended = true;
    }
    rule.years.push_back(y);
    if (at(TokenKind::kComma) && is_year(peek(1)) && !starts_dated_monthday(1)) {
      next();
      continue;
    }
    return;
  }
}

bool Parser::parse_day_offset(int max_days, int& offset, std::string_view what) {
  if (!(at(TokenKind::kPlus) || at(TokenKind::kDash)) || !at(TokenKind::kNumber, 1) ||
      !(at_word("day", 2) || at_word("days", 2)))
    return false;
  const int sign = next().kind == TokenKind::kPlus ? 1 : -1;
  const Token& n = next();
  next();  // day(s)
  if (n.number > max_days)
    fail(n, "hours.offset.too_large",
         "décalage trop grand : au plus " + std::to_string(max_days) + " jour(s) pour " + std::string(what));
  if (n.number == 0) warn(n, "hours.offset.zero", "un décalage de 0 jour ne change rien");
  offset = sign * static_cast<int>(n.number);
  return true;
}

DatePoint Parser::parse_date_point(bool allow_year, bool read_day) {
  DatePoint d;
  if (is_year(peek())) {
    const Token& y = expect_year();
    if (!allow_year) fail(y, "hours.date.year_mismatch", "les deux bornes d'une plage de dates doivent toutes deux avoir une année, ou aucune");
    d.year = static_cast<int>(y.number);
  }
  if (at_word("easter")) {
    next();
    d.kind = DatePoint::Kind::kEaster;
    parse_day_offset(366, d.day_offset, "Pâques");
    return d;
  }
  d.month = expect_month();
  if (peek().kind == TokenKind::kWord && weekday_from_word(peek().text).value >= 0 && at(TokenKind::kOpenBracket, 1)) {
    d.kind = DatePoint::Kind::kNthWeekday;
    d.weekday = static_cast<Weekday>(expect_weekday());
    const std::vector<int> nth = parse_nth_list();
    if (nth.size() != 1) fail(peek(), "hours.nth.single", "dans une date, un seul rang de jour est permis (« Mar Su[-1] »)");
    d.nth = nth.front();
    parse_day_offset(6, d.day_offset, "un jour de rang donné");
    return d;
  }
  const Token& day = peek();
  if (!is_day_number(day, peek(1)))
    fail(day, "hours.date.day_expected", "jour du mois attendu après le mois (« Jan 05 »)");
  if (read_day) d.day = parse_day_of_month(d.month);
  return d;
}

int Parser::parse_day_of_month(int month) {
  static constexpr int kMaxDays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const Token& day = next();
  if (day.number < 1 || day.number > 31) fail(day, "hours.date.day", ordinal_range_message("le jour du mois", 1, 31));
  if (day.number > kMaxDays[month - 1])
    fail(day, "hours.date.day_of_month",
         std::string(month_name(month)) + " n'a que " + std::to_string(kMaxDays[month - 1]) + " jours");
  return static_cast<int>(day.number);
}

// "05" or "05-10" after a month already read: days of that month.
MonthdayRange Parser::parse_days_of_month(const DatePoint& month) {
  MonthdayRange r;
  r.kind = MonthdayRange::Kind::kDates;
  r.from = month;
  r.from.day = parse_day_of_month(month.month);
  if (at(TokenKind::kDash) && is_day_number(peek(1), peek(2))) {
    next();
    const Token& t = peek();
    DatePoint to = r.from;
    to.day = parse_day_of_month(month.month);
    if (to.day < r.from.day) fail(t, "hours.date.reversed", "plage de jours à l'envers dans le même mois");
    r.to = to;
  }
  return r;
}

MonthdayRange Parser::parse_monthday_range() {
  MonthdayRange r;
  if (!starts_dated_monthday(0)) {
    r.kind = MonthdayRange::Kind::kMonths;
    r.month_from = r.month_to = expect_month();
    if (at(TokenKind::kDash) && peek(1).kind == TokenKind::kWord && month_from_word(peek(1).text).value >= 0 &&
        !starts_dated_monthday(1)) {
      next();
      r.month_to = expect_month();
    }
    return r;
  }
  DatePoint from = parse_date_point(true, /*read_day=*/false);
  if (from.kind == DatePoint::Kind::kCalendar) {
    r = parse_days_of_month(from);
  } else {
    r.kind = MonthdayRange::Kind::kDates;
    r.from = from;
  }
  if (!r.to && at(TokenKind::kDash) && starts_dated_monthday(1)) {
    next();
    const Token& t = peek();
    r.to = parse_date_point(r.from.year != 0, /*read_day=*/true);
    if ((r.to->year != 0) != (r.from.year != 0))
      fail(t, "hours.date.year_mismatch", "les deux bornes d'une plage de dates doivent toutes deux avoir une année, ou aucune");
  }
  if (r.to && at(TokenKind::kSlash) && at(TokenKind::kNumber, 1)) {
    next();
    const Token& step = next();
    if (step.number < 1) fail(step, "hours.date.step", "le pas d'une plage de jours doit valoir au moins 1");
    if (step.number == 1) warn(step, "hours.date.step_one", "un pas de 1 jour ne change rien : retirez « /1 »");
    r.step = static_cast<int>(std::min<std::int64_t>(step.number, 366));
  }
  return r;
}

void Parser::parse_monthday_selector(Rule& rule) {
  rule.monthdays.push_back(parse_monthday_range());
  while (at(TokenKind::kComma)) {
    const Token& n = peek(1);
    if ((n.kind == TokenKind::kWord && (month_from_word(n.text).value >= 0 || n.text == "easter")) ||
        starts_dated_monthday(1)) {
      next();
      rule.monthdays.push_back(parse_monthday_range());
      continue;
    }
    // "Jan 01,15": more days of the same month.
    const MonthdayRange& last = rule.monthdays.back();
    if (last.kind == MonthdayRange::Kind::kDates && last.from.kind == DatePoint::Kind::kCalendar &&
        (!last.to || (last.to->kind == DatePoint::Kind::kCalendar && last.to->month == last.from.month &&
                      last.to->year == last.from.year)) &&
        is_day_number(n, peek(2))) {
      next();
      const DatePoint month = last.from;
      rule.monthdays.push_back(parse_days_of_month(month));
      continue;
    }
    return;
  }
}

void Parser::parse_week_selector(Rule& rule) {
  next();  // "week"
  while (true) {
    const Token& from = peek();
    if (from.kind != TokenKind::kNumber) fail(from, "hours.week.expected", "numéro de semaine attendu après « week » (« week 01-53/2 »)");
    next();
    WeekRange w;
    w.from = w.to = static_cast<int>(std::min<std::int64_t>(from.number, 99));
    if (w.from < 1 || w.from > 53) fail(from, "hours.week.range", ordinal_range_message("le numéro de semaine", 1, 53));
    if (at(TokenKind::kDash) && at(TokenKind::kNumber, 1)) {
      next();
      const Token& to = next();
      if (to.number < 1 || to.number > 53) fail(to, "hours.week.range", ordinal_range_message("le numéro de semaine", 1, 53));
      if (to.number < w.from) fail(to, "hours.week.reversed", "plage de semaines à l'envers");
      w.to = static_cast<int>(to.number);
      if (at(TokenKind::kSlash) && at(TokenKind::kNumber, 1)) {
        next();
        const Token& step = next();
        if (step.number < 2 || step.number > 26)
          fail(step, "hours.week.step", "le pas d'une plage de semaines doit être compris entre 2 et 26 (sans pas : toutes les semaines)");
        w.step = static_cast<int>(step.number);
      }
    }
    rule.weeks.push_back(w);
    if (at(TokenKind::kComma) && at(TokenKind::kNumber, 1) && !is_year(peek(1)) &&
        !at(TokenKind::kColon, 2)) {
      next();
      continue;
    }
    return;
  }
}

int Parser::parse_signed_small(int min, int max, std::string_view what) {
  int sign = 1;
  if (at(TokenKind::kDash)) {
    next();
    sign = -1;
  }
  const Token& n = peek();
  if (n.kind != TokenKind::kNumber) fail(n, "hours.nth.expected", std::string(what) + " : nombre attendu");
  next();
  const int v = sign * static_cast<int>(std::min<std::int64_t>(n.number, 99));
  if (v < min || v > max || v == 0)
    fail(n, "hours.nth.range", std::string(what) + " : entre -5 et 5, sauf 0 (1 = le premier du mois, -1 = le dernier)");
  return v;
}

std::vector<int> Parser::parse_nth_list() {
  next();  // "["
  std::vector<int> nth;
  while (true) {
    const int from = parse_signed_small(-5, 5, "rang du jour dans le mois");
    int to = from;
    if (at(TokenKind::kDash) && (at(TokenKind::kNumber, 1) || at(TokenKind::kDash, 1))) {
      next();
      const Token& t = peek();
      to = parse_signed_small(-5, 5, "rang du jour dans le mois");
      if (to <= from || (from < 0 && to > 0)) fail(t, "hours.nth.reversed", "plage de rangs invalide (« [1-3] » ou « [-2--1] »)");
    }
    for (int n = from; n <= to; ++n)
      if (n != 0) nth.push_back(n);
    if (at(TokenKind::kComma)) {
      next();
      continue;
    }
    if (!at(TokenKind::kCloseBracket)) fail(peek(), "hours.nth.close", "« ] » attendu pour fermer la liste des rangs");
    next();
    return nth;
  }
}

WeekdayRange Parser::parse_weekday_range() {
  WeekdayRange r;
  r.from = r.to = static_cast<Weekday>(expect_weekday());
  if (at(TokenKind::kOpenBracket)) {
    r.nth = parse_nth_list();
    parse_day_offset(6, r.day_offset, "un jour de rang donné");
    return r;
  }
  if (at(TokenKind::kDash) && peek(1).kind == TokenKind::kWord && weekday_from_word(peek(1).text).value >= 0) {
    if (peek().typographic) warn(peek(), "hours.dash.typographic", "tiret typographique lu comme « - »");
    next();
    r.to = static_cast<Weekday>(expect_weekday());
  }
  return r;
}

void Parser::parse_weekday_list(Rule& rule, bool& has_weekdays, bool& has_holidays) {
  while (true) {
    const Token& t = peek();
    if (t.kind == TokenKind::kWord && (t.text == "ph" || t.text == "sh")) {
      next();
      HolidayRange h;
      if (t.text == "sh") {
        if (!options_.allow_school_holidays)
          fail(t, "hours.sh.unsupported",
               "SH (vacances scolaires) n'est pas pris en charge : maillage n'a pas encore de source de "
               "calendrier scolaire ; décrivez les périodes par des dates (« Jul 07-Aug 31 ») ou par un commentaire");
        h.kind = HolidayRange::Kind::kSchool;
      } else {
        parse_day_offset(1, h.day_offset, "un jour férié");
      }
      rule.holidays.push_back(h);
      has_holidays = true;
    } else {
      rule.weekdays.push_back(parse_weekday_range());
      has_weekdays = true;
    }
    if (at(TokenKind::kComma) && peek(1).kind == TokenKind::kWord &&
        (weekday_from_word(peek(1).text).value >= 0 || peek(1).text == "ph" || peek(1).text == "sh")) {
      next();
      continue;
    }
    return;
  }
}

void Parser::parse_weekday_selector(Rule& rule) {
  bool has_weekdays = false, has_holidays = false;
  parse_weekday_list(rule, has_weekdays, has_holidays);
  const Token& t = peek();
  if (t.kind != TokenKind::kWord) return;
  const bool next_is_holiday = t.text == "ph" || t.text == "sh";
  const bool next_is_weekday = weekday_from_word(t.text).value >= 0;
  if ((has_holidays && !has_weekdays && next_is_weekday) || (has_weekdays && !has_holidays && next_is_holiday)) {
    // "PH Mo-Fr": the holidays falling on Mo-Fr.
    if (next_is_holiday)
      warn(t, "hours.selector.order", "écrivez les jours fériés avant les jours de la semaine (« PH Mo-Fr »)");
    bool more_weekdays = false, more_holidays = false;
    parse_weekday_list(rule, more_weekdays, more_holidays);
    if ((next_is_weekday && more_holidays) || (next_is_holiday && more_weekdays))
      fail(t, "hours.holiday.combination", "combinaison de jours fériés et de jours de la semaine non comprise");
    rule.holidays_restrict_weekdays = true;
  }
}

}  // namespace maillage::hours::detail
