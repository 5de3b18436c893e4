// The accounts' housekeeping inside `serve`: every hour, deletes expired sessions and tokens,
// unconfirmed accounts whose link expired, and accounts inactive for Settings::inactive_months
// (docs/accounts.md, "Données personnelles"); and reminds managers of their stale places
// (accounts/freshness.h) when given a way to look places up; every 15 seconds, sends the
// outbox when given a transport (accounts/mailer.h).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "accounts/accounts.h"
#include "accounts/freshness.h"
#include "accounts/mailer.h"

namespace maillage::accounts {

class Housekeeper {
 public:
  Housekeeper(Service& service, std::chrono::seconds period,
              std::function<void(const std::string&)> log,
              std::function<PlaceSummary(const PlaceKey&)> lookup = {}, Transport transport = {});
  ~Housekeeper();
  void start();
  void stop();

 private:
  void run();
  Service& service_;
  std::chrono::seconds period_;
  std::function<void(const std::string&)> log_;
  std::function<PlaceSummary(const PlaceKey&)> lookup_;
  Transport transport_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace maillage::accounts
