// The cache of rendered search answers (http/response_cache.h): an answer is served only under
// the stamp it was computed with, and the least recently used go first past the capacity.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "http/response_cache.h"

namespace maillage::http {
namespace {

std::shared_ptr<const ResponseCache::Entry> entry(const std::string& body) {
  return std::make_shared<const ResponseCache::Entry>(
      ResponseCache::Entry{std::make_shared<const std::string>(body), "application/json"});
}

TEST(ResponseCache, ServesAnAnswerOnlyUnderItsStamp) {
  ResponseCache cache(1 << 20);
  const ResponseCache::Stamp stamp{7, 1000};
  EXPECT_EQ(cache.get("q=a", stamp), nullptr);
  cache.put("q=a", stamp, entry("{\"total\":1}"));
  auto hit = cache.get("q=a", stamp);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(*hit->body, "{\"total\":1}");
  EXPECT_EQ(hit->type, "application/json");
  EXPECT_EQ(cache.get("q=b", stamp), nullptr);
  // Another index version or another minute: not served, and dropped.
  EXPECT_EQ(cache.get("q=a", {8, 1000}), nullptr);
  EXPECT_EQ(cache.get("q=a", stamp), nullptr);
  cache.put("q=a", stamp, entry("x"));
  EXPECT_EQ(cache.get("q=a", {7, 1001}), nullptr);
  EXPECT_EQ(cache.bytes(), 0u);
  // A newer answer replaces the kept one.
  cache.put("q=a", stamp, entry("old"));
  cache.put("q=a", stamp, entry("new"));
  EXPECT_EQ(*cache.get("q=a", stamp)->body, "new");
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 5u);
}

TEST(ResponseCache, KeepsTheMostRecentlyUsedWithinItsCapacity) {
  // 16 shards of 64 KiB: answers of 10 KB, a few per shard.
  ResponseCache cache(16 * 65536);
  const ResponseCache::Stamp stamp{1, 1};
  const std::string body(10000, 'x');
  for (int i = 0; i < 1000; ++i) {
    cache.put("k" + std::to_string(i), stamp, entry(body));
    // k0 is used all along: it stays.
    ASSERT_NE(cache.get("k0", stamp), nullptr) << i;
  }
  EXPECT_LE(cache.bytes(), 16u * 65536);
  EXPECT_GT(cache.bytes(), 8u * 65536);
  EXPECT_EQ(cache.get("k1", stamp), nullptr);  // long evicted
  EXPECT_NE(cache.get("k999", stamp), nullptr);
  // An answer too large for a shard is not kept.
  cache.put("big", stamp, entry(std::string(65536, 'y')));
  EXPECT_EQ(cache.get("big", stamp), nullptr);
}

TEST(ResponseCache, CapacityZeroKeepsNothing) {
  ResponseCache cache(0);
  cache.put("q", {1, 1}, entry("{}"));
  EXPECT_EQ(cache.get("q", {1, 1}), nullptr);
  EXPECT_EQ(cache.bytes(), 0u);
}

}  // namespace
}  // namespace maillage::http
