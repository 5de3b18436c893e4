// The pages of one place: /lieux/{id} (everything the standard holds, in plain language, with
// JSON-LD), /lieux/{id}/fiche (printable sheet with QR code) and /lieux/{id}/signaler (error
// report form, POST with CSRF token and a rate limit per client address).
#include <httplib.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "place/origin.h"
#include "place/vocabulary.h"
#include "search/service.h"
#include "web/csrf.h"
#include "web/display.h"
#include "web/labels.h"
#include "web/pages.h"
#include "web/qr.h"
#include "web/report.h"

namespace maillage::web {
namespace {

using place::Field;

}  // namespace

std::optional<search::Document> find_place(Pages& pages, const std::string& id) {
  return pages.services.search.read([&](const search::Index& index) -> std::optional<search::Document> {
    const auto* d = index.find_public(id);
    if (!d) return std::nullopt;
    return *d;
  });
}

namespace {

bool is_web_link(std::string_view s) {
  return (s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0) && s.size() > 10 &&
         s.find_first_of(" \"<>") == std::string_view::npos;
}

List labelled(const place::Place& p, Field f) {
  List out;
  for (auto v : place::split_values(p[f])) out.push_back(Data(std::string(value_label(f, v))));
  return out;
}

// Sets `key` and "has_" + key; returns whether the list has values.
bool set_list(Data& d, const std::string& key, List list) {
  bool any = !list.empty();
  d.set("has_" + key, any);
  d.set(key, std::move(list));
  return any;
}

std::string json_ld(const search::Document& doc, const std::string& url) {
  const place::Place& p = doc.place;
  nlohmann::ordered_json j = {{"@context", "https://schema.org"},
                              {"@type", "Place"},
                              {"name", p[Field::kNom]},
                              {"url", url},
                              {"address",
                               {{"@type", "PostalAddress"},
                                {"streetAddress", p[Field::kAdresse]},
                                {"postalCode", p[Field::kCodePostal]},
                                {"addressLocality", p[Field::kCommune]},
                                {"addressCountry", "FR"}}}};
  if (doc.has_position && !doc.approx_position)
    j["geo"] = {{"@type", "GeoCoordinates"}, {"latitude", doc.latitude}, {"longitude", doc.longitude}};
  if (p.has(Field::kTelephone)) j["telephone"] = p[Field::kTelephone];
  if (p.has(Field::kPresentationResume)) j["description"] = p[Field::kPresentationResume];
  if (p.has(Field::kHoraires)) j["openingHours"] = p[Field::kHoraires];
  if (p.has(Field::kSiteWeb) && is_web_link(p[Field::kSiteWeb])) j["sameAs"] = p[Field::kSiteWeb];
  std::string out = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  // Inside <script>: no "</" and no "<!--" may appear.
  std::string safe;
  for (char c : out) safe += c == '<' ? std::string("\\u003c") : std::string(1, c);
  return safe;
}

Data place_data(const search::Document& doc, const std::string& base, bool with_week) {
  const place::Place& p = doc.place;
  Data d = result_data(doc, search::Hit{0, -1, std::nullopt}, unix_now(), with_week);
  if (doc.has_position && doc.approx_position) {
    // No itinerary to a commune's centre: a search of the address instead.
    d.set("osm_search_url", "https://www.openstreetmap.org/search?query=" +
                                url_encode(p[Field::kAdresse] + ", " + p[Field::kCodePostal] + " " +
                                           p[Field::kCommune]));
  } else if (doc.has_position) {
    std::string lat = place::format_number(doc.latitude), lon = place::format_number(doc.longitude);
    d.set("osm_url", "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=18/" + lat + "/" + lon);
    d.set("osm_directions_url", "https://www.openstreetmap.org/directions?to=" + lat + "%2C" + lon);
    d.set("google_directions_url", "https://www.google.com/maps/dir/?api=1&destination=" + lat + "%2C" + lon);
    d.set("geo_url", "geo:" + lat + "," + lon);
  }
  if (p.has(Field::kTelephone)) {
    PhoneDisplay phone = phone_display(p[Field::kTelephone]);
    d.set("telephone", phone.text);
    if (!phone.tel_uri.empty()) d.set("telephone_uri", phone.tel_uri);
  }
  List emails;
  if (p.has(Field::kCourriels)) d.set("has_courriels", true);
  for (auto e : place::split_values(p[Field::kCourriels])) {
    Data ed;
    ed.set("address", std::string(e));
    ed.set("uri", "mailto:" + std::string(e));
    emails.push_back(ed);
  }
  set_list(d, "courriels", emails);
  if (is_web_link(p[Field::kSiteWeb])) d.set("site_web", p[Field::kSiteWeb]);
  if (is_web_link(p[Field::kPriseRdv])) d.set("prise_rdv", p[Field::kPriseRdv]);
  if (is_web_link(p[Field::kFicheAccesLibre])) d.set("fiche_acces_libre", p[Field::kFicheAccesLibre]);
  if (p.has(Field::kPresentationResume)) d.set("presentation_resume", p[Field::kPresentationResume]);
  if (p.has(Field::kPresentationDetail)) d.set("presentation_detail", p[Field::kPresentationDetail]);
  if (p.has(Field::kStructureParente)) d.set("structure_parente", p[Field::kStructureParente]);
  if (p.has(Field::kHoraires)) d.set("horaires_osm", p[Field::kHoraires]);
  bool accueil = p.has(Field::kStructureParente);
  accueil |= set_list(d, "publics", labelled(p, Field::kPublicsSpecifiquementAdresses));
  accueil |= set_list(d, "prise_en_charge", labelled(p, Field::kPriseEnChargeSpecifique));
  accueil |= set_list(d, "frais", labelled(p, Field::kFraisACharge));
  accueil |= set_list(d, "modalites_acces", labelled(p, Field::kModalitesAcces));
  accueil |= set_list(d, "modalites_accompagnement", labelled(p, Field::kModalitesAccompagnement));
  accueil |= set_list(d, "dispositifs", labelled(p, Field::kDispositifProgrammesNationaux));
  List labels = labelled(p, Field::kFormationsLabels);
  for (auto v : place::split_values(p[Field::kAutresFormationsLabels])) labels.push_back(Data(std::string(v)));
  accueil |= set_list(d, "labels", labels);
  accueil |= set_list(d, "itinerance", labelled(p, Field::kItinerance));
  d.set("has_accueil", accueil);
  d.set("has_contact", p.has(Field::kTelephone) || p.has(Field::kCourriels) ||
                           is_web_link(p[Field::kSiteWeb]) || is_web_link(p[Field::kPriseRdv]));
  d.set("source", p.has(Field::kSource) ? p[Field::kSource] : std::string(doc.source));
  if (std::string date = known_date(p[Field::kDateMaj]); !date.empty()) d.set("date_maj", date);
  std::string url = "/lieux/" + url_encode(doc.public_id);
  d.set("page_url", base + url);
  d.set("sheet_url", url + "/fiche");
  d.set("report_url", url + "/signaler");
  return d;
}

// A source record as the provenance section names it: its source's name and the record's id.
std::string source_name(const search::Document& d) {
  const place::Place p = d.place;
  return p.has(Field::kSource) ? p[Field::kSource] : std::string(d.source);
}

Data member_data(const search::Document& m, const std::string& url) {
  Data item;
  if (!url.empty()) item.set("url", url);
  item.set("source", source_name(m));
  item.set("id", std::string(m.id));
  if (std::string date = known_date(place::Place(m.place)[Field::kDateMaj]); !date.empty())
    item.set("date", date);
  return item;
}

// « D'où viennent ces informations ? »: the source records of the place (itself, or the members
// of a merged place with their dates and, per field, the members that hold its value); a
// source record also points to the merged place that shows it.
void add_provenance(Pages& pages, const search::Document& doc, Data& d) {
  pages.services.search.read([&](const search::Index& index) {
    const search::Document* self = index.find_public(std::string(doc.public_id));
    if (!self) return 0;
    const auto members = index.members_of(*self);
    List list;
    if (members.empty()) list.push_back(member_data(*self, {}));
    std::vector<place::Place> places;
    places.reserve(members.size());
    for (const auto* m : members) {
      list.push_back(member_data(*m, "/lieux/" + url_encode(m->public_id)));
      places.emplace_back(m->place);
    }
    d.set("members", list);
    if (!members.empty()) {
      d.set("is_merged", true);
      d.set("member_count", std::to_string(members.size()));
      std::vector<const place::Place*> pointers;
      for (const auto& mp : places) pointers.push_back(&mp);
      List rows;
      for (const auto& origin : place::field_origins(doc.place, pointers)) {
        std::vector<std::string> names;
        for (std::size_t k : origin.members)
          if (std::string name = source_name(*members[k]);
              std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(std::move(name));
        std::string sources;
        for (const auto& name : names) sources += (sources.empty() ? "" : ", ") + name;
        Data row;
        row.set("label", std::string(place::spec(origin.field).title));
        row.set("sources", sources.empty()
                               ? "aucune des sources actuelles (valeur modifiée depuis la fusion)"
                               : sources);
        rows.push_back(row);
      }
      d.set("has_field_origins", !rows.empty());
      d.set("field_origins", rows);
    }
    if (const auto* merged = index.merged_into(*self))
      d.set("merged_url", "/lieux/" + url_encode(merged->public_id));
    return 0;
  });
}

}  // namespace

std::string french_date_today() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return french_date(buf);
}

void place_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[1];
  auto doc = find_place(pages, id);
  if (!doc)
    return send_message(*pages.site, res, 404, "Lieu introuvable",
                        "Aucun lieu n'a l'identifiant « " + id + " ». Il a peut-être été retiré de l'annuaire.");
  std::string base = base_url(*pages.site, req);
  Data d = place_data(*doc, base, true);
  add_page_fields(d, *pages.site, std::string(doc->place[Field::kNom]) + " — " + std::string(doc->place[Field::kCommune]), "recherche");
  d.set("json_ld", json_ld(*doc, base + "/lieux/" + url_encode(doc->public_id)));
  d.set("with_map", doc->has_position);
  if (req.has_param("signalement")) d.set("report_sent", true);
  add_account_place_fields(pages, req, res, *doc, d);
  add_provenance(pages, *doc, d);
  send_html(*pages.site, res, pages.site->templates.render_page("place", std::move(d)));
}

