#include "search/cursor.h"

#include <charconv>
#include <cstdio>
#include <vector>

namespace maillage::search {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(const std::string& in) {
  std::string out;
  std::size_t i = 0;
  while (i + 2 < in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) | static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
    i += 3;
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    if (i + 1 < in.size()) out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> unbase64url(const std::string& in) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::char_traits<char>::find(kAlphabet, 64, c);
    if (!p) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

bool comes_before(const SortKey& a, const SortKey& b) {
  if (a.primary != b.primary) return a.primary > b.primary;
  if (a.secondary != b.secondary) return a.secondary > b.secondary;
  if (a.distance != b.distance) return a.distance < b.distance;
  if (a.text != b.text) return a.text < b.text;
  return a.public_id < b.public_id;
}

std::string encode_cursor(const SortKey& k) {
  char dist[40];
  std::snprintf(dist, sizeof dist, "%.17g", k.distance);
  std::string raw = "1\x1f" + std::to_string(k.primary) + '\x1f' + std::to_string(k.secondary) +
                    '\x1f' + dist + '\x1f' + k.text + '\x1f' + k.public_id;
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
