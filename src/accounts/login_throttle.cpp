#include "accounts/login_throttle.h"

#include <algorithm>

namespace maillage::accounts {

LoginThrottle::LoginThrottle(int free_failures, std::int64_t first_delay_ms, std::int64_t max_delay_ms,
                             std::size_t max_keys)
    : free_failures_(free_failures), first_delay_ms_(first_delay_ms), max_delay_ms_(max_delay_ms), max_keys_(max_keys) {}

std::int64_t LoginThrottle::wait_ms(const std::string& key, std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  auto it = keys_.find(key);
  return it == keys_.end() ? 0 : std::max<std::int64_t>(0, it->second.next_ms - now_ms);
}

int LoginThrottle::failure(const std::string& key, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (keys_.size() >= max_keys_ && !keys_.count(key)) prune(now_ms);
  State& s = keys_[key];
  s.failures += 1;
  const int over = s.failures - free_failures_;
  if (over >= 0) {
    const std::int64_t delay = over >= 30 ? max_delay_ms_ : std::min<std::int64_t>(max_delay_ms_, first_delay_ms_ << over);
    s.next_ms = now_ms + delay;
  }
  return s.failures;
}

void LoginThrottle::success(const std::string& key) {
  std::lock_guard lock(mutex_);
  keys_.erase(key);
}

void LoginThrottle::forget_typed(const std::string& typed) {
  std::lock_guard lock(mutex_);
  const std::string prefix = typed + '\n';
  for (auto it = keys_.begin(); it != keys_.end();) {
    if (it->first.compare(0, prefix.size(), prefix) == 0) {
      it = keys_.erase(it);
    } else {
      ++it;
    }
  }
}

// Room for new keys: the ones whose wait is over and that are not close to a delay go first,
// then, under a flood of distinct keys, the whole table (each key then starts over).
void LoginThrottle::prune(std::int64_t now_ms) {
  for (auto it = keys_.begin(); it != keys_.end();) {
    if (it->second.next_ms + max_delay_ms_ < now_ms) {
      it = keys_.erase(it);
    } else {
      ++it;
    }
  }
  if (keys_.size() >= max_keys_) keys_.clear();
}

}  // namespace maillage::accounts
