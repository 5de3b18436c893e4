// The pages built on a search: home/results (/ and /recherche), the widget (/integrer), its
// snippet page (/integrer/code) and the printable list (/fiche).
#include <httplib.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include <nlohmann/json.hpp>

#include "hours/civil.h"
#include "search/service.h"
#include "territory/place_query.h"
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

// "Où ?" as understood: "Autour de Saint-Denis (93)", the note ("« Marseile » compris comme
// Marseille."), and the places the person may have meant as links ("Vouliez-vous dire …").
void place_data(Data& d, const PageSearch& s) {
  const auto& others = s.query ? s.query->place_alternatives : s.error.suggestions;
  if (s.query && !s.query->place_label.empty()) {
    std::string around = territory::around(s.query->place_label);
    around[0] = 'A';
    d.set("lieu_autour", around);
    if (!s.query->place_note.empty()) d.set("lieu_remarque", s.query->place_note);
  }
  place_suggestions_data(d, s.api_params, "/recherche", others);
}

// The form's fields as the person filled them, and the filter groups with facet counts.
void form_data(Data& d, const PageSearch& s, const search::SearchResult* result) {
  d.set("q", single(s.api_params, "q"));
  d.set("autour", single(s.api_params, "autour"));
  place_data(d, s);
  if (s.api_params.count("lat") && s.api_params.count("lon")) {
    d.set("lat", single(s.api_params, "lat"));
    d.set("lon", single(s.api_params, "lon"));
    d.set("has_point", true);
  }
  List groups;
  int group_index = 0, ticked = 0;
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
      vd.set("input_id", "f" + std::to_string(group_index) + "-" + std::to_string(value_index++));
      auto n = facet_count(result, std::string(g.param), std::string(v.value));
      // A value no place of this search has would only lead to "aucun lieu": not offered,
      // unless ticked (it must stay untickable).
      if (n && *n == "0" && !checked) continue;
      if (n) vd.set("count", *n);
      vd.set("value", std::string(v.value));
      vd.set("label", std::string(v.label));
      vd.set("checked", checked);
      values.push_back(vd);
    }
    ++group_index;
    ticked += selected;
    if (values.empty()) continue;
    gd.set("values", values);
    gd.set("open", selected > 0);
    groups.push_back(gd);
  }
  d.set("groups", groups);
  opening_filters_data(d, s, result);
  if (s.query) ticked += (s.api_params.count("ouvert") > 0) + std::popcount(s.query->open_weekdays);
  d.set("filters_ticked", std::to_string(ticked));
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

// What the search understood of the need box, and an honest word when the answer is not what
// was asked: nothing at all, nothing nearby, or only partial matches.
void understanding_data(Data& d, const search::Query& q, const search::SearchResult& r) {
  if (!q.natural) return;
  if (!q.understood.empty()) d.set("compris", q.understood);
  if (!q.understood_place.empty()) d.set("compris_lieu", q.understood_place);
  if (!q.text.empty()) d.set("compris_mots", q.text);
  const bool asked = !q.needs.empty() || !q.text.empty();
  std::string what = q.understood.empty() ? q.text : q.understood;
  if (r.total == 0) {
    std::string message;
    if (asked) {
      message = "Aucun lieu ne correspond à « " + q.typed_text + " »";
      message += q.filters.empty() && !q.open_at && !q.open_weekdays
                     ? ". Vérifiez l'orthographe ou décrivez votre besoin avec d'autres mots "
                       "(par exemple : démarches, imprimer, apprendre l'ordinateur)."
                     : " avec les filtres choisis. Enlevez un filtre pour voir plus de lieux.";
    } else {
      message = q.filters.empty() && !q.open_at && !q.open_weekdays
                    ? "Aucun lieu dans cette zone. Élargissez la zone ou cherchez une commune "
                      "voisine."
                    : "Aucun lieu ne correspond aux filtres choisis. Enlevez un filtre pour "
                      "voir plus de lieux.";
    }
    d.set("aucun_message", message);
    return;
  }
  if (!asked) return;
  // With a place, the count that matters to a person is the nearby one.
  if (q.point && r.complete_nearby > 0) {
    d.set("nombre_proche", french_count(r.complete_nearby));
    d.set("total_proche", french_count(r.complete_nearby) +
                              (r.complete_nearby > 1 ? " lieux trouvés" : " lieu trouvé") +
                              " à moins de 50 km");
  }
  if (r.complete == 0) {
    d.set("avis", "Aucun lieu ne correspond à tout ce que vous avez écrit ; voici ceux qui y "
                  "correspondent en partie.");
  } else if (q.point && r.complete_nearby == 0) {
    d.set("avis", "Aucun lieu à moins de 50 km ne propose « " + what +
                      " ». Voici les plus proches, avec leur distance.");
  }
}

// The parameters of a search that a widget keeps: the API's search parameters, without paging,
// format and facets, and without naturel=oui (the pages' default).
Params embed_params(const Params& request) {
  const auto& fields = search::filter_fields();
  const auto& others = search::query_parameters();
  Params out;
  for (const auto& [k, v] : request) {
    if (v.empty() || k == "curseur" || k == "limite" || k == "format" || k == "facettes") continue;
    if (k == "naturel" && v == "oui") continue;
    if (std::find(fields.begin(), fields.end(), k) == fields.end() &&
        std::find(others.begin(), others.end(), k) == others.end())
      continue;
    out.emplace(k, v);
  }
  return out;
}

