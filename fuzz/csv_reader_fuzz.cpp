// Fuzzes the whole read path from raw bytes: encoding and format detection (UTF-8/UTF-16 BOM,
// Windows-1252, CSV separator, JSON vs CSV), the reader, then normalisation of every record
// against the bundled territory reference. The input is passed as is, so any format may come out
// of the detection; the seeds (fuzz/corpus/csv_reader_fuzz) are mostly CSV.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)maillage::fuzz::reference();  // load outside the timed inputs
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  maillage::fuzz::read_and_normalize(std::move(bytes), "fuzz.csv");
  return 0;
}
