#include "hours/free_text.h"

namespace maillage::hours {

Normalized normalize_free_text(std::string_view) { return {}; }
Normalized normalize_time_ranges(std::string_view) { return {}; }
Normalized normalize_day_columns(const std::array<std::string, 7>&) { return {}; }

}  // namespace maillage::hours
