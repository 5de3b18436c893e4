#include "territory/flat_index.h"

#include <cassert>
#include <functional>

namespace maillage::territory::detail {

SlotLists::SlotLists(std::uint32_t slot_count,
                     const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs)
    : offsets_(slot_count + 1, 0), entries_(pairs.size()) {
  for (const auto& [slot, entry] : pairs) {
    assert(slot < slot_count);
    ++offsets_[slot + 1];
  }
  for (std::uint32_t s = 0; s < slot_count; ++s) offsets_[s + 1] += offsets_[s];
  std::vector<std::uint32_t> next(offsets_.begin(), offsets_.end() - 1);
  for (const auto& [slot, entry] : pairs) entries_[next[slot]++] = entry;
}

std::span<const std::uint32_t> SlotLists::operator[](std::uint32_t slot) const {
  if (slot >= slot_count()) return {};
  return {entries_.data() + offsets_[slot], offsets_[slot + 1] - offsets_[slot]};
}

std::span<std::uint32_t> SlotLists::mutable_list(std::uint32_t slot) {
  if (slot >= slot_count()) return {};
  return {entries_.data() + offsets_[slot], offsets_[slot + 1] - offsets_[slot]};
}

std::uint32_t SlotLists::slot_count() const {
  return offsets_.empty() ? 0 : static_cast<std::uint32_t>(offsets_.size() - 1);
}

KeyTable::KeyTable(std::size_t max_keys) {
  std::size_t capacity = 16;
  while (capacity < max_keys * 2) capacity *= 2;  // load factor at most 1/2
  keys_.resize(capacity);
  values_.assign(capacity, kNoEntry);
  mask_ = capacity - 1;
}

std::size_t KeyTable::slot_of(std::string_view key) const {
  return std::hash<std::string_view>{}(key)&mask_;
}

std::uint32_t& KeyTable::try_emplace(std::string_view key, std::uint32_t value) {
  assert(!values_.empty() && value != kNoEntry);
  for (std::size_t slot = slot_of(key);; slot = (slot + 1) & mask_) {
    if (values_[slot] == kNoEntry) {
      ++size_;
      assert(size_ <= (mask_ + 1) / 2 && "KeyTable: more keys than announced");
      keys_[slot] = key;
      values_[slot] = value;
      return values_[slot];
    }
    if (keys_[slot] == key) return values_[slot];
  }
}

std::uint32_t KeyTable::find(std::string_view key) const {
  if (values_.empty()) return kNoEntry;
  for (std::size_t slot = slot_of(key);; slot = (slot + 1) & mask_) {
    if (values_[slot] == kNoEntry) return kNoEntry;
    if (keys_[slot] == key) return values_[slot];
  }
}

}  // namespace maillage::territory::detail
