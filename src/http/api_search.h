// The search API under /api/v1: /lieux (search), /lieux/{id}, /territoires. Thin handlers:
// parse the query string, call the search service, serialise.
#pragma once

namespace maillage::http {
class Router;
}
namespace maillage::search {
class Service;
}
namespace maillage::territory {
class Geocoder;
class Reference;
}

namespace maillage::http {

class ResponseCache;

// `cache` (may be null) keeps the answers of /lieux for repeated searches; `geocoder` (may be
// null) places the street addresses typed in autour=.
void add_search_routes(http::Router& server, search::Service& service,
                       const territory::Reference& territory, ResponseCache* cache,
                       const territory::Geocoder* geocoder = nullptr);

}  // namespace maillage::http
