#include "http/response_cache.h"

#include <xxhash.h>

namespace maillage::http {
namespace {

constexpr std::size_t kShards = 16;
// What an item costs beyond its body: the key, the list node, the map entry.
constexpr std::size_t kOverhead = 160;

}  // namespace

ResponseCache::ResponseCache(std::size_t capacity_bytes)
    : shard_capacity_(capacity_bytes / kShards), shards_(kShards) {}

ResponseCache::Shard& ResponseCache::shard_of(const std::string& key) {
  return shards_[XXH3_64bits(key.data(), key.size()) % kShards];
}

void ResponseCache::erase(Shard& shard, std::list<Item>::iterator it) {
  shard.bytes -= it->bytes;
  shard.by_key.erase(it->key);
  shard.lru.erase(it);
}

std::shared_ptr<const ResponseCache::Entry> ResponseCache::get(const std::string& key, const Stamp& stamp) {
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  auto found = shard.by_key.find(key);
  if (found == shard.by_key.end()) {
    ++shard.misses;
    return nullptr;
  }
  if (!(found->second->stamp == stamp)) {  // computed before a change or another minute
    erase(shard, found->second);
    ++shard.misses;
    return nullptr;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, found->second);
  ++shard.hits;
  return found->second->entry;
}

void ResponseCache::put(const std::string& key, const Stamp& stamp, std::shared_ptr<const Entry> entry) {
  if (!entry || !entry->body) return;
  std::size_t bytes = entry->body->size() + entry->type.size() + 2 * key.size() + kOverhead;
  if (entry->gzipped) bytes += entry->gzipped->size();
  for (const auto& [k, v] : entry->headers) bytes += k.size() + v.size() + 64;
  if (bytes > shard_capacity_ / 4) return;  // one answer never takes a quarter of a shard
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  if (auto found = shard.by_key.find(key); found != shard.by_key.end()) erase(shard, found->second);
  shard.lru.push_front(Item{key, stamp, std::move(entry), bytes});
  shard.by_key.emplace(shard.lru.front().key, shard.lru.begin());
  shard.bytes += bytes;
  while (shard.bytes > shard_capacity_ && !shard.lru.empty()) erase(shard, std::prev(shard.lru.end()));
}

template <typename T>
T ResponseCache::total(T Shard::*field) const {
  T sum = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    sum += s.*field;
  }
  return sum;
}

std::size_t ResponseCache::bytes() const { return total(&Shard::bytes); }
std::uint64_t ResponseCache::hits() const { return total(&Shard::hits); }
std::uint64_t ResponseCache::misses() const { return total(&Shard::misses); }

}  // namespace maillage::http
