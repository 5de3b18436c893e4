// `maillage import`, `maillage validate`, `maillage export`.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "app/cli_support.h"
#include "app/commands.h"
#include "exchange/exporter.h"
#include "exchange/importer.h"
#include "federation/mapped_reader.h"
#include "federation/profile.h"

namespace maillage::app {
namespace {

constexpr std::size_t kShownDiagnostics = 20;

void print_report(const exchange::FileReport& r, bool validating) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.fatal.c_str());
    if (r.read == 0) return;
  }
  std::printf("%s (%s, standard %s) : %lld lus, ", r.file.c_str(), r.format.c_str(),
              r.version.c_str(), static_cast<long long>(r.read));
  if (validating) {
    std::printf("%lld valides", static_cast<long long>(r.added));
  } else {
    std::printf("%lld ajoutés, %lld modifiés, %lld inchangés", static_cast<long long>(r.added),
                static_cast<long long>(r.updated), static_cast<long long>(r.unchanged));
  }
  std::printf(", %lld rejetés, %lld avertissements (%lld lieux), %lld remarques\n",
              static_cast<long long>(r.rejected), static_cast<long long>(r.warnings),
              static_cast<long long>(r.records_with_warnings), static_cast<long long>(r.notices));
  std::size_t shown = 0, errors_and_warnings = 0;
  for (const auto& d : r.diagnostics) {
    if (d.severity == Severity::kNotice) continue;
    ++errors_and_warnings;
    if (shown++ < kShownDiagnostics)
      std::printf("  %s : %s\n", severity_name(d.severity), d.to_french().c_str());
  }
  if (errors_and_warnings > kShownDiagnostics)
    std::printf("  … et %zu autres (liste complète avec --report FICHIER.json)\n",
                errors_and_warnings - kShownDiagnostics);
}

bool write_report(const std::string& path, const std::vector<exchange::FileReport>& reports) {
  if (path.empty()) return true;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << exchange::reports_to_json(reports);
  if (!out) {
    std::fprintf(stderr, "maillage : impossible d'écrire le rapport %s\n", path.c_str());
    return false;
  }
  return true;
}

struct ImportArgs {
  std::string db = kDefaultDb;
  std::string source;
  std::string report;
  std::string profile;  // --profile NAME|FILE: the files are in a source's own format
  std::vector<std::string> files;
  bool strict = false;
};

// Loads the profile named on the command line; prints its errors and returns null on failure.
std::shared_ptr<const federation::Profile> load_cli_profile(const std::string& name_or_file) {
  std::string error;
  auto path = federation::resolve_profile(name_or_file, data_dir() / "profils", error);
  if (path.empty()) {
    std::fprintf(stderr, "maillage : %s\n", error.c_str());
    return nullptr;
  }
  auto loaded = federation::load_profile(path);
  if (!loaded.profile) {
    std::fprintf(stderr, "maillage : le profil %s est invalide :\n", path.string().c_str());
    for (const auto& d : loaded.errors)
      std::fprintf(stderr, "  %s (règle %s)\n", d.to_french().c_str(), d.rule.c_str());
    return nullptr;
  }
  return std::make_shared<const federation::Profile>(std::move(*loaded.profile));
}

int run_import(const ImportArgs& args, bool validating) {
  std::unique_ptr<store::Store> store;
  if (!validating) {
    store = open_store(args.db);
    if (!store) return 1;
  }
  std::shared_ptr<const federation::Profile> profile;
  if (!args.profile.empty() && !(profile = load_cli_profile(args.profile))) return 1;
  const territory::Reference* territory = territory_reference();
  std::vector<exchange::FileReport> reports;
  int status = 0;
  for (const auto& file : args.files) {
    ProgressBar bar(std::filesystem::path(file).filename().string());
    exchange::Options options;
    options.source = args.source;
    // Tests of crash recovery commit smaller transactions, to kill an import between two.
    if (const char* n = std::getenv("MAILLAGE_COMMIT_RECORDS"); n && std::atoll(n) > 0)
      options.commit_records = static_cast<std::size_t>(std::atoll(n));
    options.on_progress = [&bar](double f) { bar.update(f); };
    auto report = profile ? exchange::import_reader(federation::open_mapped(profile, file), file,
                                                    store.get(), territory, options)
                          : exchange::import_file(file, store.get(), territory, options);
    bar.update(1.0);
    print_report(report, validating);
    if (!report.ok()) status = 1;
    if (args.strict && report.rejected > 0 && status == 0) status = 3;
    reports.push_back(std::move(report));
  }
  if (!write_report(args.report, reports)) return 1;
  return status;
}

