// A local server speaking the Base Adresse Nationale's search API (GET /search/?q=&limit=) on the
// features of tests/fixtures/ban/adresses.geojson, on a free loopback port: each feature is
// scored by the share of words its label has in common with the query (the real service ranks
// otherwise), best first. Per test it can instead answer an HTTP error, a fixed body, or late.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>

namespace maillage::testing {

class BanServer {
 public:
  BanServer();
  ~BanServer();
  BanServer(const BanServer&) = delete;
  BanServer& operator=(const BanServer&) = delete;

  std::string url() const;             // "http://127.0.0.1:PORT"
  void fail_with(int status);          // 200: answer again
  void answer_body(std::string body);  // empty: the fixture's answer again
  void delay(std::chrono::milliseconds d);
  int hits() const { return hits_; }
  std::pair<std::string, std::string> last_request();  // q and limit

 private:
  nlohmann::json answer(const std::string& q, int limit) const;

  nlohmann::json features_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> hits_{0};
  std::mutex mutex_;
  int status_ = 200;
  std::string body_, last_q_, last_limit_;
  std::chrono::milliseconds delay_{0};
};

}  // namespace maillage::testing
