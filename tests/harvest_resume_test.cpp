// Jobs that finish (issue 19): a harvest killed (SIGKILL) at any moment, the deduplication
// included, then one more harvest, gives the same export as a harvest never interrupted. Before,
// a harvest killed during deduplication left the source records without merged places, and the
// next harvest, finding every source unchanged, skipped deduplication for good.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "support/serve_support.h"
#include "support/test_support.h"

extern char** environ;

namespace maillage {
namespace {

using Clock = std::chrono::steady_clock;
using testing::query_text;
using testing::run_maillage;
using testing::TempDir;

// `maillage harvest --db DB`, killed with SIGKILL after `after` unless it ends first; true when
// it was killed.
bool harvest_killed_after(const std::filesystem::path& db, std::chrono::milliseconds after) {
  std::vector<std::string> args = {testing::maillage_binary().string(), "harvest", "--db", db.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0);
  if (rc != 0) return false;
  const auto deadline = Clock::now() + after;
  int status = 0;
  while (Clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status);
}

std::string merged_export(const std::filesystem::path& db) {
  auto r = run_maillage({"export", "--db", db.string(), "--format", "csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(HarvestResume, AHarvestKilledAnywhereIsCompletedByTheNext) {
  TempDir dir;
  const auto registry = testing::repo_dir() / "tests/fixtures/sources-cartographie.toml";
  // The harvest never interrupted, timed: the moments to kill at are drawn within it.
  const auto clean = dir / "clean.db";
  ASSERT_EQ(run_maillage({"sources", "load", "--db", clean.string(), registry.string()}).exit_code, 0);
  const auto t0 = Clock::now();
  auto first = run_maillage({"harvest", "--db", clean.string()});
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_NE(first.out.find("dédoublonnage"), std::string::npos) << first.out;
  const std::string expected = merged_export(clean);
  ASSERT_GT(std::count(expected.begin(), expected.end(), '\n'), 1000);

  // 20 moments (5 in the sanitizer run), drawn uniformly over the whole harvest (the program's
  // start included), the same ones on every run of the test.
  const char* scale = std::getenv("MAILLAGE_TEST_SCALE");
  const int rounds = scale && std::string(scale) == "small" ? 5 : 20;
  std::mt19937 random(19);
  std::uniform_int_distribution<long> moment(0, took.count());
  int killed = 0;
  for (int i = 0; i < rounds; ++i) {
    const auto db = dir / ("killed-" + std::to_string(i) + ".db");
    ASSERT_EQ(run_maillage({"sources", "load", "--db", db.string(), registry.string()}).exit_code, 0);
    const std::chrono::milliseconds at(moment(random));
    killed += harvest_killed_after(db, at);
    EXPECT_EQ(query_text(db, "PRAGMA integrity_check"), "ok") << "killed at " << at.count() << " ms";
    auto again = run_maillage({"harvest", "--db", db.string()});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_TRUE(merged_export(db) == expected) << "killed at " << at.count() << " ms of " << took.count()
                                               << "\n" << again.out;
    // Nothing is left to do: a third harvest changes nothing and deduplicates nothing.
    auto third = run_maillage({"harvest", "--db", db.string()});
    EXPECT_EQ(third.out.find("dédoublonnage"), std::string::npos) << third.out;
    std::filesystem::remove(db);
  }
  // The moments did catch harvests at work (most of them; the last ones may find it done).
  EXPECT_GE(killed, rounds / 2);
}

}  // namespace
}  // namespace maillage
