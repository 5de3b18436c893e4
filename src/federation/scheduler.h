// The harvest scheduler inside `maillage serve`: a thread that wakes every `interval`, harvests
// the sources that are due (federation::due_sources: daily by default, failing ones retried
// sooner), then deduplicates when something changed. It uses its own store connection, so the
// server keeps answering while a source is read; the search index follows the change log.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/store.h"

namespace maillage::territory {
class Reference;
}

namespace maillage::federation {

struct SchedulerOptions {
  std::chrono::milliseconds interval{60'000};
  bool deduplicate = true;
  std::filesystem::path data_dir;
  std::function<void(const std::string&)> log;  // one French line per event; may be empty
};

class Scheduler {
 public:
  Scheduler(std::unique_ptr<store::Store> store, const territory::Reference* territory,
            SchedulerOptions options);
  ~Scheduler();  // stops and joins
  void start();
  void stop();
  // Harvests what is due now, on the caller's thread (tests). Returns the number of sources
  // harvested.
  int run_once();

 private:
  std::unique_ptr<store::Store> store_;
  const territory::Reference* territory_;
  SchedulerOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace maillage::federation
