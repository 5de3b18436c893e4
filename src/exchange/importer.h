// The import service: read a file, normalise and validate every record, write the accepted ones
// to the store in transactions of up to 50,000 records, and report. Used by `maillage import`,
// `maillage validate` (no store), the first start of `maillage serve` and, later, harvests.
//
// Crash safety: batches are written in transactions, and a record's identity is (source, id),
// so an import killed at any point leaves the store consistent and can simply be run again:
// what was committed is found unchanged, the rest is added.
//
// Threads: with a store, batches are written by a second thread while the calling thread reads
// and normalises the next ones (in order; at most two batches wait). The store is used by that
// thread only, from the first batch to the end of the call; callbacks run on the caller's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "common/diagnostic.h"
#include "place/reader.h"
#include "store/store.h"

namespace maillage::territory {
class Reference;
}

namespace maillage::exchange {

struct Options {
  std::string source;             // import source name; default: the file name without extension
  std::size_t batch_size = 5000;  // records handed to the writer at once
  // Records per transaction (whole batches). Batches are small to bound memory; commits are not:
  // the pages of the (source, id) index, touched in random order, are written once per commit.
  // 50,000 instead of 5,000 halved the bytes written by a 1,000,000-record import and took a
  // third off its time (bench/README.md).
  std::size_t commit_records = 50000;
  std::string today;              // YYYY-MM-DD for the future-date check; default: today (UTC)
  // Called now and then with the share of the file read (0..1); may be empty.
  std::function<void(double)> on_progress;
  // Keep in FileReport::seen_ids the id of every record the file holds (accepted, or rejected
  // with an id): a harvest withdraws the source's other places (federation/harvest.h).
  bool collect_ids = false;
};

struct FileReport {
  std::string file;
  std::string source;
  std::string format;   // "csv", "json", "geojson"
  std::string version;  // "1.0", "0.1" or "0.1+1.0" (columns of both)
  std::int64_t read = 0, added = 0, updated = 0, unchanged = 0, rejected = 0;
  std::int64_t warnings = 0;              // warning diagnostics
  std::int64_t records_with_warnings = 0; // accepted records with at least one warning
  std::int64_t notices = 0;
  Diagnostics diagnostics;                // every error, warning and notice, in file order
  std::string fatal;                      // set when the file could not be read or written
  std::int64_t run_id = 0;                // the store's import run (0 when validating)
  std::vector<std::string> seen_ids;      // with Options::collect_ids: sorted, unique
  // The input ended inside a structure (an unclosed JSON array or CSV quote): it was cut short.
  bool truncated = false;
  bool ok() const { return fatal.empty(); }
};

// Imports one file into `store`; with store == nullptr, only validates. `territory` may be null
// (no territory checks).
FileReport import_file(const std::filesystem::path& file, store::Store* store,
                       const territory::Reference* territory, const Options& options);

// The same, for bytes already in memory (tests, fuzzing, HTTP uploads).
FileReport import_bytes(std::string bytes, const std::string& display_name, store::Store* store,
                        const territory::Reference* territory, const Options& options);

// The same, for records of a reader already opened (e.g. a federation::MappedReader that maps
// a source's own format to the standard); they go through the same normalise/store path.
// `display_name` names the file; the default source is its name without extension.
FileReport import_reader(place::OpenedReader opened, const std::string& display_name,
                         store::Store* store, const territory::Reference* territory,
                         const Options& options);

// The report as JSON: {"fichiers":[{"fichier", "source", "format", "version", "lus", "ajoutes",
// "modifies", "inchanges", "rejetes", "avertissements", "remarques", "erreur",
// "diagnostics":[{"severity","file","line","id","field","value","rule","message"}]}]}.
std::string reports_to_json(const std::vector<FileReport>& reports);

// Today's date in UTC as YYYY-MM-DD.
std::string today_utc();

}  // namespace maillage::exchange
