#include <algorithm>
#include "exchange/importer.h"

#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>
#include <xxhash.h>

#include "place/normalize.h"
#include "place/reader.h"

namespace maillage::exchange {
namespace {

std::string diagnostics_to_json(const Diagnostics& ds) {
  if (ds.empty()) return "[]";
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& d : ds) {
    arr.push_back({{"severity", severity_name(d.severity)},
                   {"field", d.field},
                   {"value", d.value},
                   {"rule", d.rule},
                   {"message", d.message}});
  }
  return arr.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string version_of(const std::vector<std::string>& columns) {
  bool v1 = false, v01 = false;
  for (const auto& c : columns) {
    auto kind = place::classify_column(c);
    if (kind == place::ColumnKind::kLegacyMapped || kind == place::ColumnKind::kLegacyIgnored)
      v01 = true;
    if (c == "courriels" || c == "frais_a_charge" || c == "publics_specifiquement_adresses" ||
        c == "dispositif_programmes_nationaux" || c == "modalites_acces" ||
        c == "prise_en_charge_specifique" || c == "formations_labels" || c == "itinerance")
      v1 = true;
  }
  if (v01 && v1) return "0.1+1.0";
  return v01 ? "0.1" : "1.0";
}

// Writes batches to the store on a thread of its own, so that reading and normalising the
// next batch overlaps with writing this one. Batches are written in the order they are
// submitted; consecutive batches share a transaction (Store::upsert_pending) of up to
// Options::commit_records records: a crash leaves the database as it was at the last commit,
// and the import can be run again. The store is used by this thread only between start() and
// finish().
class BatchWriter {
 public:
  BatchWriter(store::Store& store, std::int64_t run, std::size_t commit_records)
      : store_(store), run_(run), commit_records_(commit_records) {}
  ~BatchWriter() { finish(); }

  void start() { thread_ = std::thread([this] { loop(); }); }

  // Queues `batch` and leaves in it an empty vector to fill next (a written batch, emptied
  // here: its memory is freed by the thread that allocated it). Waits while two batches are
  // already waiting. False once a write has failed.
  bool submit(std::vector<store::StoredPlace>& batch) {
    std::vector<store::StoredPlace> next;
    {
      std::unique_lock lock(mutex_);
      space_.wait(lock, [&] { return queue_.size() < kMaxQueued || !status_.ok; });
      if (!status_.ok) return false;
      queue_.push_back(std::move(batch));
      ready_.notify_one();
      if (!written_.empty()) {
        next = std::move(written_.back());
        written_.pop_back();
      }
    }
    next.clear();
    batch = std::move(next);
    return true;
  }

  // Writes what is queued and stops the thread. The status of the first failed write, if any.
  store::Status finish() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
      ready_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
    return status_;
  }

  struct Counts {
    std::int64_t added = 0, updated = 0, unchanged = 0;
    void add(store::Outcome o) {
      ++(o == store::Outcome::kAdded ? added : o == store::Outcome::kUpdated ? updated : unchanged);
    }
    std::size_t total() const { return static_cast<std::size_t>(added + updated + unchanged); }
    void take(Counts& other) {
      added += other.added;
      updated += other.updated;
      unchanged += other.unchanged;
      other = {};
    }
  };
  Counts committed;  // read after finish()

 private:
  static constexpr std::size_t kMaxQueued = 2;

  void loop() {
    std::vector<store::Outcome> outcomes;
    Counts pending;  // written since the last commit
    while (true) {
      std::vector<store::StoredPlace> batch;
      bool last = false;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !queue_.empty() || done_; });
        if (!queue_.empty()) {
          batch = std::move(queue_.front());
          queue_.pop_front();
        }
        last = queue_.empty() && done_;
      }
      store::Status s;
      if (!batch.empty()) {
        s = store_.upsert_pending(run_, batch, outcomes);
        if (s.ok)
          for (auto o : outcomes) pending.add(o);
      }
      if (s.ok && (last || pending.total() >= commit_records_)) {
        s = store_.commit_pending();
        if (s.ok) committed.take(pending);
      }
      std::lock_guard lock(mutex_);
      written_.push_back(std::move(batch));
      if (!s.ok) {
        status_ = s;
        queue_.clear();
      }
      space_.notify_one();
      if (!s.ok || last) return;
    }
  }

  store::Store& store_;
  std::int64_t run_;
  std::size_t commit_records_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<std::vector<store::StoredPlace>> queue_;
  std::vector<std::vector<store::StoredPlace>> written_;  // back to the submitting thread
  bool done_ = false;
  store::Status status_;
};

