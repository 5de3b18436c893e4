// Writing places in the standard's formats (CSV v1, JSON array, GeoJSON), and the compact JSON
// object form of one place used by the store and the change log.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "place/compact.h"
#include "place/place.h"
#include "place/reader.h"

namespace maillage::place {

// {"id":"…","pivot":"…",…}: the non-empty fields in the standard's order; latitude and longitude
// as JSON numbers, everything else as strings (multi-valued fields '|'-joined, as in CSV).
std::string to_json(const Place& p);
void append_json(std::string& out, const Place& p);
// The same for a packed place; without the braces and without `id` (callers add their own
// id and fields), and without latitude/longitude when `with_coordinates` is false. Writes
// nothing when every other field is empty; otherwise starts with a comma.
void append_json_fields(std::string& out, const CompactPlace& p, bool with_coordinates);

// Reads what to_json wrote (or any flat JSON object of standard fields). False on malformed
// input or unknown fields' types; `out` is then unspecified.
bool from_json(std::string_view json, Place& out);

// Appends `s` as a JSON string literal (quotes included), escaping as RFC 8259 requires.
void append_json_string(std::string& out, std::string_view s);

// Streams places to `out` in one format. Not thread-safe.
class PlaceWriter {
 public:
  virtual ~PlaceWriter() = default;
  virtual void write(const Place& p) = 0;
  // Writes the closing part (JSON brackets). Must be called once, after the last write().
  virtual void finish() = 0;
};

// CSV: the 32 columns of v1.0.2 in order, every value quoted, LF line ends, UTF-8 without BOM.
// JSON: an array of to_json() objects, one per line. GeoJSON: a FeatureCollection of Points
// (geometry null when the place has no coordinates; latitude/longitude are not repeated in
// the properties).
std::unique_ptr<PlaceWriter> make_writer(Format format, std::ostream& out);

}  // namespace maillage::place
