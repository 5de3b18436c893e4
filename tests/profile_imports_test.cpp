// Every source file of ../shared/data read through its shipped mapping profile: the counts of
// tests/cases/profile_imports.tsv (read, accepted, rejected, warnings, records with warnings) and
// every rejection with the rule that explains it. The table is printed by
// tools/profile_imports_table.py; adding a source file without a row fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "exchange/importer.h"
#include "federation/mapped_reader.h"
#include "federation/profile.h"
#include "support/test_support.h"
#include "territory/reference.h"

namespace maillage {
namespace {

struct Expected {
  std::string profile, file;
  std::int64_t read, accepted, rejected, warnings, warned;
  std::string rejections;  // "rule:count,rule:count" or "-"
};

std::vector<Expected> load_expected() {
  std::vector<Expected> out;
  for (const auto& c : testing::read_tsv_rows(testing::repo_dir() / "tests/cases/profile_imports.tsv"))
    out.push_back({c.at(0), c.at(1), std::stoll(c.at(2)), std::stoll(c.at(3)), std::stoll(c.at(4)),
                     std::stoll(c.at(5)), std::stoll(c.at(6)), c.at(7)});
  return out;
}

TEST(ProfileImports, CountsAndRejectionsMatchTheTable) {
  auto expected = load_expected();
  ASSERT_GE(expected.size(), 30u);
  const auto& territory = territory::Reference::bundled();
  std::map<std::string, std::shared_ptr<const federation::Profile>> profiles;
  for (const auto& e : expected) {
    SCOPED_TRACE(e.profile + " " + e.file);
    auto& profile = profiles[e.profile];
    if (!profile) {
      auto loaded = federation::load_profile(testing::repo_dir() / "data/profils" / (e.profile + ".toml"));
      ASSERT_TRUE(loaded.profile) << loaded.errors.at(0).to_french();
      profile = std::make_shared<const federation::Profile>(std::move(*loaded.profile));
    }
    exchange::Options options;  // today: the real date (profiles may date records by the file)
    auto path = testing::shared_dir() / e.file;
    auto report = exchange::import_reader(federation::open_mapped(profile, path), path.string(),
                                          nullptr, &territory, options);
    ASSERT_TRUE(report.ok()) << report.fatal;
    EXPECT_EQ(report.read, e.read);
    EXPECT_EQ(report.added, e.accepted);
    EXPECT_EQ(report.rejected, e.rejected);
    EXPECT_EQ(report.warnings, e.warnings);
    EXPECT_EQ(report.records_with_warnings, e.warned);
    EXPECT_EQ(testing::rejection_summary(report), e.rejections);
    EXPECT_EQ(report.read, report.added + report.rejected);
    for (const auto& d : report.diagnostics) {
      EXPECT_FALSE(d.rule.empty());
      EXPECT_FALSE(d.message.empty());
    }
  }
}

// Every data file of ../shared/data has a row (schemas, code lists, harvester configurations, the
// communes and the snapshots already in the standard are not sources to map).
TEST(ProfileImports, EverySourceFileIsInTheTable) {
  std::set<std::string> listed;
  for (const auto& e : load_expected()) listed.insert(e.file);
  const auto data = testing::shared_dir() / "data";
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data)) {
    if (!entry.is_regular_file()) continue;
    std::string rel = std::filesystem::relative(entry.path(), testing::shared_dir()).string();
    std::string name = entry.path().filename().string();
    auto ext = entry.path().extension().string();
    if (ext != ".csv" && ext != ".json" && ext != ".geojson") continue;
    if (rel.rfind("data/communes/", 0) == 0 || rel.rfind("data/cartographie-snapshots/", 0) == 0 ||
        rel.find("/schema/") != std::string::npos || name.find(".config.json") != std::string::npos ||
        name.find("-schema.json") != std::string::npos || name.find("custom-props.json") != std::string::npos)
      continue;
    ++checked;
    EXPECT_TRUE(listed.count(rel)) << rel << " has no profile row in tests/cases/profile_imports.tsv";
  }
  EXPECT_GE(checked, 30);
}

TEST(ProfileImports, EveryShippedProfileLoads) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::repo_dir() / "data/profils")) {
    if (entry.path().extension() != ".toml") continue;
    ++n;
    auto loaded = federation::load_profile(entry.path());
    EXPECT_TRUE(loaded.profile) << entry.path() << ": "
                                << (loaded.errors.empty() ? "" : loaded.errors[0].to_french());
    if (loaded.profile) {
      EXPECT_EQ(loaded.profile->name, entry.path().stem().string());
    }
  }
  EXPECT_GE(n, 20);
}

}  // namespace
}  // namespace maillage
