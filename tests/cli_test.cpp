// The command line as a user meets it: exit codes, printed counts, the JSON report.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace maillage {
namespace {

using testing::run_maillage;
using testing::TempDir;

TEST(Cli, ImportPrintsCountsAndIsIdempotent) {
  TempDir dir;
  auto db = (dir / "m.db").string();
  auto file = (testing::repo_dir() / "data/standard/exemple-valide.csv").string();
  auto first = run_maillage({"import", "--db", db, file});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("1 lus, 1 ajoutés, 0 modifiés, 0 inchangés, 0 rejetés"),
            std::string::npos)
      << first.out;
  auto second = run_maillage({"import", "--db", db, file});
  EXPECT_NE(second.out.find("1 lus, 0 ajoutés, 0 modifiés, 1 inchangés"), std::string::npos)
      << second.out;
}

TEST(Cli, RejectionsStillExitZeroAndTheReportNamesLineFieldRule) {
  TempDir dir;
  testing::write_file(dir / "bad.csv",
                      "id,pivot,nom,commune,code_postal,adresse,date_maj\n"
                      "a,00000000000000,Un,Reims,51100,1 rue,2024-01-01\n"
                      "b,00000000000000,Deux,Reims,7500,1 rue,2024-01-01\n");
  auto r = run_maillage({"import", "--db", (dir / "m.db").string(), "--report",
                         (dir / "r.json").string(), (dir / "bad.csv").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 rejetés"), std::string::npos);
  EXPECT_NE(r.out.find("ligne 3"), std::string::npos) << r.out;
  auto report = nlohmann::json::parse(testing::read_file(dir / "r.json"));
  const auto& d = report["fichiers"][0]["diagnostics"];
  bool found = false;
  for (const auto& x : d) {
    if (x["rule"] == "code_postal.motif") {
      found = true;
      EXPECT_EQ(x["line"], 3);
      EXPECT_EQ(x["id"], "b");
      EXPECT_EQ(x["field"], "code_postal");
      EXPECT_EQ(x["value"], "7500");
      EXPECT_NE(x["message"].get<std::string>().find("5 chiffres"), std::string::npos);
    }
  }
  EXPECT_TRUE(found) << d.dump();
}

TEST(Cli, UnreadableFileExitsNonZeroWithoutLosingOtherFiles) {
  TempDir dir;
  auto db = (dir / "m.db").string();
  auto good = (testing::repo_dir() / "data/standard/exemple-valide.csv").string();
  auto r = run_maillage({"import", "--db", db, (dir / "missing.csv").string(), good});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("impossible d'ouvrir"), std::string::npos) << r.err;
  auto exported = run_maillage({"export", "--db", db, "--format", "json"});
  EXPECT_NE(exported.out.find("structure-1"), std::string::npos);
}

TEST(Cli, ValidateWritesNothing) {
  TempDir dir;
  auto r = run_maillage({"validate", (testing::repo_dir() / "data/standard/exemple-valide.csv").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 valides"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists("var/maillage.db.never"));
  testing::write_file(dir / "bad.csv", "id,nom\nx,y\n");
  EXPECT_EQ(run_maillage({"validate", "--strict", (dir / "bad.csv").string()}).exit_code, 3);
}

TEST(Cli, ExportToAMissingDatabaseIsAClearError) {
  TempDir dir;
  auto r = run_maillage({"export", "--db", (dir / "none.db").string(), "--format", "csv"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("n'existe pas"), std::string::npos);
  EXPECT_NE(run_maillage({"export", "--format", "xml"}).exit_code, 0);
}

}  // namespace
}  // namespace maillage
