#include "support/ban_server.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "support/test_support.h"
#include "text/fold.h"

namespace maillage::testing {
namespace {

std::vector<std::string> ban_words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text::fold_key(text));
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

BanServer::BanServer() {
  features_ = nlohmann::json::parse(
      read_file(repo_dir() / "tests/fixtures/ban/adresses.geojson"))["features"];
  server_.Get("/search/", [this](const httplib::Request& req, httplib::Response& res) {
    ++hits_;
    std::lock_guard lock(mutex_);
    last_q_ = req.get_param_value("q");
    last_limit_ = req.get_param_value("limit");
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    if (status_ != 200) {
      res.status = status_;
      res.set_content("{\"code\":" + std::to_string(status_) + "}", "application/json");
      return;
    }
    if (!body_.empty()) return res.set_content(body_, "application/json");
    res.set_content(answer(last_q_, std::atoi(last_limit_.c_str())).dump(), "application/json");
  });
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

BanServer::~BanServer() {
  server_.stop();
  thread_.join();
}

std::string BanServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void BanServer::fail_with(int status) {
  std::lock_guard lock(mutex_);
  status_ = status;
}

void BanServer::answer_body(std::string body) {
  std::lock_guard lock(mutex_);
  body_ = std::move(body);
}

void BanServer::delay(std::chrono::milliseconds d) {
  std::lock_guard lock(mutex_);
  delay_ = d;
}

std::pair<std::string, std::string> BanServer::last_request() {
  std::lock_guard lock(mutex_);
  return {last_q_, last_limit_};
}

nlohmann::json BanServer::answer(const std::string& q, int limit) const {
  const std::vector<std::string> asked = ban_words(q);
  std::vector<std::pair<double, nlohmann::json>> scored;
  for (nlohmann::json feature : features_) {
    const std::vector<std::string> has = ban_words(feature["properties"]["label"]);
    const auto common = std::count_if(asked.begin(), asked.end(), [&](const std::string& w) {
      return std::find(has.begin(), has.end(), w) != has.end();
    });
    if (common == 0) continue;
    const double score =
        static_cast<double>(common) / static_cast<double>(std::max(asked.size(), has.size()));
    feature["properties"]["score"] = score;
    scored.emplace_back(score, std::move(feature));
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  nlohmann::json out = {{"type", "FeatureCollection"},
                        {"version", "draft"},
                        {"query", q},
                        {"limit", limit},
                        {"features", nlohmann::json::array()}};
  for (std::size_t i = 0; i < scored.size() && static_cast<int>(i) < limit; ++i)
    out["features"].push_back(scored[i].second);
  return out;
}

}  // namespace maillage::testing
