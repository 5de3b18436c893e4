#include "http/server.h"

#include <httplib.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/spreadsheet.h"
#include "exchange/exporter.h"
#include "http/admin.h"
#include "http/api_search.h"
#include "http/listener.h"
#include "http/rate_limit.h"
#include "http/response_cache.h"
#include "http/router.h"
#include "search/service.h"
#include "web/web.h"

namespace maillage::http {
namespace {

using nlohmann::ordered_json;

// "2026-11-29T04:12:00.123Z" → "Sun, 29 Nov 2026 04:12:00 GMT"; empty on anything else.
std::string http_date(const std::string& iso) {
  std::tm tm{};
  if (iso.size() < 19 || std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
                                     &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return {};
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t t = timegm(&tm);
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

void json_error(httplib::Response& res, int status, std::string_view code, std::string message,
                std::string_view parameter = {}) {
  ordered_json body = {{"erreur", {{"code", code}, {"message", std::move(message)}}}};
  if (!parameter.empty()) body["erreur"]["parametre"] = parameter;
  res.status = status;
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

// A non-negative integer query parameter within [0, max]; false (and a 400) otherwise.
bool int_param(const httplib::Request& req, httplib::Response& res, const char* name,
               std::int64_t fallback, std::int64_t max, std::int64_t& out) {
  if (!req.has_param(name)) {
    out = fallback;
    return true;
  }
  std::string v = req.get_param_value(name);
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size() || out < 0 || out > max) {
    json_error(res, 400, "parametre_invalide",
               "le paramètre « " + std::string(name) + " » doit être un entier entre 0 et " +
                   std::to_string(max) + ".",
               name);
    return false;
  }
  return true;
}

}  // namespace

struct Server::Impl {
  ServerConfig config;
  store::Store& store;
  std::mutex store_mutex;  // the Store is single-threaded; requests are not
  struct ExportCache {
    std::int64_t seq = -1;
    std::string body, etag, last_modified;
  };
  std::mutex export_mutex;  // one export is generated at a time; readers share the result
  std::map<std::string, std::shared_ptr<const ExportCache>> exports;  // ext + view
  Router http;
  std::unique_ptr<Listener> listener;
  RateLimiter api_limit;
  ResponseCache search_cache;
  std::string openapi;  // the OpenAPI document, read once
  // /sante's count of active places, counted again only when the log has moved.
  std::int64_t counted_seq = -1, active_places = 0;

  Impl(ServerConfig c, store::Store& s)
      : config(std::move(c)),
        store(s),
        api_limit(config.rate_limit_per_minute, config.rate_limit_per_minute / 4.0),
        search_cache(config.response_cache_bytes) {
    routes();
  }

  void routes() {
    http.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                              {"Referrer-Policy", "strict-origin-when-cross-origin"},
                              {"Access-Control-Allow-Origin", "*"}});
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (!api_limit.enabled() || req.path.rfind("/api/", 0) != 0 || req.path == "/api/v1/sante" ||
          req.path == "/api/v1/openapi.json")
        return false;
      auto d = api_limit.take(req.remote_addr);
      if (d.allowed) return false;
      res.set_header("Retry-After", std::to_string(d.retry_after_s));
      json_error(res, 429, "trop_de_requetes",
                 "trop de requêtes depuis votre adresse : réessayez dans " +
                     std::to_string(d.retry_after_s) + " s.");
      return true;
    });
    if (config.search && config.territory)
      add_search_routes(http, *config.search, *config.territory, &search_cache, config.geocoder);
    if (config.admin) add_admin_routes(http, config.admin);
    if (config.web && config.search && config.territory) {
      web::Services services{*config.search, *config.territory,
                             [this](const store::ErrorReport& r) {
                               std::lock_guard lock(store_mutex);
                               return store.add_error_report(r);
                             },
                             [this] {
                               std::lock_guard lock(store_mutex);
                               return store.list_sources();
                             }};
      services.accounts = config.accounts;
      services.geocoder = config.geocoder;
      services.edit_place = [this](const std::string& source, const std::string& id,
                                   const std::vector<std::pair<place::Field, std::string>>& set,
                                   const std::vector<place::Field>& release, const std::string& actor) {
        std::lock_guard lock(store_mutex);
        return store.set_manual_fields(source, id, set, release, actor);
      };
      services.manual_fields = [this](const std::string& source, const std::string& id) {
        std::lock_guard lock(store_mutex);
        return store.manual_fields(source, id);
      };
      services.history = [this](const std::string& source, const std::string& id) {
        std::lock_guard lock(store_mutex);
        return store.history(source, id, 200);
      };
      web::add_routes(http, config.web, std::move(services));
    }

