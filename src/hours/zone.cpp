#include "hours/zone.h"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/tztrans.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>

#include "hours/civil.h"

namespace maillage::hours {

namespace {

constexpr std::int64_t kTableStart = -2208988800;  // 1900-01-01T00:00:00Z
constexpr std::int64_t kTableEnd = 7258118400;     // 2200-01-01T00:00:00Z
constexpr std::int64_t kSearchMargin = 36 * 3600;  // more than any offset plus any jump

}  // namespace

WallTime split_wall(std::int64_t wall) {
  WallTime w;
  w.day = floor_div(wall, kSecondsPerDay);
  const std::int64_t seconds = wall - w.day * kSecondsPerDay;
  w.minute = static_cast<int>(seconds / 60);
  w.second = static_cast<int>(seconds % 60);
  return w;
}

std::optional<Zone> Zone::load(std::string_view name, std::string* error) {
  const icu::UnicodeString id = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(id));
  icu::UnicodeString canonical;
  tz->getID(canonical);
  const auto* basic = dynamic_cast<const icu::BasicTimeZone*>(tz.get());
  if (name.empty() || canonical == icu::UnicodeString("Etc/Unknown") || basic == nullptr) {
    if (error) *error = "fuseau horaire inconnu : « " + std::string(name) + " » (attendu : un nom IANA comme Europe/Paris)";
    return std::nullopt;
  }
  Zone zone;
  zone.name_ = std::string(name);
  UErrorCode status = U_ZERO_ERROR;
  int32_t raw = 0, dst = 0;
  tz->getOffset(static_cast<UDate>(kTableStart) * 1000.0, false, raw, dst, status);
  zone.offsets_.push_back((raw + dst) / 1000);
  icu::TimeZoneTransition transition;
  UDate at = static_cast<UDate>(kTableStart) * 1000.0;
  while (basic->getNextTransition(at, false, transition)) {
    at = transition.getTime();
    const std::int64_t instant = static_cast<std::int64_t>(at / 1000.0);
    if (instant >= kTableEnd) break;
    const icu::TimeZoneRule* to = transition.getTo();
    const std::int32_t offset = (to->getRawOffset() + to->getDSTSavings()) / 1000;
    if (offset == zone.offsets_.back()) continue;  // a rename or a raw/DST swap
    zone.transitions_.push_back(instant);
    zone.offsets_.push_back(offset);
  }
  if (U_FAILURE(status)) {
    if (error) *error = "fuseau horaire illisible : « " + std::string(name) + " »";
    return std::nullopt;
  }
  return zone;
}

std::size_t Zone::segment_of(std::int64_t instant) const {
  return static_cast<std::size_t>(std::upper_bound(transitions_.begin(), transitions_.end(), instant) -
                                  transitions_.begin());
}

std::int64_t Zone::segment_start(std::size_t k) const {
  return k == 0 ? INT64_MIN / 2 : transitions_[k - 1];
}

std::int64_t Zone::segment_end(std::size_t k) const {
  return k < transitions_.size() ? transitions_[k] : INT64_MAX / 2;
}

int Zone::offset_at(std::int64_t instant) const { return offsets_[segment_of(instant)]; }

std::int64_t Zone::effective_wall_of(std::int64_t instant) const {
  const std::size_t k = segment_of(instant);
  const std::int64_t wall = instant + offsets_[k];
  if (k == 0) return wall;
  // Clocks went back at transitions_[k - 1]: the wall time shown just before is still "ahead".
  const std::int64_t before = transitions_[k - 1] - 1 + offsets_[k - 1];
  return std::max(wall, before);
}

std::int64_t Zone::first_instant_at_or_after(std::int64_t wall) const {
  for (std::size_t k = segment_of(wall - kSearchMargin); k < offsets_.size(); ++k) {
    const std::int64_t candidate = std::max(segment_start(k), wall - offsets_[k]);
    if (candidate < segment_end(k)) return candidate;
  }
  return wall - offsets_.back();
}

std::int64_t Zone::from_wall_compatible(std::int64_t wall) const {
  std::size_t k = segment_of(wall - kSearchMargin);
  for (; k < offsets_.size(); ++k) {
    const std::int64_t t = wall - offsets_[k];
    if (t >= segment_start(k) && t < segment_end(k)) return t;
    if (segment_start(k) + offsets_[k] > wall) break;  // `wall` fell in the gap before segment k
  }
  if (k == 0 || k >= offsets_.size()) return wall - offsets_[std::min(k, offsets_.size() - 1)];
  return wall - offsets_[k - 1];
}

}  // namespace maillage::hours
