#include "common/memory.h"

#include <cstddef>

// jemalloc's control interface, linked into the program only (not into tests and sanitizer
// builds): a weak reference is null where it is absent.
extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp, void* newp,
                       std::size_t newlen) __attribute__((weak));

namespace maillage::common {

void release_free_memory() {
  // "arena.<MALLCTL_ARENAS_ALL>.purge": every arena's unused dirty pages, returned at once.
  if (mallctl != nullptr) mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
}

}  // namespace maillage::common