    if (!config.data_dir.empty()) {
      std::ifstream in(config.data_dir / "api" / "openapi.json", std::ios::binary);
      openapi.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    http.Get("/api/v1/openapi.json", [this](const httplib::Request&, httplib::Response& res) {
      if (openapi.empty())
        return json_error(res, 404, "introuvable", "la description OpenAPI n'est pas installée.");
      res.set_header("Cache-Control", "public, max-age=300");
      res.set_content(openapi, "application/json; charset=utf-8");
    });

    http.Get("/api/v1/sante", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(store_mutex);
      // Counting a million rows takes a tenth of a second: only when the log has moved.
      const std::int64_t seq = store.last_seq();
      if (seq != counted_seq) {
        active_places = store.count_active();
        counted_seq = seq;
      }
      ordered_json body = {{"statut", "ok"},
                           {"version", MAILLAGE_VERSION},
                           {"lieux", active_places},
                           {"sequence", seq}};
      if (config.search) {
        auto stats = config.search->stats();
        body["index"] = {{"documents", stats.documents},
                         {"construction_ms", stats.build_ms},
                         {"sequence", stats.applied_seq}};
      }
      res.set_content(body.dump(), "application/json; charset=utf-8");
    });

    // Full dumps in the standard, merged places by default (doublons=inclure: every source
    // record). Regenerated when the change log has moved since the last one (after a harvest),
    // with validators: a client that has the current dump gets a 304.
    // lieux-tableur.csv: the same CSV for spreadsheets (common/spreadsheet.h: ";", a byte order
    // mark, cells that would run as formulas neutralised); the standard's CSV keeps every value
    // byte for byte.
    http.Get(R"(/api/v1/export/lieux(-tableur\.csv|\.csv|\.json|\.geojson))",
             [this](const httplib::Request& req, httplib::Response& res) {
               const bool tableur = std::string(req.matches[1]) == "-tableur.csv";
               const std::string ext = tableur ? "csv" : std::string(req.matches[1]).substr(1);
               const std::string name = tableur ? "tableur.csv" : ext;
               std::string doublons = req.has_param("doublons") ? req.get_param_value("doublons") : "exclure";
               if (doublons != "exclure" && doublons != "inclure")
                 return json_error(res, 400, "parametre_invalide",
                                   "doublons accepte inclure ou exclure.", "doublons");
               const place::Format f = ext == "csv"    ? place::Format::kCsv
                                       : ext == "json" ? place::Format::kJson
                                                       : place::Format::kGeoJson;
               const auto view = doublons == "inclure" ? exchange::View::kSourceRecords
                                                       : exchange::View::kMerged;
               std::shared_ptr<const ExportCache> dump;
               {
                 std::lock_guard export_lock(export_mutex);
                 std::int64_t seq;
                 std::string at;
                 {
                   std::lock_guard lock(store_mutex);
                   seq = store.last_seq();
                   auto last = store.changes_since(seq - 1, 1);
                   at = last.empty() ? std::string() : last.front().at;
                 }
                 auto& cached = exports[name + doublons];
                 if (!cached || cached->seq != seq) {
                   std::ostringstream out;
                   exchange::ExportResult r;
                   {
                     std::lock_guard lock(store_mutex);
                     r = exchange::export_places(store, f, out, view);
                   }
                   if (!r.status.ok) return json_error(res, 500, "export", r.status.message);
                   auto fresh = std::make_shared<ExportCache>();
                   fresh->seq = seq;
                   fresh->body = tableur ? common::csv_for_spreadsheets(out.str()) : out.str();
                   fresh->etag = "\"lieux-" + std::to_string(seq) + "-" + doublons + "-" + (tableur ? "tableur" : ext) + "\"";
                   fresh->last_modified = http_date(at);
                   cached = std::move(fresh);
                 }
                 dump = cached;
               }
               res.set_header("ETag", dump->etag);
               if (!dump->last_modified.empty()) res.set_header("Last-Modified", dump->last_modified);
               res.set_header("Cache-Control", "public, max-age=60");
               res.set_header("Link", "</api/v1/sources>; rel=\"describedby\"; title=\"sources, licences et attributions\"");
               const std::string inm = req.get_header_value("If-None-Match");
               const std::string ims = req.get_header_value("If-Modified-Since");
               if ((!inm.empty() && (inm == dump->etag || inm == "*")) ||
                   (inm.empty() && !ims.empty() && ims == dump->last_modified)) {
                 res.status = 304;
                 return;
               }
               const char* type = ext == "csv"    ? "text/csv; charset=utf-8"
                                  : ext == "json" ? "application/json; charset=utf-8"
                                                  : "application/geo+json; charset=utf-8";
               res.set_header("Content-Disposition",
                              "attachment; filename=\"lieux-mediation-numerique" +
                                  std::string(tableur ? "-tableur.csv" : "." + ext) + "\"");
               res.set_content(dump->body, type);
             });