int run_export(const std::string& db, const std::string& format_name, const std::string& out_path,
               bool source_records) {
  const auto view = source_records ? exchange::View::kSourceRecords : exchange::View::kMerged;
  place::Format format = format_name == "json"      ? place::Format::kJson
                         : format_name == "geojson" ? place::Format::kGeoJson
                                                    : place::Format::kCsv;
  if (!std::filesystem::exists(db)) {
    std::fprintf(stderr, "maillage : la base %s n'existe pas.\n", db.c_str());
    return 1;
  }
  auto store = open_store(db);
  if (!store) return 1;
  if (out_path.empty() || out_path == "-") {
    auto r = exchange::export_places(*store, format, std::cout, view);
    if (!r.status.ok) std::fprintf(stderr, "maillage : %s\n", r.status.message.c_str());
    return r.status.ok ? 0 : 1;
  }
  // Written next to the target then renamed: a reader never sees a half-written export.
  std::string tmp = out_path + ".tmp";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  auto r = exchange::export_places(*store, format, out, view);
  out.close();
  if (!r.status.ok || !out) {
    std::filesystem::remove(tmp);
    std::fprintf(stderr, "maillage : export impossible : %s\n",
                 r.status.ok ? "écriture du fichier" : r.status.message.c_str());
    return 1;
  }
  std::filesystem::rename(tmp, out_path);
  std::fprintf(stderr, "%lld lieux écrits dans %s\n", static_cast<long long>(r.written),
               out_path.c_str());
  return 0;
}

}  // namespace

void add_data_commands(CLI::App& app, int& exit_code) {
  auto import_args = std::make_shared<ImportArgs>();
  auto* imp = app.add_subcommand("import", "Importe des fichiers de lieux (CSV, JSON, GeoJSON du "
                                           "standard v1 ou v0.1) dans la base");
  imp->add_option("--db", import_args->db, "Base SQLite")->capture_default_str();
  imp->add_option("--source", import_args->source,
                  "Nom de la source (par défaut : nom du fichier sans extension)");
  imp->add_option("--report", import_args->report, "Rapport JSON de tous les rejets et avertissements");
  imp->add_option("--profile", import_args->profile,
                  "Profil de correspondance des fichiers d'une source (nom dans data/profils ou "
                  "chemin d'un fichier .toml)");
  imp->add_option("files", import_args->files, "Fichiers à importer")->required();
  imp->callback([import_args, &exit_code] { exit_code = run_import(*import_args, false); });

  auto validate_args = std::make_shared<ImportArgs>();
  auto* val = app.add_subcommand("validate", "Vérifie des fichiers de lieux sans rien écrire");
  val->add_option("--report", validate_args->report, "Rapport JSON de tous les rejets et avertissements");
  val->add_option("--profile", validate_args->profile,
                  "Profil de correspondance des fichiers d'une source (nom dans data/profils ou "
                  "chemin d'un fichier .toml)");
  val->add_flag("--strict", validate_args->strict, "Code de sortie 3 si un lieu est rejeté");
  val->add_option("files", validate_args->files, "Fichiers à vérifier")->required();
  val->callback([validate_args, &exit_code] { exit_code = run_import(*validate_args, true); });

  struct ExportArgs {
    std::string db = kDefaultDb, format, out, doublons = "exclure";
  };
  auto export_args = std::make_shared<ExportArgs>();
  auto* exp = app.add_subcommand("export", "Exporte les lieux au standard v1.0.2");
  exp->add_option("--db", export_args->db, "Base SQLite")->capture_default_str();
  exp->add_option("--format", export_args->format, "csv, json ou geojson")
      ->required()
      ->check(CLI::IsMember({"csv", "json", "geojson"}));
  exp->add_option("--out", export_args->out, "Fichier de sortie (sortie standard par défaut)");
  exp->add_option("--doublons", export_args->doublons,
                  "exclure : un lieu publié par plusieurs sources est écrit une fois, fusionné ; "
                  "inclure : chaque enregistrement de chaque source")
      ->capture_default_str()
      ->check(CLI::IsMember({"exclure", "inclure"}));
  exp->callback([export_args, &exit_code] {
    exit_code = run_export(export_args->db, export_args->format, export_args->out,
                           export_args->doublons == "inclure");
  });
}

}  // namespace maillage::app