// The ids met so far in a file, by their 128-bit hash, in an open-addressing table: 32 bytes
// per id at most instead of about 150 for a set of strings, and no allocation per id. Two
// different ids share a hash with a probability of about n²/2¹²⁹ (under 10⁻²⁵ for ten million
// ids).
class IdSet {
 public:
  // False when the id was already inserted.
  bool insert(std::string_view id) {
    XXH128_hash_t h = XXH3_128bits(id.data(), id.size());
    Key k{h.low64, h.high64};
    if (k == Key{}) {  // the table's empty slot
      return !std::exchange(has_zero_, true);
    }
    if ((size_ + 1) * 2 > slots_.size()) grow();
    if (!put(k)) return false;
    ++size_;
    return true;
  }

 private:
  struct Key {
    std::uint64_t low = 0, high = 0;
    bool operator==(const Key&) const = default;
  };

  bool put(const Key& k) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = k.low & mask;; i = (i + 1) & mask) {
      if (slots_[i] == k) return false;
      if (slots_[i] == Key{}) {
        slots_[i] = k;
        return true;
      }
    }
  }

  void grow() {
    std::vector<Key> old = std::exchange(slots_, std::vector<Key>(std::max<std::size_t>(1024, slots_.size() * 2)));
    for (const Key& k : old)
      if (!(k == Key{})) put(k);
  }

  std::vector<Key> slots_;
  std::size_t size_ = 0;
  bool has_zero_ = false;
};

// Normalises records on a pool of threads: normalising is most of the reading side's work and
// each record is independent (place::normalize is thread-safe). The reading thread hands over
// chunks of records in file order and takes them back in the same order, so what is accepted,
// reported and written does not depend on the threads.
class NormalizePool {
 public:
  struct Item {
    place::RawRecord raw;
    Diagnostics reader_diagnostics;  // the reader's, met while reading this record
    place::NormalizeResult result;
    std::string diagnostics_json;    // of an accepted record, for the store
  };
  using Chunk = std::vector<Item>;

  NormalizePool(const place::NormalizeContext& ctx, unsigned threads) : ctx_(ctx) {
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
  }
  ~NormalizePool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    todo_cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  void submit(Chunk chunk) {
    std::lock_guard lock(mutex_);
    slots_.push_back({std::move(chunk), false});
    todo_.push_back(next_ + slots_.size() - 1);
    todo_cv_.notify_one();
  }
  std::size_t in_flight() const { return slots_.size(); }  // reading thread only

  // The oldest submitted chunk, once normalised.
  Chunk take() {
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [&] { return slots_.front().done; });
    Chunk c = std::move(slots_.front().chunk);
    slots_.pop_front();
    ++next_;
    return c;
  }

 private:
  struct Slot {
    Chunk chunk;
    bool done;
  };

  void work() {
    while (true) {
      Chunk* chunk;
      std::size_t number;
      {
        std::unique_lock lock(mutex_);
        todo_cv_.wait(lock, [&] { return stop_ || !todo_.empty(); });
        if (todo_.empty()) return;
        number = todo_.front();
        todo_.pop_front();
        chunk = &slots_[number - next_].chunk;  // a deque's elements stay put
      }
      for (auto& item : *chunk) {
        item.result = place::normalize(item.raw, ctx_);
        if (item.result.accepted)
          item.diagnostics_json = diagnostics_to_json(item.result.diagnostics);
      }
      {
        std::lock_guard lock(mutex_);
        slots_[number - next_].done = true;
      }
      done_cv_.notify_one();
    }
  }

  const place::NormalizeContext& ctx_;
  std::mutex mutex_;
  std::condition_variable todo_cv_, done_cv_;
  std::deque<Slot> slots_;        // submitted, oldest first; slots_[i] is chunk next_ + i
  std::deque<std::size_t> todo_;  // numbers of the chunks no thread has taken yet
  std::size_t next_ = 0;          // number of the oldest chunk not yet taken back
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

class FileImport {
 public:
  FileImport(store::Store* store, const territory::Reference* territory, const Options& options,
             FileReport& report)
      : store_(store), territory_(territory), options_(options), report_(report) {
    batch_.reserve(options_.batch_size);
  }

