// Private to src/web: the page handlers, grouped by the files that define them.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "http/router.h"
#include "web/site.h"

namespace maillage::web {

struct Pages {
  std::shared_ptr<Site> site;
  Services services;
};

// A route of a personal page (accounts, forms, orientation): the handler, answered with
// Cache-Control: no-store.
using PageHandler = void (*)(Pages&, const httplib::Request&, httplib::Response&);
inline auto no_store_page(std::shared_ptr<Pages> pages, PageHandler handler) {
  // Generic: httplib's types are complete only where the routes are registered.
  return [pages = std::move(pages), handler](const auto& req, auto& res) {
    res.set_header("Cache-Control", "no-store");
    handler(*pages, req, res);
  };
}

// search_pages.cpp
// Runs the page's search and fills results and paging (in one read of the index), and with
// `with_form` the search form with its facet counts (the widget and the printed list show no
// form: they do not pay for the facets). `path` is the page's own path, for the paging links.
Data run_search_data(const PageSearch& s, Pages& pages, bool with_week, std::string_view path,
                     bool with_form);
void home_page(Pages& pages, const httplib::Request& req, httplib::Response& res);
// The points of a search for the map, compact: {"total":N,"lieux":[[id,nom,commune,lat,lon]…]}
// (at most 500 by default, limite up to 1000).
void map_points(Pages& pages, const httplib::Request& req, httplib::Response& res);
void widget_page(Pages& pages, const httplib::Request& req, httplib::Response& res);
void embed_code_page(Pages& pages, const httplib::Request& req, httplib::Response& res);
void sheet_list_page(Pages& pages, const httplib::Request& req, httplib::Response& res);

// place_pages.cpp
void place_page(Pages& pages, const httplib::Request& req, httplib::Response& res);
void place_sheet_page(Pages& pages, const httplib::Request& req, httplib::Response& res);
void report_form_page(Pages& pages, const httplib::Request& req, httplib::Response& res);
void report_submit(Pages& pages, const httplib::Request& req, httplib::Response& res);

// place_pages.cpp: the document of a public id, from the index.
std::optional<search::Document> find_place(Pages& pages, const std::string& id);

// account_pages.cpp: sign-up, login, password reset, the account, claims, editing, moderation,
// history, confirmation, administrators' pages (docs/accounts.md).
void add_account_routes(http::Router& server, std::shared_ptr<Pages> pages);
// Fields the place page adds for the person viewing it (manage, edit, history links).
void add_account_place_fields(Pages& pages, const httplib::Request& req, httplib::Response& res,
                              const search::Document& doc,
                              Data& d);

// expert_pages.cpp: the directory of experts, their public profiles, the relay contact form and
// one's own profile (docs/experts.md); called by add_account_routes.
void add_expert_routes(http::Router& server, std::shared_ptr<Pages> pages);
// expert_profile_pages.cpp: a person's own expert profile (/compte/expert).
void expert_profile_page(Pages& pages, const httplib::Request& req, httplib::Response& res);
void expert_profile_submit(Pages& pages, const httplib::Request& req, httplib::Response& res);
void expert_delete_page(Pages& pages, const httplib::Request& req, httplib::Response& res);
void expert_delete_submit(Pages& pages, const httplib::Request& req, httplib::Response& res);

// orientation_pages.cpp: "Orienter une personne" for signed-in accounts (/orienter, its sheet
// /orienter/fiche and its e-mail /orienter/courriel); served when accounts are.
void add_orientation_routes(http::Router& server, std::shared_ptr<Pages> pages);
// Sets "orienter_url" in `d` when the request comes from a signed-in account (the home page).
void add_orientation_link(Pages& pages, const httplib::Request& req, Data& d);

// opendata_page.cpp
void opendata_page(Pages& pages, const httplib::Request& req, httplib::Response& res);

// info_pages.cpp: the accessibility statement and the legal notices (send_not_found: web.h).
void accessibility_page(Pages& pages, const httplib::Request& req, httplib::Response& res);
void legal_page(Pages& pages, const httplib::Request& req, httplib::Response& res);

// "12 mai 2025", the server's local date today.
std::string french_date_today();

}  // namespace maillage::web
