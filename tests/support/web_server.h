// maillage's web pages and API served in-process on a free loopback port, over a store and a
// search service the test owns (the configuration `maillage serve` uses, without accounts): for
// the suites that ask pages over HTTP.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "http/server.h"
#include "search/service.h"
#include "store/store.h"

namespace maillage::testing {

class InProcessWebServer {
 public:
  InProcessWebServer() = default;
  InProcessWebServer(const InProcessWebServer&) = delete;
  InProcessWebServer& operator=(const InProcessWebServer&) = delete;
  ~InProcessWebServer() { stop(); }

  // Loads the site (web/, node_modules/, the OpenAPI document; 3 error reports per 10 minutes)
  // and serves until stop(). False, with `error`, when the site does not load or no port binds.
  bool start(store::Store& store, search::Service& search, std::string& error);
  void stop();
  int port() const { return port_; }

 private:
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace maillage::testing
