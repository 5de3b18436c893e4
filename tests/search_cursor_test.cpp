// Pagination cursors: a sort key survives encoding exactly (distance to the last bit, any bytes
// in the text), the encoding is URL-safe, and anything else is refused rather than misread.
#include <gtest/gtest.h>

#include "search/cursor.h"

namespace maillage::search {
namespace {

TEST(Cursor, RoundTripsEverySortKeyExactly) {
  SortKey k{7, 3, 12.345678901234567, "mediatheque l'odyssee \x1e/+=?&", "cr93:abc-12"};
  auto back = decode_cursor(encode_cursor(k.view()));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->primary, 7);
  EXPECT_EQ(back->secondary, 3);
  EXPECT_EQ(back->distance, k.distance);
  EXPECT_EQ(back->text, k.text);
  EXPECT_EQ(back->public_id, k.public_id);
  auto encoded = encode_cursor(k.view());
  EXPECT_EQ(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_TRUE(decode_cursor(encode_cursor(SortKey{}.view())));
}

TEST(Cursor, OrdersByRelevanceThenDistanceThenNameThenId) {
  auto before = [](SortKey a, SortKey b) { return comes_before(a, b); };
  EXPECT_TRUE(before({5, 0, 9, "z", "z"}, {4, 9, 0, "a", "a"}));
  EXPECT_TRUE(before({5, 2, 9, "z", "z"}, {5, 1, 0, "a", "a"}));
  EXPECT_TRUE(before({5, 2, 1, "z", "z"}, {5, 2, 2, "a", "a"}));
  EXPECT_TRUE(before({5, 2, 1, "a", "z"}, {5, 2, 1, "b", "a"}));
  EXPECT_TRUE(before({5, 2, 1, "a", "a"}, {5, 2, 1, "a", "b"}));
  EXPECT_FALSE(before({5, 2, 1, "a", "a"}, {5, 2, 1, "a", "a"}));
}

TEST(Cursor, RefusesAnythingElse) {
  for (const char* bad : {"", "!!!!", "AAAA", "MQ", "MR8xHzEfMR8", "bm9uc2Vuc2U",
                          "MR94HzEfMR9hH2I", "Mh8xHzEfMR9hH2I"})
    EXPECT_FALSE(decode_cursor(bad)) << bad;
  // The same shape with a well-formed key is accepted: "1|1|1|1.5|a|b".
  auto ok = decode_cursor("MR8xHzEfMS41H2EfYg");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->distance, 1.5);
  EXPECT_EQ(ok->public_id, "b");
}

}  // namespace
}  // namespace maillage::search
