// The store of record: places as imported (normalised + verbatim raw record), their change log,
// and the history of imports. SQLite is the embedded default (sqlite_store.h); a PostgreSQL
// implementation can satisfy the same interface.
//
// Identity: a place is (source, id), where `source` names the import source (a directory, a
// file) and `id` is the record's own identifier. Every write appends to the change log in the
// same transaction; the log's sequence numbers are strictly increasing and never reused, so a
// reader (the search index, the public change feed, the audit trail, a replica) resumes from
// the last sequence number it has seen.
//
// Thread-safety: one Store object is used by one thread at a time. Several processes may open
// the same database (SQLite WAL: readers never block the writer).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "place/place.h"

namespace maillage::store {

// An expected failure (disk full, database locked, corrupt file), with a French message.
struct Status {
  bool ok = true;
  std::string message;
  static Status success() { return {}; }
  static Status failure(std::string m) { return {false, std::move(m)}; }
};

struct StoredPlace {
  std::string source;
  std::string id;
  place::Place place;                                   // normalised, standard v1.0.2
  std::optional<std::pair<double, double>> approx_position;  // commune centroid fallback
  std::string diagnostics_json = "[]";                 // the record's warnings and notices
  std::string raw;                                      // verbatim source record
  // The CSV header line (null or empty for JSON), shared by every record of a file: it is
  // stored once per distinct header and referenced.
  std::shared_ptr<const std::string> raw_header;
  std::string raw_format;                               // "csv", "json", "geojson"
  std::int64_t raw_line = 0;
  // Read back only:
  std::string status;      // "actif" or "retire"
  std::string first_seen;  // ISO 8601 UTC
  std::string updated_at;
  std::int64_t last_seq = 0;
};

// What the search index reads of an active place (Store::scan_records): views valid during the
// visit only.
struct PlaceRecord {
  std::string_view source, id;
  std::string_view record;  // the normalised record, as JSON (place::from_json)
  std::optional<std::pair<double, double>> approx_position;
  std::string_view provenance;  // the raw record, read for merged places ("fusion") only
};

enum class Outcome { kAdded, kUpdated, kUnchanged };

struct Change {
  std::int64_t seq = 0;
  std::string at;      // ISO 8601 UTC
  std::string op;      // "ajout", "modification", "retrait"
  std::string source;
  std::string place_id;
  std::int64_t run_id = 0;
  std::string record;  // the place after the change, as place::to_json; for a withdrawal, the
                       // place's last record (empty in databases written before schema 4)
  // For a merged place (source kFusionSource): its provenance (members, and which member gave
  // which field) as JSON, the place's current one.
  std::string provenance;
  // Who made the change: "compte:12" for a person's edit, empty for imports and harvests.
  std::string actor;
};

// A field a place's manager set by hand: it wins over the harvested value until released.
struct ManualField {
  place::Field field;
  std::string value;  // normalised
  std::string actor, at;
};

// The import source of merged places (federation/dedup.h): one per cluster of records that
// several sources publish for the same place; its raw record is the provenance JSON.
inline constexpr std::string_view kFusionSource = "fusion";

struct RunCounts {
  std::int64_t read = 0, added = 0, updated = 0, unchanged = 0, rejected = 0, warnings = 0;
};

// An error a visitor reports on a place's page ("Signaler une erreur"), kept for moderation.
// Validated and bounded by the caller (web/report.h).
struct ErrorReport {
  std::string source, place_id;  // the place's identity in the store
  std::string category;          // "adresse", "horaires", "contact", "services", "ferme", "autre"
  std::string message;
  std::string contact;           // an e-mail address to answer to, or empty
  // A suggested value, as JSON {"champ": field name, "valeur": value}, or empty.
  std::string suggestion;
};

struct ImportRun {
  std::int64_t id = 0;
  std::string source, file, started_at, finished_at, status;
  RunCounts counts;
  std::int64_t withdrawn = 0;
  std::string message;  // a harvest's outcome in French (error, "inchangée", withheld withdrawals)
};

// A harvested source of the registry (`maillage sources`, docs/federation.md).
struct SourceDefinition {
  std::string name;         // the import source of its places: [a-z0-9][a-z0-9._-]*
  std::string publisher;    // who publishes it
  std::string location;     // http(s):// URL or file path
  std::string format = "auto";  // "auto" (detected from the content), "csv", "json", "geojson"
  std::string profile;      // mapping profile (data/profils name or file); empty: the standard
  std::string licence, attribution;
  std::int64_t schedule_hours = 24;  // harvested when the last attempt is older than this
  bool enabled = true;
};

// What the last harvests of a source left.
struct SourceState {
  std::string etag, last_modified;  // validators of the last HTTP 200, for conditional requests
  std::string content_hash;         // of the last body read: an identical body costs nothing
  std::string last_attempt_at, last_success_at;
  // "nouvelle" (never harvested), "ok", "inchangee", "erreur", "retraits_suspendus"
  std::string status = "nouvelle";
  std::string last_error;           // French, empty when the last harvest succeeded
  std::int64_t failures = 0;        // consecutive failed harvests
};

struct SourceEntry {
  SourceDefinition definition;
  SourceState state;
  std::string created_at;
  std::int64_t active_places = 0;
};

// An administrator's decision on two records: never merge them, or always merge them.
struct MergeDecision {
  std::string source_a, id_a, source_b, id_b;  // stored with (a) < (b)
  std::string decision;                        // "separer" or "fusionner"
  std::string actor, reason, at;
};

class Store {
 public:
  virtual ~Store() = default;

