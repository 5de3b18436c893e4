// Imports the real files of ../shared (national cartography snapshots, official examples) and
// checks the counts of tests/cases/real_imports.tsv: read, accepted, rejected, records with
// warnings, and every rejection with the rule that explains it.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "exchange/importer.h"
#include "support/test_support.h"
#include "territory/reference.h"

namespace maillage {
namespace {

struct RealDataExpected {
  std::string file;
  std::int64_t read, accepted, rejected, warned;
  std::string rejections;  // "rule:count,rule:count" or "-"
};

std::vector<RealDataExpected> load_real_data_expected() {
  std::vector<RealDataExpected> out;
  for (const auto& c : testing::read_tsv_rows(testing::repo_dir() / "tests/cases/real_imports.tsv"))
    out.push_back({c.at(0), std::stoll(c.at(1)), std::stoll(c.at(2)), std::stoll(c.at(3)),
                     std::stoll(c.at(4)), c.at(5)});
  return out;
}

TEST(RealDataImport, CountsAndRejectionsMatchTheTable) {
  auto expected = load_real_data_expected();
  ASSERT_GE(expected.size(), 8u);  // 6 snapshots + 2 official examples
  const auto& territory = territory::Reference::bundled();
  for (const auto& e : expected) {
    SCOPED_TRACE(e.file);
    exchange::Options options;
    options.today = "2026-11-28";
    auto report = exchange::import_file(testing::shared_dir() / e.file, nullptr, &territory, options);
    ASSERT_TRUE(report.ok()) << report.fatal;
    EXPECT_EQ(report.read, e.read);
    EXPECT_EQ(report.added, e.accepted);
    EXPECT_EQ(report.rejected, e.rejected);
    EXPECT_EQ(report.records_with_warnings, e.warned);
    EXPECT_EQ(testing::rejection_summary(report), e.rejections);
    // Every diagnostic names a rule and carries a French message.
    for (const auto& d : report.diagnostics) {
      EXPECT_FALSE(d.rule.empty());
      EXPECT_FALSE(d.message.empty());
    }
  }
}

TEST(RealDataImport, EverySnapshotFileIsInTheTable) {
  auto expected = load_real_data_expected();
  for (const auto& f : testing::snapshot_files()) {
    std::string rel = "data/cartographie-snapshots/" + f.filename().string();
    bool listed = std::any_of(expected.begin(), expected.end(),
                              [&](const RealDataExpected& e) { return e.file == rel; });
    EXPECT_TRUE(listed) << rel;
  }
}

}  // namespace
}  // namespace maillage
