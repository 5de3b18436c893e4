// The HTTP server of maillage: the routes of the API and of the web pages (http/router.h) over
// the event-driven connection layer (http/listener.h). Handlers are thin: parse the request, call
// one service, serialise.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "http/listener.h"
#include "store/store.h"

namespace maillage::search {
class Service;
}
namespace maillage::territory {
class Geocoder;
class Reference;
}
namespace maillage::web {
class Site;
}
namespace maillage::accounts {
class Service;
}

namespace maillage::http {

struct AdminConfig;

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  // Threads answering requests (idle and slow connections take none); see also `limits`.
  int threads = 16;
  // The search API is served when both are set.
  search::Service* search = nullptr;
  const territory::Reference* territory = nullptr;
  // Where data/api/openapi.json is (the project's data directory).
  std::filesystem::path data_dir;
  // Requests a minute per client address on /api/ (bursts of a quarter of it); 0: no limit.
  int rate_limit_per_minute = 1200;
  // The web pages (web::load_site) are served when this and the search are set.
  std::shared_ptr<web::Site> web;
  // The administrators' API (http/admin.h); off when null or without a token.
  std::shared_ptr<AdminConfig> admin;
  // Accounts (sign-up, claims, editing, moderation): the web pages serve them when set.
  accounts::Service* accounts = nullptr;
  // Room for the answers of /api/v1/lieux kept for repeated searches (http/response_cache.h);
  // 0: none kept.
  std::size_t response_cache_bytes = std::size_t{64} << 20;
  // Places the street addresses typed in "Où ?" (autour=) when set (maillage serve --geocodeur);
  // must outlive the server.
  const territory::Geocoder* geocoder = nullptr;
  // Deadlines and caps of the connections (limits.threads is set from `threads`).
  ListenerLimits limits;
};

// Serves until stop() is called from another thread or the process receives SIGINT/SIGTERM.
// Returns false (with `error`) when the address cannot be bound.
class Server {
 public:
  Server(ServerConfig config, store::Store& store);
  ~Server();
  bool run(std::string& error);
  void stop();
  // The port actually bound (useful with port 0 in tests); valid once run() has started.
  int bound_port() const;
  ListenerStats connection_stats() const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace maillage::http
