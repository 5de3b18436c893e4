#include "hours/compiled.h"

#include <algorithm>
#include <cstring>

#include "hours/holidays.h"
#include "hours/printer.h"

namespace maillage::hours {

namespace {

std::string bytes_of(const void* data, std::size_t size) {
  return std::string(static_cast<const char*>(data), size);
}

// True when only plain weekdays and public holidays (offsets of at most a day) select days, with
// no solar events: "Mo-Fr 09:00-17:00; PH off", the public-holiday rule (hours/holiday_rule.h).
// Then a day at least two days after and one day before every holiday has its weekday's
// schedule (a PH rule selects h-1..h+1, a range past midnight reaches the next day).
bool compiled_week_stable_but_holidays(const Expression& expression) {
  if (expression.uses_solar_events()) return false;
  for (const Rule& r : expression.rules) {
    if (!r.years.empty() || !r.monthdays.empty() || !r.weeks.empty()) return false;
    for (const WeekdayRange& w : r.weekdays)
      if (!w.nth.empty()) return false;
    for (const HolidayRange& h : r.holidays)
      if (h.kind != HolidayRange::Kind::kPublic || h.day_offset < -1 || h.day_offset > 1)
        return false;
  }
  return true;
}

// The days of [first, last] a public holiday may change (h-1..h+2 for each holiday h), sorted.
std::vector<std::int64_t> compiled_days_near_holidays(HolidayRegion region, int first_year,
                                                      int last_year, std::int64_t first,
                                                      std::int64_t last) {
  std::vector<std::int64_t> days;
  for (int year = first_year - 1; year <= last_year + 1; ++year)
    for (const PublicHoliday& h : public_holidays(year, region))
      for (std::int64_t d = h.day - 1; d <= h.day + 2; ++d)
        if (d >= first && d <= last) days.push_back(d);
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

}  // namespace

CompiledHours::CompiledHours(CompileWindow window)
    : window_(window),
      first_day_(days_from_civil(window.first_year, 1, 1)),
      last_day_(days_from_civil(window.last_year, 12, 31)) {
  exception_lists_.push_back({0, 0});  // id 0: no exceptions
  exception_ids_.emplace(std::string(), 0);
}

std::uint32_t CompiledHours::intern_day(const std::vector<Segment>& segments) {
  std::vector<std::uint16_t> encoded;
  for (const Segment& s : segments) {
    const auto entry = static_cast<std::uint16_t>(s.start << 2 | static_cast<int>(s.state));
    if (!encoded.empty() && (encoded.back() & 3) == (entry & 3)) continue;  // comments are not kept
    encoded.push_back(entry);
  }
  const std::string key = bytes_of(encoded.data(), encoded.size() * sizeof(std::uint16_t));
  const auto [it, inserted] = day_ids_.emplace(key, static_cast<std::uint32_t>(day_begin_.size() - 1));
  if (inserted) {
    transitions_.insert(transitions_.end(), encoded.begin(), encoded.end());
    day_begin_.push_back(static_cast<std::uint32_t>(transitions_.size()));
  }
  return it->second;
}

std::uint32_t CompiledHours::intern_week(const std::array<std::uint32_t, 7>& week) {
  const auto [it, inserted] = week_ids_.emplace(bytes_of(week.data(), sizeof week), static_cast<std::uint32_t>(weeks_.size()));
  if (inserted) weeks_.push_back(week);
  return it->second;
}

std::uint32_t CompiledHours::intern_exceptions(const std::vector<std::pair<std::int32_t, std::uint32_t>>& days) {
  const std::string key = bytes_of(days.data(), days.size() * sizeof(days[0]));
  const auto [it, inserted] = exception_ids_.emplace(key, static_cast<std::uint32_t>(exception_lists_.size()));
  if (inserted) {
    const auto begin = static_cast<std::uint32_t>(exception_days_.size());
    for (const auto& [day, schedule] : days) {
      exception_days_.push_back(day);
      exception_schedules_.push_back(schedule);
    }
    exception_lists_.push_back({begin, static_cast<std::uint32_t>(exception_days_.size())});
  }
  return it->second;
}

std::optional<std::uint8_t> CompiledHours::zone_index(const Zone& zone) {
  for (std::size_t i = 0; i < zones_.size(); ++i)
    if (zones_[i].name() == zone.name()) return static_cast<std::uint8_t>(i);
  if (zones_.size() >= 255) return std::nullopt;
  zones_.push_back(zone);
  return static_cast<std::uint8_t>(zones_.size() - 1);
}

// True when every day with the same weekday has the same schedule: only plain weekday
// selectors (no n-th weekdays, holidays, dates, weeks or years) and no solar events.
bool CompiledHours::is_week_stable(const Expression& expression) {
  if (expression.uses_solar_events()) return false;
  for (const Rule& r : expression.rules) {
    if (!r.years.empty() || !r.monthdays.empty() || !r.weeks.empty() || !r.holidays.empty()) return false;
    for (const WeekdayRange& w : r.weekdays)
      if (!w.nth.empty()) return false;
  }
  return true;
}

CompiledHours::Entry CompiledHours::compile(const Expression& expression, const Place& place) {
  Evaluator evaluator(expression, place);
  std::array<std::uint32_t, 7> week{};
  Entry entry{};
  if (is_week_stable(expression)) {
    for (std::int64_t d = first_day_; d < first_day_ + 7; ++d) week[weekday_of(d)] = intern_day(evaluator.day(d));
    entry.week = intern_week(week);
    entry.exceptions = 0;
    return entry;
  }
  if (compiled_week_stable_but_holidays(expression)) {
    // The week from days away from holidays, then only the days near holidays.
    const std::vector<std::int64_t> near = compiled_days_near_holidays(
        place.holidays, window_.first_year, window_.last_year, first_day_, last_day_);
    unsigned seen = 0;
    for (std::int64_t d = first_day_; d <= last_day_ && seen != 0x7F; ++d) {
      if (std::binary_search(near.begin(), near.end(), d) || (seen & (1u << weekday_of(d))))
        continue;
      week[weekday_of(d)] = intern_day(evaluator.day(d));
      seen |= 1u << weekday_of(d);
    }
    if (seen == 0x7F) {
      std::vector<std::pair<std::int32_t, std::uint32_t>> exceptions;
      for (std::int64_t d : near) {
        const std::uint32_t schedule = intern_day(evaluator.day(d));
        if (schedule != week[weekday_of(d)])
          exceptions.emplace_back(static_cast<std::int32_t>(d), schedule);
      }
      entry.week = intern_week(week);
      entry.exceptions = exceptions.empty() ? 0 : intern_exceptions(exceptions);
      return entry;
    }
  }
  // Every day of the window; the most frequent schedule of each weekday is the weekly pattern.
  std::vector<std::uint32_t> schedules;
  schedules.reserve(static_cast<std::size_t>(last_day_ - first_day_ + 1));
  for (std::int64_t d = first_day_; d <= last_day_; ++d) schedules.push_back(intern_day(evaluator.day(d)));
  for (int wd = 0; wd < 7; ++wd) {
    std::map<std::uint32_t, int> counts;
    for (std::size_t i = 0; i < schedules.size(); ++i)
      if (weekday_of(first_day_ + static_cast<std::int64_t>(i)) == wd) ++counts[schedules[i]];
    week[wd] = std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
                 return a.second < b.second;
               })->first;
  }
  std::vector<std::pair<std::int32_t, std::uint32_t>> exceptions;
  for (std::size_t i = 0; i < schedules.size(); ++i) {
    const std::int64_t d = first_day_ + static_cast<std::int64_t>(i);
    if (schedules[i] != week[weekday_of(d)]) exceptions.emplace_back(static_cast<std::int32_t>(d), schedules[i]);
  }
  entry.week = intern_week(week);
  entry.exceptions = exceptions.empty() ? 0 : intern_exceptions(exceptions);
  return entry;
}

