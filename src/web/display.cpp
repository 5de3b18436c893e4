#include "web/display.h"

#include <cmath>

#include "common/utf8.h"
#include "place/value_rules.h"
#include "web/opening.h"

namespace maillage::web {
namespace {

// Digits by pairs, an odd count opening with three: "271234" → "27 12 34", "7731234" →
// "773 12 34".
std::string by_pairs(std::string_view digits) {
  std::string out;
  const std::size_t first = digits.size() % 2 == 1 && digits.size() >= 3 ? 3 : 2;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i >= first && (i - first) % 2 == 0) out += ' ';
    out += digits[i];
  }
  return out;
}

}  // namespace

PhoneDisplay phone_display(std::string_view value) {
  const std::string_view given = utf8::trim(value);
  auto parsed = place::rules::telephone(given, {});
  if (!parsed || parsed->several) return {std::string(given), {}};
  const std::string& e164 = parsed->number.value;
  PhoneDisplay out{{}, "tel:" + e164};
  // The French numbering plan: ten digits dialled with a leading 0 from France.
  for (std::string_view national : {"+33", "+590", "+594", "+596", "+262"}) {
    if (e164.rfind(national, 0) != 0) continue;
    std::string_view rest = std::string_view(e164).substr(national.size());
    if (rest.size() == 9) {
      out.text = by_pairs("0" + std::string(rest));
      return out;
    }
  }
  // Another country code (the pattern allows 3 or 4 characters): kept, the rest by pairs.
  const std::size_t code = e164.size() > 4 && e164.rfind("+33", 0) == 0 ? 3 : 4;
  out.text = e164.substr(0, code) + " " + by_pairs(std::string_view(e164).substr(code));
  return out;
}

std::string known_date(std::string_view iso_date) {
  if (iso_date.size() != 10 || iso_date < "1990-01-01") return {};
  return french_date(iso_date);
}

std::string approximate_distance(double km) {
  if (!(km >= 1)) return "dans la commune";
  return "à ~" + std::to_string(std::lround(km)) + " km";
}

}  // namespace maillage::web
