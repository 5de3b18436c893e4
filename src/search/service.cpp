#include "search/service.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <optional>

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

namespace {

// Batches of prepared places handed from the reading thread to the indexing one.
class BatchQueue {
 public:
  using Batch = std::vector<PreparedPlace>;
  void push(Batch batch) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [this] { return batches_.size() < kDepth; });
    batches_.push_back(std::move(batch));
    ready_.notify_one();
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_one();
  }
  std::optional<Batch> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return !batches_.empty() || closed_; });
    if (batches_.empty()) return std::nullopt;
    Batch b = std::move(batches_.front());
    batches_.pop_front();
    room_.notify_one();
    return b;
  }

 private:
  static constexpr std::size_t kDepth = 8;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<Batch> batches_;
  bool closed_ = false;
};

}  // namespace

// Three threads: one reads the store and prepares the places (parsing, packing, sort keys),
// one indexes their texts, this one the rest (filters, positions, opening hours, keys).
bool Service::build(std::string& error) {
  const auto start = std::chrono::steady_clock::now();
  std::lock_guard store_lock(store_mutex_);
  std::int64_t seq = store_->last_seq();
  std::unique_lock lock(mutex_);
  if (!index_.fresh()) {
    error = "l'index est déjà construit";
    return false;
  }
  const auto active = static_cast<std::size_t>(std::max<std::int64_t>(0, store_->count_active()));
  index_.reserve(active);
  constexpr std::size_t kBatch = 1024;
  BatchQueue prepared, texts_done;
  store::Status read_status = store::Status::success();
  // The places are numbered in space order (Index::bulk_order_key) a slice of kSlice at a
  // time: the places near each other become a few runs of documents, which makes their
  // bitmaps compact and their set operations fast, while only one slice waits in memory.
  constexpr std::size_t kSlice = std::size_t{1} << 17;
  std::thread reader([&] {
    std::vector<PreparedPlace> slice;
    slice.reserve(std::min(active, kSlice));
    std::vector<std::pair<std::uint64_t, std::uint32_t>> order;
    auto send = [&] {
      order.resize(slice.size());
      for (std::uint32_t i = 0; i < slice.size(); ++i)
        order[i] = {Index::bulk_order_key(slice[i]), i};
      std::sort(order.begin(), order.end());
      BatchQueue::Batch batch;
      for (std::size_t k = 0; k < order.size(); k += kBatch) {
        batch.reserve(kBatch);
        for (std::size_t j = k; j < std::min(order.size(), k + kBatch); ++j)
          batch.push_back(std::move(slice[order[j].second]));
        prepared.push(std::move(batch));
        batch = {};
      }
      slice.clear();
    };
    store::Status unreadable = store::Status::success();
    store::Status scanned = store_->scan_records([&](const store::PlaceRecord& r) {
      PreparedPlace& p = slice.emplace_back();
      if (!Index::prepare(r, p)) {
        slice.pop_back();
        if (unreadable.ok)
          unreadable = store::Status::failure("enregistrement illisible dans la base : " +
                                              std::string(r.source) + " / " + std::string(r.id));
      }
      if (slice.size() == kSlice) send();
    });
    read_status = scanned.ok ? unreadable : scanned;
    send();
    prepared.close();
  });
  index_.begin_bulk();
  std::thread texts([&] {
    std::uint32_t first = 0;
    while (auto batch = prepared.pop()) {
      index_.index_texts(*batch, first);
      first += static_cast<std::uint32_t>(batch->size());
      texts_done.push(std::move(*batch));
    }
    texts_done.close();
  });
  while (auto batch = texts_done.pop())
    for (auto& p : *batch) index_.insert_indexed_texts(std::move(p));
  texts.join();
  reader.join();
  index_.end_bulk();
  if (!read_status.ok) {
    error = read_status.message;
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
    // Changed places sort by their strings until ranked again: rank once they are many.
    if (index_.unranked() > std::max<std::size_t>(10000, index_.size() / 20)) index_.rank();
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
