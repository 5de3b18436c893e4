// Plain-language French labels for the standard's closed values and for the filter groups of
// the search page. One table (labels.cpp) for every page: the standard's value stays the key
// in URLs and data, the label is what a person reads.
#pragma once

#include <span>
#include <string_view>

#include "place/fields.h"

namespace maillage::web {

struct ValueLabel {
  std::string_view value;  // the standard's spelling
  std::string_view label;  // what a person reads
};

// A filter group of the search form: the field, its question and its values in display order.
struct FilterGroup {
  place::Field field;
  std::string_view param;     // the API's parameter name (the standard's field name)
  std::string_view question;  // "Pour qui ?"
  std::span<const ValueLabel> values;
};

// The groups shown on the search page, in order (services first).
std::span<const FilterGroup> filter_groups();

// The plain label of `value` of `field`; the value itself when the table has none.
std::string_view value_label(place::Field field, std::string_view value);

}  // namespace maillage::web
