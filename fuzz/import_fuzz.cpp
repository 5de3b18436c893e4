// Fuzzes the import service end to end: reader, normalisation, batching, and the SQLite store
// (upsert with fingerprints, change log, import runs). One store per process, in a temporary
// file, reused across inputs (recreated now and then so it stays small). Checks:
// - the store never fails on odd input (a fatal error is only allowed when the input itself
//   could not be read);
// - the counts add up;
// - importing the same bytes again changes nothing (the idempotent path).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "exchange/importer.h"
#include "fuzz_support.h"
#include "store/store.h"

namespace {

namespace fs = std::filesystem;
using namespace maillage;

constexpr int kInputsPerStore = 5000;

// Never destroyed: the exit handler below uses them after static destructors may have run.
const fs::path& db_path() {
  static const fs::path* path = new fs::path(
      fs::temp_directory_path() / ("maillage-import-fuzz-" + std::to_string(getpid()) + ".db"));
  return *path;
}

void remove_db() {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_path().string() + suffix, ec);
}

std::unique_ptr<store::Store>& the_store() {
  static auto* store = new std::unique_ptr<store::Store>();
  return *store;
}

store::Store& fresh_store_if_due() {
  static int inputs = 0;
  auto& store = the_store();
  if (!store || ++inputs % kInputsPerStore == 0) {
    store.reset();
    remove_db();
    std::string error;
    store = store::open_sqlite(db_path(), error);
    if (!store) {
      std::fprintf(stderr, "import_fuzz: cannot open %s: %s\n", db_path().c_str(), error.c_str());
      std::abort();
    }
  }
  return *store;
}

void check(const exchange::FileReport& r, const char* pass) {
  // format is set once the reader is open: from there on, only the store can fail.
  if (!r.format.empty() && !r.ok()) {
    std::fprintf(stderr, "import_fuzz (%s): store failure: %s\n", pass, r.fatal.c_str());
    std::abort();
  }
  if (r.added + r.updated + r.unchanged > r.read) {
    std::fprintf(stderr, "import_fuzz (%s): %lld written for %lld read\n", pass,
                 static_cast<long long>(r.added + r.updated + r.unchanged),
                 static_cast<long long>(r.read));
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fuzz::reference();
  (void)db_path();
  (void)the_store();
  std::atexit([] {
    the_store().reset();
    remove_db();
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  store::Store& store = fresh_store_if_due();
  exchange::Options options;
  options.today = fuzz::kToday;
  options.batch_size = 7;  // several transactions even for small inputs
  std::string bytes(reinterpret_cast<const char*>(data), size);

  auto first = exchange::import_bytes(bytes, "fuzz.csv", &store, &fuzz::reference(), options);
  check(first, "first import");
  auto again = exchange::import_bytes(bytes, "fuzz.csv", &store, &fuzz::reference(), options);
  check(again, "second import");
  if (first.format.empty()) return 0;
  if (again.added != 0 || again.updated != 0 || again.read != first.read ||
      again.unchanged != first.added + first.updated + first.unchanged) {
    std::fprintf(stderr,
                 "import_fuzz: re-import is not idempotent: first read=%lld added=%lld "
                 "updated=%lld unchanged=%lld; again read=%lld added=%lld updated=%lld "
                 "unchanged=%lld\n",
                 static_cast<long long>(first.read), static_cast<long long>(first.added),
                 static_cast<long long>(first.updated), static_cast<long long>(first.unchanged),
                 static_cast<long long>(again.read), static_cast<long long>(again.added),
                 static_cast<long long>(again.updated), static_cast<long long>(again.unchanged));
    std::abort();
  }
  return 0;
}