void place_sheet_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[1];
  auto doc = find_place(pages, id);
  if (!doc) return send_message(*pages.site, res, 404, "Lieu introuvable", "Aucun lieu n'a l'identifiant « " + id + " ».");
  std::string base = base_url(*pages.site, req);
  Data item = place_data(*doc, base, true);
  item.set("qr_svg", qr_svg(base + "/lieux/" + url_encode(doc->public_id), "Code QR vers la page du lieu en ligne"));
  List results;
  results.push_back(item);
  Data d;
  d.set("results", results);
  d.set("has_results", true);
  d.set("title", "Fiche à imprimer — " + std::string(doc->place[Field::kNom]));
  d.set("printed_on", french_date_today());
  d.set("back_url", "/lieux/" + url_encode(doc->public_id));
  send_html(*pages.site, res, pages.site->templates.render("sheet", d));
}

namespace {

void render_report_form(Pages& pages, const httplib::Request& req, httplib::Response& res,
                        const search::Document& doc, const std::vector<FieldError>& errors,
                        const store::ErrorReport& entered, int status,
                        const std::string& suggested_field = {}, const std::string& suggested_value = {}) {
  Data d = page_data(*pages.site, (errors.empty() ? "" : "Erreur — ") + std::string("Signaler une erreur — ") +
                                      std::string(doc.place[Field::kNom]), "recherche");
  d.set("nom", std::string(doc.place[Field::kNom]));
  d.set("commune", std::string(doc.place[Field::kCommune]));
  d.set("place_url", "/lieux/" + url_encode(doc.public_id));
  d.set("action", "/lieux/" + url_encode(doc.public_id) + "/signaler");
  d.set("jeton", csrf_token(req, res));
  List categories;
  for (const auto& c : report_categories()) {
    Data cd;
    cd.set("code", std::string(c.code));
    cd.set("label", std::string(c.label));
    cd.set("selected", entered.category == c.code);
    categories.push_back(cd);
  }
  d.set("categories", categories);
  List fields;
  for (const auto& c : suggestable_fields()) {
    Data fd;
    fd.set("code", std::string(c.code));
    fd.set("label", std::string(c.label));
    fd.set("selected", suggested_field == c.code);
    fields.push_back(fd);
  }
  d.set("suggestable", fields);
  d.set("valeur", suggested_value);
  d.set("suggestion_max", std::to_string(kSuggestionMax));
  d.set("message", entered.message);
  d.set("courriel", entered.contact);
  d.set("message_max", std::to_string(kReportMessageMax));
  if (!errors.empty()) {
    List list;
    for (const auto& e : errors) {
      Data ed;
      ed.set("field", e.field);
      ed.set("message", e.message);
      list.push_back(ed);
      d.set("error_" + e.field, e.message);
    }
    d.set("errors", list);
    d.set("has_errors", true);
  }
  set_suggested_hours_preview(d, req.params);  // hours in plain French, shown back as a week
  std::string html = pages.site->templates.render_page("report", std::move(d));
  send_html(*pages.site, res, std::move(html), false, status);
}

}  // namespace

