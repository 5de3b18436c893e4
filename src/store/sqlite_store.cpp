#include <signal.h>
#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack
#include <xxhash.h>

#include <unistd.h>

#include <chrono>
#include <set>
#include <algorithm>
#include <cstring>
#include <tuple>
#include <cstdlib>
#include <ctime>

#include "place/codec.h"
#include "store/clock.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace maillage::store {
namespace {

std::string_view header_text(const StoredPlace& p) {
  return p.raw_header ? std::string_view(*p.raw_header) : std::string_view();
}

// The fingerprint covers everything an import writes for a place: a change in the source
// record or in how maillage normalises it (better rules) is an update. Its definition is the
// one of schema 1 (the header's text, not its id, is hashed), so that a database migrated
// from it finds its places unchanged.
XXH128_hash_t fingerprint(const StoredPlace& p, std::string_view record) {
  XXH3_state_t st;
  XXH3_INITSTATE(&st);
  XXH3_128bits_reset(&st);
  auto add = [&](std::string_view s) {
    std::uint64_t n = s.size();
    XXH3_128bits_update(&st, &n, sizeof n);
    XXH3_128bits_update(&st, s.data(), s.size());
  };
  add(record);
  add(p.raw);
  add(header_text(p));
  add(p.raw_format);
  add(p.diagnostics_json);
  if (p.approx_position) {
    XXH3_128bits_update(&st, &p.approx_position->first, sizeof(double));
    XXH3_128bits_update(&st, &p.approx_position->second, sizeof(double));
  }
  return XXH3_128bits_digest(&st);
}

bool migrate(sqlite::Connection& db_, std::string& error) {
  if (auto e = db_.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY "
                        "KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
      !e.empty()) {
    error = "migration : " + e;
    return false;
  }
  sqlite::Statement cur(db_.handle(), "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  int current = cur.step() == SQLITE_ROW ? static_cast<int>(cur.integer(0)) : 0;
  cur.reset();  // an active statement would forbid DROP in a migration
  auto all = sqlite_migrations();
  if (!all.empty() && current > all.back().version) {
    error = "la base est au schéma " + std::to_string(current) +
            ", plus récent que ce programme (" + std::to_string(all.back().version) +
            ") : mettez maillage à jour.";
    return false;
  }
  for (const auto& m : all) {
    if (m.version <= current) continue;
    if (auto e = db_.exec("BEGIN IMMEDIATE"); !e.empty()) {
      error = "migration " + std::to_string(m.version) + " : " + e;
      return false;
    }
    // Another process may have applied it since the version was read.
    sqlite::Statement done(db_.handle(), "SELECT 1 FROM schema_migrations WHERE version = ?");
    done.bind(1, static_cast<std::int64_t>(m.version));
    bool applied = done.step() == SQLITE_ROW;
    done.reset();
    std::string e = applied ? "" : db_.exec(m.sql);
    if (e.empty() && !applied) {
      sqlite::Statement ins(db_.handle(), "INSERT INTO schema_migrations VALUES (?, ?, ?)");
      ins.bind(1, static_cast<std::int64_t>(m.version)).bind(2, m.description).bind(3, utc_now());
      if (ins.step() != SQLITE_DONE) e = db_.last_error();
    }
    if (e.empty()) e = db_.exec("COMMIT");
    if (!e.empty()) {
      db_.exec("ROLLBACK");
      error = "migration " + std::to_string(m.version) + " : " + e;
      return false;
    }
  }
  return true;
}

}  // namespace

std::string join_sql(std::string_view columns, std::string_view clauses) {
  std::string sql;
  sql.reserve(columns.size() + clauses.size());
  sql.append(columns).append(clauses);
  return sql;
}

bool open_database(sqlite::Connection& db_, const std::filesystem::path& path, std::string& error) {
  if (!db_.open(path.string(), error)) {
    error = "base " + path.string() + " : ouverture impossible (" + error + ").";
    return false;
  }
  for (std::string_view pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=10000", "PRAGMA cache_size=-131072", "PRAGMA temp_store=MEMORY",
        // A checkpoint every 40 MiB of WAL rather than 4: an index page changed by several
        // consecutive batches is copied into the database once.
        "PRAGMA wal_autocheckpoint=10000"}) {
    if (auto e = db_.exec(pragma); !e.empty()) {
      error = "base " + path.string() + " : " + e;
      return false;
    }
  }
  return migrate(db_, error);
}

namespace {

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(SqliteOptions options) : options_(options) {
    if (const char* env = std::getenv("MAILLAGE_FAULT_KILL_AFTER_ROWS"))
      options_.kill_after_rows = std::atoll(env);
  }

  bool open(const std::filesystem::path& path, std::string& error) {
    if (!open_database(db_, path, error)) return false;
    prepare();
    return true;
  }

  std::optional<std::int64_t> begin_run(std::string_view source, std::string_view file,
                                        Status& status) override {
    sqlite::Statement s(db_.handle(),
                        "INSERT INTO import_runs (source, file, started_at) VALUES (?, ?, ?)");
    s.bind(1, source).bind(2, file).bind(3, utc_now());
    if (s.step() != SQLITE_DONE) {
      status = Status::failure("enregistrement de l'import impossible : " + db_.last_error());
      return std::nullopt;
    }
    return sqlite3_last_insert_rowid(db_.handle());
  }

