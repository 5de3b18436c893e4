// A per-client rate limit: a token bucket per key (the client's address), refilled
// continuously. Used for the open API (every request) and for writes (forms, logins) with
// their own limits. Thread-safe; memory is bounded (idle full buckets are dropped).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace maillage::http {

class RateLimiter {
 public:
  // `per_minute` requests a minute sustained, bursts of up to `burst`. per_minute == 0 disables.
  RateLimiter(double per_minute, double burst);

  struct Decision {
    bool allowed = true;
    int retry_after_s = 0;  // when refused: seconds until one request is allowed again
  };
  Decision take(const std::string& key);
  Decision take(const std::string& key, std::chrono::steady_clock::time_point now);

  bool enabled() const { return per_second_ > 0; }
  std::size_t tracked_clients() const;

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  void sweep(std::chrono::steady_clock::time_point now);

  double per_second_, burst_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::chrono::steady_clock::time_point last_sweep_{};
};

}  // namespace maillage::http
