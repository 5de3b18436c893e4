// The places of a maillage database as the search benchmark's baselines load them: one NDJSON
// document per place for Meilisearch and one COPY row per place for PostgreSQL + PostGIS.
//
// Every value the baselines filter on is derived exactly as search::Index derives it (the same
// filter fields, département and région from the territory reference, the commune centroid as
// the position of a place without coordinates, the public id of Store::scan_public), so that
// the three engines hold the same documents. Opening hours become `open_slots`: the 15-minute
// slots of the reference week (local wall time of the place) at whose first minute the hours
// evaluator says the place is open.
#pragma once

#include <filesystem>
#include <string>

namespace maillage::bench {

// Monday of the week the open_slots describe (local dates), and the slot length.
inline constexpr const char* kReferenceMonday = "2025-06-02";
inline constexpr int kSlotMinutes = 15;

struct ExportOptions {
  std::filesystem::path db;
  std::filesystem::path ndjson_prefix;  // writes PREFIX-000.ndjson, PREFIX-001.ndjson...
  std::filesystem::path copy_file;      // PostgreSQL COPY text format
  std::size_t documents_per_file = 100000;
};

// Returns the number of places written, or -1 after printing an error.
long long export_documents(const ExportOptions& options);

}  // namespace maillage::bench