  void run(place::RecordReader& reader) {
    report_.format = place::format_name(reader.format());
    if (!reader.raw_header().empty())
      raw_header_ = std::make_shared<const std::string>(reader.raw_header());
    if (store_) {
      store::Status status;
      auto run = store_->begin_run(report_.source, report_.file, status);
      if (!run) {
        report_.fatal = status.message;
        return;
      }
      run_ = *run;
      report_.run_id = run_;
      writer_.emplace(*store_, run_, options_.commit_records);
      writer_->start();
    }
    std::string today = options_.today.empty() ? today_utc() : options_.today;
    place::NormalizeContext ctx{territory_, report_.file, report_.source, today};
    // One normalising thread per core, but the writer's when there is a store (on 2 cores, a
    // second one only took CPU time from the writer).
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned threads = std::max(1u, store_ ? cores - 1 : cores);
    NormalizePool pool(ctx, threads);
    const std::size_t max_in_flight = 2 * threads + 2;
    std::int64_t n = 0;
    bool ok = true, more = true;
    while (ok && (more || pool.in_flight() > 0)) {
      if (more && pool.in_flight() < max_in_flight) {
        NormalizePool::Chunk chunk(kChunk);
        std::size_t filled = 0;
        while (filled < kChunk && (more = reader.next(chunk[filled].raw))) {
          chunk[filled].reader_diagnostics = reader.take_diagnostics();
          ++filled;
        }
        chunk.resize(filled);
        if (!chunk.empty()) pool.submit(std::move(chunk));
        if (options_.on_progress && (++n & 3) == 0) options_.on_progress(reader.progress());
        continue;
      }
      for (auto& item : pool.take()) {
        take_reader_diagnostics(std::move(item.reader_diagnostics));
        ++report_.read;
        accept(std::move(item.result), item.raw, std::move(item.diagnostics_json));
        if (batch_.size() >= options_.batch_size && !(ok = flush())) break;
      }
    }
    if (ok) {
      take_reader_diagnostics(reader.take_diagnostics());
      ok = flush();
    }
    if (!finish_writes() || !ok) return;
    report_unknown_columns(reader);
    report_.version = version_of(reader.columns());
    if (options_.collect_ids) {
      auto& ids = report_.seen_ids;
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    }
    if (options_.on_progress) options_.on_progress(1.0);
    if (store_) {
      store::RunCounts c{report_.read, report_.added, report_.updated, report_.unchanged,
                         report_.rejected, report_.warnings};
      store_->finish_run(run_, c, "termine");
    }
  }

 private:
  // Records handed to the normalising threads at once.
  static constexpr std::size_t kChunk = 256;

  void take_reader_diagnostics(Diagnostics diagnostics) {
    for (auto& d : diagnostics) {
      if (d.severity == Severity::kError) ++report_.rejected;
      if (d.rule == "json.structure" || d.rule == "csv.guillemet") report_.truncated = true;
      if (options_.collect_ids && !d.record_id.empty()) report_.seen_ids.push_back(d.record_id);
      count(d);
      report_.diagnostics.push_back(std::move(d));
    }
  }

  void count(const Diagnostic& d) {
    if (d.severity == Severity::kWarning) ++report_.warnings;
    if (d.severity == Severity::kNotice) ++report_.notices;
  }

  void accept(place::NormalizeResult result, place::RawRecord& raw, std::string diagnostics_json) {
    if (options_.collect_ids && result.place.has(place::Field::kId))
      report_.seen_ids.emplace_back(result.place[place::Field::kId]);
    bool warned = false;
    for (const auto& d : result.diagnostics) {
      count(d);
      warned |= d.severity == Severity::kWarning;
    }
    if (result.accepted) {
      const std::string& id = result.place[place::Field::kId];
      if (!seen_ids_.insert(id)) {
        Diagnostic d;
        d.severity = Severity::kError;
        d.file = report_.file;
        d.line = raw.line;
        d.record_id = id;
        d.field = "id";
        d.value = id;
        d.rule = "id.doublon";
        d.message = "l'identifiant « " + id + " » est déjà utilisé par un lieu plus haut dans le "
                    "fichier ; chaque lieu doit avoir un identifiant unique.";
        result.diagnostics.push_back(std::move(d));
        result.accepted = false;
      }
    }
    if (!result.accepted) {
      ++report_.rejected;
    } else {
      report_.records_with_warnings += warned;
      store::StoredPlace sp;
      sp.source = report_.source;
      sp.id = result.place[place::Field::kId];
      sp.place = std::move(result.place);
      sp.approx_position = result.approx_position;
      sp.diagnostics_json = std::move(diagnostics_json);
      sp.raw = std::move(raw.verbatim);
      sp.raw_header = raw_header_;
      sp.raw_format = report_.format;
      sp.raw_line = raw.line;
      batch_.push_back(std::move(sp));
    }
    for (auto& d : result.diagnostics) report_.diagnostics.push_back(std::move(d));
  }

  // Hands the batch to the writer (or counts it, when validating). False once a write failed.
  bool flush() {
    if (batch_.empty()) return true;
    if (!store_) {
      report_.added += static_cast<std::int64_t>(batch_.size());  // would be written
      batch_.clear();
      return true;
    }
    bool ok = writer_->submit(batch_);
    batch_.reserve(options_.batch_size);
    return ok;
  }

