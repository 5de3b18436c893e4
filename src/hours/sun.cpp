#include "hours/sun.h"

#include <cmath>

namespace maillage::hours {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kRad = kPi / 180.0;
constexpr double kDayMs = 86400000.0;
constexpr double kJ1970 = 2440588.0;
constexpr double kJ2000 = 2451545.0;
constexpr double kJ0 = 0.0009;

// Days since J2000.0 (UT).
double days_since_j2000(double ms) { return ms / kDayMs - 0.5 + kJ1970 - kJ2000; }

// ΔT = TT - UT in seconds (Espenak & Meeus polynomials, NASA eclipse web site).
double delta_t_seconds(double d) {
  const double y = 2000.0 + d / 365.2425;
  double t;
  if (y < 1920) {
    t = y - 1900;
    return -2.79 + t * (1.494119 + t * (-0.0598939 + t * (0.0061966 - t * 0.000197)));
  }
  if (y < 1941) {
    t = y - 1920;
    return 21.2 + t * (0.84493 + t * (-0.0761 + t * 0.0020936));
  }
  if (y < 1961) {
    t = y - 1950;
    return 29.07 + t * (0.407 + t * (-1.0 / 233 + t / 2547));
  }
  if (y < 1986) {
    t = y - 1975;
    return 45.45 + t * (1.067 + t * (-1.0 / 260 - t / 718));
  }
  if (y < 2005) {
    t = y - 2000;
    return 63.86 + t * (0.3345 + t * (-0.060374 + t * (0.0017275 + t * (0.000651814 + t * 0.00002373599))));
  }
  if (y < 2050) {
    t = y - 2000;
    return 62.92 + t * (0.32217 + t * 0.005589);
  }
  t = (y - 1820) / 100;
  return -20 + 32 * t * t - 0.5628 * (2150 - y);
}

double terrestrial_days(double d) { return d + delta_t_seconds(d) / 86400.0; }

struct Equatorial {
  double right_ascension, declination;
};

// Apparent right ascension and declination of the sun (Meeus chapter 25, low precision).
Equatorial sun_coordinates(double d) {
  const double t = d / 36525.0;
  const double mean_longitude = kRad * (280.46646 + t * (36000.76983 + t * 0.0003032));
  const double anomaly = kRad * (357.52911 + t * (35999.05029 - t * 0.0001537));
  const double sin_m = std::sin(anomaly);
  const double cos_m = std::cos(anomaly);
  const double center = kRad * ((1.914602 - t * (0.004817 + t * 0.000014)) * sin_m +
                                (0.019993 - 0.000101 * t) * 2 * sin_m * cos_m +
                                0.000289 * sin_m * (3 - 4 * sin_m * sin_m));
  const double omega = kRad * (125.04 - 1934.136 * t);
  const double longitude = mean_longitude + center - kRad * (0.00569 + 0.00478 * std::sin(omega));
  const double obliquity = kRad * (23.439291 - t * (0.0130042 + t * (0.00000016 - t * 0.000000504))) +
                           kRad * 0.00256 * std::cos(omega);
  return {std::atan2(std::cos(obliquity) * std::sin(longitude), std::cos(longitude)),
          std::asin(std::sin(obliquity) * std::sin(longitude))};
}

double sidereal_time(double d, double west_longitude) {
  return kRad * (280.46061837 + 360.98564736629 * d) - west_longitude;
}

double altitude(double hour_angle, double phi, double declination) {
  return std::asin(std::sin(phi) * std::sin(declination) +
                   std::cos(phi) * std::cos(declination) * std::cos(hour_angle));
}

double wrap_pi(double a) { return a - 2 * kPi * std::round(a / (2 * kPi)); }

double solar_transit(double d, double west_longitude) {
  for (int i = 0; i < 3; ++i) {
    const double hour_angle = wrap_pi(sidereal_time(d, west_longitude) - sun_coordinates(terrestrial_days(d)).right_ascension);
    d -= hour_angle / (2 * kPi);
  }
  return d;
}

// The day (since J2000) at which the sun's altitude crosses h0, before (sign -1) or after (+1)
// the transit; NaN when it never does.
double crossing(double h0, double transit, int sign, double west_longitude, double phi, double declination) {
  const double cos_h0 = (std::sin(h0) - std::sin(phi) * std::sin(declination)) / (std::cos(phi) * std::cos(declination));
  if (cos_h0 < -1 || cos_h0 > 1) return NAN;
  double d = transit + sign * std::acos(cos_h0) / (2 * kPi);
  for (int i = 0; i < 2; ++i) {
    const Equatorial c = sun_coordinates(terrestrial_days(d));
    const double hour_angle = wrap_pi(sidereal_time(d, west_longitude) - c.right_ascension);
    const double h = altitude(hour_angle, phi, c.declination);
    const double sin_h = std::cos(phi) * std::cos(c.declination) * std::sin(hour_angle);
    if (std::abs(sin_h) < 1e-6) break;
    d += (h - h0) / (2 * kPi * sin_h);
  }
  return d;
}

}  // namespace

std::optional<std::int64_t> solar_event_ms(SolarEvent event, std::int64_t instant_ms, double latitude,
                                           double longitude) {
  const double west_longitude = kRad * -longitude;
  const double phi = kRad * latitude;
  const double cycle = std::round(days_since_j2000(static_cast<double>(instant_ms)) - kJ0 - west_longitude / (2 * kPi));
  const double transit = solar_transit(cycle + kJ0 + west_longitude / (2 * kPi), west_longitude);
  const double declination = sun_coordinates(terrestrial_days(transit)).declination;
  const bool twilight = event == SolarEvent::kDawn || event == SolarEvent::kDusk;
  const int sign = event == SolarEvent::kSunrise || event == SolarEvent::kDawn ? -1 : 1;
  const double h0 = (twilight ? -6.0 : -0.833) * kRad;
  const double d = crossing(h0, transit, sign, west_longitude, phi, declination);
  if (std::isnan(d)) return std::nullopt;
  return static_cast<std::int64_t>(std::trunc((d + kJ2000 + 0.5 - kJ1970) * kDayMs));
}

}  // namespace maillage::hours
