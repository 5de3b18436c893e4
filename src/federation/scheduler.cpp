#include "federation/scheduler.h"

#include "federation/dedup.h"
#include "federation/harvest.h"

namespace maillage::federation {

Scheduler::Scheduler(std::unique_ptr<store::Store> store, const territory::Reference* territory,
                     SchedulerOptions options)
    : store_(std::move(store)), territory_(territory), options_(std::move(options)) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      run_once();
      lock.lock();
      wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
    }
  });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int Scheduler::run_once() {
  auto log = [this](const std::string& line) {
    if (options_.log) options_.log(line);
  };
  int harvested = 0;
  bool changed = false;
  for (const auto& source : due_sources(*store_, std::chrono::system_clock::now())) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    HarvestOptions options;
    options.base_dir = options_.data_dir;
    HarvestReport r = harvest(*store_, territory_, source, options);
    ++harvested;
    changed |= r.import.added + r.import.updated + r.withdrawn > 0;
    std::string line = "moisson " + r.source + " : " + r.status;
    if (r.status == "ok" || r.status == "retraits_suspendus")
      line += " (" + std::to_string(r.import.added) + " ajoutés, " +
              std::to_string(r.import.updated) + " modifiés, " + std::to_string(r.withdrawn) +
              " retirés)";
    if (!r.message.empty()) line += " — " + r.message;
    log(line);
  }
  // Also when an earlier harvest or deduplication was interrupted (the sources may say
  // "unchanged" now while the merged places are behind them).
  if (options_.deduplicate && (changed || dedup_due(*store_))) {
    DedupReport d = deduplicate(*store_);
    log(d.error.empty() ? "dédoublonnage : " + std::to_string(d.clusters) + " lieux fusionnés"
                        : "dédoublonnage impossible : " + d.error);
  }
  return harvested;
}

}  // namespace maillage::federation