  // Waits for the writer; on a failed write, reports it and marks the run as failed.
  bool finish_writes() {
    if (!writer_) return true;
    store::Status s = writer_->finish();
    report_.added += writer_->committed.added;
    report_.updated += writer_->committed.updated;
    report_.unchanged += writer_->committed.unchanged;
    writer_.reset();
    if (s.ok) return true;
    report_.fatal = "écriture dans la base impossible : " + s.message +
                    " (les lots déjà écrits sont conservés ; relancez l'import).";
    store_->finish_run(run_, {}, "echec");
    return false;
  }

  void report_unknown_columns(place::RecordReader& reader) {
    for (const auto& c : reader.columns()) {
      auto kind = place::classify_column(c);
      if (kind == place::ColumnKind::kStandard || kind == place::ColumnKind::kLegacyMapped) continue;
      Diagnostic d;
      d.severity = Severity::kNotice;
      d.file = report_.file;
      d.field = c;
      d.rule = kind == place::ColumnKind::kLegacyIgnored ? "colonne.v0_1_ignoree" : "colonne.inconnue";
      d.message = kind == place::ColumnKind::kLegacyIgnored
                      ? "la colonne « " + c + " » de la version 0.1 du standard n'a pas "
                        "d'équivalent en version 1 ; elle est conservée dans l'enregistrement "
                        "brut mais pas reprise."
                      : "la colonne « " + c + " » ne fait pas partie du standard ; elle est "
                        "conservée dans l'enregistrement brut mais pas reprise.";
      ++report_.notices;
      report_.diagnostics.push_back(std::move(d));
    }
  }

  store::Store* store_;
  const territory::Reference* territory_;
  const Options& options_;
  FileReport& report_;
  std::int64_t run_ = 0;
  std::vector<store::StoredPlace> batch_;
  std::shared_ptr<const std::string> raw_header_;  // one copy for every record of the file
  std::optional<BatchWriter> writer_;
  IdSet seen_ids_;
};

FileReport run_import(place::OpenedReader opened, const std::string& name,
                      const std::string& default_source, store::Store* store,
                      const territory::Reference* territory, const Options& options) {
  FileReport report;
  report.file = name;
  report.source = options.source.empty() ? default_source : options.source;
  if (!opened.reader) {
    report.fatal = opened.error;
    return report;
  }
  FileImport(store, territory, options, report).run(*opened.reader);
  return report;
}

}  // namespace

std::string today_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

FileReport import_file(const std::filesystem::path& file, store::Store* store,
                       const territory::Reference* territory, const Options& options) {
  return run_import(place::open_file(file, file.string()), file.string(), file.stem().string(),
                    store, territory, options);
}

FileReport import_bytes(std::string bytes, const std::string& display_name, store::Store* store,
                        const territory::Reference* territory, const Options& options) {
  std::string stem = std::filesystem::path(display_name).stem().string();
  return run_import(place::open_bytes(std::move(bytes), display_name), display_name, stem, store,
                    territory, options);
}

FileReport import_reader(place::OpenedReader opened, const std::string& display_name,
                         store::Store* store, const territory::Reference* territory,
                         const Options& options) {
  std::string stem = std::filesystem::path(display_name).stem().string();
  return run_import(std::move(opened), display_name, stem, store, territory, options);
}

std::string reports_to_json(const std::vector<FileReport>& reports) {
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const auto& r : reports) {
    nlohmann::ordered_json diags = nlohmann::ordered_json::array();
    for (const auto& d : r.diagnostics) {
      diags.push_back({{"severity", severity_name(d.severity)},
                       {"file", d.file},
                       {"line", d.line},
                       {"id", d.record_id},
                       {"field", d.field},
                       {"value", d.value},
                       {"rule", d.rule},
                       {"message", d.message}});
    }
    nlohmann::ordered_json f = {
        {"fichier", r.file},         {"source", r.source},       {"format", r.format},
        {"version", r.version},      {"lus", r.read},            {"ajoutes", r.added},
        {"modifies", r.updated},     {"inchanges", r.unchanged}, {"rejetes", r.rejected},
        {"avertissements", r.warnings}, {"lieux_avec_avertissements", r.records_with_warnings},
        {"remarques", r.notices}};
    if (!r.fatal.empty()) f["erreur"] = r.fatal;
    f["diagnostics"] = std::move(diags);
    files.push_back(std::move(f));
  }
  nlohmann::ordered_json root = {{"fichiers", std::move(files)}};
  return root.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace maillage::exchange
