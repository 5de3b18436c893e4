#include "web/csrf.h"
#include "web/forms.h"

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
  std::string value = cookie(req, kCsrfCookie);
  return well_formed(value) ? value : std::string();
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