std::optional<PlaceId> CompiledHours::add(const Expression& expression, const Place& place) {
  if (place.zone == nullptr) return std::nullopt;
  const std::optional<std::uint8_t> zone = zone_index(*place.zone);
  if (!zone) return std::nullopt;
  std::string key = to_string(expression);
  key += '\n' + place.zone->name() + '\n' + std::to_string(static_cast<int>(place.holidays));
  if (expression.uses_solar_events() && place.latitude && place.longitude)
    key += '\n' + std::to_string(*place.latitude) + ',' + std::to_string(*place.longitude);
  auto it = cache_.find(key);
  if (it == cache_.end()) it = cache_.emplace(key, compile(expression, place)).first;
  Entry entry = it->second;
  entry.zone = *zone;
  places_.push_back(entry);
  return static_cast<PlaceId>(places_.size() - 1);
}

CompiledHours::LocalTime CompiledHours::local_time(const Zone& zone, std::int64_t instant) const {
  const WallTime w = split_wall(zone.effective_wall_of(instant));
  LocalTime local;
  local.day = w.day;
  local.minute = static_cast<std::uint16_t>(w.minute);
  local.weekday = static_cast<std::uint8_t>(weekday_of(w.day));
  local.covered = w.day >= first_day_ && w.day <= last_day_;
  return local;
}

