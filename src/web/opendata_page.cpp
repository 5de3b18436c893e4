// /donnees: the open-data downloads (standard v1.0.2) and the API.
#include <httplib.h>

#include <algorithm>

#include "search/service.h"
#include "web/pages.h"

namespace maillage::web {

void opendata_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  Data d = page_data(*pages.site, "Données ouvertes", "donnees");
  std::size_t count = pages.services.search.read([](const search::Index& i) { return i.visible_size(); });
  d.set("count", french_count(count));
  // Where the places come from, with each publisher's licence and the attribution to cite.
  if (pages.services.list_sources) {
    // One row per publisher, licence and attribution (the six regional extracts of the national
    // cartography are one publisher), in the registry's order.
    struct Row {
      std::string publisher, licence, attribution;
      std::int64_t places = 0;
    };
    std::vector<Row> rows;
    for (const auto& e : pages.services.list_sources()) {
      if (!e.definition.enabled || e.active_places == 0) continue;
      Row r{e.definition.publisher.empty() ? e.definition.name : e.definition.publisher,
            e.definition.licence.empty() ? std::string("licence non précisée") : e.definition.licence,
            e.definition.attribution, e.active_places};
      auto same = std::find_if(rows.begin(), rows.end(), [&](const Row& o) {
        return o.publisher == r.publisher && o.licence == r.licence && o.attribution == r.attribution;
      });
      if (same != rows.end()) {
        same->places += r.places;
      } else {
        rows.push_back(std::move(r));
      }
    }
    List sources;
    for (const auto& r : rows) {
      Data s;
      s.set("nom", r.publisher);
      s.set("licence", r.licence);
      s.set("attribution", r.attribution);
      s.set("lieux", french_count(static_cast<std::size_t>(r.places)));
      sources.push_back(s);
    }
    if (!sources.empty()) {
      d.set("sources", sources);
      d.set("has_sources", true);
    }
  }
  d.set("base_url", base_url(*pages.site, req));
  d.set("api_paths", pages.site->api_paths);
  d.set("has_api_paths", !pages.site->api_paths.is_empty_list());
  send_html(*pages.site, res, pages.site->templates.render_page("opendata", std::move(d)));
}

}  // namespace maillage::web