  Status finish_run(std::int64_t run, const RunCounts& c, std::string_view outcome) override {
    sqlite::Statement s(db_.handle(),
                        "UPDATE import_runs SET finished_at = ?, status = ?, read = ?, added = ?, "
                        "updated = ?, unchanged = ?, rejected = ?, warnings = ? WHERE id = ?");
    s.bind(1, utc_now()).bind(2, outcome).bind(3, c.read).bind(4, c.added).bind(5, c.updated);
    s.bind(6, c.unchanged).bind(7, c.rejected).bind(8, c.warnings).bind(9, run);
    if (s.step() != SQLITE_DONE) return Status::failure(db_.last_error());
    return Status::success();
  }

  Status upsert(std::int64_t run, std::span<const StoredPlace> batch,
                std::vector<Outcome>& outcomes) override {
    Status s = upsert_pending(run, batch, outcomes);
    if (s.ok) s = commit_pending();
    if (!s.ok) outcomes.clear();
    return s;
  }

  Status upsert_pending(std::int64_t run, std::span<const StoredPlace> batch,
                        std::vector<Outcome>& outcomes) override {
    outcomes.clear();
    outcomes.reserve(batch.size());
    if (!pending_) {
      if (auto e = db_.exec("BEGIN IMMEDIATE"); !e.empty())
        return Status::failure("début de transaction impossible : " + e);
      pending_ = true;
    }
    Status s = begin_batch();
    const std::string now = utc_now();
    for (std::size_t i = 0; s.ok && i < batch.size(); ++i) {
      Outcome o = Outcome::kUnchanged;
      s = upsert_one(run, batch[i], now, o);
      outcomes.push_back(o);
      maybe_inject_fault();
    }
    if (!s.ok) {
      roll_back_pending();
      outcomes.clear();
    }
    return s;
  }

  Status commit_pending() override {
    if (!pending_) return Status::success();
    if (auto e = db_.exec("COMMIT"); !e.empty()) {
      roll_back_pending();
      return Status::failure("validation de la transaction impossible : " + e);
    }
    pending_ = false;
    return Status::success();
  }

  std::optional<StoredPlace> get(std::string_view source, std::string_view id) override {
    sqlite::Statement s(db_.handle(), kSelectPlace + " WHERE p.source = ? AND p.id = ?");
    s.bind(1, source).bind(2, id);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return read_place(s);
  }

  Status scan(const std::function<void(const StoredPlace&)>& visit) override {
    sqlite::Statement s(db_.handle(), std::string(kSelectPlace) +
                                          " WHERE p.status = 'actif' ORDER BY p.source, p.id");
    return visit_places(s, visit);
  }

  Status scan_records(const std::function<void(const PlaceRecord&)>& visit) override {
    sqlite::Statement s(db_.handle(),
                        "SELECT p.source, p.id, COALESCE(NULLIF(p.record, ''), c.record), "
                        "p.approx_lat, p.approx_lon, CASE WHEN p.source = 'fusion' THEN p.raw END "
                        "FROM places p LEFT JOIN change_log c ON c.seq = p.last_seq "
                        "WHERE p.status = 'actif' ORDER BY p.pk");
    if (!s.valid()) return Status::failure(db_.last_error());
    int rc;
    PlaceRecord r;
    while ((rc = s.step()) == SQLITE_ROW) {
      r.source = s.text_view(0);
      r.id = s.text_view(1);
      r.record = s.text_view(2);
      r.approx_position.reset();
      if (!s.is_null(3) && !s.is_null(4)) r.approx_position = std::make_pair(s.real(3), s.real(4));
      r.provenance = s.text_view(5);
      visit(r);
    }
    if (rc != SQLITE_DONE) return Status::failure(db_.last_error());
    return Status::success();
  }

  Status scan_source(std::string_view source,
                     const std::function<void(const StoredPlace&)>& visit) override {
    sqlite::Statement s(db_.handle(), std::string(kSelectPlace) +
                                          " WHERE p.source = ? AND p.status = 'actif' ORDER BY p.id");
    s.bind(1, source);
    return visit_places(s, visit);
  }

