// A person's browser for end-to-end tests of the account pages: keeps the cookies the server
// sets (session, CSRF), sends forms with the CSRF token as a browser would, follows nothing.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace maillage::testing {

class WebSession {
 public:
  explicit WebSession(int port) : client_("127.0.0.1", port) { client_.set_decompress(false); }

  httplib::Response get(const std::string& path);
  // POSTs `fields` (form-urlencoded); adds jeton=<CSRF cookie> unless `csrf` is false or the
  // fields already hold a "jeton". Fetches a page first when no CSRF cookie is set yet.
  httplib::Response post(const std::string& path,
                         std::vector<std::pair<std::string, std::string>> fields, bool csrf = true);
  // Logs in through the form; true on the redirect that opens the session.
  bool log_in(const std::string& email, const std::string& password);

  std::string cookie(const std::string& name) const;
  void set_cookie(const std::string& name, const std::string& value) { cookies_[name] = value; }
  void forget_cookie(const std::string& name) { cookies_.erase(name); }

 private:
  void keep_cookies(const httplib::Response& res);
  httplib::Headers headers() const;
  httplib::Client client_;
  std::map<std::string, std::string> cookies_;
};

// The link starting with `path` ("/compte/confirmer?jeton=") in the newest e-mail waiting for
// `to` in the outbox of the database `db`, read with `maillage comptes courriels`; empty when
// there is none.
std::string mailed_link(const std::filesystem::path& db, const std::string& to,
                        const std::string& path);

}  // namespace maillage::testing
