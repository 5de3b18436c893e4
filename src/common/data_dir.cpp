#include "common/data_dir.h"

#include <cstdlib>

namespace maillage::common {

std::filesystem::path bundled_data_dir(std::string_view sub) {
  const char* data_dir = std::getenv("MAILLAGE_DATA_DIR");
  if (data_dir != nullptr && *data_dir != '\0') return std::filesystem::path(data_dir) / sub;
  return std::filesystem::path(MAILLAGE_SOURCE_DIR) / "data" / sub;
}

}  // namespace maillage::common
