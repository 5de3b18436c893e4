// Double-submit CSRF protection for the forms: a random token (libsodium) in a cookie and in a
// hidden field; a POST is accepted only when both are present and equal.
#pragma once

#include <string>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace maillage::web {

inline constexpr const char* kCsrfCookie = "maillage_jeton";

// The request's token when its cookie holds a well-formed one; otherwise a fresh token, set as
// a cookie (HttpOnly, SameSite=Strict, Path=/) on `res`.
std::string csrf_token(const httplib::Request& req, httplib::Response& res);

// True when the cookie and the form field "jeton" hold the same well-formed token (compared in
// constant time).
bool csrf_valid(const httplib::Request& req);

}  // namespace maillage::web
