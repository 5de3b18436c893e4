// The routing table of the server: which handler answers which method and path, the static
// folders, and the hooks every answer passes through. It knows nothing of sockets: the
// connection layer (http/listener.h) parses a request, hands it to Router::handle on a worker
// thread and writes the answer back.
//
// Requests and answers are cpp-httplib's plain value types (httplib::Request / Response): the
// handlers of every module are written against them, and the library's helpers (query
// parameters, headers, set_content, set_redirect) are well tested. Only cpp-httplib's
// thread-per-connection server is replaced (issue 19: slow and idle clients held its threads).
//
// Thread safety: routes are added before serving starts; handle() is then called from many
// threads at once and only reads the table.
#pragma once

#include <filesystem>
#include <functional>
#include <regex>
#include <string>
#include <vector>

#include <httplib.h>

namespace maillage::http {

class Router {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  // Returns true when it answered the request itself (no route runs then).
  using PreRouting = std::function<bool(const httplib::Request&, httplib::Response&)>;
  using Hook = std::function<void(const httplib::Request&, httplib::Response&)>;

  // `pattern` must match the whole (percent-decoded) path; its groups are in req.matches.
  // HEAD requests are answered by the GET handler, without the body.
  void Get(const std::string& pattern, Handler handler);
  void Post(const std::string& pattern, Handler handler);
  void Put(const std::string& pattern, Handler handler);
  void Patch(const std::string& pattern, Handler handler);
  void Delete(const std::string& pattern, Handler handler);

  // Files under `folder` are served at `prefix`/… (GET and HEAD), with `headers` added. A path
  // that leaves the folder or names no regular file falls through to the next mount point, then
  // to the routes.
  void set_mount_point(const std::string& prefix, const std::filesystem::path& folder,
                       httplib::Headers headers = {});

  // Runs before any route (rate limits).
  void set_pre_routing_handler(PreRouting handler) { pre_routing_ = std::move(handler); }
  // Runs on every answer with a status of 400 or more (an error body for the empty ones).
  void set_error_handler(Hook handler) { error_ = std::move(handler); }
  // Headers every answer carries unless its handler set them.
  void set_default_headers(httplib::Headers headers) { default_headers_ = std::move(headers); }

  // Answers one request: `req.path` (decoded), `req.method`, `req.params`, `req.headers` and
  // `req.body` are filled by the caller. Never throws: a handler's exception becomes a 500.
  void handle(httplib::Request& req, httplib::Response& res) const;

 private:
  struct Route {
    std::regex pattern;
    Handler handler;
  };
  struct Mount {
    std::string prefix;
    std::filesystem::path folder;
    httplib::Headers headers;
  };
  bool serve_file(const httplib::Request& req, httplib::Response& res) const;
  bool dispatch(std::vector<Route> const& routes, httplib::Request& req, httplib::Response& res) const;

  std::vector<Route> get_, post_, put_, patch_, delete_;
  std::vector<Mount> mounts_;
  PreRouting pre_routing_;
  Hook error_;
  httplib::Headers default_headers_;
};

// The type of a static file by its extension ("application/octet-stream" when unknown).
std::string content_type_for(const std::filesystem::path& file);

}  // namespace maillage::http
