// Handing freed memory back to the system at the end of a phase that freed a lot of it.
#pragma once

namespace maillage::common {

// Returns the allocator's freed pages to the system now. The program runs on jemalloc, which
// keeps freed pages for up to 10 s for reuse: at the end of the index build at a million places
// they were 50 to 100 MB, counted in the peak memory by whatever the build allocated next.
// Does nothing under another allocator (tests, sanitizers).
void release_free_memory();

}  // namespace maillage::common
