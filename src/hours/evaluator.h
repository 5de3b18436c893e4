// Evaluating an opening_hours expression for a place: its state at an instant, the next change,
// the open intervals of a period, and the schedule of a local day.
//
//   std::optional<Zone> zone = Zone::load("Europe/Paris");
//   Place place{&*zone, holiday_region_for_insee("75056")};
//   Evaluator ev(*parse("Mo-Fr 09:00-18:00; PH off").expression, place);
//   Status s = ev.at(instant);  // s.state, s.comment, s.next_change
//
// Semantics (docs/hours.md): rules apply in order; a normal rule (";") that selects a day
// replaces what earlier rules said about that day, an additional rule (",") adds to it, a
// fallback rule ("||") fills what earlier rules left closed. These follow opening_hours.js, the
// reference implementation, including two of its choices: a rule without day selectors
// replaces earlier rules only when the previous rule has no day selectors either, and "off" or
// "closed" rules close only the times they name. Time ranges past midnight ("22:00-02:00")
// continue on the next day unless a later normal rule selects that next day. "10:00+" is
// unknown from 10:00 to midnight (17:00+: ten hours, 22:00+: eight hours) or to the start of
// the rule's next time range. Times are read on the place's wall clock as it advances (see
// hours/zone.h for the daylight-saving gap and repeated hour).
//
// An Evaluator copies the expression and keeps a holiday cache: use one per thread. The Zone
// must outlive it. No exceptions; nothing here fails once the expression is parsed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hours/ast.h"
#include "hours/holidays.h"
#include "hours/zone.h"

namespace maillage::hours {

enum class State : std::uint8_t { kClosed, kOpen, kUnknown };

std::string_view to_string(State state);  // "closed", "open", "unknown"

struct Place {
  const Zone* zone = nullptr;  // required
  HolidayRegion holidays = HolidayRegion::kNational;
  // Needed for sunrise, sunset, dawn and dusk; without them the evaluator uses 06:00, 18:00,
  // 05:30 and 18:30 (as opening_hours.js does).
  std::optional<double> latitude, longitude;
};

// A part of a local day with one state: [start, end) in minutes since local midnight.
struct Segment {
  int start = 0;
  int end = 0;
  State state = State::kClosed;
  std::string_view comment;  // the rule's comment, a holiday name or the open-end notice
};

struct Status {
  State state = State::kClosed;
  std::string comment;
  // The first instant after the asked one at which the state differs, if any within 5 × 366 days.
  std::optional<std::int64_t> next_change;
};

struct Interval {
  std::int64_t from = 0, to = 0;  // Unix seconds
  State state = State::kOpen;     // kOpen or kUnknown
  std::string comment;
};

// How far next_change looks ahead, as opening_hours.js does.
constexpr std::int64_t kNextChangeHorizonSeconds = 5 * 366 * kSecondsPerDay;

class Evaluator {
 public:
  Evaluator(Expression expression, const Place& place);

  // The schedule of local day `day` (a day number): segments covering [0, 1440) in order,
  // adjacent segments differing in state or comment.
  std::vector<Segment> day(std::int64_t day);

  Status at(std::int64_t instant);

  // The state alone (no comment, no next change): cheaper than at().
  State state_at(std::int64_t instant);

  // The open and unknown intervals overlapping [from, to), clipped to it, in order.
  std::vector<Interval> intervals(std::int64_t from, std::int64_t to);

 private:
  struct Part {  // a time span of a rule, resolved for one day, in minutes of that day
    int from = 0, to = 0;
    bool open_end = false;
  };
  struct InternalRule {
    const Rule* rule = nullptr;
    bool wrapped = false;    // the part of the rule's time ranges that runs past midnight
    bool fallback = false;   // in a "||" group
    bool additional = false;
    bool overrides = false;  // clears what earlier rules said about the day
    State meaning = State::kOpen;
  };

  void build_internal_rules();
  bool date_matches(const Rule& rule, std::int64_t day, std::string_view* holiday_name);
  void resolve_parts(const InternalRule& ir, std::int64_t day, std::vector<Part>& out);
  int event_minutes(const TimePoint& point, std::int64_t day);
  int nominal_minutes(const TimePoint& point) const;

  Expression expression_;
  Place place_;
  HolidayCalendar holidays_;
  std::vector<InternalRule> rules_;
};

// Local wall time "2026-11-28T10:30" of an instant in a zone (minutes, no seconds).
std::string format_local_minutes(const Zone& zone, std::int64_t instant);

// Parses "YYYY-MM-DDTHH:MM" (also with ":SS", or a space instead of "T") as a wall time in
// `zone` with the "compatible" rule of Zone::from_wall_compatible. nullopt when malformed.
std::optional<std::int64_t> parse_local_minutes(std::string_view text, const Zone& zone);

}  // namespace maillage::hours
