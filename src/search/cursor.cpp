#include "search/cursor.h"

#include <sodium.h>

#include <charconv>
#include <cstring>
#include <cstdio>
#include <vector>

namespace maillage::search {
namespace {

std::string base64url(std::string_view in) {
  std::string out(sodium_base64_ENCODED_LEN(in.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(in.data()), in.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> unbase64url(const std::string& in) {
  std::string out(in.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), in.data(), in.size(),
                        nullptr, &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return std::nullopt;
  out.resize(length);
  return out;
}

}  // namespace

bool comes_before(const SortKeyView& a, const SortKeyView& b) {
  if (a.primary != b.primary) return a.primary > b.primary;
  if (a.secondary != b.secondary) return a.secondary > b.secondary;
  if (a.distance != b.distance) return a.distance < b.distance;
  if (a.text != b.text) return a.text < b.text;
  return a.public_id < b.public_id;
}

std::string encode_cursor(const SortKeyView& k) {
  char dist[40];
  std::snprintf(dist, sizeof dist, "%.17g", k.distance);
  std::string raw = "1\x1f" + std::to_string(k.primary) + '\x1f' + std::to_string(k.secondary) +
                    '\x1f' + dist + '\x1f';
  raw.append(k.text).append("\x1f").append(k.public_id);
  return base64url(raw);
}

std::optional<SortKey> decode_cursor(const std::string& cursor) {
  auto raw = unbase64url(cursor);
  if (!raw) return std::nullopt;
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto p = raw->find('\x1f', start);
    parts.push_back(raw->substr(start, p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  if (parts.size() != 6 || parts[0] != "1") return std::nullopt;
  SortKey k;
  auto num = [](const std::string& s, int& out) {
    auto [e, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && e == s.data() + s.size();
  };
  if (!num(parts[1], k.primary) || !num(parts[2], k.secondary)) return std::nullopt;
  auto [e, ec] = std::from_chars(parts[3].data(), parts[3].data() + parts[3].size(), k.distance);
  if (ec != std::errc() || e != parts[3].data() + parts[3].size()) return std::nullopt;
  k.text = parts[4];
  k.public_id = parts[5];
  return k;
}

}  // namespace maillage::search
