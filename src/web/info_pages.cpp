// The site's information pages: the accessibility statement (/accessibilite), the legal notices
// (/mentions-legales), and the "page introuvable" every unknown address answers with.
#include <httplib.h>

#include "web/pages.h"

namespace maillage::web {

void accessibility_page(Pages& pages, const httplib::Request&, httplib::Response& res) {
  Data d = page_data(*pages.site, "Déclaration d'accessibilité", "");
  send_html(*pages.site, res, pages.site->templates.render_page("accessibility", std::move(d)));
}

void legal_page(Pages& pages, const httplib::Request&, httplib::Response& res) {
  Data d = page_data(*pages.site, "Mentions légales", "");
  d.set("with_tiles", !pages.site->options.tile_url.empty());
  send_html(*pages.site, res, pages.site->templates.render_page("legal", std::move(d)));
}

void send_not_found(const Site& site, httplib::Response& res) {
  Data d = page_data(site, "Page introuvable", "");
  send_html(site, res, site.templates.render_page("not_found", std::move(d)), false, 404);
}

}  // namespace maillage::web
