// What the pages print of a place's values: phone numbers (tests/cases/phone_display.tsv) and
// distances to approximate positions.
#include <gtest/gtest.h>

#include <fstream>

#include "support/test_support.h"
#include "web/display.h"

namespace maillage {
namespace {

TEST(PhoneDisplay, CaseTable) {
  std::ifstream in(testing::repo_dir() / "tests/cases/phone_display.tsv");
  ASSERT_TRUE(in);
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto cols = testing::split_tsv(line);
    ASSERT_EQ(cols.size(), 3u) << line;
    SCOPED_TRACE("« " + cols[0] + " »");
    web::PhoneDisplay shown = web::phone_display(cols[0]);
    EXPECT_EQ(shown.text, cols[1]);
    EXPECT_EQ(shown.tel_uri, cols[2] == "-" ? "" : cols[2]);
    ++cases;
  }
  EXPECT_GE(cases, 20);
}

TEST(ApproximateDistance, NeverMetresToACommunesCentre) {
  EXPECT_EQ(web::approximate_distance(0), "dans la commune");
  EXPECT_EQ(web::approximate_distance(0.4), "dans la commune");
  EXPECT_EQ(web::approximate_distance(2.6), "à ~3 km");
  EXPECT_EQ(web::approximate_distance(14.2), "à ~14 km");
}

}  // namespace
}  // namespace maillage
