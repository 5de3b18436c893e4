// The pages built on a search: home/results (/ and /recherche), the widget (/integrer), its
// snippet page (/integrer/code) and the printable list (/fiche).
#include <httplib.h>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "hours/civil.h"
#include "search/service.h"
#include "territory/reference.h"
#include "web/labels.h"
#include "web/pages.h"
#include "web/qr.h"

namespace maillage::web {
namespace {

bool has_value(const search::Query& q, std::string_view field, std::string_view value) {
  auto it = q.filters.find(std::string(field));
  return it != q.filters.end() && std::find(it->second.begin(), it->second.end(), value) != it->second.end();
}

std::string single(const Params& p, const char* name) {
  auto it = p.find(name);
  return it == p.end() ? "" : it->second;
}

// The count of one facet value as the form shows it ("1 234"; "0" when the facet left the
// value out), or nullopt without a result.
std::optional<std::string> facet_count(const search::SearchResult* result, const std::string& field,
                                       const std::string& value) {
  if (!result) return std::nullopt;
  std::uint64_t n = 0;
  if (auto f = result->facets.find(field); f != result->facets.end())
    if (auto c = f->second.find(value); c != f->second.end()) n = c->second;
  return french_count(n);
}

// "Quand ?": open now, and open on a day (ouvert_jour): samedi always, and every other day the
// search asks for, ticked, so that the form keeps it. Each with its count.
void opening_filters_data(Data& d, const PageSearch& s, const search::SearchResult* result) {
  d.set("ouvert_checked", s.api_params.count("ouvert") > 0);
  if (auto n = facet_count(result, "ouvert", "maintenant")) d.set("ouvert_count", *n);
  const unsigned asked = s.query ? s.query->open_weekdays : 0;
  const auto& names = search::weekday_names();
  List days;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const bool checked = asked & (1u << i);
    if (!checked && names[i] != "samedi") continue;
    Data day;
    day.set("value", names[i]);
    day.set("checked", checked);
    if (auto n = facet_count(result, "ouvert_jour", names[i])) day.set("count", *n);
    days.push_back(day);
  }
  d.set("several_days", days.size() > 1);
  d.set("days", days);
}

// The form's fields as the person filled them, and the filter groups with facet counts.
void form_data(Data& d, const PageSearch& s, const search::SearchResult* result) {
  d.set("q", single(s.api_params, "q"));
  d.set("autour", single(s.api_params, "autour"));
  if (s.api_params.count("lat") && s.api_params.count("lon")) {
    d.set("lat", single(s.api_params, "lat"));
    d.set("lon", single(s.api_params, "lon"));
    d.set("has_point", true);
  }
  List groups;
  int group_index = 0;
  for (const auto& g : filter_groups()) {
    Data gd;
    gd.set("question", std::string(g.question));
    gd.set("param", std::string(g.param));
    gd.set("is_services", g.field == place::Field::kServices);
    List values;
    int selected = 0, value_index = 0;
    for (const auto& v : g.values) {
      Data vd;
      bool checked = s.query && has_value(*s.query, g.param, v.value);
      selected += checked;
      vd.set("value", std::string(v.value));
      vd.set("label", std::string(v.label));
      vd.set("checked", checked);
      vd.set("input_id", "f" + std::to_string(group_index) + "-" + std::to_string(value_index++));
      if (auto n = facet_count(result, std::string(g.param), std::string(v.value)))
        vd.set("count", *n);
      values.push_back(vd);
    }
    gd.set("values", values);
    gd.set("open", selected > 0);
    groups.push_back(gd);
    ++group_index;
  }
  d.set("groups", groups);
  opening_filters_data(d, s, result);
}

void add_facets(search::Query& q) {
  for (const auto& g : filter_groups()) q.facets.emplace_back(g.param);
  q.facets.emplace_back("ouvert");
  q.facets.emplace_back("ouvert_jour");
}

// Paging links: the next page keeps every parameter and adds the cursor.
void paging_data(Data& d, const PageSearch& s, const search::SearchResult& r, std::string_view path) {
  Params base = s.api_params;
  base.erase("curseur");
  std::size_t limit = s.query->limit;
  std::size_t first = static_cast<std::size_t>(s.page - 1) * limit + 1;
  d.set("first_rank", std::to_string(first));
  d.set("last_rank", std::to_string(first + r.hits.size() - 1));
  if (!r.next_cursor.empty()) {
    Params next = base;
    next.emplace("curseur", r.next_cursor);
    next.emplace("page", std::to_string(s.page + 1));
    d.set("next_url", std::string(path) + "?" + query_string(next));
  }
  bool later_page = s.page > 1 || s.api_params.count("curseur");
  if (later_page) d.set("first_url", std::string(path) + "?" + query_string(base));
  d.set("has_paging", later_page || !r.next_cursor.empty());
}

}  // namespace

