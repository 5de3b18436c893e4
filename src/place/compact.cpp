#include "place/compact.h"

namespace maillage::place {
namespace {

void put_length(std::string& out, std::size_t n) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7F) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

std::size_t get_length(std::string_view data, std::size_t& at) {
  std::size_t n = 0;
  for (int shift = 0; at < data.size(); shift += 7) {
    const auto b = static_cast<unsigned char>(data[at++]);
    n |= static_cast<std::size_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) break;
  }
  return n;
}

}  // namespace

CompactPlace::CompactPlace(const Place& p) {
  std::size_t total = 0;
  for (const auto& v : p.values) total += v.size() + 1;
  data_.reserve(total + 8);
  for (const auto& v : p.values) {
    put_length(data_, v.size());
    data_ += v;
  }
  data_.shrink_to_fit();
}

std::string_view CompactPlace::operator[](Field f) const {
  if (data_.empty()) return {};
  std::size_t at = 0;
  for (std::size_t k = 0;; ++k) {
    const std::size_t n = get_length(data_, at);
    if (k == static_cast<std::size_t>(f)) return std::string_view(data_).substr(at, n);
    at += n;
  }
}

CompactPlace::Views CompactPlace::views() const {
  Views out{};
  if (data_.empty()) return out;
  std::size_t at = 0;
  for (auto& v : out) {
    const std::size_t n = get_length(data_, at);
    v = std::string_view(data_).substr(at, n);
    at += n;
  }
  return out;
}

Place CompactPlace::unpack() const {
  Place p;
  if (data_.empty()) return p;
  std::size_t at = 0;
  for (auto& v : p.values) {
    const std::size_t n = get_length(data_, at);
    v.assign(data_, at, n);
    at += n;
  }
  return p;
}

}  // namespace maillage::place
