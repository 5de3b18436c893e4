#include "http/router.h"

#include <fstream>
#include <iterator>
#include <system_error>

#include <spdlog/spdlog.h>

namespace maillage::http {

void Router::Get(const std::string& pattern, Handler handler) { get_.push_back({std::regex(pattern), std::move(handler)}); }
void Router::Post(const std::string& pattern, Handler handler) { post_.push_back({std::regex(pattern), std::move(handler)}); }
void Router::Put(const std::string& pattern, Handler handler) { put_.push_back({std::regex(pattern), std::move(handler)}); }
void Router::Patch(const std::string& pattern, Handler handler) { patch_.push_back({std::regex(pattern), std::move(handler)}); }
void Router::Delete(const std::string& pattern, Handler handler) { delete_.push_back({std::regex(pattern), std::move(handler)}); }

void Router::set_mount_point(const std::string& prefix, const std::filesystem::path& folder,
                             httplib::Headers headers) {
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(folder, ec);
  mounts_.push_back({prefix, ec ? folder : canonical, std::move(headers)});
}

std::string content_type_for(const std::filesystem::path& file) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".css", "text/css"},          {".js", "text/javascript"},      {".mjs", "text/javascript"},
      {".json", "application/json"}, {".svg", "image/svg+xml"},       {".png", "image/png"},
      {".jpg", "image/jpeg"},        {".jpeg", "image/jpeg"},         {".gif", "image/gif"},
      {".webp", "image/webp"},       {".ico", "image/x-icon"},        {".woff2", "font/woff2"},
      {".woff", "font/woff"},        {".txt", "text/plain; charset=utf-8"},
      {".html", "text/html; charset=utf-8"}, {".map", "application/json"},
      {".webmanifest", "application/manifest+json"}, {".pdf", "application/pdf"},
      {".xml", "application/xml"},   {".csv", "text/csv; charset=utf-8"},
  };
  const std::string ext = file.extension().string();
  for (const auto& [e, type] : kTypes)
    if (ext == e) return type;
  return "application/octet-stream";
}

bool Router::serve_file(const httplib::Request& req, httplib::Response& res) const {
  for (const auto& m : mounts_) {
    if (req.path.size() <= m.prefix.size() || req.path.compare(0, m.prefix.size(), m.prefix) != 0 ||
        req.path[m.prefix.size()] != '/')
      continue;
    const std::string rest = req.path.substr(m.prefix.size() + 1);
    // No way out of the folder: no "..", no empty or hidden segment, no backslash or NUL.
    if (rest.empty() || rest.find('\0') != std::string::npos || rest.find('\\') != std::string::npos)
      continue;
    bool clean = true;
    std::size_t start = 0;
    while (start <= rest.size()) {
      std::size_t end = rest.find('/', start);
      if (end == std::string::npos) end = rest.size();
      if (end == start || rest[start] == '.') clean = false;
      start = end + 1;
    }
    if (!clean) continue;
    const auto file = m.folder / rest;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) continue;
    std::ifstream in(file, std::ios::binary);
    if (!in) continue;
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const auto& [k, v] : m.headers) res.set_header(k, v);
    res.status = 200;
    res.set_content(std::move(body), content_type_for(file).c_str());
    return true;
  }
  return false;
}

bool Router::dispatch(const std::vector<Route>& routes, httplib::Request& req, httplib::Response& res) const {
  for (const auto& r : routes) {
    if (std::regex_match(req.path, req.matches, r.pattern)) {
      r.handler(req, res);
      return true;
    }
  }
  return false;
}

void Router::handle(httplib::Request& req, httplib::Response& res) const {
  res.status = -1;
  try {
    bool routed = pre_routing_ && pre_routing_(req, res);
    const bool head = req.method == "HEAD";
    if (!routed && (req.method == "GET" || head)) routed = serve_file(req, res);
    if (!routed) {
      if (req.method == "GET" || head) routed = dispatch(get_, req, res);
      else if (req.method == "POST") routed = dispatch(post_, req, res);
      else if (req.method == "PUT") routed = dispatch(put_, req, res);
      else if (req.method == "PATCH") routed = dispatch(patch_, req, res);
      else if (req.method == "DELETE") routed = dispatch(delete_, req, res);
      else if (req.method != "OPTIONS") {
        res.status = 405;
        routed = true;
      }
    }
    if (res.status == -1) res.status = routed ? 200 : 404;
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", req.method, req.path, e.what());
    res = httplib::Response();
    res.status = 500;
  } catch (...) {
    spdlog::error("{} {}: unknown exception", req.method, req.path);
    res = httplib::Response();
    res.status = 500;
  }
  if (res.status >= 400 && error_) {
    try {
      error_(req, res);
    } catch (...) {
    }
  }
  for (const auto& [k, v] : default_headers_)
    if (!res.has_header(k.c_str())) res.set_header(k, v);
}

}  // namespace maillage::http
