#include "support/web_session.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace maillage::testing {

void WebSession::keep_cookies(const httplib::Response& res) {
  for (const auto& [k, v] : res.headers) {
    if (k != "Set-Cookie") continue;
    auto eq = v.find('=');
    auto end = v.find(';');
    if (eq == std::string::npos) continue;
    std::string name = v.substr(0, eq), value = v.substr(eq + 1, end == std::string::npos ? std::string::npos : end - eq - 1);
    if (v.find("Max-Age=0") != std::string::npos || value.empty())
      cookies_.erase(name);
    else
      cookies_[name] = value;
  }
}

httplib::Headers WebSession::headers() const {
  std::string c;
  for (const auto& [k, v] : cookies_) c += (c.empty() ? "" : "; ") + k + "=" + v;
  httplib::Headers h;
  if (!c.empty()) h.emplace("Cookie", c);
  return h;
}

std::string WebSession::cookie(const std::string& name) const {
  auto it = cookies_.find(name);
  return it == cookies_.end() ? "" : it->second;
}

httplib::Response WebSession::get(const std::string& path) {
  auto r = client_.Get(path, headers());
  if (!r) {
    ADD_FAILURE() << "GET " << path << " : " << httplib::to_string(r.error());
    httplib::Response empty;
    empty.status = -1;
    return empty;
  }
  keep_cookies(*r);
  return *r;
}

httplib::Response WebSession::post(const std::string& path,
                                   std::vector<std::pair<std::string, std::string>> fields, bool csrf) {
  if (csrf && cookie("maillage_jeton").empty()) get("/compte/connexion");
  bool has_token = false;
  for (const auto& [k, v] : fields) has_token |= k == "jeton";
  if (csrf && !has_token) fields.emplace_back("jeton", cookie("maillage_jeton"));
  httplib::Params params;
  for (auto& [k, v] : fields) params.emplace(k, v);
  auto r = client_.Post(path, headers(), params);
  if (!r) {
    ADD_FAILURE() << "POST " << path << " : " << httplib::to_string(r.error());
    httplib::Response empty;
    empty.status = -1;
    return empty;
  }
  keep_cookies(*r);
  return *r;
}

bool WebSession::log_in(const std::string& email, const std::string& password) {
  auto r = post("/compte/connexion", {{"courriel", email}, {"mot_de_passe", password}, {"retour", "/compte"}});
  return r.status == 303 && !cookie("maillage_session").empty();
}

std::string mailed_link(const std::filesystem::path& db, const std::string& to,
                        const std::string& path) {
  auto r = run_maillage({"comptes", "courriels", "--db", db.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string found;
  for (std::size_t at = 0; (at = r.out.find("À : " + to + "\n", at)) != std::string::npos;) {
    auto end = r.out.find("\n----\n", at);
    std::string mail = r.out.substr(at, end - at);
    if (auto l = mail.find(path); l != std::string::npos)
      found = mail.substr(l, mail.find('\n', l) - l);
    at = end;
  }
  return found;
}

}  // namespace maillage::testing
