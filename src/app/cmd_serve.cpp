// `maillage serve`: opens the store, loads the bundled dataset on first start, serves HTTP.
#include <CLI/CLI.hpp>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <chrono>
#include <thread>

#include "app/cli_support.h"
#include "app/commands.h"
#include "federation/registry.h"
#include "federation/scheduler.h"
#include "http/admin.h"
#include "accounts/accounts.h"
#include "accounts/housekeeper.h"
#include "accounts/mailer.h"
#include "http/server.h"
#include "store/accounts.h"
#include "search/service.h"
#include "territory/geocoder.h"
#include "web/web.h"

namespace maillage::app {
namespace {

struct ServeArgs {
  std::string db = kDefaultDb;
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 16;  // see http::ServerConfig::threads
  std::size_t per_address = 256, max_connections = 10000;  // see http::ListenerLimits
  int rate_limit = 1200;
  int cache_mb = 64;  // see http::ServerConfig::response_cache_bytes
  std::string tiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  std::string public_url;
  std::string sources;  // registry of the first start; default data/sources.toml
  bool no_dedup = false, no_harvest = false;
  int harvest_check_s = 60;
  std::string admin_token_file;
  std::string smtp, sender;  // outbox delivery; the credentials come from the environment
  std::string geocoder;      // Base Adresse Nationale search API; empty: communes only
};

// The administrators' token: the first line of --jeton-admin-fichier, else MAILLAGE_JETON_ADMIN.
// Empty when neither is given (the administrators' API is then off).
bool read_admin_token(const std::string& file, std::string& token, std::string& error) {
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in || !std::getline(in, token)) {
      error = "jeton d'administration : fichier " + file + " illisible.";
      return false;
    }
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    return true;
  }
  if (const char* env = std::getenv("MAILLAGE_JETON_ADMIN"); env && *env) token = env;
  return true;
}

// --smtp and --expediteur, with MAILLAGE_SMTP_UTILISATEUR and MAILLAGE_SMTP_MOT_DE_PASSE from the
// environment (never on the command line, where `ps` shows it).
accounts::SmtpSettings smtp_settings(const ServeArgs& args) {
  accounts::SmtpSettings s;
  s.url = args.smtp;
  s.from = args.sender;
  if (const char* u = std::getenv("MAILLAGE_SMTP_UTILISATEUR")) s.user = u;
  if (const char* p = std::getenv("MAILLAGE_SMTP_MOT_DE_PASSE")) s.password = p;
  return s;
}

http::Server* g_server = nullptr;  // for the signal handler only

