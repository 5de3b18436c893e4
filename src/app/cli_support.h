// Helpers shared by the subcommands: terminal progress bar, default paths, opening the store.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace maillage::territory {
class Reference;
}

namespace maillage::app {

inline constexpr const char* kDefaultDb = "var/maillage.db";

// Opens the store at `path`, creating its folder; prints a French error and returns null on
// failure.
std::unique_ptr<store::Store> open_store(const std::filesystem::path& path);

// The bundled territory reference, or null (with a printed warning) when its files are missing.
const territory::Reference* territory_reference();

// Folder of the bundled data: $MAILLAGE_DATA_DIR, else the source tree's data/.
std::filesystem::path data_dir();

// Folder of the web templates and static files: $MAILLAGE_WEB_DIR, else the source tree's web/.
std::filesystem::path web_dir();
// Folder of the npm packages (Leaflet): $MAILLAGE_NODE_MODULES, else the source tree's
// node_modules/.
std::filesystem::path node_modules_dir();

// A one-line progress bar on standard error, drawn only when it is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();
  void update(double fraction);

 private:
  std::string label_;
  bool tty_;
  int last_ = -1;
};

}  // namespace maillage::app
