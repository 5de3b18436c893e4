#include "web/page_cache.h"

#include <httplib.h>

#include "common/gzip.h"
#include "search/service.h"
#include "web/forms.h"

namespace maillage::web {
namespace {

void send(const httplib::Request& req, httplib::Response& res, const http::ResponseCache::Entry& e) {
  res.status = e.status;
  for (const auto& [k, v] : e.headers) res.set_header(k, v);
  if (e.gzipped && common::accepts_gzip(req.get_header_value("Accept-Encoding"))) {
    res.set_header("Content-Encoding", "gzip");
    res.set_content(*e.gzipped, e.type.c_str());
  } else {
    res.set_content(*e.body, e.type.c_str());
  }
}

}  // namespace

std::function<void(const httplib::Request&, httplib::Response&)> cached_page(
    std::shared_ptr<Pages> pages, std::shared_ptr<http::ResponseCache> cache, PageHandler handler) {
  return [pages = std::move(pages), cache = std::move(cache), handler](const httplib::Request& req,
                                                                       httplib::Response& res) {
    if (!cache || !cookie(req, kSessionCookie).empty()) return handler(*pages, req, res);
    const http::ResponseCache::Stamp stamp{
        pages->services.search.read([](const search::Index& index) { return index.version(); }),
        unix_now() / 60};
    const std::string key = base_url(*pages->site, req) + '\n' + req.target;
    if (auto kept = cache->get(key, stamp)) return send(req, res, *kept);
    handler(*pages, req, res);
    if (res.status != 200 && res.status != -1) return;
    if (res.has_header("Set-Cookie") || res.has_header("Content-Encoding")) return;
    auto entry = std::make_shared<http::ResponseCache::Entry>();
    entry->type = res.get_header_value("Content-Type");
    for (const auto& [k, v] : res.headers)
      if (k != "Content-Type" && k != "Content-Length") entry->headers.emplace_back(k, v);
    std::string zipped;
    if (res.body.size() >= 512 && common::gzip(res.body, zipped))
      entry->gzipped = std::make_shared<const std::string>(std::move(zipped));
    entry->body = std::make_shared<const std::string>(std::move(res.body));
    entry->status = 200;
    res = httplib::Response();
    send(req, res, *entry);  // the kept copies: the page is not gzipped a second time
    cache->put(key, stamp, std::move(entry));
  };
}

}  // namespace maillage::web
