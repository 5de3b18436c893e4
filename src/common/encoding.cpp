#include "common/encoding.h"

#include <unicode/unistr.h>

namespace maillage::encoding {
namespace {

// Windows-1252 0x80..0x9F; 0 marks an undefined byte.
constexpr char16_t kHigh[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::string windows1252_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
    } else if (b < 0xA0) {
      char16_t cp = kHigh[b - 0x80];
      append_utf8(out, cp ? cp : 0xFFFD);
    } else {
      append_utf8(out, b);
    }
  }
  return out;
}

std::string utf16_to_utf8_if_bom(std::string_view bytes, bool& converted) {
  converted = false;
  if (bytes.size() < 2) return {};
  auto b0 = static_cast<unsigned char>(bytes[0]), b1 = static_cast<unsigned char>(bytes[1]);
  bool le = b0 == 0xFF && b1 == 0xFE, be = b0 == 0xFE && b1 == 0xFF;
  if (!le && !be) return {};
  icu::UnicodeString u;
  for (std::size_t i = 2; i + 1 < bytes.size(); i += 2) {
    auto lo = static_cast<unsigned char>(bytes[le ? i : i + 1]);
    auto hi = static_cast<unsigned char>(bytes[le ? i + 1 : i]);
    u.append(static_cast<char16_t>(lo | (hi << 8)));
  }
  std::string out;
  u.toUTF8String(out);  // unpaired surrogates become U+FFFD
  converted = true;
  return out;
}

}  // namespace maillage::encoding
