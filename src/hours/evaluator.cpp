#include "hours/evaluator.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "hours/civil.h"
#include "hours/sun.h"

namespace maillage::hours {

namespace {

constexpr std::string_view kOpenEndNotice = "heure de fermeture non précisée";

State meaning_of(const Rule& rule) {
  if (rule.state) {
    switch (*rule.state) {
      case RuleState::kOpen: return State::kOpen;
      case RuleState::kUnknown: return State::kUnknown;
      default: return State::kClosed;
    }
  }
  return rule.comment ? State::kUnknown : State::kOpen;
}

// Default minutes of the solar events when the place has no coordinates (as opening_hours.js).
int default_event_minutes(TimePoint::Kind kind) {
  switch (kind) {
    case TimePoint::Kind::kDawn: return 5 * 60 + 30;
    case TimePoint::Kind::kSunrise: return 6 * 60;
    case TimePoint::Kind::kSunset: return 18 * 60;
    case TimePoint::Kind::kDusk: return 18 * 60 + 30;
    default: return 0;
  }
}

// "10:00+" is unknown until midnight; "17:00+" for ten hours; "22:00+" for eight.
int open_end_limit(int start) {
  if (start >= 22 * 60) return start + 8 * 60;
  if (start >= 17 * 60) return start + 10 * 60;
  return kMinutesPerDay;
}

bool weekday_matches(const WeekdayRange& w, std::int64_t day) {
  if (w.nth.empty()) {
    const int wd = weekday_of(day);
    return w.from <= w.to ? (wd >= w.from && wd <= w.to) : (wd >= w.from || wd <= w.to);
  }
  const std::int64_t target = day - w.day_offset;
  if (weekday_of(target) != w.from) return false;
  const CivilDate c = civil_from_days(target);
  const int from_start = (c.day - 1) / 7 + 1;
  const int from_end = -((days_in_month(c.year, c.month) - c.day) / 7 + 1);
  return std::find(w.nth.begin(), w.nth.end(), from_start) != w.nth.end() ||
         std::find(w.nth.begin(), w.nth.end(), from_end) != w.nth.end();
}

bool year_matches(const YearRange& y, int year) {
  if (year < y.from) return false;
  if (!y.open_ended && year > y.to) return false;
  return (year - y.from) % y.step == 0;
}

// The day of a date point in `year`; nullopt when it does not exist that year (Feb 29, a fifth
// weekday).
std::optional<std::int64_t> resolve(const DatePoint& p, int year) {
  if (p.year != 0) year = p.year;
  switch (p.kind) {
    case DatePoint::Kind::kEaster:
      return easter_sunday(year) + p.day_offset;
    case DatePoint::Kind::kNthWeekday: {
      const std::int64_t d = nth_weekday_of_month(year, p.month, p.weekday, p.nth);
      const CivilDate c = civil_from_days(d);
      if (c.month != p.month) return std::nullopt;
      return d + p.day_offset;
    }
    case DatePoint::Kind::kCalendar:
      break;
  }
  return days_from_civil(year, p.month, p.day);  // Feb 29 of a common year reads as Mar 01
}

bool monthday_matches(const MonthdayRange& r, std::int64_t day) {
  const CivilDate c = civil_from_days(day);
  if (r.kind == MonthdayRange::Kind::kMonths) {
    return r.month_from <= r.month_to ? (c.month >= r.month_from && c.month <= r.month_to)
                                      : (c.month >= r.month_from || c.month <= r.month_to);
  }
  const bool feb29 = (r.from.kind == DatePoint::Kind::kCalendar && r.from.month == 2 && r.from.day == 29) ||
                     (r.to && r.to->kind == DatePoint::Kind::kCalendar && r.to->month == 2 && r.to->day == 29);
  const bool same_month = r.to && r.to->kind == DatePoint::Kind::kCalendar &&
                          r.from.kind == DatePoint::Kind::kCalendar && r.to->month == r.from.month;
  if (!r.to) {
    if (r.from.year != 0 && r.from.year != c.year && r.from.kind == DatePoint::Kind::kCalendar) return false;
    if (feb29 && !is_leap_year(r.from.year != 0 ? r.from.year : c.year)) return false;
    const auto d = resolve(r.from, c.year);
    return d && *d == day;
  }
  // Ranges: try the occurrence starting this year and the one starting last year (across the
  // year end: "Dec 24-Jan 02").
  for (int year : {c.year, c.year - 1}) {
    if (r.from.year != 0 && year != c.year) break;
    if (same_month && feb29 && !is_leap_year(r.from.year != 0 ? r.from.year : year)) continue;
    const auto from = resolve(r.from, year);
    if (!from) continue;
    auto to = resolve(*r.to, r.to->year != 0 ? r.to->year : year);
    if (!to) continue;
    if (*to < *from && r.to->year == 0) to = resolve(*r.to, year + 1);
    if (!to || day < *from || day > *to) continue;
    return (day - *from) % r.step == 0;
  }
  return false;
}

}  // namespace

std::string_view to_string(State state) {
  switch (state) {
    case State::kOpen: return "open";
    case State::kUnknown: return "unknown";
    default: return "closed";
  }
}

Evaluator::Evaluator(Expression expression, const Place& place)
    : expression_(std::move(expression)), place_(place), holidays_(place.holidays) {
  build_internal_rules();
}

int Evaluator::nominal_minutes(const TimePoint& p) const {
  return p.is_event() ? default_event_minutes(p.kind) + p.minutes : p.minutes;
}

void Evaluator::build_internal_rules() {
  bool in_fallback = false;
  const Rule* previous = nullptr;
  for (const Rule& rule : expression_.rules) {
    if (rule.separator == RuleSeparator::kFallback) in_fallback = true;
    else if (rule.separator == RuleSeparator::kNormal) in_fallback = false;
    InternalRule ir;
    ir.rule = &rule;
    ir.fallback = in_fallback;
    ir.additional = rule.separator == RuleSeparator::kAdditional;
    ir.meaning = meaning_of(rule);
    // opening_hours.js: a rule clears the day when it has day selectors, or when neither it nor
    // the previous rule has any (and it opens); "off" rules and fallbacks never clear.
    const bool clears_by_selectors =
        rule.has_date_selectors() ||
        (previous != nullptr && ir.meaning == State::kOpen && !previous->has_date_selectors());
    ir.overrides = clears_by_selectors && ir.meaning != State::kClosed && !ir.fallback && !ir.additional;
    rules_.push_back(ir);
    bool wraps = false;
    for (const TimeSpan& t : rule.times) {
      if (t.open_end) wraps = true;  // the open end may run past midnight
      if (!t.end) continue;
      // Solar times move with the seasons: they may cross midnight on some days only.
      if (t.start.is_event() || t.end->is_event()) wraps = true;
      const int from = nominal_minutes(t.start), to = nominal_minutes(*t.end);
      if (to <= from || to > kMinutesPerDay) wraps = true;
    }
    if (wraps) {
      InternalRule w = ir;
      w.wrapped = true;
      w.overrides = false;
      rules_.push_back(w);
    }
    previous = &rule;
  }
}

bool Evaluator::date_matches(const Rule& rule, std::int64_t day, std::string_view* holiday_name) {
  if (!rule.years.empty()) {
    const int year = civil_from_days(day).year;
    if (std::none_of(rule.years.begin(), rule.years.end(), [&](const YearRange& y) { return year_matches(y, year); }))
      return false;
  }
  if (!rule.monthdays.empty() &&
      std::none_of(rule.monthdays.begin(), rule.monthdays.end(),
                   [&](const MonthdayRange& r) { return monthday_matches(r, day); }))
    return false;
  if (!rule.weeks.empty()) {
    const int week = iso_week_of(day);
    if (std::none_of(rule.weeks.begin(), rule.weeks.end(), [&](const WeekRange& w) {
          return week >= w.from && week <= w.to && (week - w.from) % w.step == 0;
        }))
      return false;
  }
  const bool any_weekday = std::any_of(rule.weekdays.begin(), rule.weekdays.end(),
                                       [&](const WeekdayRange& w) { return weekday_matches(w, day); });
  bool any_holiday = false;
  for (const HolidayRange& h : rule.holidays) {
    if (h.kind != HolidayRange::Kind::kPublic) continue;  // no school calendar (parse refuses SH)
    if (const PublicHoliday* p = holidays_.holiday_on(day - h.day_offset)) {
      any_holiday = true;
      *holiday_name = p->name;
      break;
    }
  }
  if (!rule.weekdays.empty() && !rule.holidays.empty())
    return rule.holidays_restrict_weekdays ? (any_weekday && any_holiday) : (any_weekday || any_holiday);
  if (!rule.weekdays.empty()) return any_weekday;
  if (!rule.holidays.empty()) return any_holiday;
  return true;
}

int Evaluator::event_minutes(const TimePoint& p, std::int64_t day) {
  if (!p.is_event()) return p.minutes;
  if (!place_.latitude || !place_.longitude) return default_event_minutes(p.kind) + p.minutes;
  static constexpr SolarEvent kEvents[] = {SolarEvent::kSunrise, SolarEvent::kSunrise, SolarEvent::kSunset,
                                           SolarEvent::kDawn, SolarEvent::kDusk};
  const std::int64_t noon = place_.zone->first_instant_at_or_after(day * kSecondsPerDay + 12 * 3600);
  const auto ms = solar_event_ms(kEvents[static_cast<int>(p.kind)], noon * 1000, *place_.latitude, *place_.longitude);
  if (!ms) return default_event_minutes(p.kind) + p.minutes;
  const WallTime w = split_wall(place_.zone->wall_of(floor_div(*ms, 1000)));
  return static_cast<int>((w.day - day) * kMinutesPerDay) + w.minute + p.minutes;
}

void Evaluator::resolve_parts(const InternalRule& ir, std::int64_t day, std::vector<Part>& out) {
  const Rule& rule = *ir.rule;
  const std::int64_t x = ir.wrapped ? day - 1 : day;  // the day the rule matched
  if (rule.always && !ir.wrapped) out.push_back({0, kMinutesPerDay, false});
  std::vector<Part> pieces;  // in minutes of day x, may run past 1440
  std::vector<int> starts;
  for (const TimeSpan& t : rule.times) starts.push_back(std::clamp(event_minutes(t.start, x), 0, kMinutesPerDay - 1));
  for (std::size_t i = 0; i < rule.times.size(); ++i) {
    const TimeSpan& t = rule.times[i];
    const int from = starts[i];
    int open_end_from = -1, open_end_nominal = 0;
    if (t.end) {
      int to = event_minutes(*t.end, x);
      const bool wraps = to <= from;
      int nominal_to = nominal_minutes(*t.end);
      if (wraps) {
        to += kMinutesPerDay;
        if (nominal_to <= nominal_minutes(t.start)) nominal_to += kMinutesPerDay;
        if (t.end->is_event() && ir.wrapped) to = kMinutesPerDay + event_minutes(*t.end, day);  // the next morning's event
      }
      if (t.repeat_minutes > 0) {
        for (int p = from; p <= to && pieces.size() < 4096; p += t.repeat_minutes) pieces.push_back({p, p + 1, false});
      } else {
        pieces.push_back({from, to, false});
      }
      if (t.open_end) {
        open_end_from = to;
        open_end_nominal = nominal_to;
      }
    } else if (t.open_end) {
      open_end_from = from;
      open_end_nominal = nominal_minutes(t.start);
    } else {
      pieces.push_back({from, from + 1, false});  // a point in time
    }
    if (open_end_from >= 0) {
      // The closing bound comes from the written time (06:00 for sunrise), as opening_hours.js.
      int limit = std::max(open_end_limit(open_end_nominal), open_end_from + 1);
      for (std::size_t j = 0; j < starts.size(); ++j)
        if (j != i && starts[j] > open_end_from && starts[j] < limit) limit = starts[j];
      if (limit > open_end_from) pieces.push_back({open_end_from, limit, true});
    }
  }
  for (const Part& p : pieces) {
    if (ir.wrapped) {
      if (p.to > kMinutesPerDay) out.push_back({std::max(0, p.from - kMinutesPerDay), std::min(p.to - kMinutesPerDay, kMinutesPerDay), p.open_end});
    } else if (p.from < kMinutesPerDay) {
      out.push_back({p.from, std::min(p.to, kMinutesPerDay), p.open_end});
    }
  }
}

std::vector<Segment> Evaluator::day(std::int64_t day) {
  struct Active {
    const InternalRule* ir;
    std::string_view holiday;
    std::size_t parts_begin, parts_end;
  };
  std::vector<Active> active;
  for (const InternalRule& ir : rules_) {
    std::string_view holiday;
    if (!date_matches(*ir.rule, ir.wrapped ? day - 1 : day, &holiday)) continue;
    if (ir.overrides) active.clear();
    active.push_back({&ir, holiday, 0, 0});
  }
  std::vector<Part> parts;
  std::vector<std::uint32_t> owner;  // the active rule of each part
  for (std::size_t a = 0; a < active.size(); ++a) {
    active[a].parts_begin = parts.size();
    resolve_parts(*active[a].ir, day, parts);
    active[a].parts_end = parts.size();
    owner.resize(parts.size(), static_cast<std::uint32_t>(a));
  }
  // A sweep over the day: the parts covering each elementary interval, by rule, kept in order
  // of the rule's time ranges (the last one decides, the first one for a fallback rule).
  struct Event {
    int minute;
    std::uint32_t part;
    bool starts;
  };
  std::vector<Event> events;
  std::vector<int> bounds = {0, kMinutesPerDay};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].from >= parts[i].to) continue;
    events.push_back({parts[i].from, static_cast<std::uint32_t>(i), true});
    events.push_back({parts[i].to, static_cast<std::uint32_t>(i), false});
    if (parts[i].from > 0) bounds.push_back(parts[i].from);
    if (parts[i].to < kMinutesPerDay) bounds.push_back(parts[i].to);
  }
  std::sort(events.begin(), events.end(), [](const Event& x, const Event& y) { return x.minute < y.minute; });
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  std::vector<std::set<std::uint32_t>> covering(active.size());
  std::size_t next_event = 0;
  std::vector<Segment> segments;
  for (std::size_t b = 0; b + 1 < bounds.size(); ++b) {
    const int m = bounds[b];
    for (; next_event < events.size() && events[next_event].minute <= m; ++next_event) {
      const Event& e = events[next_event];
      if (e.starts) covering[owner[e.part]].insert(e.part);
      else covering[owner[e.part]].erase(e.part);
    }
    State state = State::kClosed;
    const Active* match = nullptr;
    bool open_end = false;
    for (std::size_t a = 0; a < active.size(); ++a) {
      const InternalRule& ir = *active[a].ir;
      // A fallback rule only fills what is still closed.
      const bool may_set = !ir.fallback || state == State::kClosed;
      if (!ir.rule->has_time_selectors() && may_set) {
        state = ir.meaning;
        match = &active[a];
        open_end = false;
      }
      if (covering[a].empty() || !may_set) continue;
      const Part& p = parts[ir.fallback ? *covering[a].begin() : *covering[a].rbegin()];
      state = ir.meaning;
      match = &active[a];
      open_end = p.open_end && state != State::kClosed;
      if (open_end) state = State::kUnknown;
    }
    std::string_view comment;
    if (match != nullptr) {
      if (match->ir->rule->comment) comment = *match->ir->rule->comment;
      else if (!match->holiday.empty()) comment = match->holiday;
      else if (open_end) comment = kOpenEndNotice;
    }
    if (!segments.empty() && segments.back().state == state && segments.back().comment == comment) {
      segments.back().end = bounds[b + 1];
    } else {
      segments.push_back({m, bounds[b + 1], state, comment});
    }
  }
  return segments;
}

