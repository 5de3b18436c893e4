#include "store/clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace maillage::store {

std::string utc_in(std::int64_t seconds) {
  auto now = std::chrono::system_clock::now() + std::chrono::seconds(seconds);
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string utc_now() { return utc_in(0); }

}  // namespace maillage::store
