// Private to src/web: the loaded site and the helpers the page handlers share.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/rate_limit.h"
#include "search/index.h"
#include "search/query.h"
#include "web/opening.h"
#include "web/templates.h"
#include "web/web.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace maillage::web {

class Site {
 public:
  explicit Site(const Options& o)
      : options(o),
        reports(o.reports_per_10_minutes / 10.0, o.reports_per_10_minutes),
        writes(o.writes_per_minute, o.writes_per_minute),
        logins(o.logins_per_minute, o.logins_per_minute),
        signups(0.5, 5),
        contacts(o.contacts_per_hour / 60.0, o.contacts_per_hour) {}
  Options options;
  std::string tile_origin;  // "https://tile.openstreetmap.org", for the CSP; "" without tiles
  Templates templates;
  http::RateLimiter reports;  // error reports per client address
  http::RateLimiter writes;   // account writes (edits, claims, decisions) per account
  http::RateLimiter logins;   // login attempts per client address
  http::RateLimiter signups;  // sign-ups and reset requests per client address
  http::RateLimiter contacts;  // messages to experts (relay form) per client address
  // "Orienter une personne": e-mails to a person, per account (20 an hour, bursts of 10).
  http::RateLimiter orientation_mails{20.0 / 60, 10};
  Data api_paths = Data(Data::type::list);  // from the OpenAPI document, for /donnees
};

using Params = std::multimap<std::string, std::string>;

// Percent-encoding of a query-string component (RFC 3986 unreserved characters kept).
std::string url_encode(std::string_view s);
// "a=1&b=2" from the parameters, in order.
std::string query_string(const Params& params);
// French number with a no-break space between thousands: 2 415.
std::string french_count(std::uint64_t n);
// "1,2 km", "350 m".
std::string french_distance(double km);

// The base URL for absolute links (QR codes, embed snippets): the configured one, else
// "http://" + the request's Host header when it is a plain host[:port], else "".
std::string base_url(const Site& site, const httplib::Request& req);

// Sends an HTML page with the security headers; `framable` only for the widget.
void send_html(const Site& site, httplib::Response& res, std::string html, bool framable = false,
               int status = 200);
// A short page with a title and a message (errors, confirmations).
void send_message(const Site& site, httplib::Response& res, int status, const std::string& title,
                  const std::string& message);

// « Vouliez-vous dire Saint-Denis (93) ou Saint-Denis (974) ? »: sets lieu_suggestions (each
// place's label, the search `base` on `path` with it as autour= and no cursor, the separator
// before the next) and has_lieu_suggestions in `d`.
void place_suggestions_data(Data& d, const Params& base, std::string_view path,
                            const std::vector<std::string>& places);

// Sets the layout fields shared by every page (title, navigation, map settings) in `d`.
void add_page_fields(Data& d, const Site& site, const std::string& title, std::string_view active_nav);
inline Data page_data(const Site& site, const std::string& title, std::string_view active_nav) {
  Data d;
  add_page_fields(d, site, title, active_nav);
  return d;
}

// ---- The search as the pages run it. ----

struct PageSearch {
  Params api_params;           // the request's parameters the API understands, empties dropped
  std::optional<search::Query> query;
  search::QueryError error;    // when !query
  bool searched = false;       // the person asked for something (any parameter)
  int page = 1;                // display only: the rank of the first result is (page-1)*limit+1
};

// The number of a "page" parameter (the web pages' paging): 1 to 10,000, else 0.
int page_number(std::string_view v);

// Reads the request's query string: web-only parameters (page) apart, empty values dropped,
// `default_limit` when limite is absent, `max_limit` enforced; `geocoder` (may be null) places
// the street addresses typed in "Où ?".
PageSearch read_search(const Params& request_params, const territory::Reference& territory,
                       std::size_t default_limit, std::size_t max_limit,
                       const territory::Geocoder* geocoder = nullptr);

// One result as the pages show it.
Data result_data(const search::Document& doc, const search::Hit& hit, std::int64_t now,
                 bool with_week);

std::int64_t unix_now();

}  // namespace maillage::web
