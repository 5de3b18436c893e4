// A time zone as a table of UTC offsets, loaded once from ICU, for converting between instants
// and the wall-clock time of a place without allocating.
//
// Instants are Unix seconds (UTC). A wall time is the local date and time counted as seconds
// since 1970-01-01 00:00 *local*: floor(wall / 86400) is the local day number (hours/civil.h).
// Offsets are exact for instants from 1900 to 2199 (ICU's tz database); outside that range the
// nearest known offset is used.
//
// Daylight-saving changes: when clocks go forward, the skipped wall times never happen; when they
// go back, an hour of wall times happens twice. The opening-hours engine reads a schedule on the
// wall clock *as it advances*: a place open until 02:30 closes at the first 02:30 and does not
// reopen when 02:00 comes round again (see effective_wall_of and first_instant_at_or_after).
//
// A Zone is immutable after load(): thread-safe to share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillage::hours {

class Zone {
 public:
  // The IANA zone `name` ("Europe/Paris"). nullopt, and a French message in `error` when not
  // null, when ICU does not know it.
  static std::optional<Zone> load(std::string_view name, std::string* error = nullptr);

  const std::string& name() const { return name_; }

  // UTC offset in seconds in force at `instant`.
  int offset_at(std::int64_t instant) const;
  std::int64_t wall_of(std::int64_t instant) const { return instant + offset_at(instant); }

  // The latest wall time the clock has shown up to `instant`: equal to wall_of() except during
  // the second pass of a repeated hour, where it stays just before the end of the repeated hour.
  // Schedules are read at this time, so that state and next change agree.
  std::int64_t effective_wall_of(std::int64_t instant) const;

  // The first instant at which the clock shows `wall` or later: for a skipped wall time, the
  // instant clocks went forward; for a repeated one, its first occurrence.
  std::int64_t first_instant_at_or_after(std::int64_t wall) const;

  // The instant a person means by a wall time, as JavaScript's Date and Temporal's
  // "compatible" disambiguation: the earlier of a repeated time; a skipped time is read with the
  // offset in force before the change (02:30 on a spring-forward night gives 03:30).
  std::int64_t from_wall_compatible(std::int64_t wall) const;

 private:
  Zone() = default;
  std::size_t segment_of(std::int64_t instant) const;
  std::int64_t segment_start(std::size_t k) const;
  std::int64_t segment_end(std::size_t k) const;

  std::string name_;
  std::vector<std::int64_t> transitions_;  // instants at which the offset changes, ascending
  std::vector<std::int32_t> offsets_;      // offsets_[k] applies from transitions_[k - 1]
};

// Local date and minute of a wall time.
struct WallTime {
  std::int64_t day = 0;  // day number
  int minute = 0;        // 0..1439
  int second = 0;        // 0..59
};
WallTime split_wall(std::int64_t wall);

}  // namespace maillage::hours
