// A bounded cache of rendered API answers, for the searches people and maps repeat (the same
// commune, the same need, the same map view). An answer is kept with the stamp it was computed
// under (the index's content version and the minute: results say whether each place is open
// now) and served only while the stamp holds; the least recently used answers go first when
// the total size passes the capacity. Thread-safe; sharded so that workers rarely wait on
// one another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace maillage::http {

class ResponseCache {
 public:
  struct Stamp {
    std::uint64_t version = 0;  // the index's content version
    std::int64_t minute = 0;    // Unix minutes
    bool operator==(const Stamp&) const = default;
  };
  struct Entry {
    std::shared_ptr<const std::string> body;
    std::string type;
    // Pages keep their status, headers and a gzipped copy too (web/page_cache.h).
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::shared_ptr<const std::string> gzipped;
  };

  // `capacity_bytes` 0 disables the cache (every get misses, put keeps nothing).
  explicit ResponseCache(std::size_t capacity_bytes);

  // The answer kept for `key` under `stamp`, or null.
  std::shared_ptr<const Entry> get(const std::string& key, const Stamp& stamp);
  void put(const std::string& key, const Stamp& stamp, std::shared_ptr<const Entry> entry);

  std::size_t bytes() const;
  std::uint64_t hits() const;
  std::uint64_t misses() const;

 private:
  struct Item {
    std::string key;
    Stamp stamp;
    std::shared_ptr<const Entry> entry;
    std::size_t bytes = 0;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::list<Item> lru;  // most recently used first
    std::unordered_map<std::string_view, std::list<Item>::iterator> by_key;  // views into lru keys
    std::size_t bytes = 0;
    std::uint64_t hits = 0, misses = 0;
  };
  Shard& shard_of(const std::string& key);
  template <typename T>
  T total(T Shard::*field) const;  // the sum over the shards
  static void erase(Shard& shard, std::list<Item>::iterator it);

  std::size_t shard_capacity_;
  std::vector<Shard> shards_;
};

}  // namespace maillage::http