int run_serve(const ServeArgs& args) {
  auto store = open_store(args.db);
  if (!store) return 1;
  const std::filesystem::path registry =
      args.sources.empty() ? data_dir() / "sources.toml" : std::filesystem::path(args.sources);
  auto boot = federation::bootstrap_if_empty(*store, territory_reference(), registry, data_dir(),
                                             !args.no_dedup);
  for (const auto& d : boot.errors)
    std::fprintf(stderr, "données par défaut : %s (règle %s)\n", d.to_french().c_str(), d.rule.c_str());
  for (const auto& r : boot.harvests) {
    std::fprintf(stderr, "données par défaut : %s : %lld lus, %lld ajoutés, %lld rejetés%s%s\n",
                 r.source.c_str(), static_cast<long long>(r.import.read),
                 static_cast<long long>(r.import.added), static_cast<long long>(r.import.rejected),
                 r.message.empty() ? "" : " — ", r.message.c_str());
  }
  if (boot.dedup)
    std::fprintf(stderr, "données par défaut : %lld lieux fusionnés à partir de %lld enregistrements%s%s\n",
                 static_cast<long long>(boot.dedup->clusters),
                 static_cast<long long>(boot.dedup->clustered_records),
                 boot.dedup->error.empty() ? "" : " — ", boot.dedup->error.c_str());
  auto search_store = open_store(args.db);
  if (!search_store) return 1;
  territory::PlaceResolver::of(*territory_reference());  // built now, not by the first search
  search::Service search(std::move(search_store), *territory_reference());
  // The public-holiday rule of each source (jours_feries) is read from the registry file.
  if (std::filesystem::exists(registry))
    search.set_holidays_as_other_days(
        federation::load_registry(registry, data_dir() / "profils").holidays_as_other_days);
  std::string error;
  if (!search.build(error)) {
    std::fprintf(stderr, "maillage : construction de l'index impossible : %s\n", error.c_str());
    return 1;
  }
  auto stats = search.stats();
  std::fprintf(stderr, "maillage : index de %zu lieux construit en %lld ms\n", stats.documents,
               static_cast<long long>(stats.build_ms));
  search.start_following(std::chrono::milliseconds(250));
  web::Options web_options{web_dir(), node_modules_dir(), data_dir() / "api" / "openapi.json",
                           args.tiles,
                           args.tiles.empty() ? "" : "© les contributeurs d'OpenStreetMap",
                           args.public_url};
  auto site = web::load_site(web_options, error);
  if (!site) {
    std::fprintf(stderr, "maillage : interface web : %s\n", error.c_str());
    return 1;
  }
  auto admin = std::make_shared<http::AdminConfig>();
  {
    std::string token;
    if (!read_admin_token(args.admin_token_file, token, error)) {
      std::fprintf(stderr, "maillage : %s\n", error.c_str());
      return 1;
    }
    if (!token.empty()) {
      admin->token_hash = http::admin_token_hash(token, error);
      std::fill(token.begin(), token.end(), '\0');
      if (!admin->token_hash) {
        std::fprintf(stderr, "maillage : %s\n", error.c_str());
        return 1;
      }
    }
    const std::string db = args.db;
    admin->open_store = [db] { return open_store(db); };
    admin->territory = territory_reference();
    admin->data_dir = data_dir();
    admin->deduplicate = !args.no_dedup;
  }
  // Accounts: their own connection to the database; the links of queued e-mails sealed with a
  // key kept beside it (created on first start, readable by its owner only).
  auto account_store = store::open_account_store(args.db, error);
  if (!account_store) {
    std::fprintf(stderr, "maillage : comptes : %s\n", error.c_str());
    return 1;
  }
  auto sealer = accounts::Sealer::open(args.db + ".cle", error);
  if (!sealer) {
    std::fprintf(stderr, "maillage : comptes : %s\n", error.c_str());
    return 1;
  }
  accounts::Settings account_settings;
  account_settings.public_url =
      args.public_url.empty() ? "http://" + args.host + ":" + std::to_string(args.port) : args.public_url;
  accounts::Service account_service(*account_store, std::move(sealer), account_settings);
  // The housekeeper's own connection to the places, to remind managers of stale ones.
  auto reminder_store = open_store(args.db);
  if (!reminder_store) return 1;
  accounts::Housekeeper housekeeper(
      account_service, std::chrono::hours(1),
      [](const std::string& line) { std::fprintf(stderr, "maillage : %s\n", line.c_str()); },
      [&reminder_store](const accounts::PlaceKey& key) {
        accounts::PlaceSummary summary;
        if (auto p = reminder_store->get(key.first, key.second); p && p->status == "actif") {
          summary.active = true;
          summary.name = p->place[place::Field::kNom];
          summary.date_maj = p->place[place::Field::kDateMaj];
        }
        return summary;
      },
      args.smtp.empty() ? accounts::Transport{} : accounts::smtp_transport(smtp_settings(args)));
  housekeeper.start();
  http::ServerConfig config{args.host, args.port, args.threads, &search, territory_reference(), data_dir(),
                            args.rate_limit, site, admin};
  config.accounts = &account_service;
  config.limits.max_connections_per_address = args.per_address;
  config.limits.max_connections = args.max_connections;
  config.limits.pressure_connections = args.max_connections / 5;
  config.response_cache_bytes = static_cast<std::size_t>(args.cache_mb) << 20;
  std::optional<territory::Geocoder> geocoder;
  if (!args.geocoder.empty()) {
    geocoder = territory::Geocoder::make(args.geocoder, &error);
    if (!geocoder) {
      std::fprintf(stderr, "maillage : %s\n", error.c_str());
      return 1;
    }
    config.geocoder = &*geocoder;
  }
  http::Server server(std::move(config), *store);
  std::unique_ptr<federation::Scheduler> scheduler;
  if (!args.no_harvest) {
    auto harvest_store = open_store(args.db);
    if (!harvest_store) return 1;
    federation::SchedulerOptions so;
    so.interval = std::chrono::seconds(args.harvest_check_s);
    so.deduplicate = !args.no_dedup;
    so.data_dir = data_dir();
    so.log = [](const std::string& line) { std::fprintf(stderr, "maillage : %s\n", line.c_str()); };
    scheduler = std::make_unique<federation::Scheduler>(std::move(harvest_store),
                                                        territory_reference(), so);
    scheduler->start();
  }
  g_server = &server;
  struct sigaction sa {};
  sa.sa_handler = [](int) {
    if (g_server) g_server->stop();
  };
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::fprintf(stderr, "maillage : %lld lieux, à l'écoute sur http://%s:%d\n",
               static_cast<long long>(store->count_active()), args.host.c_str(), args.port);
  bool ok = server.run(error);
  g_server = nullptr;
  if (scheduler) scheduler->stop();
  if (!ok && !error.empty()) {
    std::fprintf(stderr, "maillage : %s\n", error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "Sert l'annuaire en HTTP (charge les données par "
                                          "défaut au premier démarrage)");
  cmd->add_option("--db", args->db, "Base SQLite")->capture_default_str();
  cmd->add_option("--host", args->host, "Adresse d'écoute")->capture_default_str();
  cmd->add_option("--port", args->port, "Port")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--connexions-par-adresse", args->per_address,
                  "Connexions ouvertes à la fois par adresse de client (IPv6 : par /64)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--connexions-max", args->max_connections, "Connexions ouvertes à la fois en tout")
      ->capture_default_str()
      ->check(CLI::Range(16, 1000000));
  cmd->add_option("--threads", args->threads, "Fils de traitement HTTP")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--rate-limit", args->rate_limit,
                  "Requêtes par minute et par adresse sur /api/ (0 : sans limite)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000000));
  cmd->add_option("--cache-mo", args->cache_mb,
                  "Mémoire des réponses de recherche gardées pour les recherches répétées (Mo ; "
                  "0 : aucune)")
      ->capture_default_str()
      ->check(CLI::Range(0, 16384));
  cmd->add_option("--tuiles", args->tiles,
                  "Adresse des tuiles de la carte ({z}/{x}/{y}) ; vide : carte sans fond")
      ->capture_default_str();
  cmd->add_option("--url-publique", args->public_url,
                  "Adresse publique du site (codes QR, code d'intégration) ; par défaut celle de "
                  "la requête");
  cmd->add_option("--sources", args->sources,
                  "Registre des sources chargé au premier démarrage (défaut : data/sources.toml)");
  cmd->add_flag("--sans-dedoublonnage", args->no_dedup,
                "Ne fusionne pas les lieux publiés par plusieurs sources");
  cmd->add_flag("--sans-moissonnage", args->no_harvest,
                "Ne moissonne pas les sources du registre pendant le service");
  cmd->add_option("--moissonnage-intervalle", args->harvest_check_s,
                  "Secondes entre deux recherches de sources à moissonner")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  cmd->add_option("--jeton-admin-fichier", args->admin_token_file,
                  "Fichier dont la première ligne est le jeton de l'API d'administration (32 "
                  "caractères au moins ; sinon variable MAILLAGE_JETON_ADMIN ; sans jeton, l'API "
                  "d'administration est désactivée)");
  cmd->add_option("--smtp", args->smtp,
                  "Serveur d'envoi des courriels (smtp://hôte:587 ou smtps://hôte:465 ; identifiants "
                  "dans MAILLAGE_SMTP_UTILISATEUR et MAILLAGE_SMTP_MOT_DE_PASSE). Sans serveur, les "
                  "courriels attendent dans /espace/courriels");
  cmd->add_option("--expediteur", args->sender, "Adresse d'expédition des courriels (avec --smtp)");
  cmd->add_option("--geocodeur", args->geocoder,
                  "Service de géocodage des adresses tapées dans « Où ? » (API de la Base Adresse "
                  "Nationale : https://api-adresse.data.gouv.fr, ou un serveur addok local). Sans "
                  "lui, « Où ? » comprend les communes et codes postaux, et la commune d'une "
                  "adresse");
  cmd->callback([args, &exit_code] {
    if (!args->smtp.empty() && (args->smtp.rfind("smtp://", 0) != 0 && args->smtp.rfind("smtps://", 0) != 0)) {
      std::fprintf(stderr, "maillage : --smtp doit commencer par smtp:// ou smtps://\n");
      exit_code = 2;
      return;
    }
    if (!args->smtp.empty() && args->sender.find('@') == std::string::npos) {
      std::fprintf(stderr, "maillage : --smtp demande --expediteur (une adresse de courriel)\n");
      exit_code = 2;
      return;
    }
    exit_code = run_serve(*args);
  });
}

}  // namespace maillage::app
