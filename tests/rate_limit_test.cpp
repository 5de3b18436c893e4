// The per-client rate limit: bursts up to the bucket, then the sustained rate, per client, with
// the wait announced; disabled at 0.
#include <gtest/gtest.h>

#include "http/rate_limit.h"

namespace maillage::http {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, AllowsABurstThenTheSustainedRate) {
  RateLimiter limit(60, 5);  // one a second, bursts of 5
  auto t = std::chrono::steady_clock::time_point{} + 1000s;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limit.take("a", t).allowed) << i;
  auto refused = limit.take("a", t);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_s, 1);
  EXPECT_FALSE(limit.take("a", t + 500ms).allowed);
  EXPECT_TRUE(limit.take("a", t + 1100ms).allowed);
  EXPECT_FALSE(limit.take("a", t + 1200ms).allowed);
  // Another client has its own bucket.
  EXPECT_TRUE(limit.take("b", t).allowed);
  // A long pause refills the bucket up to the burst, not beyond.
  auto later = t + 1h;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limit.take("a", later).allowed) << i;
  EXPECT_FALSE(limit.take("a", later).allowed);
}

TEST(RateLimiter, SlowRatesAnnounceLongerWaits) {
  RateLimiter limit(6, 1);  // one every 10 s
  auto t = std::chrono::steady_clock::time_point{} + 1000s;
  EXPECT_TRUE(limit.take("a", t).allowed);
  auto refused = limit.take("a", t + 1s);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_s, 9);
}

TEST(RateLimiter, ZeroDisablesIt) {
  RateLimiter limit(0, 0);
  EXPECT_FALSE(limit.enabled());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limit.take("a").allowed);
  EXPECT_EQ(limit.tracked_clients(), 0u);
}

TEST(RateLimiter, ForgetsIdleClientsWhenManyAreTracked) {
  RateLimiter limit(60, 2);
  auto t = std::chrono::steady_clock::time_point{} + 1000s;
  for (int i = 0; i < 10001; ++i) limit.take("client-" + std::to_string(i), t);
  EXPECT_EQ(limit.tracked_clients(), 10001u);
  // Two seconds later every bucket is full again: the next request sweeps them.
  limit.take("new", t + 3s);
  EXPECT_EQ(limit.tracked_clients(), 1u);
}

}  // namespace
}  // namespace maillage::http