Status Evaluator::at(std::int64_t instant) {
  const Zone& zone = *place_.zone;
  const WallTime now = split_wall(zone.effective_wall_of(instant));
  std::vector<Segment> segments = day(now.day);
  std::size_t index = 0;
  while (index + 1 < segments.size() && segments[index].end <= now.minute) ++index;
  Status status;
  status.state = segments[index].state;
  status.comment = std::string(segments[index].comment);
  const std::int64_t limit = instant + kNextChangeHorizonSeconds;
  std::int64_t d = now.day;
  std::size_t j = index + 1;
  while (true) {
    for (; j < segments.size(); ++j) {
      if (segments[j].state == status.state) continue;
      const std::int64_t from = zone.first_instant_at_or_after(d * kSecondsPerDay + segments[j].start * 60);
      const std::int64_t to = zone.first_instant_at_or_after(d * kSecondsPerDay + segments[j].end * 60);
      if (to <= from) continue;  // skipped by a daylight-saving jump
      if (from >= limit) return status;
      status.next_change = from;
      return status;
    }
    ++d;
    if (zone.first_instant_at_or_after(d * kSecondsPerDay) >= limit) return status;
    segments = day(d);
    j = 0;
  }
}

State Evaluator::state_at(std::int64_t instant) {
  const WallTime now = split_wall(place_.zone->effective_wall_of(instant));
  for (const Segment& s : day(now.day))
    if (now.minute < s.end) return s.state;
  return State::kClosed;
}

