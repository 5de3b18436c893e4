// Public pages as anonymous visitors see them, kept for the requests people repeat (the home
// page, a commune's search, a popular place): rendering a page costs milliseconds, serving a
// kept one microseconds (issue 19: the search page served 723 requests/s).
//
// A page is kept under the site's address as the page writes it (web/site.h base_url), its path
// and its query string, and served only while the index's content version and the minute are
// those it was rendered under (pages say whether places are open now). Never kept: answers
// other than 200, answers that set a cookie, pages asked by a signed-in person (their pages
// carry their links and forms).
#pragma once

#include <memory>

#include "http/response_cache.h"
#include "web/pages.h"

namespace maillage::web {

// `handler` answered through `cache` (null: not cached).
std::function<void(const httplib::Request&, httplib::Response&)> cached_page(
    std::shared_ptr<Pages> pages, std::shared_ptr<http::ResponseCache> cache, PageHandler handler);

}  // namespace maillage::web