void report_form_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[1];
  auto doc = find_place(pages, id);
  if (!doc) return send_message(*pages.site, res, 404, "Lieu introuvable", "Aucun lieu n'a l'identifiant « " + id + " ».");
  render_report_form(pages, req, res, *doc, {}, {}, 200);
}

void report_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[1];
  auto doc = find_place(pages, id);
  if (!doc) return send_message(*pages.site, res, 404, "Lieu introuvable", "Aucun lieu n'a l'identifiant « " + id + " ».");
  if (!csrf_valid(req))
    return send_message(*pages.site, res, 403, "Formulaire expiré",
                        "Le formulaire a expiré ou vient d'un autre site. Revenez à la page du lieu et "
                        "recommencez votre signalement.");
  store::ErrorReport report;
  report.source = doc->source;
  report.place_id = doc->id;
  std::string suggested_field, suggested_value;
  auto errors = validate_report(req.params, report, suggested_field, suggested_value);
  if (!errors.empty())
    return render_report_form(pages, req, res, *doc, errors, report, 400, suggested_field, suggested_value);
  if (suggested_hours_need_confirmation(req.params))  // the week understood, before saving
    return render_report_form(pages, req, res, *doc, {}, report, 200, suggested_field,
                              suggested_value);
  if (!pages.site->reports.take(req.remote_addr).allowed)
    return send_message(*pages.site, res, 429, "Trop de signalements",
                        "Vous avez envoyé beaucoup de signalements en peu de temps. Réessayez dans "
                        "quelques minutes.");
  store::Status saved = pages.services.save_report(report);
  if (!saved.ok)
    return send_message(*pages.site, res, 500, "Signalement non enregistré",
                        "Votre signalement n'a pas pu être enregistré. Réessayez plus tard.");
  res.status = 303;
  res.set_header("Location", "/lieux/" + url_encode(doc->public_id) + "?signalement=merci");
}

}  // namespace maillage::web
