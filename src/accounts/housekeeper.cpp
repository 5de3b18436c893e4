#include "accounts/housekeeper.h"

namespace maillage::accounts {

Housekeeper::Housekeeper(Service& service, std::chrono::seconds period,
                         std::function<void(const std::string&)> log,
                         std::function<PlaceSummary(const PlaceKey&)> lookup, Transport transport)
    : service_(service),
      period_(period),
      log_(std::move(log)),
      lookup_(std::move(lookup)),
      transport_(std::move(transport)) {}

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
  using Clock = std::chrono::steady_clock;
  const auto tick = transport_ ? std::min<std::chrono::seconds>(period_, std::chrono::seconds(15)) : period_;
  Clock::time_point next_purge = Clock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    if (Clock::now() >= next_purge) {
      next_purge = Clock::now() + period_;
      std::size_t deleted = service_.purge(store::utc_now());
      if (deleted > 0 && log_) log_(std::to_string(deleted) + " compte(s) inactif(s) ou jamais confirmé(s) effacé(s)");
      if (lookup_) {
        std::size_t reminded = send_reminders(service_, lookup_);
        if (reminded > 0 && log_) log_(std::to_string(reminded) + " rappel(s) de confirmation envoyé(s) aux gestionnaires");
      }
    }
    if (transport_) deliver_outbox(service_, transport_);
    lock.lock();
    cv_.wait_for(lock, tick, [this] { return stopping_; });
  }
}

}  // namespace maillage::accounts
