// Shared by the fuzz targets: the pieces of the pipeline they all drive.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

#include "place/normalize.h"
#include "place/reader.h"
#include "territory/reference.h"

namespace maillage::fuzz {

// A fixed date so that a run is reproducible (the future-date check depends on it).
inline constexpr const char* kToday = "2024-06-01";

// Loaded once per process: the bundled reference is immutable and thread-safe.
inline const territory::Reference& reference() {
  static const territory::Reference& ref = territory::Reference::bundled();
  return ref;
}

// Reads every record of `bytes` and normalises each; checks the reader's own promises.
// Returns the number of records read.
inline std::size_t read_and_normalize(std::string bytes, const char* name) {
  auto opened = place::open_bytes(std::move(bytes), name);
  if (!opened.reader) {
    if (opened.error.empty()) std::abort();  // a refused input must say why
    return 0;
  }
  place::RecordReader& reader = *opened.reader;
  place::NormalizeContext ctx{&reference(), name, "fuzz", kToday};
  place::RawRecord raw;
  std::size_t n = 0;
  double last_progress = 0;
  while (reader.next(raw)) {
    ++n;
    double p = reader.progress();
    if (p < last_progress || p > 1.0) std::abort();  // progress is monotonic, within 0..1
    last_progress = p;
    place::NormalizeResult result = place::normalize(raw, ctx);
    if (result.accepted && result.place[place::Field::kId].empty()) std::abort();
    (void)reader.take_diagnostics();
  }
  if (reader.next(raw)) std::abort();  // the end is sticky
  (void)reader.take_diagnostics();
  (void)reader.columns();
  (void)reader.raw_header();
  return n;
}

}  // namespace maillage::fuzz
