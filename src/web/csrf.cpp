#include "web/csrf.h"

#include <httplib.h>
#include <sodium.h>

#include <string_view>

namespace maillage::web {
namespace {

constexpr std::size_t kTokenBytes = 32;

bool well_formed(std::string_view token) {
  if (token.size() != kTokenBytes * 2) return false;
  for (char c : token)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string cookie_token(const httplib::Request& req) {
  std::string header = req.get_header_value("Cookie");
  std::string_view rest = header;
  std::string_view prefix = kCsrfCookie;
  while (!rest.empty()) {
    auto end = rest.find(';');
    std::string_view part = rest.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > prefix.size() && part.substr(0, prefix.size()) == prefix &&
        part[prefix.size()] == '=') {
      std::string_view value = part.substr(prefix.size() + 1);
      if (well_formed(value)) return std::string(value);
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return {};
}

}  // namespace

std::string csrf_token(const httplib::Request& req, httplib::Response& res) {
  std::string token = cookie_token(req);
  if (!token.empty()) return token;
  unsigned char bytes[kTokenBytes];
  randombytes_buf(bytes, sizeof bytes);
  char hex[kTokenBytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  token = hex;
  res.set_header("Set-Cookie", std::string(kCsrfCookie) + "=" + token +
                                   "; Path=/; HttpOnly; SameSite=Strict");
  return token;
}

bool csrf_valid(const httplib::Request& req) {
  std::string cookie = cookie_token(req);
  std::string field = req.has_param("jeton") ? req.get_param_value("jeton") : "";
  if (cookie.empty() || !well_formed(field)) return false;
  return sodium_memcmp(cookie.data(), field.data(), cookie.size()) == 0;
}

}  // namespace maillage::web
