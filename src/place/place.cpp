#include "place/place.h"

#include <charconv>

namespace maillage::place {

std::vector<std::string_view> split_values(std::string_view joined) {
  std::vector<std::string_view> out;
  while (!joined.empty()) {
    auto bar = joined.find(kMultiSeparator);
    out.push_back(joined.substr(0, bar));
    if (bar == std::string_view::npos) break;
    joined.remove_prefix(bar + 1);
  }
  return out;
}

std::string format_number(double value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return "0";
  return std::string(buf, end);
}

}  // namespace maillage::place
