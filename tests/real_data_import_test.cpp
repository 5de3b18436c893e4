// Imports the real files of ../shared (national cartography snapshots, official examples) and
// checks the counts of tests/cases/real_imports.tsv: read, accepted, rejected, records with
// warnings, and every rejection with the rule that explains it.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

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

// Records are normalised on several threads (256 at a time) and taken back in file order: a
// file read twice over gives the diagnostics of one reading twice, in the same order, and of
// two records with the same id the first one read is kept.
TEST(RealDataImport, NormalisingThreadsKeepTheFileOrder) {
  const auto file = testing::shared_dir() /
                    "data/cartographie-snapshots/20230516-hub-du-sud-lieux-de-mediation-numeriques-"
                    "provence-alpes-cote-d-azur.json";
  auto places = nlohmann::json::parse(testing::read_file(file));
  ASSERT_GT(places.size(), 600u);  // several chunks
  nlohmann::json twice = places;
  for (const auto& p : places) twice.push_back(p);
  const auto& territory = territory::Reference::bundled();
  exchange::Options options;
  options.today = "2026-11-28";
  auto once = exchange::import_bytes(places.dump(1), "une-fois.json", nullptr, &territory, options);
  auto both = exchange::import_bytes(twice.dump(1), "deux-fois.json", nullptr, &territory, options);
  ASSERT_TRUE(once.ok() && both.ok());
  EXPECT_EQ(both.read, 2 * once.read);
  EXPECT_EQ(both.added, once.added);
  auto record_level = [](const exchange::FileReport& r, bool doublons) {
    std::vector<std::string> out;
    for (const auto& d : r.diagnostics)
      if (d.line > 0 && (d.rule == "id.doublon") == doublons)
        out.push_back(d.record_id + "|" + d.field + "|" + d.rule + "|" + d.value);
    return out;
  };
  auto expected = record_level(once, false);
  ASSERT_GT(expected.size(), 100u);
  const auto one_reading = expected;
  expected.insert(expected.end(), one_reading.begin(), one_reading.end());
  EXPECT_EQ(record_level(both, false), expected);
  EXPECT_EQ(record_level(both, true).size(), static_cast<std::size_t>(once.added));
  std::int64_t line = 0;
  for (const auto& d : both.diagnostics) {
    if (d.line == 0) continue;
    EXPECT_GE(d.line, line) << d.rule;
    line = d.line;
  }
}

}  // namespace
}  // namespace maillage
