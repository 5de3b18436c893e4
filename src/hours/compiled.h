// Opening hours compiled for search: "which places are open at instant T?" over a whole index,
// with no parsing and no allocation per place.
//
//   CompiledHours index({2025, 2028});
//   PlaceId id = *index.add(expression, place);      // once per place (cached by content)
//   CompiledHours::Probe probe = index.probe(t);      // once per query
//   State s = index.state(id, probe);                  // per place: a few array reads
//
// The compiled form (docs/hours.md): a day schedule is a short list of (minute, state)
// transitions, stored once however many places share it. A place is 12 bytes: a weekly pattern
// (seven day schedules, shared) and a list of exception days (shared too) for the local dates
// of the compile window whose schedule differs from the weekly pattern (public holidays, months,
// years, Easter, week numbers, n-th weekdays, sunrise and sunset), and its time zone. A probe
// holds the instant's local date and minute in each zone of the index, read as the evaluator
// does around daylight-saving changes, so both agree.
//
// Queries outside the window (local dates) fall back to the weekly pattern: probe().covered
// says whether the answer is exact. add() is not thread-safe; once built, state() and probe()
// are const and may run on many threads.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "hours/ast.h"
#include "hours/civil.h"
#include "hours/evaluator.h"

namespace maillage::hours {

using PlaceId = std::uint32_t;

struct CompileWindow {
  int first_year = 2025;
  int last_year = 2028;
};

class CompiledHours {
 public:
  explicit CompiledHours(CompileWindow window);

  // Compiles the hours of a place and returns its id (ids are 0, 1, 2... in order of addition).
  // Places with the same expression, zone, holidays (and coordinates, when the expression uses
  // solar events) share one compilation. nullopt when the place has no zone.
  std::optional<PlaceId> add(const Expression& expression, const Place& place);

  std::size_t size() const { return places_.size(); }
  const CompileWindow& window() const { return window_; }

  struct LocalTime {
    std::int64_t day = 0;  // local day number
    std::uint16_t minute = 0;
    std::uint8_t weekday = 0;
    bool covered = false;  // the day is inside the compile window
  };
  struct Probe {
    std::int64_t instant = 0;
    std::vector<LocalTime> zones;  // by zone index
    bool covered = true;           // every zone's local date is inside the window
  };
  Probe probe(std::int64_t instant) const;
  // The same wall-clock time in every zone ("2026-12-01T10:00" in Paris and in Nouméa): each
  // zone's instant is read with Zone::from_wall_compatible. `instant` is left at 0.
  Probe probe_wall(std::int64_t wall) const;

  // The state of a place at the probe's instant. No allocation.
  State state(PlaceId id, const Probe& probe) const;

  // A probe of whole local days: in each zone, the first local date on or after the instant's
  // local date that falls on `weekday` (today when it is that weekday). Its minutes are 0.
  Probe probe_next_weekday(std::int64_t instant, Weekday weekday) const;
  // Whether the place is open at some minute of the probe's local date (unknown does not
  // count). No allocation.
  bool open_during_day(PlaceId id, const Probe& probe) const;

  // Number of places open at the probe's instant (unknown does not count).
  std::size_t count_open(const Probe& probe) const;

  // Memory held by the index, in bytes (approximately).
  std::size_t memory_bytes() const;
  std::size_t distinct_compilations() const { return cache_.size(); }

 private:
  struct Entry {
    std::uint32_t week;        // index into weeks_
    std::uint32_t exceptions;  // index into exception_lists_
    std::uint8_t zone;         // index into zones_
  };
  struct ExceptionList {
    std::uint32_t begin, end;  // range of exception_days_ / exception_schedules_
  };

  std::uint32_t intern_day(const std::vector<Segment>& segments);
  std::uint32_t intern_week(const std::array<std::uint32_t, 7>& week);
  std::uint32_t intern_exceptions(const std::vector<std::pair<std::int32_t, std::uint32_t>>& days);
  std::optional<std::uint8_t> zone_index(const Zone& zone);
  LocalTime local_time(const Zone& zone, std::int64_t instant) const;
  // The day schedule (index into day_begin_) of a place on a local date.
  std::uint32_t schedule_of(const Entry& e, const LocalTime& local) const;
  Entry compile(const Expression& expression, const Place& place);
  static bool is_week_stable(const Expression& expression);

  CompileWindow window_;
  std::int64_t first_day_ = 0, last_day_ = 0;

  // Day schedules: transitions_ holds (minute << 2 | state) entries; day_begin_[id] ..
  // day_begin_[id + 1] are the entries of schedule id.
  std::vector<std::uint16_t> transitions_;
  std::vector<std::uint32_t> day_begin_ = {0};
  std::vector<std::array<std::uint32_t, 7>> weeks_;
  std::vector<std::int32_t> exception_days_;
  std::vector<std::uint32_t> exception_schedules_;
  std::vector<ExceptionList> exception_lists_;
  std::vector<Zone> zones_;
  std::vector<Entry> places_;

  std::unordered_map<std::string, std::uint32_t> day_ids_, week_ids_, exception_ids_;
  std::unordered_map<std::string, Entry> cache_;  // compilation key -> entry
};

}  // namespace maillage::hours