Data run_search_data(const PageSearch& s, Pages& pages, bool with_week, std::string_view path,
                     bool with_form) {
  Data d;
  search::Query q = *s.query;
  if (with_form) add_facets(q);
  std::int64_t now = unix_now();
  auto& service = pages.services.search;
  std::optional<search::QueryError> bad_cursor;
  service.read([&](const search::Index& index) {
    search::SearchResult r = index.search(q);
    if (r.error) {
      bad_cursor = r.error;
      return 0;
    }
    List results;
    for (const auto& h : r.hits) {
      const auto* doc = index.document(h.doc);
      if (doc) results.push_back(result_data(*doc, h, now, with_week));
    }
    d.set("results", results);
    d.set("has_results", !r.hits.empty());
    d.set("total", french_count(r.total));
    d.set("total_plural", r.total > 1);
    paging_data(d, s, r, path);
    if (with_form) form_data(d, s, &r);
    return 0;
  });
  if (bad_cursor) {
    d.set("error", bad_cursor->message);
    if (with_form) form_data(d, s, nullptr);
  }
  return d;
}

void home_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  PageSearch s = read_search(req.params, pages.services.territory, 20, 100);
  std::string title = "Trouver un lieu d'aide au numérique";
  Data d;
  if (!s.query) {
    d = Data();
    form_data(d, s, nullptr);
    d.set("error", s.error.message);
    d.set("error_" + s.error.parameter, true);
    title = "Erreur dans la recherche — " + title;
  } else {
    d = run_search_data(s, pages, false, "/recherche", true);
    if (s.searched) {
      const auto* total = d.get("total");
      std::string count = total && total->is_string() ? total->string_value() : "0";
      title = "Résultats de la recherche (" + count + ") — " + title;
      d.set("searched", true);
      Params api = s.api_params;
      api.erase("curseur");
      api.erase("limite");
      d.set("map_api", "/recherche/carte?" + query_string(api));
      Params keep = s.api_params;
      keep.erase("curseur");
      keep.erase("limite");
      d.set("sheet_url", "/fiche?" + query_string(keep));
      d.set("embed_url", "/integrer/code?" + query_string(keep));
    }
  }
  add_page_fields(d, *pages.site, title, "recherche");
  d.set("with_map", s.searched && s.query.has_value());
  send_html(*pages.site, res, pages.site->templates.render_page("home", std::move(d)));
}

