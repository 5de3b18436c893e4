// Readers of place files: the standard's CSV (v1 and v0.1), JSON arrays of places (national
// cartography), and GeoJSON FeatureCollections whose properties are standard fields. The format
// is detected from the content, not the file name.
//
// A reader yields RawRecords one at a time (streaming: memory does not grow with the file) and
// reports structural problems (malformed JSON element, unterminated quote, wrong column count)
// as diagnostics; it never throws and never crashes on any input.
#pragma once

#include <filesystem>
#include <memory>
#include <utility>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "place/place.h"

namespace maillage::place {

enum class Format { kCsv, kJson, kGeoJson };
const char* format_name(Format f);  // "csv", "json", "geojson"

// Bytes of an input: a read-only memory map of a file, or an owned buffer.
class InputBytes {
 public:
  virtual ~InputBytes() = default;
  virtual std::string_view bytes() const = 0;
};

class RecordReader {
 public:
  virtual ~RecordReader() = default;

  // Reads the next record into `out`; false at the end of the input. A record whose structure
  // is broken is not returned: its diagnostic goes to take_diagnostics().
  virtual bool next(RawRecord& out) = 0;

  // The columns met so far (CSV: the header; JSON: keys in order of first appearance).
  virtual const std::vector<std::string>& columns() const = 0;

  // Text that lets a verbatim record be read again on its own (CSV: the header line; JSON:
  // empty, every record is self-describing).
  virtual std::string_view raw_header() const = 0;

  Format format() const { return format_; }
  // Share of the input consumed, 0 to 1.
  double progress() const { return total_ == 0 ? 1.0 : static_cast<double>(consumed_) / total_; }
  // Diagnostics gathered since the last call (file-level ones carry no record id).
  Diagnostics take_diagnostics() { return std::exchange(diagnostics_, {}); }

 protected:
  RecordReader(Format f, std::string file, std::size_t total)
      : format_(f), file_(std::move(file)), total_(total) {}
  void report(Severity s, std::int64_t line, std::string field, std::string value, std::string rule,
              std::string message);

  Format format_;
  std::string file_;
  std::size_t total_ = 0;
  std::size_t consumed_ = 0;
  Diagnostics diagnostics_;
};

struct OpenedReader {
  std::unique_ptr<RecordReader> reader;  // null when the input cannot be read at all
  std::string error;                     // French, when reader is null
};

// Opens a file (memory-mapped). `display_name` names it in diagnostics (default: its path).
OpenedReader open_file(const std::filesystem::path& path, std::string display_name = {});

// Reads from memory (tests, fuzzing, HTTP uploads).
OpenedReader open_bytes(std::string bytes, std::string display_name);

}  // namespace maillage::place