  // Records the start of an import; the returned id tags the changes it makes.
  virtual std::optional<std::int64_t> begin_run(std::string_view source, std::string_view file,
                                                Status& status) = 0;
  virtual Status finish_run(std::int64_t run, const RunCounts& counts,
                            std::string_view outcome) = 0;

  // Writes a batch in ONE transaction, all or nothing: a place not yet stored is added; a
  // stored place whose fingerprint (normalised record + raw record) differs, or that was
  // withdrawn, is updated; otherwise it is left untouched. Every addition and update appends
  // to the change log. `outcomes` receives one entry per input place, in order.
  virtual Status upsert(std::int64_t run, std::span<const StoredPlace> batch,
                        std::vector<Outcome>& outcomes) = 0;
  // The same, but the transaction stays open after the batch, so that several batches share
  // one commit: a big import writes each changed database page once per commit rather than once
  // per batch. Nothing is durable before commit_pending(); on failure, everything written since
  // the last commit is rolled back (and the outcomes of those batches are void).
  virtual Status upsert_pending(std::int64_t run, std::span<const StoredPlace> batch,
                                std::vector<Outcome>& outcomes) = 0;
  // Commits what upsert_pending() left open (nothing to do when nothing is open).
  virtual Status commit_pending() = 0;

  virtual std::optional<StoredPlace> get(std::string_view source, std::string_view id) = 0;

  // Calls `visit` for every active place, ordered by (source, id).
  virtual Status scan(const std::function<void(const StoredPlace&)>& visit) = 0;

  // Calls `visit` for every active place in storage order with only what the search index
  // needs, copying nothing: the lightest full read (the index's build at start-up).
  virtual Status scan_records(const std::function<void(const PlaceRecord&)>& visit) = 0;

  // Calls `visit` for every active place of one source, ordered by id.
  virtual Status scan_source(std::string_view source,
                             const std::function<void(const StoredPlace&)>& visit) = 0;

  // Calls `visit` for every active place with its public id, ordered by public id. The public
  // id is the record's id, or "source:id" when several sources have a place with that id, so
  // that an export has unique ids and export → import → export is a fixed point.
  virtual Status scan_public(
      const std::function<void(const StoredPlace&, const std::string& public_id)>& visit) = 0;