std::vector<Interval> Evaluator::intervals(std::int64_t from, std::int64_t to) {
  std::vector<Interval> out;
  if (to <= from) return out;
  const Zone& zone = *place_.zone;
  const std::int64_t first_day = split_wall(zone.effective_wall_of(from)).day;
  const std::int64_t last_day = split_wall(zone.effective_wall_of(to - 1)).day;
  for (std::int64_t d = first_day; d <= last_day; ++d) {
    for (const Segment& s : day(d)) {
      if (s.state == State::kClosed) continue;
      const std::int64_t a = std::max(from, zone.first_instant_at_or_after(d * kSecondsPerDay + s.start * 60));
      const std::int64_t b = std::min(to, zone.first_instant_at_or_after(d * kSecondsPerDay + s.end * 60));
      if (a >= b) continue;
      if (!out.empty() && out.back().to == a && out.back().state == s.state && out.back().comment == s.comment) {
        out.back().to = b;
      } else {
        out.push_back({a, b, s.state, std::string(s.comment)});
      }
    }
  }
  return out;
}

std::string format_local_minutes(const Zone& zone, std::int64_t instant) {
  const WallTime w = split_wall(zone.wall_of(instant));
  const CivilDate c = civil_from_days(w.day);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d", c.year, c.month, c.day, w.minute / 60, w.minute % 60);
  return buffer;
}

std::optional<std::int64_t> parse_local_minutes(std::string_view text, const Zone& zone) {
  auto digits = [&](std::size_t at, std::size_t n, int& out) {
    if (at + n > text.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int year, month, day, hour, minute, second = 0;
  if (!digits(0, 4, year) || text.size() < 16 || text[4] != '-' || !digits(5, 2, month) || text[7] != '-' ||
      !digits(8, 2, day) || (text[10] != 'T' && text[10] != ' ') || !digits(11, 2, hour) || text[13] != ':' ||
      !digits(14, 2, minute))
    return std::nullopt;
  if (text.size() != 16 && !(text.size() == 19 && text[16] == ':' && digits(17, 2, second))) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59)
    return std::nullopt;
  const std::int64_t wall = days_from_civil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 + second;
  return zone.from_wall_compatible(wall);
}

}  // namespace maillage::hours