void map_points(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  PageSearch s = read_search(req.params, pages.services.territory, 500, 1000);
  nlohmann::json body;
  if (!s.query) {
    res.status = 400;
    body = {{"erreur", {{"parametre", s.error.parameter}, {"message", s.error.message}}}};
  } else {
    search::Query q = *s.query;
    q.cursor.clear();
    body = pages.services.search.read([&](const search::Index& index) {
      search::SearchResult r = index.search(q);
      nlohmann::json points = nlohmann::json::array();
      for (const auto& h : r.hits) {
        const auto* d = index.document(h.doc);
        if (!d || !d->has_position) continue;
        points.push_back({d->public_id, std::string(d->place[place::Field::kNom]), std::string(d->place[place::Field::kCommune]),
                          std::round(d->latitude * 1e5) / 1e5, std::round(d->longitude * 1e5) / 1e5});
      }
      return nlohmann::json{{"total", r.total}, {"lieux", std::move(points)}};
    });
  }
  res.set_header("Cache-Control", "public, max-age=60");
  // Without "; charset=": JSON is UTF-8 by definition, and cpp-httplib compresses
  // "application/json" only when the type is exactly that.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void widget_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  PageSearch s = read_search(req.params, pages.services.territory, 10, 50);
  Data d;
  if (!s.query) {
    d.set("error", s.error.message);
  } else {
    d = run_search_data(s, pages, false, "/integrer", false);
  }
  d.set("title", "Lieux d'aide au numérique");
  d.set("target_blank", true);
  d.set("home_url", base_url(*pages.site, req) + "/");
  send_html(*pages.site, res, pages.site->templates.render("widget", d), true);
}

void embed_code_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  Params params;
  for (const auto& [k, v] : req.params)
    if (!v.empty() && (k == "departement" || k == "services")) params.emplace(k, v);
  Data d = page_data(*pages.site, "Intégrer l'annuaire sur votre site", "integrer");
  std::string departement = single(params, "departement");
  d.set("departement", departement);
  std::string error;
  if (!departement.empty() && pages.services.territory.departement_name(departement).empty())
    error = "« " + departement + " » n'est pas un code de département (ex. 16, 2A, 974).";
  if (error.empty()) {
    // The same checks as the widget: parse with the search parameters.
    auto [q, e] = search::parse_query(params, pages.services.territory);
    if (!q) error = e.message;
  }
  List services;
  int index = 0;
  for (const auto& v : filter_groups()[0].values) {
    Data vd;
    vd.set("input_id", "s" + std::to_string(index++));
    vd.set("value", std::string(v.value));
    vd.set("label", std::string(v.label));
    bool checked = false;
    for (auto [it, end] = params.equal_range("services"); it != end; ++it) checked |= it->second == v.value;
    vd.set("checked", checked);
    services.push_back(vd);
  }
  d.set("services", services);
  if (!error.empty()) {
    d.set("error", error);
  } else {
    std::string src = "/integrer" + (params.empty() ? "" : "?" + query_string(params));
    d.set("preview_url", src);
    d.set("snippet", "<iframe src=\"" + base_url(*pages.site, req) + src +
                         "\" title=\"Lieux d'aide au numérique\" width=\"100%\" height=\"600\" "
                         "style=\"border:1px solid #ccc\" loading=\"lazy\"></iframe>");
  }
  send_html(*pages.site, res, pages.site->templates.render_page("embed", std::move(d)));
}

void sheet_list_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  PageSearch s = read_search(req.params, pages.services.territory, 5, 20);
  if (!s.query) return send_message(*pages.site, res, 400, "Erreur dans la recherche", s.error.message);
  Data d = run_search_data(s, pages, true, "/fiche", false);
  std::string base = base_url(*pages.site, req);
  if (const auto* results = d.get("results"); results && results->is_list()) {
    List with_qr;
    for (auto item : results->list_value()) {
      const auto* url = item.get("url");
      std::string target = base + (url ? url->string_value() : "/");
      item.set("qr_svg", qr_svg(target, "Code QR vers la page du lieu en ligne"));
      item.set("page_url", target);
      with_qr.push_back(item);
    }
    d.set("results", with_qr);
  }
  d.set("title", "Fiche à imprimer — lieux d'aide au numérique");
  d.set("is_list", true);
  d.set("printed_on", french_date_today());
  send_html(*pages.site, res, pages.site->templates.render("sheet", d));
}

}  // namespace maillage::web