// One criterion of a search as a person reads it ("Tarif : Gratuit", "Autour de : Angoulême");
// empty for the parameters that say nothing alone (lon, after lat).
std::string describe_criterion(const std::string& name, const std::string& value) {
  for (const auto& g : filter_groups()) {
    if (g.param != name) continue;
    std::string question(g.question);
    if (question.ends_with(" ?")) question.resize(question.size() - 2);
    return question + " : " + std::string(value_label(g.field, value));
  }
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"q", "Mots cherchés"},          {"autour", "Autour de"},
      {"code_postal", "Code postal"},  {"code_insee", "Code commune"},
      {"region", "Région"},            {"typologie", "Type de lieu"},
      {"source", "Source des données"}, {"itinerance", "Lieu fixe ou itinérant"},
      {"formations_labels", "Label"},  {"tri", "Ordre"},
      {"doublons", "Doublons"},        {"naturel", "Lecture des mots"}};
  if (name == "lon") return {};
  if (name == "lat") return "Autour d'une position choisie";
  if (name == "bbox") return "Dans une zone de la carte";
  if (name == "ouvert") return "Ouvert maintenant";
  if (name == "ouvert_jour" || name == "ouvert_le") return "Ouvert le " + value;
  if (name == "rayon_km") return "Dans un rayon de " + value + " km";
  for (const auto& [param, label] : kNames)
    if (param == name) return std::string(label) + " : " + value;
  return name + " : " + value;
}

// "Télécharger ces résultats": the API's CSV of the same search (its first 1,000 places, the
// API's limit), standard and for French spreadsheets.
void download_data(Data& d, Params params) {
  params.emplace("limite", "1000");
  Params spreadsheet = params;
  params.emplace("format", "csv");
  spreadsheet.emplace("format", "csv-tableur");
  d.set("csv_url", "/api/v1/lieux?" + query_string(params));
  d.set("csv_tableur_url", "/api/v1/lieux?" + query_string(spreadsheet));
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
    understanding_data(d, q, r);
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
  PageSearch s =
      read_search(req.params, pages.services.territory, 20, 100, pages.services.geocoder);
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
      // The count the page shows first: the places nearby, when it says so.
      const auto* total = d.get("nombre_proche") ? d.get("nombre_proche") : d.get("total");
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
      download_data(d, keep);
    }
  }
  add_page_fields(d, *pages.site, title, "recherche");
  add_orientation_link(pages, req, d);  // orientation_pages.cpp
  d.set("with_map", s.searched && s.query.has_value());
  // A parameter not understood: the page says which, under status 400 (robots and scripts see
  // the error too).
  send_html(*pages.site, res, pages.site->templates.render_page("home", std::move(d)), false,
            s.query ? 200 : 400);
}

void map_points(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  PageSearch s =
      read_search(req.params, pages.services.territory, 500, 1000, pages.services.geocoder);
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
  PageSearch s = read_search(req.params, pages.services.territory, 10, 50, pages.services.geocoder);
  Data d;
  if (!s.query) {
    d.set("error", s.error.message);
  } else {
    d = run_search_data(s, pages, false, "/integrer", false);
    Params api = s.api_params;
    api.erase("curseur");
    api.erase("limite");
    d.set("map_api", "/recherche/carte?" + query_string(api));
    d.set("with_map", true);
  }
  // The widget's own search box: the need and the place, the embedder's other choices kept.
  const Params kept = embed_params(req.params);
  d.set("q", single(kept, "q"));
  d.set("autour", single(kept, "autour"));
  List hidden;
  for (const auto& [k, v] : kept) {
    if (k == "q" || k == "autour") continue;
    Data h;
    h.set("name", k);
    h.set("value", v);
    hidden.push_back(h);
  }
  d.set("hidden", hidden);
  d.set("title", "Lieux d'aide au numérique");
  d.set("tile_url", pages.site->options.tile_url);
  d.set("tile_attribution", pages.site->options.tile_attribution);
  d.set("target_blank", true);
  d.set("home_url", base_url(*pages.site, req) + "/");
  send_html(*pages.site, res, pages.site->templates.render("widget", d), true);
}

void embed_code_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  // Every criterion of the search the person comes from (words, place, filters) is kept;
  // département and services can be changed here, the others are listed and kept as they are.
  const Params params = embed_params(req.params);
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
  List kept;
  for (const auto& [k, v] : params) {
    if (k == "departement" || k == "services") continue;
    Data kd;
    kd.set("name", k);
    kd.set("value", v);
    if (auto text = describe_criterion(k, v); !text.empty()) kd.set("text", text);
    kept.push_back(kd);
  }
  d.set("has_kept", !kept.empty());
  d.set("kept", kept);
  if (!error.empty()) {
    d.set("error", error);
  } else {
    std::string src = "/integrer" + (params.empty() ? "" : "?" + query_string(params));
    d.set("preview_url", src);
    d.set("snippet", "<iframe src=\"" + base_url(*pages.site, req) + src +
                         "\" title=\"Lieux d'aide au numérique\" width=\"100%\" height=\"700\" "
                         "style=\"border:1px solid #ccc\" loading=\"lazy\"></iframe>");
  }
  send_html(*pages.site, res, pages.site->templates.render_page("embed", std::move(d)));
}

void sheet_list_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  PageSearch s = read_search(req.params, pages.services.territory, 5, 20, pages.services.geocoder);
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
