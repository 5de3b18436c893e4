#include "web/opening.h"

#include <array>
#include <ctime>

#include "hours/civil.h"
#include "hours/evaluator.h"
#include "hours/holidays.h"
#include "hours/parser.h"
#include "hours/printer.h"
#include "hours/zone.h"
#include "search/opening.h"

namespace maillage::web {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"lundi", "mardi",    "mercredi", "jeudi",
                                                   "vendredi", "samedi", "dimanche"};
constexpr std::array<std::string_view, 12> kMonths = {
    "janvier", "février", "mars",      "avril",   "mai",      "juin",
    "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};

std::string capitalised(std::string_view s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string day_and_month(std::int64_t day) {
  auto c = hours::civil_from_days(day);
  return std::to_string(c.day) + (c.day == 1 ? "er " : " ") + std::string(kMonths[c.month - 1]);
}

int digits(std::string_view s) {
  int n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

// "à 17:00", "demain à 09:00", "lundi à 09:00", "le 3 mars à 09:00" for an RFC 3339 local time
// ("2026-12-01T17:00:00+01:00") seen from local day `today`. Empty when malformed.
std::string when(std::string_view rfc3339, std::int64_t today) {
  if (rfc3339.size() < 16 || rfc3339[4] != '-' || rfc3339[7] != '-' || rfc3339[10] != 'T') return {};
  int y = digits(rfc3339.substr(0, 4)), m = digits(rfc3339.substr(5, 2)), d = digits(rfc3339.substr(8, 2));
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31) return {};
  std::int64_t day = hours::days_from_civil(y, m, d);
  std::string clock = "à " + std::string(rfc3339.substr(11, 5));
  if (day == today) return clock;
  if (day == today + 1) return "demain " + clock;
  if (day > today && day < today + 7) return std::string(kDays[hours::weekday_of(day)]) + " " + clock;
  return "le " + day_and_month(day) + " " + clock;
}

std::string join_segments(const std::vector<hours::Segment>& segments, bool& closed) {
  std::string open, unknown, note;
  for (const auto& s : segments) {
    std::string range = hours::clock_string(s.start) + " – " + hours::clock_string(s.end);
    if (s.state == hours::State::kOpen) {
      open += (open.empty() ? "" : ", ") + range;
    } else if (s.state == hours::State::kUnknown) {
      unknown += (unknown.empty() ? "" : ", ") + range;
      if (note.empty() && !s.comment.empty()) note = std::string(s.comment);
    }
  }
  closed = open.empty() && unknown.empty();
  if (closed) return "Fermé";
  if (unknown.empty()) return open;
  std::string u = unknown + " (" + (note.empty() ? "à confirmer" : note) + ")";
  return open.empty() ? u : open + " ; " + u;
}

void fill_week(OpeningView& view, const place::Place& place,
               std::optional<std::pair<double, double>> position, std::int64_t now,
               hours::HolidayRule holiday_rule) {
  const std::string& insee = place[place::Field::kCodeInsee];
  auto parsed = hours::parse(place[place::Field::kHoraires]);
  if (!parsed.ok()) return;
  view.has_hours = true;
  const bool closed_on_holidays = hours::apply_holiday_rule(*parsed.expression, holiday_rule);
  const hours::Zone& zone = search::zone_for_insee(insee);
  hours::Place where{&zone, hours::holiday_region_for_insee(insee)};
  if (position) {
    where.latitude = position->first;
    where.longitude = position->second;
  }
  hours::Evaluator evaluator(std::move(*parsed.expression), where);
  hours::HolidayCalendar holidays(where.holidays);
  std::int64_t today = hours::split_wall(zone.wall_of(now)).day;
  std::int64_t monday = today - hours::weekday_of(today);
  for (std::int64_t d = monday; d < monday + 7; ++d) {
    DayHours row;
    row.day_name = capitalised(kDays[d - monday]);
    row.date = day_and_month(d);
    row.today = d == today;
    if (const auto* h = holidays.holiday_on(d)) row.holiday = std::string(h->name);
    row.hours = join_segments(evaluator.day(d), row.closed);
    view.week.push_back(std::move(row));
  }
  if (!closed_on_holidays) return;
  view.holiday_rule = "Jours fériés : fermé (sauf mention contraire)";
  for (std::int64_t d = monday; d < monday + 7; ++d)
    if (const auto* h = holidays.holiday_on(d))
      view.holiday_rule += " — " + std::string(d == today ? "aujourd'hui" : kDays[d - monday]) +
                           " " + day_and_month(d) + " : " + std::string(h->name);
}

}  // namespace

OpeningView describe_opening(const place::Place& place,
                             std::optional<std::pair<double, double>> position, std::int64_t now,
                             bool with_week, hours::HolidayRule holiday_rule) {
  OpeningView view;
  view.status = "Horaires non précisés";
  const std::string& horaires = place[place::Field::kHoraires];
  if (horaires.empty()) return view;
  const std::string& insee = place[place::Field::kCodeInsee];
  search::OpeningStatus status =
      search::opening_status({horaires, insee, position, holiday_rule}, now);
  std::int64_t today = hours::split_wall(search::zone_for_insee(insee).wall_of(now)).day;
  std::string at = status.next_change.empty() ? "" : when(status.next_change, today);
  if (!at.empty()) {
    const char* verb = !status.open_after ? "change " : *status.open_after ? "ouvre " : "ferme ";
    view.next_change = verb + at;
  }
  if (status.open) {
    view.state = *status.open ? OpenState::kOpen : OpenState::kClosed;
    view.status = *status.open ? "Ouvert maintenant" : "Fermé maintenant";
    view.comment = status.comment;
  } else if (!status.comment.empty()) {
    view.status = capitalised(status.comment);
  } else if (!status.next_change.empty()) {
    view.status = "Ouverture à confirmer";
  }
  if (with_week) fill_week(view, place, position, now, holiday_rule);
  return view;
}

std::string_view week_day_name(std::size_t day) { return day < kDays.size() ? kDays[day] : std::string_view(); }

std::string week_day_title(std::size_t day) { return capitalised(week_day_name(day)); }

std::optional<TypicalWeek> typical_week(std::string_view expression) {
  auto parsed = hours::parse(expression);
  static const std::optional<hours::Zone> zone = hours::Zone::load("Europe/Paris");
  if (!parsed.ok() || !zone) return std::nullopt;
  hours::Place where{&*zone, hours::HolidayRegion::kNational};
  hours::Evaluator evaluator(std::move(*parsed.expression), where);
  hours::HolidayCalendar holidays(where.holidays);
  const std::int64_t today =
      hours::floor_div(static_cast<std::int64_t>(std::time(nullptr)), hours::kSecondsPerDay);
  std::int64_t monday = today - hours::weekday_of(today);
  for (int tries = 0; tries < 8; ++tries, monday += 7) {
    bool holiday = false;
    for (std::int64_t d = monday; d < monday + 7; ++d) holiday |= holidays.holiday_on(d) != nullptr;
    if (!holiday) break;
  }
  TypicalWeek week;
  for (std::size_t d = 0; d < week.size(); ++d)
    for (const hours::Segment& s : evaluator.day(monday + static_cast<std::int64_t>(d)))
      week[d].push_back({s.start, s.end, s.state, std::string(s.comment)});
  return week;
}

std::string french_date(std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::string(iso);
  int y = digits(iso.substr(0, 4)), m = digits(iso.substr(5, 2)), d = digits(iso.substr(8, 2));
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31) return std::string(iso);
  return std::to_string(d) + (d == 1 ? "er " : " ") + std::string(kMonths[m - 1]) + " " +
         std::to_string(y);
}

}  // namespace maillage::web
