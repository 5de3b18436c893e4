#include "search/opening.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "hours/civil.h"
#include "hours/evaluator.h"
#include "hours/holidays.h"
#include "hours/parser.h"
#include "search/text_index.h"
#include "territory/time_zone.h"

namespace maillage::search {
namespace {

// The compile window: last year to three years ahead of the process start. A query outside it
// is answered by the evaluator (exact, slower), see OpeningIndex::evaluate.
hours::CompileWindow window_around_now() {
  const std::int64_t today = hours::floor_div(
      static_cast<std::int64_t>(std::time(nullptr)), hours::kSecondsPerDay);
  const int year = hours::civil_from_days(today).year;
  return {year - 1, year + 3};
}

bool uses_sun(std::string_view horaires) {
  for (std::string_view word : {"sun", "dawn", "dusk"}) {
    for (std::size_t i = 0; i + word.size() <= horaires.size(); ++i) {
      bool same = true;
      for (std::size_t k = 0; k < word.size() && same; ++k)
        same = (horaires[i + k] | 0x20) == word[k];
      if (same) return true;
    }
  }
  return false;
}

std::optional<bool> as_open(hours::State s) {
  if (s == hours::State::kUnknown) return std::nullopt;
  return s == hours::State::kOpen;
}

hours::Place place_of(const HoursInput& input) {
  hours::Place p{&zone_for_insee(input.code_insee), hours::holiday_region_for_insee(input.code_insee)};
  if (input.position) {
    p.latitude = input.position->first;
    p.longitude = input.position->second;
  }
  return p;
}

std::string rfc3339(const hours::Zone& zone, std::int64_t instant) {
  const int offset = zone.offset_at(instant);
  const int minutes = (offset < 0 ? -offset : offset) / 60;
  char tail[16];
  const int seconds = static_cast<int>((zone.wall_of(instant) % 60 + 60) % 60);
  std::snprintf(tail, sizeof tail, ":%02d%c%02d:%02d", seconds, offset < 0 ? '-' : '+',
                minutes / 60, minutes % 60);
  return hours::format_local_minutes(zone, instant) + tail;
}

}  // namespace

std::optional<OpenAt> resolve_open_at(std::string_view text, std::int64_t now) {
  if (text == "maintenant") return OpenAt{false, now};
  int v[5];
  const std::size_t at[5] = {0, 5, 8, 11, 14}, len[5] = {4, 2, 2, 2, 2};
  if (text.size() != 16 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':')
    return std::nullopt;
  for (int i = 0; i < 5; ++i) {
    v[i] = 0;
    for (std::size_t k = at[i]; k < at[i] + len[i]; ++k) {
      if (text[k] < '0' || text[k] > '9') return std::nullopt;
      v[i] = v[i] * 10 + (text[k] - '0');
    }
  }
  if (v[0] < 1900 || v[0] > 2199 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
      v[2] > hours::days_in_month(v[0], v[1]) || v[3] > 23 || v[4] > 59)
    return std::nullopt;
  const std::int64_t day = hours::days_from_civil(v[0], v[1], v[2]);
  return OpenAt{true, day * hours::kSecondsPerDay + v[3] * 3600 + v[4] * 60};
}

const hours::Zone& zone_for_insee(std::string_view code_insee) {
  static std::mutex mutex;
  static std::map<std::string, hours::Zone, std::less<>> zones;
  const std::string_view name = territory::time_zone_for_insee(code_insee);
  std::lock_guard lock(mutex);
  if (auto it = zones.find(name); it != zones.end()) return it->second;
  auto zone = hours::Zone::load(name);
  if (!zone) zone = hours::Zone::load("Europe/Paris");  // ICU always knows it
  return zones.emplace(std::string(name), std::move(*zone)).first->second;
}

std::optional<hours::Expression> expression_for_place(const HoursInput& input) {
  if (input.horaires.empty()) return std::nullopt;
  auto parsed = hours::parse(input.horaires);
  if (!parsed.ok()) return std::nullopt;
  hours::apply_holiday_rule(*parsed.expression, input.holiday_rule);
  return std::move(*parsed.expression);
}

OpeningStatus opening_status(const HoursInput& input, std::int64_t instant) {
  OpeningStatus out;
  auto expression = expression_for_place(input);
  if (!expression) return out;
  const hours::Place place = place_of(input);
  hours::Evaluator evaluator(std::move(*expression), place);
  hours::Status status = evaluator.at(instant);
  out.open = as_open(status.state);
  out.comment = status.comment;
  if (status.next_change) {
    out.next_change = rfc3339(*place.zone, *status.next_change);
    out.open_after = as_open(evaluator.state_at(*status.next_change));
  }
  return out;
}

OpeningIndex::OpeningIndex() : compiled_(window_around_now()) {}
OpeningIndex::~OpeningIndex() = default;

void OpeningIndex::set(std::uint32_t doc, const HoursInput& input) {
  clear(doc);
  if (slot_.size() <= doc) slot_.resize(doc + 1, 0);
  if (input.horaires.empty()) return;
  const bool sun = uses_sun(input.horaires);
  std::string key;
  key.reserve(input.horaires.size() + 48);
  key.append(input.horaires).push_back('\x1f');
  key.append(territory::time_zone_for_insee(input.code_insee)).push_back('\x1f');
  key.push_back(static_cast<char>('A' + static_cast<int>(hours::holiday_region_for_insee(input.code_insee))));
  key.push_back(input.holiday_rule == hours::HolidayRule::kClosed ? 'F' : 'C');
  if (sun && input.position) {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "\x1f%.4f,%.4f", input.position->first, input.position->second);
    key += buffer;
  }
  auto [it, inserted] = ids_.try_emplace(std::move(key), 0);
  if (inserted) {
    if (auto expression = expression_for_place(input)) {
      HoursInput kept = input;
      if (!sun) kept.position.reset();
      if (auto id = compiled_.add(*expression, place_of(kept))) {
        it->second = *id + 1;
        if (sources_.size() <= *id) sources_.resize(*id + 1);
        if (docs_.size() <= *id) docs_.resize(*id + 1);
        sources_[*id] = Source{std::string(input.horaires), std::string(input.code_insee),
                               kept.position, input.holiday_rule};
      }
    }
  }
  slot_[doc] = it->second;
  if (it->second != 0) docs_[it->second - 1].add(doc);
}

