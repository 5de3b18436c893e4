#include "support/web_server.h"

#include <chrono>

#include "support/test_support.h"
#include "territory/reference.h"
#include "web/web.h"

namespace maillage::testing {

bool InProcessWebServer::start(store::Store& store, search::Service& search, std::string& error) {
  web::Options options{repo_dir() / "web", repo_dir() / "node_modules",
                       repo_dir() / "data/api/openapi.json", "", "", "",
                       /*reports_per_10_minutes=*/3};
  auto site = web::load_site(options, error);
  if (!site) return false;
  http::ServerConfig config;
  config.port = 0;
  config.threads = 2;
  config.search = &search;
  config.territory = &territory::Reference::bundled();
  config.web = site;
  server_ = std::make_unique<http::Server>(config, store);
  thread_ = std::thread([this] {
    std::string e;
    server_->run(e);
  });
  for (int i = 0; i < 500 && server_->bound_port() <= 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  port_ = server_->bound_port();
  if (port_ <= 0) error = "le serveur n'a pas ouvert de port";
  return port_ > 0;
}

void InProcessWebServer::stop() {
  if (!server_) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

}  // namespace maillage::testing
