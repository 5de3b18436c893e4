#include "search/bitmaps.h"

namespace maillage::search {
namespace {

constexpr int kBitsetWords = 1024;  // a bitset container: 2^16 bits

std::uint64_t count_and_portable(const std::uint64_t* a, const std::uint64_t* b) {
  std::uint64_t n = 0;
  for (int i = 0; i < kBitsetWords; ++i)
    n += static_cast<std::uint64_t>(__builtin_popcountll(a[i] & b[i]));
  return n;
}

#if defined(__x86_64__)
__attribute__((target("popcnt"))) std::uint64_t count_and_popcnt(const std::uint64_t* a,
                                                                 const std::uint64_t* b) {
  std::uint64_t n = 0;
  for (int i = 0; i < kBitsetWords; ++i)
    n += static_cast<std::uint64_t>(__builtin_popcountll(a[i] & b[i]));
  return n;
}
// Read while static objects are made: __builtin_cpu_init first (GCC's rule for checks made
// before main).
const bool kHasPopcnt = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("popcnt") != 0;
}();
#endif

std::uint64_t count_and(const std::uint64_t* a, const std::uint64_t* b) {
#if defined(__x86_64__)
  if (kHasPopcnt) return count_and_popcnt(a, b);
#endif
  return count_and_portable(a, b);
}

}  // namespace

std::uint64_t and_cardinality(const Roaring& a, const Roaring& b) {
  const roaring_array_t& ra = a.roaring.high_low_container;
  const roaring_array_t& rb = b.roaring.high_low_container;
  std::uint64_t total = 0;
  std::int32_t i = 0, j = 0;
  while (i < ra.size && j < rb.size) {
    const std::uint16_t ka = ra.keys[i], kb = rb.keys[j];
    if (ka < kb) {
      ++i;
    } else if (kb < ka) {
      ++j;
    } else {
      std::uint8_t ta = ra.typecodes[i], tb = rb.typecodes[j];
      const void* ca = container_unwrap_shared(ra.containers[i], &ta);
      const void* cb = container_unwrap_shared(rb.containers[j], &tb);
      if (ta == BITSET_CONTAINER_TYPE_CODE && tb == BITSET_CONTAINER_TYPE_CODE) {
        total += count_and(static_cast<const bitset_container_t*>(ca)->array,
                           static_cast<const bitset_container_t*>(cb)->array);
      } else {
        total += static_cast<std::uint64_t>(container_and_cardinality(ca, ta, cb, tb));
      }
      ++i;
      ++j;
    }
  }
  return total;
}

bool mostly_bitsets(const Roaring& r) {
  const roaring_array_t& ra = r.roaring.high_low_container;
  std::int32_t bitsets = 0;
  for (std::int32_t i = 0; i < ra.size; ++i) {
    std::uint8_t type = ra.typecodes[i];
    container_unwrap_shared(ra.containers[i], &type);
    bitsets += type == BITSET_CONTAINER_TYPE_CODE;
  }
  return 2 * bitsets > ra.size;
}

}  // namespace maillage::search
