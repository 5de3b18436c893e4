// Sunrise, sunset, dawn and dusk (civil twilight, the sun 6° below the horizon) for a place.
//
// The sun's position follows the low-precision formulas of Meeus, "Astronomical Algorithms"
// (chapters 12 and 25: mean sidereal time, apparent longitude, obliquity with nutation in
// longitude), with ΔT from the Espenak-Meeus polynomials, refined by Newton iterations on the
// altitude: the same model as SunCalc 2, which opening_hours.js uses, so both engines agree to
// well under a second. Pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <optional>

namespace maillage::hours {

enum class SolarEvent : std::uint8_t { kSunrise, kSunset, kDawn, kDusk };

// The event of the solar day whose transit is nearest to `instant_ms` (Unix milliseconds), as
// Unix milliseconds. nullopt when the sun does not cross that altitude (polar day or night).
std::optional<std::int64_t> solar_event_ms(SolarEvent event, std::int64_t instant_ms, double latitude,
                                           double longitude);

}  // namespace maillage::hours
