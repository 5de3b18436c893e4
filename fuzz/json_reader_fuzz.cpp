// Fuzzes the JSON and GeoJSON read paths, then normalisation of every record against the
// bundled territory reference. The input is steered to a JSON reader:
// - first byte odd: the input is taken as the inside of a GeoJSON "features" array
//   ({"type":"FeatureCollection","features":[ + input), so Feature fragments are read by the
//   GeoJSON reader ('{' is odd: a seed "{"type":"Feature",...}" lands here);
// - first byte even: the input is read as is when it starts (after white space) with '[' or '{'
//   (whole documents: seed "\n[...]" or "\n{"type":"FeatureCollection",...}"), else as the inside
//   of a JSON array ("[" + input).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"

namespace {

bool starts_json_document(const std::string& s) {
  std::size_t i = s.find_first_not_of(" \t\r\n");
  return i != std::string::npos && (s[i] == '[' || s[i] == '{');
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)maillage::fuzz::reference();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  std::string bytes;
  const char* name = "fuzz.json";
  if (size > 0 && (data[0] & 1) != 0) {
    bytes = R"({"type":"FeatureCollection","features":[)" + input;
    name = "fuzz.geojson";
  } else if (starts_json_document(input)) {
    bytes = std::move(input);
  } else {
    bytes = "[" + input;
  }
  maillage::fuzz::read_and_normalize(std::move(bytes), name);
  return 0;
}