    // The registry of sources, public part: who publishes what, under which licence, and how
    // its last harvest went (what reusers need for attribution; no file paths).
    http.Get("/api/v1/sources", [this](const httplib::Request&, httplib::Response& res) {
      std::vector<store::SourceEntry> sources;
      {
        std::lock_guard lock(store_mutex);
        sources = store.list_sources();
      }
      ordered_json items = ordered_json::array();
      for (const auto& e : sources) {
        const auto& d = e.definition;
        const bool url = d.location.rfind("http://", 0) == 0 || d.location.rfind("https://", 0) == 0;
        items.push_back({{"nom", d.name},
                         {"editeur", d.publisher},
                         {"adresse", url ? ordered_json(d.location) : ordered_json(nullptr)},
                         {"licence", d.licence},
                         {"attribution", d.attribution},
                         {"frequence_heures", d.schedule_hours},
                         {"active", d.enabled},
                         {"lieux", e.active_places},
                         {"statut", e.state.status},
                         {"derniere_moisson", e.state.last_success_at},
                         {"derniere_tentative", e.state.last_attempt_at}});
      }
      res.set_content(ordered_json{{"sources", std::move(items)}}.dump(), "application/json; charset=utf-8");
    });

    http.Get("/api/v1/changements", [this](const httplib::Request& req, httplib::Response& res) {
      std::int64_t since = 0, limit = 0;
      if (!int_param(req, res, "depuis", 0, INT64_MAX / 2, since)) return;
      if (!int_param(req, res, "limite", 100, 1000, limit)) return;
      std::vector<store::Change> changes;
      {
        std::lock_guard lock(store_mutex);
        changes = store.changes_since(since, static_cast<std::size_t>(limit));
      }
      ordered_json items = ordered_json::array();
      for (const auto& c : changes) {
        ordered_json item = {{"sequence", c.seq}, {"date", c.at},     {"operation", c.op},
                             {"source", c.source}, {"id", c.place_id}};
        item["lieu"] = c.record.empty() ? ordered_json(nullptr) : ordered_json::parse(c.record);
        items.push_back(std::move(item));
      }
      std::int64_t next = changes.empty() ? since : changes.back().seq;
      ordered_json body = {{"changements", std::move(items)}, {"sequence_suivante", next}};
      res.set_header("Access-Control-Allow-Origin", "*");
      res.set_content(body.dump(), "application/json; charset=utf-8");
    });

    http.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      if (req.path.rfind("/api/", 0) == 0)
        json_error(res, res.status, "introuvable", "aucune ressource à cette adresse.");
      else if (res.status == 404 && config.web)
        web::send_not_found(*config.web, res);
    });
  }
};

Server::Server(ServerConfig config, store::Store& store) : impl_(new Impl(std::move(config), store)) {
  ListenerLimits limits = impl_->config.limits;
  limits.threads = impl_->config.threads;
  impl_->listener = std::make_unique<Listener>(impl_->http, limits);
}
Server::~Server() { delete impl_; }

bool Server::run(std::string& error) {
  if (!impl_->listener->bind(impl_->config.host, impl_->config.port, error)) return false;
  impl_->listener->run();
  return true;
}

void Server::stop() { impl_->listener->stop(); }
int Server::bound_port() const { return impl_->listener->port(); }
ListenerStats Server::connection_stats() const { return impl_->listener->stats(); }

}  // namespace maillage::http
