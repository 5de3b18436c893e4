#include "text/fold.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cstdint>

#include "common/utf8.h"

namespace maillage::text {
namespace {

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

std::string fold_unicode(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString decomposed = U_SUCCESS(status) ? nfd->normalize(in, status) : in;
  if (U_FAILURE(status)) decomposed = in;
  icu::UnicodeString out;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_getCombiningClass(c) != 0 || u_charType(c) == U_NON_SPACING_MARK) continue;
    switch (c) {
      case 0x0152: case 0x0153: out.append(u"oe"); continue;  // Œ œ
      case 0x00C6: case 0x00E6: out.append(u"ae"); continue;  // Æ æ
      case 0x00DF: out.append(u"ss"); continue;               // ß
      case 0x2019: case 0x2018: case 0x02BC: case 0x00B4: case 0x0060:
        out.append(static_cast<UChar>('\'')); continue;
      case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
        out.append(static_cast<UChar>('-')); continue;
      default: break;
    }
    out.append(static_cast<UChar32>(u_foldCase(c, U_FOLD_CASE_DEFAULT)));
  }
  std::string result;
  out.toUTF8String(result);
  return result;
}

// The fold of one code point, before spaces are collapsed. Folding is a per-code-point mapping
// (NFD decomposes each code point on its own, the combining marks it produces are dropped
// whatever their order, simple case folding has no context), so the fold of valid UTF-8 text
// is the concatenation of the folds of its code points. The table holds U+0000..U+07FF (one
// and two UTF-8 bytes: ASCII, Latin-1, Latin Extended, Greek, Cyrillic...), computed once with
// ICU itself; longer sequences (’, –, …) go through ICU as they come.
class FoldTable {
 public:
  static constexpr char32_t kSize = 0x800;
  FoldTable() {
    std::string spelled;
    for (char32_t cp = 0; cp < kSize; ++cp) {
      spelled.clear();
      if (cp < 0x80) {
        spelled += static_cast<char>(cp);
      } else {
        spelled += static_cast<char>(0xC0 | (cp >> 6));
        spelled += static_cast<char>(0x80 | (cp & 0x3F));
      }
      std::string f = fold_unicode(spelled);
      offsets_[cp] = static_cast<std::uint16_t>(bytes_.size());
      bytes_ += f;
    }
    offsets_[kSize] = static_cast<std::uint16_t>(bytes_.size());
  }
  std::string_view operator[](char32_t cp) const {
    return std::string_view(bytes_).substr(offsets_[cp], offsets_[cp + 1] - offsets_[cp]);
  }

 private:
  std::string bytes_;
  std::uint16_t offsets_[kSize + 1];
};

const FoldTable& fold_table() {
  static const FoldTable table;
  return table;
}

// The fold of valid UTF-8 text that is not all ASCII, spaces not yet collapsed.
std::string fold_valid_utf8(std::string_view s) {
  const FoldTable& table = fold_table();
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += table[c];
      ++i;
    } else if (c < 0xE0) {
      char32_t cp = (static_cast<char32_t>(c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
      out += table[cp];
      i += 2;
    } else {
      std::size_t end = i;  // a run of three- and four-byte sequences
      while (end < s.size() && static_cast<unsigned char>(s[end]) >= 0xE0)
        end += static_cast<unsigned char>(s[end]) >= 0xF0 ? 4 : 3;
      out += fold_unicode(s.substr(i, end - i));
      i = end;
    }
  }
  return out;
}

}  // namespace

std::string fold(std::string_view utf8) {
  std::string folded;
  if (is_ascii(utf8)) {
    folded.assign(utf8);
    for (char& c : folded)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  } else if (utf8::is_valid(utf8)) {
    folded = fold_valid_utf8(utf8);
  } else {
    folded = fold_unicode(utf8);  // ICU's replacement of invalid bytes
  }
  return utf8::collapse_spaces(folded);
}

namespace detail {
std::string fold_with_icu(std::string_view utf8) {
  if (is_ascii(utf8)) return fold(utf8);
  return utf8::collapse_spaces(fold_unicode(utf8));
}
}  // namespace detail

std::string fold_key(std::string_view utf8) {
  std::string folded = fold(utf8);
  std::string out;
  out.reserve(folded.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < folded.size();) {
    auto c = static_cast<unsigned char>(folded[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    bool keep;
    if (n == 1) {
      keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    } else {
      UChar32 cp = 0;
      int32_t off = 0;
      U8_NEXT(reinterpret_cast<const uint8_t*>(folded.data() + i), off,
              static_cast<int32_t>(std::min<std::size_t>(n, folded.size() - i)), cp);
      keep = cp >= 0 && u_isalnum(cp);
    }
    if (keep) {
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out.append(folded, i, n);
    } else {
      pending_space = true;
    }
    i += n;
  }
  return out;
}

}  // namespace maillage::text
