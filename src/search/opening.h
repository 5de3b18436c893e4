// Opening hours in search: which places are open at a given time, for filtering every
// candidate of a query (compiled form, a few array reads per place), and the full status of one
// place with its next change (the evaluator, exact at any date).
//
// "When" is either an instant (ouvert=maintenant) or a wall-clock time read in each place's own
// time zone (ouvert_le=2026-12-01T10:00 means 10:00 in Paris for a place in Paris and 10:00 in
// Nouméa for a place in Nouméa), as the API promises.
//
// A place whose `horaires` is empty or not a valid opening_hours expression has no known state:
// it is never "open" for the filter and its `ouvert` is null. So is a place whose state at that
// time is "unknown" in the expression (open end, "unknown" rules).
//
// Public holidays: a place whose hours do not mention "PH" is closed on the public holidays of
// its territory (hours/holiday_rule.h), unless HoursInput::holiday_rule says its source's hours
// apply on holidays like on other days.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <roaring/roaring.hh>

#include "hours/compiled.h"
#include "hours/holiday_rule.h"
#include "hours/zone.h"

namespace maillage::search {

struct OpenAt {
  bool wall = false;      // true: `time` is a wall time (local seconds), false: a Unix instant
  std::int64_t time = 0;
};

// Reads Query::open_at: "maintenant" gives `now`; "YYYY-MM-DDTHH:MM" a wall time. nullopt when
// malformed or not a calendar date.
std::optional<OpenAt> resolve_open_at(std::string_view text, std::int64_t now);

// The zone of a commune (territory::time_zone_for_insee), loaded once per process and shared.
const hours::Zone& zone_for_insee(std::string_view code_insee);

// Where and how a place's hours are read.
struct HoursInput {
  std::string_view horaires;
  std::string_view code_insee;
  std::optional<std::pair<double, double>> position;  // for sunrise/sunset rules
  hours::HolidayRule holiday_rule = hours::HolidayRule::kClosed;  // from the place's source
};

// The expression of a place as it is evaluated for people: `horaires` parsed, with the
// public-holiday rule applied. nullopt when empty or not a valid expression.
std::optional<hours::Expression> expression_for_place(const HoursInput& input);

struct OpeningStatus {
  std::optional<bool> open;  // nullopt: no usable hours, or "unknown" at that time
  // The next instant the state changes, as RFC 3339 in the place's zone
  // ("2026-12-01T17:00:00+01:00"); empty when none within the evaluator's horizon.
  std::string next_change;
  std::optional<bool> open_after;  // the state from next_change on (nullopt: unknown)
  std::string comment;             // the rule's comment or the holiday's name, if any
};

// The status of one place at `instant` (exact at any date).
OpeningStatus opening_status(const HoursInput& input, std::int64_t instant);

// The compiled hours of every indexed document. set()/clear() must be serialised against
// readers (the index's exclusive lock); probe() and open() are const and thread-safe.
class OpeningIndex {
 public:
  OpeningIndex();
  ~OpeningIndex();

  void set(std::uint32_t doc, const HoursInput& input);
  void clear(std::uint32_t doc);

  struct Probe {
    OpenAt at;
    hours::CompiledHours::Probe compiled;
    // Outside the compile window: states evaluated so far, by compiled id (one query's cache).
    std::shared_ptr<std::unordered_map<std::uint32_t, std::optional<bool>>> fallback;
  };
  Probe probe(const OpenAt& at) const;

  // true/false, or nullopt when the document has no usable hours or its state is unknown.
  std::optional<bool> open(std::uint32_t doc, const Probe& probe) const;

  // Every document open at the probe's time: one state per distinct schedule, not per place.
  Roaring open_set(const Probe& probe) const;

  // Every document open at some moment of the next local day that falls on one of `weekdays`
  // (bit 1 << hours::kMonday ... 1 << hours::kSunday, OR-ed), today included and taken whole
  // (hours already past count), in each place's own zone, seen from the instant `now`. One
  // evaluation per distinct schedule and day; exact outside the compile window (evaluator).
  Roaring open_on_days_set(std::int64_t now, unsigned weekdays) const;

  std::size_t distinct_schedules() const { return sources_.size(); }
  void compact();  // after a bulk load

 private:
  struct Source {  // what a compiled id was built from, for dates outside the compile window
    std::string horaires, code_insee;
    std::optional<std::pair<double, double>> position;
    hours::HolidayRule holiday_rule = hours::HolidayRule::kClosed;
  };
  std::optional<bool> evaluate(std::uint32_t id, const OpenAt& at) const;
  // Open at some minute of the next local `weekday` after `now` (evaluator: any date).
  bool evaluate_day(std::uint32_t id, std::int64_t now, hours::Weekday weekday) const;

  hours::CompiledHours compiled_;
  std::vector<std::uint32_t> slot_;  // doc -> compiled id + 1; 0 when none
  std::unordered_map<std::string, std::uint32_t> ids_;  // input key -> compiled id + 1; 0: invalid
  std::vector<Source> sources_;                         // by compiled id
  std::vector<Roaring> docs_;                  // by compiled id: the documents using it
};

}  // namespace maillage::search
