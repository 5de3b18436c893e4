// Private to src/territory: the allocation-light lookup tables behind Reference, built once at
// load time and read-only afterwards (so safe to read from several threads).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace maillage::territory::detail {

inline constexpr std::uint32_t kNoEntry = 0xFFFFFFFF;

// Small integer slots → lists of entry indices, stored flat (one offsets array, one entries
// array) instead of one vector per slot.
class SlotLists {
 public:
  SlotLists() = default;
  // `pairs` holds (slot, entry) with slot < slot_count; each list keeps the order of `pairs`.
  SlotLists(std::uint32_t slot_count,
            const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs);

  // The entries of `slot`; empty when out of range.
  std::span<const std::uint32_t> operator[](std::uint32_t slot) const;
  // For sorting a list in place while building.
  std::span<std::uint32_t> mutable_list(std::uint32_t slot);
  std::uint32_t slot_count() const;

 private:
  std::vector<std::uint32_t> offsets_;  // slot_count + 1 entries
  std::vector<std::uint32_t> entries_;
};

// Open-addressing hash table from string keys to one entry index each. The key views must stay
// valid (and unchanged) as long as the table: the caller owns the characters.
class KeyTable {
 public:
  KeyTable() = default;
  // Room for at most `max_keys` keys.
  explicit KeyTable(std::size_t max_keys);

  // Inserts `key` → `value` when `key` is absent; returns the slot's value either way, which the
  // caller may overwrite (to chain entries that share a key).
  std::uint32_t& try_emplace(std::string_view key, std::uint32_t value);
  // The value of `key`, or kNoEntry.
  std::uint32_t find(std::string_view key) const;

 private:
  std::size_t slot_of(std::string_view key) const;

  std::vector<std::string_view> keys_;
  std::vector<std::uint32_t> values_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace maillage::territory::detail
