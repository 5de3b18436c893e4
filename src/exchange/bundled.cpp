#include "exchange/bundled.h"

#include <algorithm>

namespace maillage::exchange {

std::vector<std::filesystem::path> bundled_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    auto ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".json" || ext == ".csv" || ext == ".geojson"))
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<FileReport> load_if_empty(store::Store& store, const territory::Reference* territory,
                                      const std::filesystem::path& dir) {
  std::vector<FileReport> reports;
  if (store.count_active() > 0 || !store.runs(1).empty()) return reports;
  for (const auto& file : bundled_files(dir))
    reports.push_back(import_file(file, &store, territory, Options{}));
  return reports;
}

}  // namespace maillage::exchange