  // Up to `limit` changes with seq > after, in order.
  virtual std::vector<Change> changes_since(std::int64_t after, std::size_t limit) = 0;
  virtual std::int64_t last_seq() = 0;
  // The time of the newest change made by another source than `source` ("" when none): what
  // tells whether deduplication has seen every change of the sources (federation/dedup.h).
  virtual std::string last_change_at_outside(std::string_view source) = 0;
  virtual std::int64_t count_active() = 0;
  virtual std::vector<ImportRun> runs(std::size_t limit) = 0;

  // Appends an error report (status "nouveau") for moderation.
  virtual Status add_error_report(const ErrorReport& report) = 0;

  // --- Federation -------------------------------------------------------------------------
  // Withdraws, in one transaction, every active place of `source` whose id is not in `keep`
  // (sorted): the place is kept with status "retire" and a "retrait" change carrying its last
  // record is logged; it comes back as a "modification" if a later harvest brings it again.
  // With dry_run, only counts. `withdrawn` receives the count.
  virtual Status withdraw_missing(std::int64_t run, std::string_view source,
                                  std::span<const std::string> keep, bool dry_run,
                                  std::int64_t& withdrawn) = 0;
  // The ids of the active places of `source`, sorted.
  virtual std::vector<std::string> active_ids(std::string_view source) = 0;
  // Adds the run's withdrawals and message to its record (after finish_run).
  virtual Status annotate_run(std::int64_t run, std::int64_t withdrawn,
                              std::string_view message) = 0;
  // Import runs of one source, newest first.
  virtual std::vector<ImportRun> runs_of(std::string_view source, std::size_t limit) = 0;

  // Adds a source (fails when the name is taken) or, with replace, changes its definition;
  // its harvest state is kept.
  virtual Status put_source(const SourceDefinition& source, bool replace) = 0;
  virtual std::optional<SourceEntry> get_source(std::string_view name) = 0;
  virtual std::vector<SourceEntry> list_sources() = 0;
  virtual Status set_source_state(std::string_view name, const SourceState& state) = 0;
  // Removes a source from the registry and withdraws its places (history is kept).
  virtual Status remove_source(std::string_view name, std::int64_t& withdrawn) = 0;

  virtual Status put_merge_decision(const MergeDecision& decision) = 0;
  virtual Status remove_merge_decision(std::string_view source_a, std::string_view id_a,
                                       std::string_view source_b, std::string_view id_b) = 0;
  virtual std::vector<MergeDecision> merge_decisions() = 0;

  // --- Manual edits (issue 7) ---------------------------------------------------------------
  // In one transaction: sets `set` as manual fields of the stored active place (source, id)
  // (values already normalised), releases `release` (the harvested value comes back), and writes
  // the resulting record with a "modification" change made by `actor`. Every later import or
  // harvest of the place keeps the manual fields over its own values.
  virtual Status set_manual_fields(std::string_view source, std::string_view id,
                                   const std::vector<std::pair<place::Field, std::string>>& set,
                                   const std::vector<place::Field>& release,
                                   std::string_view actor) = 0;
  virtual std::vector<ManualField> manual_fields(std::string_view source, std::string_view id) = 0;
  // The changes of one place, newest first.
  virtual std::vector<Change> history(std::string_view source, std::string_view id,
                                      std::size_t limit) = 0;
};

struct SqliteOptions {
  // Fault injection for crash tests: the process kills itself (SIGKILL) after this many rows
  // have been written, in the middle of a transaction. 0 = off. Also read from the environment
  // variable MAILLAGE_FAULT_KILL_AFTER_ROWS.
  std::int64_t kill_after_rows = 0;
};

// Opens (creating if needed) the SQLite database at `path` and applies pending migrations.
std::unique_ptr<Store> open_sqlite(const std::filesystem::path& path, std::string& error,
                                   SqliteOptions options = {});

}  // namespace maillage::store
