// The search service: owns the index, builds it from the store, and follows the store's change
// log on a background thread so that imports and edits become searchable within a second.
// search() takes a shared lock; applying changes takes the exclusive lock briefly per batch.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "search/index.h"
#include "store/store.h"

namespace maillage::search {

class Service {
 public:
  // `store` is a connection used only by this service (the follower thread reads from it).
  Service(std::unique_ptr<store::Store> store, const territory::Reference& territory);
  ~Service();

  // Index::set_holidays_as_other_days, before build().
  void set_holidays_as_other_days(std::vector<std::string> sources) {
    std::unique_lock lock(mutex_);
    index_.set_holidays_as_other_days(std::move(sources));
  }
  // Loads every active place, then the changes made meanwhile. Returns false on a store error.
  bool build(std::string& error);
  // Applies pending changes of the log now; returns how many were applied.
  std::size_t catch_up();
  // Follows the log every `period` until destruction.
  void start_following(std::chrono::milliseconds period);

  struct Stats {
    std::size_t documents = 0;
    std::int64_t build_ms = 0;  // time of the last build()
    std::int64_t applied_seq = 0;
  };
  Stats stats() const;

  // Runs `fn(index)` under the shared lock.
  template <typename Fn>
  auto read(Fn&& fn) const {
    std::shared_lock lock(mutex_);
    return fn(index_);
  }

 private:
  std::unique_ptr<store::Store> store_;
  Index index_;
  mutable std::shared_mutex mutex_;
  std::mutex store_mutex_;
  std::int64_t build_ms_ = 0;
  std::thread follower_;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

}  // namespace maillage::search