CompiledHours::Probe CompiledHours::probe(std::int64_t instant) const {
  Probe p;
  p.instant = instant;
  p.zones.reserve(zones_.size());
  for (const Zone& zone : zones_) {
    p.zones.push_back(local_time(zone, instant));
    p.covered = p.covered && p.zones.back().covered;
  }
  return p;
}

CompiledHours::Probe CompiledHours::probe_wall(std::int64_t wall) const {
  Probe p;
  p.zones.reserve(zones_.size());
  for (const Zone& zone : zones_) {
    p.zones.push_back(local_time(zone, zone.from_wall_compatible(wall)));
    p.covered = p.covered && p.zones.back().covered;
  }
  return p;
}

std::uint32_t CompiledHours::schedule_of(const Entry& e, const LocalTime& local) const {
  std::uint32_t schedule = weeks_[e.week][local.weekday];
  if (e.exceptions != 0) {
    const ExceptionList& list = exception_lists_[e.exceptions];
    const std::int32_t* begin = exception_days_.data() + list.begin;
    const std::int32_t* end = exception_days_.data() + list.end;
    const std::int32_t* it = std::lower_bound(begin, end, static_cast<std::int32_t>(local.day));
    if (it != end && *it == local.day) schedule = exception_schedules_[list.begin + static_cast<std::uint32_t>(it - begin)];
  }
  return schedule;
}

State CompiledHours::state(PlaceId id, const Probe& probe) const {
  const Entry& e = places_[id];
  const LocalTime& local = probe.zones[e.zone];
  const std::uint32_t schedule = schedule_of(e, local);
  const std::uint16_t* t = transitions_.data() + day_begin_[schedule];
  const std::uint16_t* t_end = transitions_.data() + day_begin_[schedule + 1];
  const std::uint16_t key = static_cast<std::uint16_t>(local.minute << 2 | 3);
  std::uint16_t current = *t;
  for (++t; t != t_end && *t <= key; ++t) current = *t;
  return static_cast<State>(current & 3);
}

CompiledHours::Probe CompiledHours::probe_next_weekday(std::int64_t instant,
                                                       Weekday weekday) const {
  Probe p;
  p.instant = instant;
  p.zones.reserve(zones_.size());
  for (const Zone& zone : zones_) {
    LocalTime local = local_time(zone, instant);
    local.day += (static_cast<int>(weekday) - local.weekday + 7) % 7;
    local.weekday = static_cast<std::uint8_t>(weekday);
    local.minute = 0;
    local.covered = local.day >= first_day_ && local.day <= last_day_;
    p.zones.push_back(local);
    p.covered = p.covered && local.covered;
  }
  return p;
}

bool CompiledHours::open_during_day(PlaceId id, const Probe& probe) const {
  const Entry& e = places_[id];
  const std::uint32_t schedule = schedule_of(e, probe.zones[e.zone]);
  for (std::uint32_t k = day_begin_[schedule]; k < day_begin_[schedule + 1]; ++k)
    if (static_cast<State>(transitions_[k] & 3) == State::kOpen) return true;
  return false;
}

std::size_t CompiledHours::count_open(const Probe& probe) const {
  std::size_t open = 0;
  for (PlaceId id = 0; id < places_.size(); ++id) open += state(id, probe) == State::kOpen;
  return open;
}

std::size_t CompiledHours::memory_bytes() const {
  return places_.capacity() * sizeof(Entry) + transitions_.capacity() * sizeof(std::uint16_t) +
         day_begin_.capacity() * sizeof(std::uint32_t) + weeks_.capacity() * sizeof(weeks_[0]) +
         exception_days_.capacity() * sizeof(std::int32_t) + exception_schedules_.capacity() * sizeof(std::uint32_t) +
         exception_lists_.capacity() * sizeof(ExceptionList);
}

}  // namespace maillage::hours
