// The bundled default dataset (data/lieux/): loaded into an empty store on first start.
#pragma once

#include <filesystem>
#include <vector>

#include "exchange/importer.h"

namespace maillage::exchange {

// The dataset files of `dir` (*.json, *.csv, *.geojson), sorted by name.
std::vector<std::filesystem::path> bundled_files(const std::filesystem::path& dir);

// Imports every bundled file when the store holds no place and has never run an import;
// returns the reports (empty when nothing was done).
std::vector<FileReport> load_if_empty(store::Store& store, const territory::Reference* territory,
                                      const std::filesystem::path& dir);

}  // namespace maillage::exchange
