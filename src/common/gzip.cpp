#include "common/gzip.h"

#include <zlib.h>

#include <cstdlib>

namespace maillage::common {

bool gzip(std::string_view in, std::string& out) {
  z_stream z{};
  // 15 window bits + 16: a gzip header and trailer instead of zlib's; level 6 (zlib's default).
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  out.resize(deflateBound(&z, static_cast<uLong>(in.size())) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END;
}

bool accepts_gzip(std::string_view v) {
  const auto at = v.find("gzip");
  if (at == std::string_view::npos) return false;
  const auto end = v.find(',', at);
  const std::string rest(v.substr(at + 4, end == std::string_view::npos ? std::string_view::npos : end - at - 4));
  const auto q = rest.find("q=");
  return q == std::string::npos || std::strtod(rest.c_str() + q + 2, nullptr) > 0;
}

}  // namespace maillage::common
