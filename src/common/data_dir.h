// Where the bundled data lives: $MAILLAGE_DATA_DIR/<sub> when that variable is set and not
// empty, else the source tree's data/<sub> (MAILLAGE_SOURCE_DIR). Pure apart from reading the
// environment; thread-safe.
#pragma once

#include <filesystem>
#include <string_view>

namespace maillage::common {

std::filesystem::path bundled_data_dir(std::string_view sub);

}  // namespace maillage::common
