#include "place/place.h"

#include <charconv>

namespace maillage::place {

std::vector<std::string_view> split_values(std::string_view joined) {
  std::vector<std::string_view> out;
  for_each_value(joined, [&](std::string_view v) { out.push_back(v); });
  return out;
}

std::string format_number(double value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return "0";
  return std::string(buf, end);
}

}  // namespace maillage::place