  Status scan_public(const std::function<void(const StoredPlace&, const std::string&)>& visit)
      override {
    sqlite::Statement s(
        db_.handle(),
        "WITH shared AS (SELECT id FROM places WHERE status = 'actif' GROUP BY id "
        "HAVING COUNT(*) > 1) " +
            std::string(kPlaceColumns) +
            ", CASE WHEN p.id IN shared THEN p.source || ':' || p.id ELSE p.id END AS public_id" +
            std::string(kPlaceFrom) + " WHERE p.status = 'actif' ORDER BY public_id, p.source");
    if (!s.valid()) return Status::failure(db_.last_error());
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      auto p = read_place(s);
      if (!p) return Status::failure("enregistrement illisible dans la base");
      visit(*p, s.text(14));
    }
    if (rc != SQLITE_DONE) return Status::failure(db_.last_error());
    return Status::success();
  }

  std::vector<Change> changes_since(std::int64_t after, std::size_t limit) override {
    sqlite::Statement s(db_.handle(),
                        "SELECT c.seq, c.at, c.op, c.source, c.place_id, c.run_id, c.record, "
                        "CASE WHEN c.source = 'fusion' THEN (SELECT p.raw FROM places p WHERE "
                        "p.source = c.source AND p.id = c.place_id) END, COALESCE(c.actor, '') "
                        "FROM change_log c WHERE c.seq > ? ORDER BY c.seq LIMIT ?");
    s.bind(1, after).bind(2, static_cast<std::int64_t>(limit));
    return read_changes(s);
  }

  std::vector<Change> history(std::string_view source, std::string_view id,
                              std::size_t limit) override {
    sqlite::Statement s(db_.handle(),
                        "SELECT c.seq, c.at, c.op, c.source, c.place_id, c.run_id, c.record, NULL, "
                        "COALESCE(c.actor, '') FROM change_log c WHERE c.source = ? AND "
                        "c.place_id = ? ORDER BY c.seq DESC LIMIT ?");
    s.bind(1, source).bind(2, id).bind(3, static_cast<std::int64_t>(limit));
    return read_changes(s);
  }

  std::vector<ManualField> manual_fields(std::string_view source, std::string_view id) override {
    sqlite::Statement s(db_.handle(),
                        "SELECT field, value, actor, at FROM manual_fields WHERE source = ? AND "
                        "place_id = ? ORDER BY field");
    s.bind(1, source).bind(2, id);
    std::vector<ManualField> out;
    while (s.step() == SQLITE_ROW)
      if (auto f = place::field_by_name(s.text_view(0)))
        out.push_back({*f, s.text(1), s.text(2), s.text(3)});
    return out;
  }

  Status set_manual_fields(std::string_view source, std::string_view id,
                           const std::vector<std::pair<place::Field, std::string>>& set,
                           const std::vector<place::Field>& release,
                           std::string_view actor) override {
    if (auto e = db_.exec("BEGIN IMMEDIATE"); !e.empty())
      return Status::failure("début de transaction impossible : " + e);
    Status st = write_manual(source, id, set, release, actor);
    if (st.ok) {
      if (auto e = db_.exec("COMMIT"); !e.empty()) st = Status::failure(e);
    }
    if (!st.ok) {
      db_.exec("ROLLBACK");
      cached_header_.reset();
    }
    actor_.clear();
    return st;
  }

  std::int64_t last_seq() override {
    sqlite::Statement s(db_.handle(), "SELECT COALESCE(MAX(seq), 0) FROM change_log");
    return s.step() == SQLITE_ROW ? s.integer(0) : 0;
  }

  std::string last_change_at_outside(std::string_view source) override {
    // From the newest change backwards: stops at the first one of another source.
    sqlite::Statement s(db_.handle(),
                        "SELECT at FROM change_log WHERE source != ? ORDER BY seq DESC LIMIT 1");
    s.bind(1, source);
    return s.step() == SQLITE_ROW ? s.text(0) : std::string();
  }

  std::int64_t count_active() override {
    sqlite::Statement s(db_.handle(), "SELECT COUNT(*) FROM places WHERE status = 'actif'");
    return s.step() == SQLITE_ROW ? s.integer(0) : 0;
  }

  std::vector<ImportRun> runs(std::size_t limit) override {
    sqlite::Statement s(db_.handle(), join_sql(kRunColumns, " ORDER BY id DESC LIMIT ?"));
    s.bind(1, static_cast<std::int64_t>(limit));
    return read_runs(s);
  }

  std::vector<ImportRun> runs_of(std::string_view source, std::size_t limit) override {
    sqlite::Statement s(db_.handle(),
                        join_sql(kRunColumns, " WHERE source = ? ORDER BY id DESC LIMIT ?"));
    s.bind(1, source).bind(2, static_cast<std::int64_t>(limit));
    return read_runs(s);
  }

  Status annotate_run(std::int64_t run, std::int64_t withdrawn, std::string_view message) override {
    sqlite::Statement s(db_.handle(),
                        "UPDATE import_runs SET withdrawn = ?, message = ? WHERE id = ?");
    s.bind(1, withdrawn).bind(2, message).bind(3, run);
    if (s.step() != SQLITE_DONE) return Status::failure(db_.last_error());
    return Status::success();
  }

  std::vector<std::string> active_ids(std::string_view source) override {
    sqlite::Statement s(db_.handle(),
                        "SELECT id FROM places WHERE source = ? AND status = 'actif' ORDER BY id");
    s.bind(1, source);
    std::vector<std::string> out;
    while (s.step() == SQLITE_ROW) out.push_back(s.text(0));
    return out;
  }

  Status withdraw_missing(std::int64_t run, std::string_view source,
                          std::span<const std::string> keep, bool dry_run,
                          std::int64_t& withdrawn) override {
    withdrawn = 0;
    std::vector<std::pair<std::int64_t, std::string>> gone;  // (pk, id)
    {
      sqlite::Statement s(db_.handle(),
                          "SELECT pk, id FROM places WHERE source = ? AND status = 'actif'");
      s.bind(1, source);
      while (s.step() == SQLITE_ROW) {
        std::string id = s.text(1);
        if (!std::binary_search(keep.begin(), keep.end(), id)) gone.emplace_back(s.integer(0), std::move(id));
      }
    }
    if (dry_run || gone.empty()) {
      withdrawn = static_cast<std::int64_t>(gone.size());
      return Status::success();
    }
    return in_transaction([&]() -> Status {
      if (Status s = begin_batch(); !s.ok) return s;
      for (const auto& [pk, id] : gone) {
        if (Status s = withdraw_one(run, pk, source, id); !s.ok) return s;
      }
      withdrawn = static_cast<std::int64_t>(gone.size());
      return Status::success();
    });
  }

  Status put_source(const SourceDefinition& d, bool replace) override {
    sqlite::Statement s(
        db_.handle(),
        replace ? "UPDATE sources SET publisher = ?2, location = ?3, format = ?4, profile = ?5, "
                  "licence = ?6, attribution = ?7, schedule_hours = ?8, enabled = ?9 WHERE name = ?1"
                : "INSERT INTO sources (name, publisher, location, format, profile, licence, "
                  "attribution, schedule_hours, enabled, created_at) VALUES (?1, ?2, ?3, ?4, ?5, "
                  "?6, ?7, ?8, ?9, ?10) ON CONFLICT (name) DO NOTHING");
    s.bind(1, d.name).bind(2, d.publisher).bind(3, d.location).bind(4, d.format).bind(5, d.profile);
    s.bind(6, d.licence).bind(7, d.attribution).bind(8, d.schedule_hours);
    s.bind(9, static_cast<std::int64_t>(d.enabled));
    if (!replace) s.bind(10, utc_now());
    if (s.step() != SQLITE_DONE) return Status::failure(db_.last_error());
    if (sqlite3_changes(db_.handle()) != 1)
      return Status::failure(replace ? "la source « " + d.name + " » n'existe pas."
                                     : "une source nommée « " + d.name + " » existe déjà.");
    return Status::success();
  }

  std::optional<SourceEntry> get_source(std::string_view name) override {
    sqlite::Statement s(db_.handle(), join_sql(kSourceColumns, " WHERE s.name = ?"));
    s.bind(1, name);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return read_source(s);
  }

  std::vector<SourceEntry> list_sources() override {
    sqlite::Statement s(db_.handle(), join_sql(kSourceColumns, " ORDER BY s.name"));
    std::vector<SourceEntry> out;
    while (s.step() == SQLITE_ROW) out.push_back(read_source(s));
    return out;
  }

  Status set_source_state(std::string_view name, const SourceState& st) override {
    sqlite::Statement s(db_.handle(),
                        "UPDATE sources SET etag = ?, last_modified = ?, content_hash = ?, "
                        "last_attempt_at = ?, last_success_at = ?, status = ?, last_error = ?, "
                        "failures = ? WHERE name = ?");
    s.bind(1, st.etag).bind(2, st.last_modified).bind(3, st.content_hash);
    s.bind(4, st.last_attempt_at).bind(5, st.last_success_at).bind(6, st.status);
    s.bind(7, st.last_error).bind(8, st.failures).bind(9, name);
    if (s.step() != SQLITE_DONE) return Status::failure(db_.last_error());
    return Status::success();
  }

  Status remove_source(std::string_view name, std::int64_t& withdrawn) override {
    withdrawn = 0;
    if (!get_source(name)) return Status::failure("la source « " + std::string(name) + " » n'existe pas.");
    Status st;
    auto run = begin_run(name, "(source retirée du registre)", st);
    if (!run) return st;
    if (Status s = withdraw_missing(*run, name, {}, false, withdrawn); !s.ok) return s;
    sqlite::Statement del(db_.handle(), "DELETE FROM sources WHERE name = ?");
    del.bind(1, name);
    if (del.step() != SQLITE_DONE) return Status::failure(db_.last_error());
    finish_run(*run, {}, "termine");
    return annotate_run(*run, withdrawn, "source retirée du registre");
  }

  Status put_merge_decision(const MergeDecision& d) override {
    sqlite::Statement s(db_.handle(),
                        "INSERT INTO merge_decisions (source_a, id_a, source_b, id_b, decision, "
                        "actor, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE "
                        "SET decision = excluded.decision, actor = excluded.actor, "
                        "reason = excluded.reason, at = excluded.at");
    const bool swap = std::tie(d.source_b, d.id_b) < std::tie(d.source_a, d.id_a);
    s.bind(1, swap ? d.source_b : d.source_a).bind(2, swap ? d.id_b : d.id_a);
    s.bind(3, swap ? d.source_a : d.source_b).bind(4, swap ? d.id_a : d.id_b);
    s.bind(5, d.decision).bind(6, d.actor).bind(7, d.reason).bind(8, d.at.empty() ? utc_now() : d.at);
    if (s.step() != SQLITE_DONE) return Status::failure(db_.last_error());
    return Status::success();
  }

  Status remove_merge_decision(std::string_view source_a, std::string_view id_a,
                               std::string_view source_b, std::string_view id_b) override {
    const bool swap = std::tie(source_b, id_b) < std::tie(source_a, id_a);
    sqlite::Statement s(db_.handle(),
                        "DELETE FROM merge_decisions WHERE source_a = ? AND id_a = ? AND "
                        "source_b = ? AND id_b = ?");
    s.bind(1, swap ? source_b : source_a).bind(2, swap ? id_b : id_a);
    s.bind(3, swap ? source_a : source_b).bind(4, swap ? id_a : id_b);
    if (s.step() != SQLITE_DONE) return Status::failure(db_.last_error());
    if (sqlite3_changes(db_.handle()) != 1) return Status::failure("aucune décision sur ces deux lieux.");
    return Status::success();
  }

  std::vector<MergeDecision> merge_decisions() override {
    sqlite::Statement s(db_.handle(),
                        "SELECT source_a, id_a, source_b, id_b, decision, actor, reason, at FROM "
                        "merge_decisions ORDER BY source_a, id_a, source_b, id_b");
    std::vector<MergeDecision> out;
    while (s.step() == SQLITE_ROW)
      out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6),
                     s.text(7)});
    return out;
  }

  Status add_error_report(const ErrorReport& r) override {
    sqlite::Statement s(db_.handle(),
                        "INSERT INTO error_reports (at, source, place_id, category, message, "
                        "contact, suggestion) VALUES (?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, utc_now()).bind(2, r.source).bind(3, r.place_id).bind(4, r.category);
    s.bind(5, r.message).bind(6, r.contact).bind(7, r.suggestion);
    if (s.step() != SQLITE_DONE)
      return Status::failure("enregistrement du signalement impossible : " + db_.last_error());
    return Status::success();
  }

 private:
  static constexpr std::string_view kRunColumns =
      "SELECT id, source, file, started_at, COALESCE(finished_at, ''), status, read, added, "
      "updated, unchanged, rejected, warnings, withdrawn, message FROM import_runs";

  static std::vector<ImportRun> read_runs(sqlite::Statement& s) {
    std::vector<ImportRun> out;
    while (s.step() == SQLITE_ROW) {
      ImportRun r{s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), {}};
      r.counts = {s.integer(6), s.integer(7), s.integer(8), s.integer(9), s.integer(10),
                  s.integer(11)};
      r.withdrawn = s.integer(12);
      r.message = s.text(13);
      out.push_back(std::move(r));
    }
    return out;
  }

  static constexpr std::string_view kSourceColumns =
      "SELECT s.name, s.publisher, s.location, s.format, s.profile, s.licence, s.attribution, "
      "s.schedule_hours, s.enabled, s.created_at, s.etag, s.last_modified, s.content_hash, "
      "s.last_attempt_at, s.last_success_at, s.status, s.last_error, s.failures, "
      "(SELECT COUNT(*) FROM places p WHERE p.source = s.name AND p.status = 'actif') "
      "FROM sources s";

  static SourceEntry read_source(const sqlite::Statement& s) {
    SourceEntry e;
    e.definition = {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4),
                    s.text(5), s.text(6), s.integer(7), s.integer(8) != 0};
    e.created_at = s.text(9);
    e.state = {s.text(10), s.text(11), s.text(12), s.text(13), s.text(14),
               s.text(15), s.text(16), s.integer(17)};
    e.active_places = s.integer(18);
    return e;
  }

  // Runs `body` in one IMMEDIATE transaction: committed when it succeeds, rolled back otherwise.
  template <typename F>
  Status in_transaction(F&& body) {
    if (auto e = db_.exec("BEGIN IMMEDIATE"); !e.empty())
      return Status::failure("début de transaction impossible : " + e);
    Status s = body();
    if (s.ok) {
      if (auto e = db_.exec("COMMIT"); !e.empty())
        s = Status::failure("validation de la transaction impossible : " + e);
    }
    if (!s.ok) {
      db_.exec("ROLLBACK");
      cached_header_.reset();
    }
    return s;
  }

  // Inside a transaction: marks the place withdrawn and logs a "retrait" that carries its last
  // record, so the row's record stays '' (the record of its last change, schema 2).
  Status withdraw_one(std::int64_t run, std::int64_t pk, std::string_view source,
                      const std::string& id) {
    sqlite::Statement cur(db_.handle(),
                          "SELECT COALESCE(NULLIF(p.record, ''), c.record), p.last_seq FROM "
                          "places p LEFT JOIN change_log c ON c.seq = p.last_seq WHERE p.pk = ?");
    cur.bind(1, pk);
    if (cur.step() != SQLITE_ROW) return Status::failure(db_.last_error());
    record_ = cur.text(0);
    const std::int64_t prev = cur.integer(1);
    cur.reset();
    const std::string now = utc_now();
    const std::int64_t seq = next_seq_++;
    StoredPlace key;
    key.source = std::string(source);
    key.id = id;
    if (Status s = append_log(seq, now, "retrait", run, key, prev); !s.ok) return s;
    sqlite::Statement up(db_.handle(),
                         "UPDATE places SET status = 'retire', record = '', updated_at = ?, "
                         "last_seq = ?, last_run = ? WHERE pk = ?");
    up.bind(1, now).bind(2, seq).bind(3, run).bind(4, pk);
    if (up.step() != SQLITE_DONE) return Status::failure(db_.last_error());
    return Status::success();
  }

  // places.record is '' when the place's record is the one of its last change (schema 2).
  static constexpr std::string_view kPlaceColumns =
      "SELECT p.source, p.id, COALESCE(NULLIF(p.record, ''), c.record), p.approx_lat, "
      "p.approx_lon, p.diagnostics, p.raw, h.header, p.raw_format, p.raw_line, p.status, "
      "p.first_seen, p.updated_at, p.last_seq";
  static constexpr std::string_view kPlaceFrom =
      " FROM places p LEFT JOIN raw_headers h ON h.id = p.raw_header_id"
      " LEFT JOIN change_log c ON c.seq = p.last_seq";
  static inline const std::string kSelectPlace = std::string(kPlaceColumns) + std::string(kPlaceFrom);

  // Steps `s` (a kSelectPlace query) to the end, calling `visit` with each place.
  Status visit_places(sqlite::Statement& s, const std::function<void(const StoredPlace&)>& visit) {
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      auto p = read_place(s);
      if (!p) return Status::failure("enregistrement illisible dans la base");
      visit(*p);
    }
    if (rc != SQLITE_DONE) return Status::failure(db_.last_error());
    return Status::success();
  }

  std::optional<StoredPlace> read_place(const sqlite::Statement& s) {
    StoredPlace p;
    p.source = s.text(0);
    p.id = s.text(1);
    if (!place::from_json(s.text_view(2), p.place)) return std::nullopt;
    if (!s.is_null(3) && !s.is_null(4)) p.approx_position = std::make_pair(s.real(3), s.real(4));
    p.diagnostics_json = s.text(5);
    p.raw = s.text(6);
    if (!s.is_null(7)) p.raw_header = shared_header(s.text_view(7));
    p.raw_format = s.text(8);
    p.raw_line = s.integer(9);
    p.status = s.text(10);
    p.first_seen = s.text(11);
    p.updated_at = s.text(12);
    p.last_seq = s.integer(13);
    return p;
  }

  // Places read back share their header text (a file has one).
  std::shared_ptr<const std::string> shared_header(std::string_view text) {
    if (!read_header_ || *read_header_ != text)
      read_header_ = std::make_shared<const std::string>(text);
    return read_header_;
  }

  void prepare() {
    find_ = sqlite::Statement(db_.handle(),
                              "SELECT pk, fingerprint, status, last_seq FROM places WHERE source = ? AND id = ?");
    log_ = sqlite::Statement(db_.handle(),
                             "INSERT INTO change_log (seq, at, op, source, place_id, run_id, "
                             "record, prev_seq, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    // Insert-first path: does nothing when (source, id) is already stored.
    insert_ = sqlite::Statement(
        db_.handle(),
        "INSERT INTO places (source, id, status, record, approx_lat, approx_lon, diagnostics, raw, "
        "raw_header_id, raw_format, raw_line, fingerprint, first_seen, updated_at, last_seq, "
        "last_run) VALUES (?1, ?2, 'actif', '', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, "
        "?14) ON CONFLICT (source, id) DO NOTHING");
    update_ = sqlite::Statement(
        db_.handle(),
        "UPDATE places SET status = 'actif', record = '', approx_lat = ?4, approx_lon = ?5, "
        "diagnostics = ?6, raw = ?7, raw_header_id = ?8, raw_format = ?9, raw_line = ?10, "
        "fingerprint = ?11, updated_at = ?12, last_seq = ?13, last_run = ?14 WHERE pk = ?1");
    // AUTOINCREMENT keeps the highest seq ever used in sqlite_sequence: seq is never reused.
    max_seq_ = sqlite::Statement(
        db_.handle(),
        "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), 0), "
        "COALESCE((SELECT MAX(seq) FROM change_log), 0))");
    header_find_ = sqlite::Statement(db_.handle(), "SELECT id FROM raw_headers WHERE header = ?");
    header_insert_ = sqlite::Statement(db_.handle(), "INSERT INTO raw_headers (header) VALUES (?)");
  }

  // Inside the batch's transaction: the writer lock is held, so the next seq is ours.
  Status begin_batch() {
    // The sources with manual fields (a handful of rows, read once per batch): a place of
    // another source costs nothing more.
    manual_sources_.clear();
    {
      sqlite::Statement m(db_.handle(), "SELECT DISTINCT source FROM manual_fields");
      while (m.step() == SQLITE_ROW) manual_sources_.insert(m.text(0));
    }
    max_seq_.reset();
    if (max_seq_.step() != SQLITE_ROW) return Status::failure(db_.last_error());
    next_seq_ = max_seq_.integer(0) + 1;
    max_seq_.reset();
    return Status::success();
  }

  // The id of a CSV header line, cached (one file = one header, shared by its records).
  Status header_id(const StoredPlace& p, std::optional<std::int64_t>& id) {
    std::string_view header = header_text(p);
    id.reset();
    if (header.empty()) return Status::success();
    if (cached_header_ && (cached_header_ == p.raw_header || *cached_header_ == header)) {
      id = cached_header_id_;
      return Status::success();
    }
    header_find_.reset();
    header_find_.bind_static(1, header);
    int rc = header_find_.step();
    if (rc == SQLITE_ROW) {
      id = header_find_.integer(0);
    } else if (rc == SQLITE_DONE) {
      header_insert_.reset();
      header_insert_.bind_static(1, header);
      if (header_insert_.step() != SQLITE_DONE) return Status::failure(db_.last_error());
      id = sqlite3_last_insert_rowid(db_.handle());
    } else {
      return Status::failure(db_.last_error());
    }
    header_find_.reset();
    header_insert_.reset();
    cached_header_ = p.raw_header;
    cached_header_id_ = *id;
    return Status::success();
  }

  // Binds the columns shared by the insert and the update (?4 to ?14).
  void bind_place(sqlite::Statement& w, std::int64_t run, const StoredPlace& p,
                  std::optional<std::int64_t> hid, const XXH128_hash_t& fp, const std::string& now,
                  std::int64_t seq) {
    if (p.approx_position) {
      w.bind(4, p.approx_position->first).bind(5, p.approx_position->second);
    } else {
      w.bind_null(4).bind_null(5);
    }
    w.bind_static(6, p.diagnostics_json).bind_static(7, p.raw);
    if (hid) {
      w.bind(8, *hid);
    } else {
      w.bind_null(8);
    }
    w.bind_static(9, p.raw_format).bind(10, p.raw_line).bind_blob_static(11, &fp, sizeof fp);
    w.bind_static(12, now).bind(13, seq).bind(14, run);
  }

  Status append_log(std::int64_t seq, const std::string& now, std::string_view op,
                    std::int64_t run, const StoredPlace& p, std::int64_t prev_seq) {
    log_.reset();
    log_.bind(1, seq).bind_static(2, now).bind_static(3, op).bind_static(4, p.source);
    log_.bind_static(5, p.id).bind(6, run).bind_static(7, record_);
    if (prev_seq) {
      log_.bind(8, prev_seq);
    } else {
      log_.bind_null(8);
    }
    if (actor_.empty())
      log_.bind_null(9);
    else
      log_.bind_static(9, actor_);
    int rc = log_.step();
    log_.reset();
    if (rc != SQLITE_DONE) return Status::failure(db_.last_error());
    return Status::success();
  }

  static std::vector<Change> read_changes(sqlite::Statement& s) {
    std::vector<Change> out;
    while (s.step() == SQLITE_ROW) {
      out.push_back(Change{s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5),
                           s.text(6), s.is_null(7) ? std::string() : s.text(7), s.text(8)});
    }
    return out;
  }

  Status write_manual(std::string_view source, std::string_view id,
                      const std::vector<std::pair<place::Field, std::string>>& set,
                      const std::vector<place::Field>& release, std::string_view actor) {
    auto current = get(source, id);
    if (!current || current->status != "actif")
      return Status::failure("le lieu « " + std::string(id) + " » n'existe pas ou a été retiré.");
    if (Status st = begin_batch(); !st.ok) return st;
    // The harvested record the manual fields are laid over: kept aside the first time.
    place::Place base = current->place;
    {
      sqlite::Statement b(db_.handle(), "SELECT record FROM manual_base WHERE source = ? AND place_id = ?");
      b.bind(1, source).bind(2, id);
      if (b.step() == SQLITE_ROW) {
        if (!place::from_json(b.text_view(0), base))
          return Status::failure("enregistrement de base illisible pour « " + std::string(id) + " »");
      } else {
        b.reset();
        std::string json;
        place::append_json(json, base);
        if (Status st = put_base(source, id, json); !st.ok) return st;
      }
    }
    const std::string now = utc_now();
    for (place::Field f : release) {
      sqlite::Statement d(db_.handle(),
                          "DELETE FROM manual_fields WHERE source = ? AND place_id = ? AND field = ?");
      d.bind(1, source).bind(2, id).bind(3, place::name(f));
      if (d.step() != SQLITE_DONE) return Status::failure(db_.last_error());
    }
    for (const auto& [f, value] : set) {
      sqlite::Statement u(db_.handle(),
                          "INSERT INTO manual_fields (source, place_id, field, value, actor, at) "
                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, place_id, field) DO "
                          "UPDATE SET value = excluded.value, actor = excluded.actor, at = excluded.at");
      u.bind(1, source).bind(2, id).bind(3, place::name(f)).bind(4, value).bind(5, actor).bind(6, now);
      if (u.step() != SQLITE_DONE) return Status::failure(db_.last_error());
    }
    StoredPlace next = std::move(*current);
    next.place = base;
    auto manual = manual_fields(source, id);
    for (const auto& m : manual) next.place[m.field] = m.value;
    if (manual.empty()) {
      sqlite::Statement d(db_.handle(), "DELETE FROM manual_base WHERE source = ? AND place_id = ?");
      d.bind(1, source).bind(2, id);
      if (d.step() != SQLITE_DONE) return Status::failure(db_.last_error());
    } else {
      manual_sources_.insert(std::string(source));
    }
    actor_ = std::string(actor);
    overlay_ = false;
    Outcome o;
    Status st = upsert_one(0, next, now, o);
    overlay_ = true;
    return st;
  }

  Status put_base(std::string_view source, std::string_view id, std::string_view record) {
    sqlite::Statement b(db_.handle(),
                        "INSERT INTO manual_base (source, place_id, record) VALUES (?, ?, ?) "
                        "ON CONFLICT (source, place_id) DO UPDATE SET record = excluded.record");
    b.bind(1, source).bind(2, id).bind(3, record);
    if (b.step() != SQLITE_DONE) return Status::failure(db_.last_error());
    return Status::success();
  }

  // A place with manual fields: the incoming (harvested) record becomes its base, and the
  // manual values are laid over it. False when the place has none.
  bool apply_manual(const StoredPlace& p, StoredPlace& out, Status& st) {
    if (!overlay_ || manual_sources_.count(p.source) == 0) return false;
    auto manual = manual_fields(p.source, p.id);
    if (manual.empty()) return false;
    std::string json;
    place::append_json(json, p.place);
    st = put_base(p.source, p.id, json);
    out = p;
    for (const auto& m : manual) out.place[m.field] = m.value;
    return true;
  }

  // A new place is tried with an insert first while the previous place of the batch was new
  // too (a first import: no lookup at all); a stored one is looked up first (a re-import).
  // Either way a place that is not what was expected takes the other path, so the outcome
  // never depends on the guess.
  Status upsert_one(std::int64_t run, const StoredPlace& incoming, const std::string& now,
                    Outcome& o) {
    StoredPlace overlaid;
    Status manual_status;
    const bool has_manual = apply_manual(incoming, overlaid, manual_status);
    if (!manual_status.ok) return manual_status;
    const StoredPlace& p = has_manual ? overlaid : incoming;
    record_.clear();
    place::append_json(record_, p.place);
    const XXH128_hash_t fp = fingerprint(p, record_);
    std::optional<std::int64_t> hid;
    if (Status s = header_id(p, hid); !s.ok) return s;
    const std::int64_t seq = next_seq_;
    if (expect_new_) {
      bool added = false;
      if (Status s = insert_new(run, p, hid, fp, now, seq, added); !s.ok) return s;
      if (added) {
        o = Outcome::kAdded;
        ++next_seq_;
        return append_log(seq, now, "ajout", run, p, 0);
      }
    }
    find_.reset();
    find_.bind_static(1, p.source).bind_static(2, p.id);
    int rc = find_.step();
    if (rc == SQLITE_DONE) {
      find_.reset();
      bool added = false;
      if (Status s = insert_new(run, p, hid, fp, now, seq, added); !s.ok) return s;
      if (!added) return Status::failure("lieu « " + p.id + " » inséré deux fois");
      expect_new_ = true;
      o = Outcome::kAdded;
      ++next_seq_;
      return append_log(seq, now, "ajout", run, p, 0);
    }
    if (rc != SQLITE_ROW) return Status::failure(db_.last_error());
    expect_new_ = false;
    const std::int64_t pk = find_.integer(0);
    std::string_view old = find_.blob(1);
    const bool active = find_.text_view(2) == "actif";
    const bool same = active && old.size() == sizeof fp && std::memcmp(old.data(), &fp, sizeof fp) == 0;
    const std::int64_t prev = find_.integer(3);
    find_.reset();
    if (same) {
      o = Outcome::kUnchanged;
      return Status::success();
    }
    o = Outcome::kUpdated;
    ++next_seq_;
    if (Status s = append_log(seq, now, "modification", run, p, prev); !s.ok) return s;
    update_.reset();
    update_.bind(1, pk);
    bind_place(update_, run, p, hid, fp, now, seq);
    rc = update_.step();
    update_.reset();
    if (rc != SQLITE_DONE) return Status::failure(db_.last_error());
    return Status::success();
  }

  Status insert_new(std::int64_t run, const StoredPlace& p, std::optional<std::int64_t> hid,
                    const XXH128_hash_t& fp, const std::string& now, std::int64_t seq,
                    bool& added) {
    insert_.reset();
    insert_.bind_static(1, p.source).bind_static(2, p.id);
    bind_place(insert_, run, p, hid, fp, now, seq);
    int rc = insert_.step();
    insert_.reset();
    if (rc != SQLITE_DONE) return Status::failure(db_.last_error());
    added = sqlite3_changes(db_.handle()) == 1;
    if (!added) expect_new_ = false;
    return Status::success();
  }

  void roll_back_pending() {
    db_.exec("ROLLBACK");
    pending_ = false;
    cached_header_.reset();  // its row may have been rolled back
  }

  void maybe_inject_fault() {
    if (options_.kill_after_rows > 0 && ++rows_written_ >= options_.kill_after_rows)
      ::kill(::getpid(), SIGKILL);
  }

  SqliteOptions options_;
  sqlite::Connection db_;
  sqlite::Statement find_, log_, insert_, update_, max_seq_, header_find_, header_insert_;
  std::shared_ptr<const std::string> cached_header_, read_header_;
  std::int64_t cached_header_id_ = 0;
  std::int64_t next_seq_ = 1;
  bool expect_new_ = false;
  bool pending_ = false;  // a transaction left open by upsert_pending()
  std::string record_;  // the JSON record of the place being written, reused
  std::string actor_;   // who makes the changes being written ("" for imports)
  std::set<std::string, std::less<>> manual_sources_;  // sources with manual fields
  bool overlay_ = true;  // lay manual fields over incoming records
  std::int64_t rows_written_ = 0;
};

}  // namespace

std::unique_ptr<Store> open_sqlite(const std::filesystem::path& path, std::string& error,
                                   SqliteOptions options) {
  // SQLite's memory statistics take a process-wide mutex on every allocation and maillage does
  // not read them. Only possible before SQLite's first use (else SQLITE_MISUSE, harmless).
  static const int kNoMemoryStatistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)kNoMemoryStatistics;
  auto store = std::make_unique<SqliteStore>(options);
  if (!store->open(path, error)) return nullptr;
  return store;
}

}  // namespace maillage::store
