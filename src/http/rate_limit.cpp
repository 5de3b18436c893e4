#include "http/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace maillage::http {
namespace {
constexpr std::size_t kSweepAbove = 10000;   // clients tracked before idle buckets are dropped
constexpr std::size_t kHardLimit = 200000;   // beyond this, forget everyone (fail open)
}

RateLimiter::RateLimiter(double per_minute, double burst)
    : per_second_(per_minute / 60.0), burst_(std::max(1.0, burst)) {}

RateLimiter::Decision RateLimiter::take(const std::string& key) {
  return take(key, std::chrono::steady_clock::now());
}

RateLimiter::Decision RateLimiter::take(const std::string& key,
                                        std::chrono::steady_clock::time_point now) {
  if (per_second_ <= 0) return {};
  std::lock_guard lock(mutex_);
  if (buckets_.size() > kSweepAbove && now - last_sweep_ > std::chrono::seconds(1)) sweep(now);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * per_second_);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  return {false, static_cast<int>(std::ceil((1.0 - b.tokens) / per_second_))};
}

void RateLimiter::sweep(std::chrono::steady_clock::time_point now) {
  // A bucket that would be full again carries no information: forget it.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double elapsed = std::chrono::duration<double>(now - it->second.updated).count();
    if (it->second.tokens + elapsed * per_second_ >= burst_) it = buckets_.erase(it);
    else ++it;
  }
  if (buckets_.size() > kHardLimit) buckets_.clear();
  last_sweep_ = now;
}

std::size_t RateLimiter::tracked_clients() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace maillage::http
