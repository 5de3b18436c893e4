// An import killed (SIGKILL) in the middle of a transaction, then run again, yields the same
// database as an uninterrupted import; the store stays consistent at every step.
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace maillage {
namespace {

using testing::query_text;
using testing::run_maillage;
using testing::TempDir;

// A CSV of `copies` × the real snapshot places, with unique ids, made through maillage itself.
std::filesystem::path make_big_csv(const TempDir& dir, int copies) {
  std::vector<std::string> args = {"import", "--db", (dir / "seed.db").string()};
  for (const auto& f : testing::snapshot_files()) args.push_back(f.string());
  EXPECT_EQ(run_maillage(args).exit_code, 0);
  auto out = run_maillage({"export", "--db", (dir / "seed.db").string(), "--format", "csv"});
  std::string header = out.out.substr(0, out.out.find('\n') + 1);
  std::string body = out.out.substr(header.size());
  std::string csv = header;
  for (int i = 0; i < copies; ++i) {
    std::size_t pos = 0;
    while (pos < body.size()) {
      // Rows start with "id": prefix it with the copy number.
      std::size_t end = pos;
      bool quoted = false;
      while (end < body.size() && (quoted || body[end] != '\n')) {
        if (body[end] == '"') quoted = !quoted;
        ++end;
      }
      csv += "\"c" + std::to_string(i) + "-" + body.substr(pos + 1, end - pos - 1) + "\n";
      pos = end + 1;
    }
  }
  auto path = dir / "big.csv";
  testing::write_file(path, csv);
  return path;
}

TEST(CrashRecovery, KilledImportRerunGivesTheSameDatabase) {
  TempDir dir;
  auto csv = make_big_csv(dir, 5);  // ~12,000 records: 3 batches of 5,000
  auto clean_db = dir / "clean.db", crashed_db = dir / "crashed.db";
  ASSERT_EQ(run_maillage({"import", "--db", clean_db.string(), "--source", "s", csv.string()})
                .exit_code,
            0);

  // With the default transaction size (50,000 records) these ~12,000 records are one
  // transaction: killed at row 7,500, the import leaves nothing behind.
  auto killed_whole =
      run_maillage({"import", "--db", crashed_db.string(), "--source", "s", csv.string()},
                   {"MAILLAGE_FAULT_KILL_AFTER_ROWS=7500"});
  ASSERT_EQ(killed_whole.exit_code, -9) << killed_whole.err;
  EXPECT_EQ(query_text(crashed_db, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(query_text(crashed_db, "SELECT COUNT(*) FROM places"), "0");
  EXPECT_EQ(query_text(crashed_db, "SELECT COUNT(*) FROM change_log"), "0");

  // With transactions of 5,000 records, killed in the middle of the second one (row 7,500): the
  // first one is committed, the second one must vanish entirely.
  auto killed = run_maillage({"import", "--db", crashed_db.string(), "--source", "s", csv.string()},
                             {"MAILLAGE_FAULT_KILL_AFTER_ROWS=7500", "MAILLAGE_COMMIT_RECORDS=5000"});
  ASSERT_EQ(killed.exit_code, -9) << killed.err;
  EXPECT_EQ(query_text(crashed_db, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(query_text(crashed_db, "SELECT COUNT(*) FROM places"), "5000");
  EXPECT_EQ(query_text(crashed_db, "SELECT COUNT(*) FROM change_log"), "5000");

  // Killed again, in the first batch of the re-run.
  auto killed_again =
      run_maillage({"import", "--db", crashed_db.string(), "--source", "s", csv.string()},
                   {"MAILLAGE_FAULT_KILL_AFTER_ROWS=10"});
  ASSERT_EQ(killed_again.exit_code, -9);
  EXPECT_EQ(query_text(crashed_db, "SELECT COUNT(*) FROM places"), "5000");

  auto rerun = run_maillage({"import", "--db", crashed_db.string(), "--source", "s", csv.string()});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.out.find(" 5000 inchangés"), std::string::npos) << rerun.out;
  EXPECT_EQ(query_text(crashed_db, "PRAGMA integrity_check"), "ok");

  auto a = run_maillage({"export", "--db", clean_db.string(), "--format", "csv"});
  auto b = run_maillage({"export", "--db", crashed_db.string(), "--format", "csv"});
  ASSERT_EQ(a.exit_code, 0);
  EXPECT_TRUE(a.out == b.out);
  // Same places and the same normalised and raw records, whatever the history.
  // (A place's record is the one of its last change when places.record is empty.)
  const char* digest =
      "SELECT group_concat(source || id || record || raw || fingerprint, '') FROM "
      "(SELECT p.source, p.id, COALESCE(NULLIF(p.record, ''), c.record) AS record, p.raw, "
      "p.fingerprint FROM places p JOIN change_log c ON c.seq = p.last_seq "
      "ORDER BY p.source, p.id)";
  EXPECT_NE(query_text(clean_db, digest), "");
  EXPECT_EQ(query_text(clean_db, digest), query_text(crashed_db, digest));
  // The change log holds one addition per place, and no orphan.
  EXPECT_EQ(query_text(crashed_db, "SELECT COUNT(*) FROM change_log WHERE op = 'ajout'"),
            query_text(crashed_db, "SELECT COUNT(*) FROM places"));
  EXPECT_EQ(query_text(crashed_db, "SELECT COUNT(*) FROM places p WHERE NOT EXISTS (SELECT 1 FROM "
                                   "change_log c WHERE c.seq = p.last_seq)"),
            "0");
}

}  // namespace
}  // namespace maillage
