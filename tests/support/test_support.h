// Helpers shared by the tests: temporary folders, files, running the maillage binary.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace maillage::exchange {
struct FileReport;
}

namespace maillage::testing {

// A fresh folder under the system temp dir, removed with its content at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& content);

// ../shared (real data), the repository root, the maillage binary.
std::filesystem::path shared_dir();
std::filesystem::path repo_dir();
std::filesystem::path maillage_binary();
// The first column of the first row of `sql` on the SQLite database `db`, opened read-only
// ("" when none): what crash tests read of a database a killed program left.
std::string query_text(const std::filesystem::path& db, const char* sql);

struct RunResult {
  int exit_code = -1;      // exit status, or -signal when killed by a signal
  std::string out, err;
};
// Runs the maillage binary with `args` (no shell), with extra environment variables
// ("NAME=value"), capturing standard output and error.
RunResult run_maillage(const std::vector<std::string>& args,
                       const std::vector<std::string>& env = {});

// The snapshot files of the national cartography in ../shared/data/cartographie-snapshots.
std::vector<std::filesystem::path> snapshot_files();

// Splits a TSV line on tabs.
std::vector<std::string> split_tsv(const std::string& line);

// The rows of a case table (tab-separated, '#' comments and blank lines skipped), split.
std::vector<std::vector<std::string>> read_tsv_rows(const std::filesystem::path& p);

// The rejections of an import report as the case tables write them: "rule:count,..." in rule
// order, "-" when none.
std::string rejection_summary(const exchange::FileReport& report);

}  // namespace maillage::testing
