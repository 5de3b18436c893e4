// The time selector: "09:00-12:00,14:00-18:00", "22:00-02:00", "10:00+", "sunrise-(sunset-01:00)",
// "10:00-16:00/01:30" (points in time, outside opening_hours), "24/7".
#include <string>

#include "hours/parser_impl.h"
#include "hours/printer.h"

namespace maillage::hours::detail {

namespace {

TimePoint::Kind event_kind(std::string_view word) {
  if (word == "sunrise") return TimePoint::Kind::kSunrise;
  if (word == "sunset") return TimePoint::Kind::kSunset;
  if (word == "dawn") return TimePoint::Kind::kDawn;
  return TimePoint::Kind::kDusk;
}

bool is_event_word(const Token& t) {
  return t.kind == TokenKind::kWord &&
         (t.text == "sunrise" || t.text == "sunset" || t.text == "dawn" || t.text == "dusk");
}

}  // namespace

bool Parser::starts_time(std::size_t ahead) const {
  const Token& t = peek(ahead);
  return (t.kind == TokenKind::kNumber && !is_year(t)) || is_event_word(t) ||
         t.kind == TokenKind::kOpenParen || t.kind == TokenKind::kTwentyFourSeven;
}

void Parser::parse_time_selector(Rule& rule) {
  while (true) {
    if (at(TokenKind::kTwentyFourSeven)) {
      const Token& t = next();
      if (rule.always) warn(t, "hours.always.twice", "« 24/7 » répété");
      rule.always = true;
    } else {
      rule.times.push_back(parse_time_span());
    }
    if (at(TokenKind::kComma) && starts_time(1)) {
      next();
      continue;
    }
    return;
  }
}

// Hours and minutes after the hour token: "09:30", "9h30", "9h", "09.30"; kBare when the hour
// stands alone ("9" in "9-12").
TimePoint Parser::parse_clock(ClockForm& form) {
  const Token& hours = next();
  TimePoint p;
  int minutes = 0;
  if (at(TokenKind::kColon)) {
    next();
    const Token& m = peek();
    if (m.kind != TokenKind::kNumber)
      fail(m, "hours.time.minutes_missing", "minutes attendues après « : » (« 09:30 »)");
    next();
    if (m.number > 59) fail(m, "hours.time.minutes", "les minutes vont de 00 à 59");
    minutes = static_cast<int>(m.number);
    form = ClockForm::kColon;
  } else if (at(TokenKind::kDot) && at(TokenKind::kNumber, 1) && !peek(1).space_before) {
    warn(peek(), "hours.time.dot", "« . » lu comme séparateur des heures et des minutes : écrivez « : »");
    next();
    const Token& m = next();
    if (m.number > 59) fail(m, "hours.time.minutes", "les minutes vont de 00 à 59");
    minutes = static_cast<int>(m.number);
    form = ClockForm::kDot;
  } else if (at_word("h")) {
    warn(peek(), "hours.time.h", "« h » lu comme séparateur des heures et des minutes : écrivez « 09:30 »");
    next();
    if (at(TokenKind::kNumber) && !peek().space_before) {
      const Token& m = next();
      if (m.number > 59) fail(m, "hours.time.minutes", "les minutes vont de 00 à 59");
      minutes = static_cast<int>(m.number);
    }
    form = ClockForm::kH;
  } else {
    form = ClockForm::kBare;
  }
  if (hours.number > 48) fail(hours, "hours.time.hours", "heure invalide : les heures vont de 00 à 48 (le lendemain)");
  p.minutes = static_cast<int>(hours.number) * 60 + minutes;
  return p;
}

TimePoint Parser::parse_time_point(ClockForm& form) {
  const Token& t = peek();
  TimePoint p;
  if (t.kind == TokenKind::kOpenParen) {
    next();
    if (!is_event_word(peek()))
      fail(peek(), "hours.event.expected", "après « ( », un événement solaire est attendu : sunrise, sunset, dawn ou dusk");
    p.kind = event_kind(next().text);
    p.parenthesised = true;
    if (!at(TokenKind::kPlus) && !at(TokenKind::kDash))
      fail(peek(), "hours.event.sign", "« + » ou « - » attendu après l'événement solaire (« (sunset-01:00) »)");
    const int sign = next().kind == TokenKind::kPlus ? 1 : -1;
    if (!at(TokenKind::kNumber) || !at(TokenKind::kColon, 1))
      fail(peek(), "hours.event.offset", "décalage attendu sous la forme hh:mm (« (sunset-01:00) »)");
    ClockForm offset_form;
    const TimePoint offset = parse_clock(offset_form);
    if (offset.minutes > 12 * 60) fail(t, "hours.event.offset", "décalage de plus de 12 heures autour d'un événement solaire");
    p.minutes = sign * offset.minutes;
    if (!at(TokenKind::kCloseParen)) fail(peek(), "hours.event.close", "« ) » attendue");
    next();
    form = ClockForm::kEvent;
    return p;
  }
  if (is_event_word(t)) {
    p.kind = event_kind(next().text);
    form = ClockForm::kEvent;
    return p;
  }
  if (t.kind != TokenKind::kNumber || is_year(t))
    fail(t, "hours.time.expected", "heure attendue (« 09:00 »)");
  return parse_clock(form);
}

TimeSpan Parser::parse_time_span() {
  const Token& first = peek();
  TimeSpan span;
  ClockForm start_form;
  span.start = parse_time_point(start_form);
  ClockForm end_form = ClockForm::kColon;
  bool bare = start_form == ClockForm::kBare;
  if (at(TokenKind::kDash)) {
    const Token& dash = next();
    if (dash.typographic) warn(dash, "hours.dash.typographic", "tiret typographique lu comme « - »");
    const Token& end_token = peek();
    span.end = parse_time_point(end_form);
    const bool end_bare = end_form == ClockForm::kBare;
    const bool start_plain = start_form == ClockForm::kBare || start_form == ClockForm::kH;
    const bool end_plain = end_bare || end_form == ClockForm::kH;
    if ((bare && !end_plain) || (end_bare && !start_plain))
      fail(end_token, "hours.time.mixed", "mélange d'heures avec et sans minutes : écrivez « 09:00-12:00 »");
    bare = bare || end_bare;
    if (at(TokenKind::kPlus)) {
      next();
      span.open_end = true;
    }
  } else if (at(TokenKind::kPlus) && start_form != ClockForm::kBare) {
    next();
    span.open_end = true;
  } else if (start_form == ClockForm::kBare) {
    fail(first, "hours.time.incomplete", "heure incomplète : une plage horaire s'écrit « 09:00-12:00 »");
  }
  if (bare)
    warn(first, "hours.time.no_minutes",
         "heures sans minutes : écrivez « " + clock_string(span.start.minutes) + "-" +
             clock_string(span.end ? span.end->minutes : 0) + " »");
  if (at(TokenKind::kSlash) && at(TokenKind::kNumber, 1)) {
    const Token& slash = next();
    if (at(TokenKind::kColon, 1)) {
      ClockForm f;
      span.repeat_minutes = parse_clock(f).minutes;
    } else {
      span.repeat_minutes = static_cast<int>(std::min<std::int64_t>(next().number, 2880));
    }
    if (span.repeat_minutes <= 0) fail(slash, "hours.time.repeat", "l'intervalle de répétition doit être positif");
    if (!span.end) fail(slash, "hours.time.repeat", "une répétition s'applique à une plage (« 10:00-16:00/01:30 »)");
    int length = kMinutesPerDay;  // with a solar bound: at most a day
    if (!span.start.is_event() && !span.end->is_event()) {
      length = span.end->minutes - span.start.minutes;
      if (length <= 0) length += kMinutesPerDay;
    }
    repeated_points_ += length / span.repeat_minutes + 1;
    if (options_.allow_points_in_time && repeated_points_ > kMaxRepeatedPoints)
      fail(slash, "hours.time.too_many_points",
           "trop d'heures répétées : au plus " + std::to_string(kMaxRepeatedPoints) + " passages par expression");
  }
  check_time_span(span, first);
  return span;
}

void Parser::check_time_span(const TimeSpan& span, const Token& first) {
  if (!options_.allow_points_in_time) {
    if (span.repeat_minutes > 0)
      fail(first, "hours.time.repeat_not_allowed",
           "heures répétées (« /01:30 ») : elles décrivent des passages (collection_times, service_times), "
           "pas des horaires d'ouverture");
    if (!span.end && !span.open_end)
      fail(first, "hours.time.point",
           "heure isolée : une ouverture s'écrit comme une plage « 09:00-12:00 », ou « 09:00+ » quand "
           "l'heure de fermeture n'est pas connue");
  }
  if (!span.start.is_event() && span.start.minutes >= kMinutesPerDay)
    fail(first, "hours.time.start_after_midnight",
         "une plage doit commencer dans la journée (00:00 à 23:59) ; pour le lendemain, placez-la sur "
         "le jour suivant");
  if (!span.end || span.end->is_event() || span.start.is_event()) return;
  const int start = span.start.minutes;
  int end = span.end->minutes;
  if (end > 2 * kMinutesPerDay)
    fail(first, "hours.time.two_midnights", "une plage ne peut pas dépasser 48:00 (minuit du surlendemain)");
  if (end == start) {
    warn(first, "hours.time.full_day",
         "plage de 24 heures (« " + clock_string(start) + "-" + clock_string(end) + " ») : est-ce voulu ?");
    return;
  }
  if (end < start) {
    end += kMinutesPerDay;
    if (end - start > 12 * 60)
      warn(first, "hours.time.long_night",
           "la plage « " + clock_string(start) + "-" + clock_string(span.end->minutes) +
               " » passe minuit et dure plus de 12 heures : les heures sont-elles inversées ?");
  }
}

}  // namespace maillage::hours::detail
