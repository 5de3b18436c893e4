// search::and_cardinality against CRoaring's own, for every pair of container kinds (array,
// bitset, run), shared (copy-on-write) containers, keys present in one bitmap only, and
// empty bitmaps.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "search/bitmaps.h"

namespace maillage::search {
namespace {

// A bitmap over 8 containers whose kinds depend on `style`: sparse (arrays), dense (bitsets),
// runs, or a mix, with keys skipped here and there.
Roaring make(std::mt19937& rng, int style) {
  Roaring r;
  std::uniform_int_distribution<std::uint32_t> low(0, 65535);
  for (std::uint32_t key = 0; key < 8; ++key) {
    if (rng() % 5 == 0) continue;  // no container of this key
    const std::uint32_t base = key << 16;
    const int kind = style == 3 ? static_cast<int>(rng() % 3) : style;
    if (kind == 0) {
      for (int i = 0; i < 500; ++i) r.add(base + low(rng));
    } else if (kind == 1) {
      for (int i = 0; i < 30000; ++i) r.add(base + low(rng));
    } else {
      for (int run = 0; run < 40; ++run) {
        const std::uint32_t start = low(rng);
        r.addRange(base + start, base + std::min<std::uint32_t>(65536, start + 1 + low(rng) % 900));
      }
    }
  }
  r.runOptimize();
  return r;
}

TEST(AndCardinality, EqualsCRoaringsForEveryPairOfContainerKinds) {
  std::mt19937 rng(42);
  int bitset_pairs = 0;
  for (int round = 0; round < 10; ++round)
    for (int sa = 0; sa < 4; ++sa)
      for (int sb = 0; sb < 4; ++sb) {
        const Roaring a = make(rng, sa), b = make(rng, sb);
        ASSERT_EQ(and_cardinality(a, b), a.and_cardinality(b)) << "styles " << sa << ", " << sb;
        ASSERT_EQ(and_cardinality(b, a), a.and_cardinality(b));
        if (sa == 1 && sb == 1) bitset_pairs += a.and_cardinality(b) > 0;
      }
  EXPECT_GT(bitset_pairs, 0);  // the popcount path was taken
  const Roaring empty, some = make(rng, 3);
  EXPECT_EQ(and_cardinality(empty, some), 0u);
  EXPECT_EQ(and_cardinality(some, empty), 0u);
  EXPECT_EQ(and_cardinality(some, some), some.cardinality());
}

TEST(AndCardinality, ReadsSharedContainers) {
  std::mt19937 rng(7);
  Roaring a = make(rng, 1);
  a.setCopyOnWrite(true);
  Roaring copy = a;  // its containers are shared with a
  copy.setCopyOnWrite(true);
  const Roaring b = make(rng, 3);
  EXPECT_EQ(and_cardinality(copy, b), a.and_cardinality(b));
  EXPECT_EQ(and_cardinality(b, copy), a.and_cardinality(b));
}

}  // namespace
}  // namespace maillage::search

namespace maillage::search {
namespace {

TEST(MostlyBitsets, CountsTheKindsOfContainers) {
  std::mt19937 rng(3);
  EXPECT_FALSE(mostly_bitsets(Roaring()));
  EXPECT_TRUE(mostly_bitsets(make(rng, 1)));   // dense: bitsets
  EXPECT_FALSE(mostly_bitsets(make(rng, 0)));  // sparse: arrays
  EXPECT_FALSE(mostly_bitsets(make(rng, 2)));  // runs
  // Two bitset containers and one array: mostly bitsets; one bitset and two arrays: not.
  Roaring dense, mixed;
  for (std::uint32_t i = 0; i < 30000; i += 2) {
    dense.add(i);
    dense.add(65536 + i);
    mixed.add(i);
  }
  dense.add(3 * 65536);
  mixed.add(65536);
  mixed.add(2 * 65536);
  EXPECT_TRUE(mostly_bitsets(dense));
  EXPECT_FALSE(mostly_bitsets(mixed));
}

}  // namespace
}  // namespace maillage::search
