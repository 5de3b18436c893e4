#include "app/cli_support.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "territory/reference.h"

namespace maillage::app {

std::unique_ptr<store::Store> open_store(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  std::string error;
  auto s = store::open_sqlite(path, error);
  if (!s) std::fprintf(stderr, "maillage : %s\n", error.c_str());
  return s;
}

std::filesystem::path data_dir() {
  if (const char* env = std::getenv("MAILLAGE_DATA_DIR"); env && *env) return env;
  return std::filesystem::path(MAILLAGE_SOURCE_DIR) / "data";
}

std::filesystem::path web_dir() {
  if (const char* env = std::getenv("MAILLAGE_WEB_DIR"); env && *env) return env;
  return std::filesystem::path(MAILLAGE_SOURCE_DIR) / "web";
}

std::filesystem::path node_modules_dir() {
  if (const char* env = std::getenv("MAILLAGE_NODE_MODULES"); env && *env) return env;
  return std::filesystem::path(MAILLAGE_SOURCE_DIR) / "node_modules";
}

const territory::Reference* territory_reference() {
  return &territory::Reference::bundled();
}

ProgressBar::ProgressBar(std::string label) : label_(std::move(label)), tty_(isatty(2) != 0) {}

ProgressBar::~ProgressBar() {
  if (tty_ && last_ >= 0) std::fprintf(stderr, "\r\033[K");
}

void ProgressBar::update(double fraction) {
  if (!tty_) return;
  int pct = static_cast<int>(fraction * 100);
  if (pct == last_) return;
  last_ = pct;
  constexpr int kWidth = 30;
  int filled = pct * kWidth / 100;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), '.');
  std::fprintf(stderr, "\r%s [%s] %3d %%", label_.c_str(), bar.c_str(), pct);
  std::fflush(stderr);
}

}  // namespace maillage::app
