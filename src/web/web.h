// The public web interface: server-rendered French pages (search with facets and map, place
// pages, printable sheets with a QR code, embeddable widget, open data), templates under
// web/templates (Mustache), static assets under web/static, Leaflet from node_modules.
//
//   auto site = web::load_site(options, error);   // reads and checks every template once
//   web::add_routes(http, site, {service, territory, save_report});
//
// Pages are thin: parse the query string with search::parse_query (the API's parameter names, so
// a page URL holds the whole search), run the search in-process, fill a view model, render.
// Every page works without JavaScript; scripts only add the map, "autour de moi" and
// autocomplete. Responses carry a Content-Security-Policy without inline scripts; every page but
// /integrer refuses to be framed.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "store/store.h"

namespace httplib {
class Server;
struct Response;
}
namespace maillage::http {
class Router;
}
namespace maillage::search {
class Service;
}
namespace maillage::accounts {
class Service;
}
namespace maillage::territory {
class Geocoder;
class Reference;
}

namespace maillage::web {

struct Options {
  std::filesystem::path web_dir;           // holds templates/ and static/
  std::filesystem::path node_modules_dir;  // leaflet/ and leaflet.markercluster/ are served from it
  // The API's OpenAPI document (data/api/openapi.json), listed on /donnees; optional.
  std::filesystem::path openapi_file;
  // Map tiles, Leaflet URL template ("https://tile.openstreetmap.org/{z}/{x}/{y}.png"). Empty: the
  // markers on a plain background (offline deployments).
  std::string tile_url;
  std::string tile_attribution;
  // Absolute base URL of the site ("https://maillage.example.fr") for QR codes, embed snippets
  // and JSON-LD. Empty: the request's Host header when it names this machine's loopback
  // (localhost, 127.0.0.1, [::1], any port), else relative links: a Host header an attacker
  // chose never reaches a page.
  std::string public_url;
  // Error reports accepted per client address per 10 minutes (bursts of as many).
  int reports_per_10_minutes = 5;
  // Account writes (edits, claims, decisions) per account per minute; logins per address.
  int writes_per_minute = 30;
  int logins_per_minute = 10;
  // Messages to experts through their contact form, per client address per hour (bursts of as
  // many).
  int contacts_per_hour = 6;
  // Room for public pages kept for repeated requests (web/page_cache.h); 0: none kept.
  std::size_t page_cache_bytes = std::size_t{32} << 20;
};

class Site;  // the loaded templates and per-process state (zones, rate limits)

// Reads every template and checks it parses; null and a French `error` otherwise.
std::shared_ptr<Site> load_site(const Options& options, std::string& error);

struct Services {
  search::Service& search;
  const territory::Reference& territory;
  // Stores an error report ("Signaler une erreur"); called from request threads.
  std::function<store::Status(const store::ErrorReport&)> save_report;
  // The registry of sources, for their licences and attributions (/donnees); may be empty.
  std::function<std::vector<store::SourceEntry>()> list_sources;

  // Accounts (sign-up, claims, editing, moderation; docs/accounts.md): served when set.
  accounts::Service* accounts = nullptr;
  // Street addresses typed in "Où ?" (territory/geocoder.h); none when null.
  const territory::Geocoder* geocoder = nullptr;
  // A place manager's edit: manual fields set and released, by `actor` (store::Store).
  std::function<store::Status(const std::string& source, const std::string& id,
                              const std::vector<std::pair<place::Field, std::string>>& set,
                              const std::vector<place::Field>& release, const std::string& actor)>
      edit_place;
  std::function<std::vector<store::ManualField>(const std::string& source, const std::string& id)>
      manual_fields;
  std::function<std::vector<store::Change>(const std::string& source, const std::string& id)>
      history;
};

void add_routes(http::Router& server, std::shared_ptr<Site> site, Services services);

// The "Page introuvable" page (status 404: a search box, links to the home page and the
// directory), for an address no route serves. Thread-safe.
void send_not_found(const Site& site, httplib::Response& res);

}  // namespace maillage::web
