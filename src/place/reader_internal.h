// Private to src/place: the concrete readers behind open_file / open_bytes.
#pragma once

#include <memory>

#include "place/reader.h"

namespace maillage::place::detail {

// `text` is UTF-8 or Windows-1252 text without a BOM; `input` keeps its bytes alive.
std::unique_ptr<RecordReader> make_csv_reader(std::shared_ptr<InputBytes> input,
                                              std::string_view text, std::string file);
// `text` starts (after white space) with '[' or '{'. Returns null and sets `error` when the
// top level is neither an array of objects nor a GeoJSON FeatureCollection.
std::unique_ptr<RecordReader> make_json_reader(std::shared_ptr<InputBytes> input,
                                               std::string_view text, std::string file,
                                               std::string& error);

}  // namespace maillage::place::detail
