// gzip (RFC 1952) of a whole body in memory, with zlib: what the server sends to clients that
// accept it, and what the page cache keeps beside the plain page.
#pragma once

#include <string>
#include <string_view>

namespace maillage::common {

// False (and `out` unspecified) only when zlib fails, which it does not on valid memory.
bool gzip(std::string_view in, std::string& out);

// Whether an Accept-Encoding header accepts gzip: "gzip" or "gzip;q=0.5" do, "gzip;q=0" does not.
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace maillage::common
