// The value transformations of mapping profiles that are more than a lookup: stable ids, source
// dates written the way people write them, Lambert-93 coordinates. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace maillage::federation {

// A stable id for a record that has none: the 64-bit XXH64 hash (seed 0) of the given values
// joined with the unit separator U+001F, written as 16 lowercase hexadecimal digits. The same
// values always give the same id, on every machine and in every version of maillage.
std::string stable_id(const std::vector<std::string>& values);

// A date of a source as an ISO date YYYY-MM-DD, or nullopt. Read: YYYY-MM-DD (with or without a
// time), YYYY/MM/DD[ time], DD/MM/YYYY[ time], DD-MM-YYYY, a French month and year ("Décembre
// 2019", "Février 2021", "juil-22", "Novembre 20") which gives the first day of that month and
// sets `approximate`.
struct SourceDate {
  std::string iso;
  bool approximate = false;
};
std::optional<SourceDate> read_source_date(std::string_view text);

// Lambert-93 (RGF93, EPSG:2154) easting/northing in metres to WGS84 latitude and longitude in
// degrees (IGN's inverse Lambert conformal conic, RGF93 taken as WGS84: under a metre apart).
std::pair<double, double> lambert93_to_wgs84(double x, double y);

// A decimal number with '.' or ',' as the decimal separator, spaces allowed ("6692424,50691385").
std::optional<double> read_number(std::string_view text);

}  // namespace maillage::federation
