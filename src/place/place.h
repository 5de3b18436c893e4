// A place in the standard v1.0.2, normalised: one string per field, multi-valued fields joined
// with '|', numbers in their shortest round-trip decimal form, dates as YYYY-MM-DD. An empty
// string means the field is absent.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "place/fields.h"

namespace maillage::place {

struct Place {
  std::array<std::string, kFieldCount> values;

  std::string& operator[](Field f) { return values[static_cast<std::size_t>(f)]; }
  const std::string& operator[](Field f) const { return values[static_cast<std::size_t>(f)]; }
  bool has(Field f) const { return !(*this)[f].empty(); }
  bool operator==(const Place&) const = default;
};

// Splits a multi-valued field on '|' (values are never empty in a normalised place).
std::vector<std::string_view> split_values(std::string_view joined);
// The same without a vector: fn(value) for each value, in order.
template <typename Fn>
void for_each_value(std::string_view joined, Fn&& fn) {
  while (!joined.empty()) {
    const auto bar = joined.find(kMultiSeparator);
    fn(joined.substr(0, bar));
    if (bar == std::string_view::npos) break;
    joined.remove_prefix(bar + 1);
  }
}

// A record as read from a file, before normalisation: its columns in source order, the exact
// text it was read from, and where.
struct RawRecord {
  std::int64_t line = 0;  // 1-based line of the record's start
  std::vector<std::pair<std::string, std::string>> fields;  // column name → raw value
  std::string verbatim;   // the record's bytes exactly as in the file
  // The source gives this record no date of update (a mapping profile's `defaut = "inconnue"`):
  // an empty date_maj is then an unknown date, not a missing required field.
  bool date_unknown = false;
};

// Shortest decimal form that reads back to the same double ("43.52609", "5.4", "-0.5").
std::string format_number(double value);

}  // namespace maillage::place
