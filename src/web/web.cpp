#include "web/web.h"

#include <httplib.h>
#include <sodium.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "web/page_cache.h"
#include "web/pages.h"

namespace maillage::web {
namespace {

// The operations of the OpenAPI document as the open-data page lists them: method, path,
// summary and parameters. A missing or unreadable file gives an empty list.
Data api_paths(const std::filesystem::path& file) {
  Data out(Data::type::list);
  std::ifstream in(file, std::ios::binary);
  if (file.empty() || !in) return out;
  auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc["paths"].is_object()) return out;
  std::string base;
  if (doc["servers"].is_array() && !doc["servers"].empty() && doc["servers"][0]["url"].is_string())
    base = doc["servers"][0]["url"].get<std::string>();
  for (const auto& [path, operations] : doc["paths"].items()) {
    if (!operations.is_object()) continue;
    for (const auto& [method, op] : operations.items()) {
      if (!op.is_object()) continue;
      Data d;
      std::string upper;
      for (char c : method) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
      d.set("method", upper);
      d.set("path", base + path);
      d.set("summary", op.value("summary", std::string()));
      List params;
      if (op.contains("parameters") && op["parameters"].is_array())
        for (const auto& p : op["parameters"]) {
          if (!p.is_object() || !p["name"].is_string()) continue;
          Data pd;
          pd.set("name", p["name"].get<std::string>());
          pd.set("description", p.value("description", std::string()));
          params.push_back(pd);
        }
      d.set("has_params", !params.empty());
      d.set("params", params);
      out.push_back(d);
    }
  }
  return out;
}

}  // namespace

std::shared_ptr<Site> load_site(const Options& options, std::string& error) {
  if (sodium_init() < 0) {
    error = "libsodium ne s'initialise pas.";
    return nullptr;
  }
  auto is_url = [](const std::string& u) {
    return (u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0) &&
           u.find_first_of(" \"'<>\\") == std::string::npos;
  };
  if (!options.tile_url.empty() && !is_url(options.tile_url)) {
    error = "adresse des tuiles invalide : « " + options.tile_url + " » (http:// ou https://).";
    return nullptr;
  }
  if (!options.public_url.empty() && !is_url(options.public_url)) {
    error = "adresse publique invalide : « " + options.public_url + " » (http:// ou https://).";
    return nullptr;
  }
  auto site = std::make_shared<Site>(options);
  while (!site->options.public_url.empty() && site->options.public_url.back() == '/')
    site->options.public_url.pop_back();
  if (!options.tile_url.empty()) {
    auto host_end = options.tile_url.find('/', options.tile_url.find("//") + 2);
    site->tile_origin = options.tile_url.substr(0, host_end);
    // "{s}.tile.example.org": every subdomain.
    if (auto brace = site->tile_origin.find("{s}."); brace != std::string::npos)
      site->tile_origin.replace(brace, 3, "*");
  }
  if (!site->templates.load(options.web_dir / "templates", error)) return nullptr;
  site->api_paths = api_paths(options.openapi_file);
  for (const auto& dir : {options.web_dir / "static", options.node_modules_dir / "leaflet" / "dist",
                          options.node_modules_dir / "leaflet.markercluster" / "dist"}) {
    if (!std::filesystem::is_directory(dir)) {
      error = "dossier introuvable : " + dir.string() + " (npm ci dans le dépôt ?)";
      return nullptr;
    }
  }
  return site;
}

void add_routes(http::Router& server, std::shared_ptr<Site> site, Services services) {
  auto pages = std::make_shared<Pages>(Pages{site, std::move(services)});
  httplib::Headers for_an_hour = {{"Cache-Control", "public, max-age=3600"}};
  server.set_mount_point("/static", (site->options.web_dir / "static").string(), for_an_hour);
  server.set_mount_point("/static/leaflet", (site->options.node_modules_dir / "leaflet" / "dist").string(), for_an_hour);
  server.set_mount_point("/static/markercluster",
                         (site->options.node_modules_dir / "leaflet.markercluster" / "dist").string(), for_an_hour);

  auto page = [pages](void (*handler)(Pages&, const httplib::Request&, httplib::Response&)) {
    return [pages, handler](const httplib::Request& req, httplib::Response& res) { handler(*pages, req, res); };
  };
  // The public pages, kept for repeated requests of anonymous visitors (web/page_cache.h).
  auto kept = site->options.page_cache_bytes
                  ? std::make_shared<http::ResponseCache>(site->options.page_cache_bytes)
                  : nullptr;
  auto cached = [pages, kept](PageHandler handler) { return cached_page(pages, kept, handler); };
  server.Get("/", cached(home_page));
  server.Get("/recherche", cached(home_page));
  server.Get("/recherche/carte", cached(map_points));
  server.Get(R"(/lieux/([^/]{1,300}))", cached(place_page));
  server.Get(R"(/lieux/([^/]{1,300})/fiche)", cached(place_sheet_page));
  server.Get(R"(/lieux/([^/]{1,300})/signaler)", page(report_form_page));
  server.Post(R"(/lieux/([^/]{1,300})/signaler)", page(report_submit));
  server.Get("/fiche", cached(sheet_list_page));
  server.Get("/integrer", cached(widget_page));
  server.Get("/integrer/code", cached(embed_code_page));
  server.Get("/donnees", cached(opendata_page));
  server.Get("/accessibilite", page(accessibility_page));
  server.Get("/mentions-legales", page(legal_page));
  add_account_routes(server, pages);
  add_orientation_routes(server, pages);
}

}  // namespace maillage::web
