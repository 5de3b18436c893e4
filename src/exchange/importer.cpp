#include "exchange/importer.h"

#include <chrono>
#include <ctime>
#include <unordered_set>

#include <nlohmann/json.hpp>

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

class FileImport {
 public:
  FileImport(store::Store* store, const territory::Reference* territory, const Options& options,
             FileReport& report)
      : store_(store), territory_(territory), options_(options), report_(report) {}

  void run(place::RecordReader& reader) {
    report_.format = place::format_name(reader.format());
    if (store_) {
      store::Status status;
      auto run = store_->begin_run(report_.source, report_.file, status);
      if (!run) {
        report_.fatal = status.message;
        return;
      }
      run_ = *run;
    }
    std::string today = options_.today.empty() ? today_utc() : options_.today;
    place::NormalizeContext ctx{territory_, report_.file, report_.source, today};
    place::RawRecord raw;
    std::int64_t n = 0;
    while (reader.next(raw)) {
      take_reader_diagnostics(reader);
      ++report_.read;
      accept(place::normalize(raw, ctx), raw, reader);
      if (batch_.size() >= options_.batch_size && !flush()) return;
      if (options_.on_progress && (++n & 1023) == 0) options_.on_progress(reader.progress());
    }
    take_reader_diagnostics(reader);
    if (!flush()) return;
    report_unknown_columns(reader);
    report_.version = version_of(reader.columns());
    if (options_.on_progress) options_.on_progress(1.0);
    if (store_) {
      store::RunCounts c{report_.read, report_.added, report_.updated, report_.unchanged,
                         report_.rejected, report_.warnings};
      store_->finish_run(run_, c, "termine");
    }
  }

 private:
  void take_reader_diagnostics(place::RecordReader& reader) {
    for (auto& d : reader.take_diagnostics()) {
      if (d.severity == Severity::kError) ++report_.rejected;
      count(d);
      report_.diagnostics.push_back(std::move(d));
    }
  }

  void count(const Diagnostic& d) {
    if (d.severity == Severity::kWarning) ++report_.warnings;
    if (d.severity == Severity::kNotice) ++report_.notices;
  }

  void accept(place::NormalizeResult result, place::RawRecord& raw, place::RecordReader& reader) {
    bool warned = false;
    for (const auto& d : result.diagnostics) {
      count(d);
      warned |= d.severity == Severity::kWarning;
    }
    if (result.accepted) {
      const std::string& id = result.place[place::Field::kId];
      if (!seen_ids_.insert(id).second) {
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
      sp.diagnostics_json = diagnostics_to_json(result.diagnostics);
      sp.raw = std::move(raw.verbatim);
      sp.raw_header = std::string(reader.raw_header());
      sp.raw_format = report_.format;
      sp.raw_line = raw.line;
      batch_.push_back(std::move(sp));
    }
    for (auto& d : result.diagnostics) report_.diagnostics.push_back(std::move(d));
  }

  bool flush() {
    if (batch_.empty()) return true;
    if (!store_) {
      report_.added += static_cast<std::int64_t>(batch_.size());  // would be written
      batch_.clear();
      return true;
    }
    store::Status s = store_->upsert(run_, batch_, outcomes_);
    if (!s.ok) {
      report_.fatal = "écriture dans la base impossible : " + s.message +
                      " (les lots déjà écrits sont conservés ; relancez l'import).";
      store_->finish_run(run_, {}, "echec");
      return false;
    }
    for (auto o : outcomes_) {
      if (o == store::Outcome::kAdded) ++report_.added;
      if (o == store::Outcome::kUpdated) ++report_.updated;
      if (o == store::Outcome::kUnchanged) ++report_.unchanged;
    }
    batch_.clear();
    return true;
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
  std::vector<store::Outcome> outcomes_;
  std::unordered_set<std::string> seen_ids_;
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
