#include "accounts/housekeeper.h"

namespace maillage::accounts {

Housekeeper::Housekeeper(Service& service, std::chrono::seconds period,
                         std::function<void(const std::string&)> log,
                         std::function<PlaceSummary(const PlaceKey&)> lookup)
    : service_(service), period_(period), log_(std::move(log)), lookup_(std::move(lookup)) {}

Housekeeper::~Housekeeper() { stop(); }

void Housekeeper::start() { thread_ = std::thread([this] { run(); }); }

void Housekeeper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Housekeeper::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    std::size_t deleted = service_.purge(store::utc_now());
    if (deleted > 0 && log_) log_(std::to_string(deleted) + " compte(s) inactif(s) ou jamais confirmé(s) effacé(s)");
    if (lookup_) {
      std::size_t reminded = send_reminders(service_, lookup_);
      if (reminded > 0 && log_) log_(std::to_string(reminded) + " rappel(s) de confirmation envoyé(s) aux gestionnaires");
    }
    lock.lock();
    cv_.wait_for(lock, period_, [this] { return stopping_; });
  }
}

}  // namespace maillage::accounts