void OpeningIndex::compact() {
  for (auto& bitmap : docs_) search::compact(bitmap, true);
}

void OpeningIndex::clear(std::uint32_t doc) {
  if (doc >= slot_.size() || slot_[doc] == 0) return;
  docs_[slot_[doc] - 1].remove(doc);
  slot_[doc] = 0;
}

Roaring OpeningIndex::open_set(const Probe& probe) const {
  std::vector<const Roaring*> parts;
  for (std::uint32_t id = 0; id < docs_.size(); ++id) {
    if (docs_[id].isEmpty()) continue;
    std::optional<bool> state;
    if (probe.compiled.covered) {
      state = as_open(compiled_.state(id, probe.compiled));
    } else {
      auto [it, inserted] = probe.fallback->try_emplace(id);
      if (inserted) it->second = evaluate(id, probe.at);
      state = it->second;
    }
    if (state.value_or(false)) parts.push_back(&docs_[id]);
  }
  return parts.empty() ? Roaring() : Roaring::fastunion(parts.size(), parts.data());
}

Roaring OpeningIndex::open_on_days_set(std::int64_t now, unsigned weekdays) const {
  std::vector<hours::CompiledHours::Probe> probes;
  std::vector<hours::Weekday> days;
  for (int d = hours::kMonday; d <= hours::kSunday; ++d) {
    if (!(weekdays & (1u << d))) continue;
    days.push_back(static_cast<hours::Weekday>(d));
    probes.push_back(compiled_.probe_next_weekday(now, days.back()));
  }
  std::vector<const Roaring*> parts;
  for (std::uint32_t id = 0; id < docs_.size(); ++id) {
    if (docs_[id].isEmpty()) continue;
    bool open = false;
    for (std::size_t k = 0; k < probes.size() && !open; ++k)
      open = probes[k].covered ? compiled_.open_during_day(id, probes[k])
                               : evaluate_day(id, now, days[k]);
    if (open) parts.push_back(&docs_[id]);
  }
  return parts.empty() ? Roaring() : Roaring::fastunion(parts.size(), parts.data());
}

OpeningIndex::Probe OpeningIndex::probe(const OpenAt& at) const {
  Probe p{at, at.wall ? compiled_.probe_wall(at.time) : compiled_.probe(at.time), {}};
  if (!p.compiled.covered) p.fallback = std::make_shared<std::unordered_map<std::uint32_t, std::optional<bool>>>();
  return p;
}

std::optional<bool> OpeningIndex::open(std::uint32_t doc, const Probe& probe) const {
  if (doc >= slot_.size() || slot_[doc] == 0) return std::nullopt;
  const std::uint32_t id = slot_[doc] - 1;
  if (!probe.compiled.covered) {
    auto [it, inserted] = probe.fallback->try_emplace(id);
    if (inserted) it->second = evaluate(id, probe.at);
    return it->second;
  }
  return as_open(compiled_.state(id, probe.compiled));
}

std::optional<bool> OpeningIndex::evaluate(std::uint32_t id, const OpenAt& at) const {
  const Source& s = sources_[id];
  HoursInput input{s.horaires, s.code_insee, s.position, s.holiday_rule};
  const hours::Place place = place_of(input);
  auto expression = expression_for_place(input);
  if (!expression) return std::nullopt;
  hours::Evaluator evaluator(std::move(*expression), place);
  const std::int64_t instant = at.wall ? place.zone->from_wall_compatible(at.time) : at.time;
  return as_open(evaluator.state_at(instant));
}

bool OpeningIndex::evaluate_day(std::uint32_t id, std::int64_t now, hours::Weekday weekday) const {
  const Source& s = sources_[id];
  HoursInput input{s.horaires, s.code_insee, s.position, s.holiday_rule};
  const hours::Place place = place_of(input);
  auto expression = expression_for_place(input);
  if (!expression) return false;
  hours::Evaluator evaluator(std::move(*expression), place);
  std::int64_t day = hours::split_wall(place.zone->effective_wall_of(now)).day;
  day += (static_cast<int>(weekday) - static_cast<int>(hours::weekday_of(day)) + 7) % 7;
  for (const hours::Segment& segment : evaluator.day(day))
    if (segment.state == hours::State::kOpen) return true;
  return false;
}

}  // namespace maillage::search
