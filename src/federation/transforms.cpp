#include "federation/transforms.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <xxhash.h>

#include "common/utf8.h"
#include "text/fold.h"

namespace maillage::federation {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool valid_ymd(int y, int m, int d) {
  static constexpr int kDays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

std::optional<SourceDate> ymd(int y, int m, int d, bool approximate) {
  if (!valid_ymd(y, m, d)) return std::nullopt;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return SourceDate{buf, approximate};
}

// The month a French name or abbreviation designates (folded: "decembre", "fevr", "juil"), 0 if
// none.
int french_month(std::string_view folded) {
  static constexpr std::string_view kMonths[12] = {"janvier", "fevrier", "mars",     "avril",
                                                   "mai",     "juin",    "juillet",  "aout",
                                                   "septembre", "octobre", "novembre", "decembre"};
  if (folded.size() < 3) return 0;
  if (folded == "juin") return 6;
  if (folded == "juil") return 7;
  for (int i = 0; i < 12; ++i) {
    std::string_view name = kMonths[i];
    if (folded.size() <= name.size() && name.substr(0, folded.size()) == folded) {
      // "ju" prefixes are ambiguous below four letters; "mar" is mars, "mai" is mai.
      if (folded.size() < 4 && (i == 5 || i == 6)) continue;
      return i + 1;
    }
  }
  return 0;
}

}  // namespace

std::string stable_id(const std::vector<std::string>& values) {
  std::string joined;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) joined += '\x1f';
    joined += values[i];
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(XXH64(joined.data(), joined.size(), 0)));
  return buf;
}

std::optional<SourceDate> read_source_date(std::string_view text) {
  std::string_view t = utf8::trim(text);
  // The date part ends at the first space or 'T' after ten characters (a time follows).
  std::string_view d = t.substr(0, t.find_first_of(" T"));
  if (d.size() == 10 && (d[4] == '-' || d[4] == '/') && d[7] == d[4] && all_digits(d.substr(0, 4)) &&
      all_digits(d.substr(5, 2)) && all_digits(d.substr(8, 2)))
    return ymd(to_int(d.substr(0, 4)), to_int(d.substr(5, 2)), to_int(d.substr(8, 2)), false);
  if (d.size() == 10 && (d[2] == '/' || d[2] == '-' || d[2] == '.') && d[5] == d[2] &&
      all_digits(d.substr(0, 2)) && all_digits(d.substr(3, 2)) && all_digits(d.substr(6, 4)))
    return ymd(to_int(d.substr(6, 4)), to_int(d.substr(3, 2)), to_int(d.substr(0, 2)), false);
  // A month and a year: "Décembre 2019", "juil-22", "Novembre 20".
  std::string folded = text::fold_key(t);  // "decembre 2019", "juil 22"
  std::size_t space = folded.find(' ');
  if (space == std::string::npos || folded.find(' ', space + 1) != std::string::npos) return std::nullopt;
  int month = french_month(std::string_view(folded).substr(0, space));
  std::string_view year = std::string_view(folded).substr(space + 1);
  if (month == 0 || !all_digits(year) || (year.size() != 2 && year.size() != 4)) return std::nullopt;
  int y = to_int(year);
  if (year.size() == 2) y += 2000;
  return ymd(y, month, 1, true);
}

std::pair<double, double> lambert93_to_wgs84(double x, double y) {
  // IGN, "Projection cartographique conique conforme de Lambert" (NT/G 71), algorithms ALG0004
  // and ALG0009, with the constants of Lambert-93.
  constexpr double kN = 0.7256077650532670;
  constexpr double kC = 11754255.426096;
  constexpr double kXs = 700000.0;
  constexpr double kYs = 12655612.049876;
  constexpr double kE = 0.0818191910428158;  // GRS80 first eccentricity
  constexpr double kLambda0 = 3.0 * M_PI / 180.0;
  double dx = x - kXs, dy = y - kYs;
  double r = std::sqrt(dx * dx + dy * dy);
  double gamma = std::atan(dx / -dy);
  double lambda = kLambda0 + gamma / kN;
  double latiso = -1.0 / kN * std::log(std::fabs(r / kC));
  double phi = 2.0 * std::atan(std::exp(latiso)) - M_PI / 2.0;
  for (int i = 0; i < 20; ++i) {
    double s = kE * std::sin(phi);
    double next = 2.0 * std::atan(std::pow((1 + s) / (1 - s), kE / 2.0) * std::exp(latiso)) - M_PI / 2.0;
    if (std::fabs(next - phi) < 1e-12) {
      phi = next;
      break;
    }
    phi = next;
  }
  return {phi * 180.0 / M_PI, lambda * 180.0 / M_PI};
}

std::optional<double> read_number(std::string_view text) {
  std::string s;
  for (char c : utf8::trim(text)) {
    if (c == ' ') continue;
    s += c == ',' ? '.' : c;
  }
  if (s.empty() || s.size() > 40) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace maillage::federation
