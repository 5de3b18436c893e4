// /donnees: the open-data downloads (standard v1.0.2) and the API.
#include <httplib.h>

#include "search/service.h"
#include "web/pages.h"

namespace maillage::web {

void opendata_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  Data d = page_data(*pages.site, "Données ouvertes", "donnees");
  std::size_t count = pages.services.search.read([](const search::Index& i) { return i.size(); });
  d.set("count", french_count(count));
  d.set("base_url", base_url(*pages.site, req));
  d.set("api_paths", pages.site->api_paths);
  d.set("has_api_paths", !pages.site->api_paths.is_empty_list());
  send_html(*pages.site, res, pages.site->templates.render_page("opendata", std::move(d)));
}

}  // namespace maillage::web
