// accounts::LoginThrottle (here in units of a millisecond): free failures, then waits doubling to the maximum; a success or a
// proven address forgets; a flood of distinct keys stays bounded.
#include <gtest/gtest.h>

#include "accounts/login_throttle.h"

namespace maillage {
namespace {

TEST(LoginThrottle, WaitsDoubleAfterTheFreeFailuresUpToTheMaximum) {
  accounts::LoginThrottle t(5, 1, 900);
  const std::string key = "camille@exemple.fr\nadresse:203.0.113.9";
  std::int64_t now = 1000;
  for (int i = 0; i < 4; ++i) {
    t.failure(key, now);
    EXPECT_EQ(t.wait_ms(key, now), 0);
  }
  std::vector<std::int64_t> waits;
  for (int i = 0; i < 14; ++i) {
    t.failure(key, now);
    waits.push_back(t.wait_ms(key, now));
    now += waits.back();
  }
  EXPECT_EQ(waits, (std::vector<std::int64_t>{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900}));
  EXPECT_EQ(t.wait_ms("camille@exemple.fr\nadresse:198.51.100.7", now - 900), 0);  // another client
  t.success(key);
  EXPECT_EQ(t.wait_ms(key, now - 900), 0);
}

TEST(LoginThrottle, AProvenAddressIsForgottenForEveryClient) {
  accounts::LoginThrottle t(1, 1, 900);
  t.failure("camille@exemple.fr\nadresse:1", 0);
  t.failure("camille@exemple.fr\nadresse:2", 0);
  t.failure("camille@exemple.fr.example\nadresse:1", 0);
  t.forget_typed("camille@exemple.fr");
  EXPECT_EQ(t.wait_ms("camille@exemple.fr\nadresse:1", 0), 0);
  EXPECT_EQ(t.wait_ms("camille@exemple.fr\nadresse:2", 0), 0);
  EXPECT_EQ(t.wait_ms("camille@exemple.fr.example\nadresse:1", 0), 1);
}

TEST(LoginThrottle, AFloodOfDistinctKeysStaysBounded) {
  accounts::LoginThrottle t(1, 1, 60, 1000);
  for (int i = 0; i < 10'000; ++i) t.failure("x" + std::to_string(i) + "\nadresse:1", i / 100);
  // Bounded: the table was pruned or cleared on its way, and the latest key still waits.
  EXPECT_EQ(t.wait_ms("x9999\nadresse:1", 99), 1);
}

}  // namespace
}  // namespace maillage
