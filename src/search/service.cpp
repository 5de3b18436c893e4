#include "search/service.h"

#include <algorithm>

namespace maillage::search {

Service::Service(std::unique_ptr<store::Store> store, const territory::Reference& territory)
    : store_(std::move(store)), index_(territory) {}

Service::~Service() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (follower_.joinable()) follower_.join();
}

bool Service::build(std::string& error) {
  const auto start = std::chrono::steady_clock::now();
  std::lock_guard store_lock(store_mutex_);
  std::int64_t seq = store_->last_seq();
  std::unique_lock lock(mutex_);
  index_.reserve(static_cast<std::size_t>(std::max<std::int64_t>(0, store_->count_active())));
  store::Status s = store_->scan([&](const store::StoredPlace& p) { index_.upsert(p); });
  if (!s.ok) {
    error = s.message;
    return false;
  }
  index_.set_applied_seq(seq);
  build_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  return true;
}

Service::Stats Service::stats() const {
  std::shared_lock lock(mutex_);
  return {index_.size(), build_ms_, index_.applied_seq()};
}

std::size_t Service::catch_up() {
  std::lock_guard store_lock(store_mutex_);
  std::size_t applied = 0;
  while (true) {
    std::int64_t from;
    {
      std::shared_lock lock(mutex_);
      from = index_.applied_seq();
    }
    auto changes = store_->changes_since(from, 2000);
    if (changes.empty()) break;
    std::unique_lock lock(mutex_);
    for (const auto& c : changes) index_.apply(c);
    applied += changes.size();
  }
  return applied;
}

void Service::start_following(std::chrono::milliseconds period) {
  follower_ = std::thread([this, period] {
    std::unique_lock lock(stop_mutex_);
    while (!stop_cv_.wait_for(lock, period, [this] { return stopping_; })) {
      lock.unlock();
      catch_up();
      lock.lock();
    }
  });
}

}  // namespace maillage::search
