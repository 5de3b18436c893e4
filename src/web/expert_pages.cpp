// The directory of experts (issue 7, docs/experts.md): GET /experts (search by text, domain,
// département and distance, list and map), GET /experts/carte (the points of a search, JSON),
// GET /experts/{n} (a published profile), GET/POST /experts/{n}/contact (the relay form: the
// message goes to the expert by e-mail, and their address never appears in a page).
//
// Only published profiles are ever shown; an unpublished or missing one is a 404, the same
// answer either way.
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>

#include "accounts/experts.h"
#include "common/utf8.h"
#include "search/service.h"
#include "territory/reference.h"
#include "web/csrf.h"
#include "web/forms.h"
#include "web/pages.h"

namespace maillage::web {
namespace {

constexpr std::size_t kExpertsPerPage = 20;
constexpr std::size_t kExpertMapPoints = 500;
constexpr std::size_t kContactMessageMin = 10, kContactMessageMax = 3000;  // characters

// ---- the search ----

struct ExpertSearch {
  accounts::ExpertQuery query;
  Params params;  // the parameters understood, non-empty, for links and the map
  std::string error, error_parameter;
  int page = 1;
};

std::string capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string expert_param(const Params& params, const char* name) {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

// Reads q, domaine, departement, autour (or lat and lon) and rayon_km; the place search's own
// parser resolves autour and checks the coordinates and the radius.
ExpertSearch read_expert_search(const Params& request, const territory::Reference& territory) {
  static const char* kKnown[] = {"q", "domaine", "departement", "autour", "lat", "lon", "rayon_km"};
  ExpertSearch s;
  auto fail = [&](std::string parameter, std::string message) {
    if (s.error.empty())
      s.error = capitalised(std::move(message)), s.error_parameter = std::move(parameter);
  };
  for (const auto& [k, v] : request) {
    if (k == "page") {
      if (int n = page_number(v); n > 0) s.page = n;
      continue;
    }
    if (v.empty() ||
        std::none_of(std::begin(kKnown), std::end(kKnown), [&name = k](const char* n) { return name == n; }))
      continue;
    if (s.params.count(k)) {
      fail(k, "le paramètre « " + k + " » est donné plusieurs fois.");
      return s;
    }
    if (!utf8::is_valid(v) || utf8::has_control_chars(v) || v.size() > 200) {
      fail(k, "la valeur de « " + k + " » est illisible ou trop longue.");
      return s;
    }
    s.params.emplace(k, std::string(utf8::trim(v)));
  }
  s.query.text = expert_param(s.params, "q");
  s.query.domain = expert_param(s.params, "domaine");
  if (!s.query.domain.empty() && accounts::expert_domain_label(s.query.domain).empty())
    fail("domaine", "« " + s.query.domain + " » n'est pas un domaine d'expertise.");
  s.query.departement = expert_param(s.params, "departement");
  for (char& c : s.query.departement)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (s.query.departement.size() == 1) s.query.departement.insert(0, "0");  // "1" → "01"
  if (!s.query.departement.empty() && territory.departement_name(s.query.departement).empty())
    fail("departement", "« " + s.query.departement +
                            " » n'est pas un code de département (exemples : 35, 2A, 974).");
  Params geo;
  for (const char* k : {"autour", "lat", "lon", "rayon_km"})
    if (s.params.count(k)) geo.emplace(k, s.params.find(k)->second);
  if (geo.count("rayon_km") && !geo.count("autour") && !geo.count("lat"))
    fail("autour",
         "indiquez une commune ou un code postal dans « Où ? » pour chercher dans un rayon.");
  else if (!geo.empty()) {
    auto [q, e] = search::parse_query(geo, territory);
    if (!q) {
      fail(e.parameter, e.message);
    } else if (q->point) {
      s.query.has_point = true;
      s.query.latitude = q->point->latitude;
      s.query.longitude = q->point->longitude;
      s.query.radius_km = q->radius_km;
    }
  }
  return s;
}

accounts::ExpertDirectory published_experts(Pages& pages) {
  return accounts::ExpertDirectory(pages.services.accounts->store().experts(true),
                                   pages.services.territory);
}

std::string commune_label(const accounts::Expert& e) {
  return e.commune ? e.commune->nom + " (" + e.commune->departement + ")" : "";
}

Data expert_result_data(const accounts::ExpertHit& hit) {
  const auto& e = *hit.expert;
  Data d;
  d.set("id", std::to_string(e.id));
  d.set("url", "/experts/" + std::to_string(e.id));
  d.set("nom", e.profile.name);
  d.set("statut", std::string(accounts::expert_kind_label(e.profile.kind)));
  if (e.commune) d.set("commune", commune_label(e));
  // From the centre of the expert's commune: an approximation, said as one.
  if (hit.distance_km >= 0)
    d.set("distance",
          hit.distance_km < 1 ? "moins de 1 km" : "environ " + french_distance(hit.distance_km));
  if (e.commune) {
    d.set("has_position", true);
    d.set("lat", std::to_string(e.commune->latitude));
    d.set("lon", std::to_string(e.commune->longitude));
  }
  List domains;
  for (const auto& code : e.profile.domains)
    domains.push_back(Data(std::string(accounts::expert_domain_label(code))));
  d.set("domaines", domains);
  std::string languages;
  for (const auto& l : e.profile.languages) languages += (languages.empty() ? "" : ", ") + l;
  if (!languages.empty()) d.set("langues", languages);
  if (!e.profile.availability.empty()) d.set("disponibilites", e.profile.availability);
  return d;
}

void expert_form_data(Data& d, const ExpertSearch& s) {
  d.set("q", expert_param(s.params, "q"));
  d.set("autour", expert_param(s.params, "autour"));
  d.set("departement", expert_param(s.params, "departement"));
  if (s.params.count("lat") && s.params.count("lon")) {
    d.set("has_point", true);
    d.set("lat", expert_param(s.params, "lat"));
    d.set("lon", expert_param(s.params, "lon"));
  }
  List domains;
  Data any;
  any.set("value", std::string());
  any.set("label", std::string("Tous les domaines"));
  any.set("input_id", std::string("domaine"));
  any.set("checked", s.query.domain.empty());
  domains.push_back(any);
  int i = 0;
  for (const auto& dom : accounts::expert_domains()) {
    Data o;
    o.set("value", std::string(dom.code));
    o.set("label", std::string(dom.label));
    o.set("input_id", "domaine-" + std::to_string(++i));
    o.set("checked", s.query.domain == dom.code);
    domains.push_back(o);
  }
  d.set("domaines", domains);
  List radii;
  std::string radius = expert_param(s.params, "rayon_km");
  for (const char* r : {"", "5", "10", "20", "50", "100"}) {
    Data o;
    o.set("value", std::string(r));
    o.set("label", *r ? std::string(r) + " km" : std::string("Toute distance"));
    o.set("selected", radius == r);
    radii.push_back(o);
  }
  d.set("rayons", radii);
}

// ---- pages ----

void expert_list_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  ExpertSearch s = read_expert_search(req.params, pages.services.territory);
  Data d;
  std::string title = "Trouver un expert du numérique";
  expert_form_data(d, s);
  if (!s.error.empty()) {
    d.set("error", s.error);
    d.set("error_" + s.error_parameter, true);
    title = "Erreur dans la recherche — " + title;
  } else {
    auto directory = published_experts(pages);
    auto hits = directory.search(s.query);
    std::size_t first =
        std::min(hits.size(), (static_cast<std::size_t>(s.page) - 1) * kExpertsPerPage);
    std::size_t last = std::min(hits.size(), first + kExpertsPerPage);
    List results;
    for (std::size_t i = first; i < last; ++i) results.push_back(expert_result_data(hits[i]));
    d.set("results", results);
    d.set("has_results", first < last);
    d.set("total", french_count(hits.size()));
    d.set("total_plural", hits.size() > 1);
    d.set("first_rank", std::to_string(first + 1));
    d.set("last_rank", std::to_string(last));
    if (s.page > 1) {
      Params previous = s.params;
      if (s.page > 2) previous.emplace("page", std::to_string(s.page - 1));
      d.set("previous_url", "/experts?" + query_string(previous));
    }
    if (last < hits.size()) {
      Params next = s.params;
      next.emplace("page", std::to_string(s.page + 1));
      d.set("next_url", "/experts?" + query_string(next));
    }
    d.set("has_paging", s.page > 1 || last < hits.size());
    d.set("searched", !s.params.empty());
    d.set("map_api", "/experts/carte?" + query_string(s.params));
    d.set("show_map", true);
    if (!s.params.empty())
      title = "Résultats de la recherche (" + french_count(hits.size()) + ") — " + title;
  }
  add_page_fields(d, *pages.site, title, "experts");
  d.set("with_map", s.error.empty());
  send_html(*pages.site, res, pages.site->templates.render_page("expert_list", std::move(d)));
}

// {"total":N,"experts":[[id,nom,commune,lat,lon]…]}: the first 500 experts of the search that
// have a position (the centre of their commune).
void expert_map_points(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  ExpertSearch s = read_expert_search(req.params, pages.services.territory);
  nlohmann::json body;
  if (!s.error.empty()) {
    res.status = 400;
    body = {{"erreur", {{"parametre", s.error_parameter}, {"message", s.error}}}};
  } else {
    auto directory = published_experts(pages);
    auto hits = directory.search(s.query);
    nlohmann::json points = nlohmann::json::array();
    for (const auto& h : hits) {
      if (points.size() == kExpertMapPoints) break;
      const auto* c = h.expert->commune;
      if (!c) continue;
      points.push_back({h.expert->id, h.expert->profile.name, c->nom,
                        std::round(c->latitude * 1e5) / 1e5, std::round(c->longitude * 1e5) / 1e5});
    }
    body = {{"total", hits.size()}, {"experts", std::move(points)}};
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

// The published expert of the URL's number; a 404 page and nullopt otherwise.
std::optional<accounts::Expert> expert_or_404(Pages& pages, const httplib::Request& req,
                                              httplib::Response& res) {
  std::int64_t id = std::atoll(std::string(req.matches[1]).c_str());
  auto row = pages.services.accounts->store().expert(id);
  if (row && row->published) {
    accounts::ExpertDirectory directory({*row}, pages.services.territory);
    if (const auto* e = directory.find(id)) return *e;
  }
  send_message(*pages.site, res, 404, "Expert introuvable",
               "Aucun expert publié ne porte ce numéro. Son profil a peut-être été retiré.");
  return std::nullopt;
}

void expert_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto e = expert_or_404(pages, req, res);
  if (!e) return;
  const auto& p = e->profile;
  const auto& territory = pages.services.territory;
  Data d = page_data(*pages.site, p.name + " — expert du numérique", "experts");
  d.set("nom", p.name);
  d.set("statut", std::string(accounts::expert_kind_label(p.kind)));
  if (e->commune) d.set("commune", commune_label(*e));
  if (e->commune && !e->commune->codes_postaux.empty())
    d.set("around_url", "/recherche?autour=" + url_encode(e->commune->codes_postaux.front()));
  List domains, tags, departements, places;
  for (const auto& code : p.domains)
    domains.push_back(Data(std::string(accounts::expert_domain_label(code))));
  for (const auto& t : p.tags) tags.push_back(Data(t));
  for (const auto& code : p.departements)
    departements.push_back(Data(std::string(territory.departement_name(code)) + " (" + code + ")"));
  for (const auto& id : p.places) {
    auto doc = find_place(pages, id);
    if (!doc) continue;  // withdrawn since
    Data x;
    x.set("url", "/lieux/" + url_encode(doc->public_id));
    x.set("nom", std::string(doc->place[place::Field::kNom]));
    if (!doc->place[place::Field::kCommune].empty())
      x.set("lieu_commune", std::string(doc->place[place::Field::kCommune]));
    places.push_back(x);
  }
  d.set("domaines", domains);
  d.set("has_tags", !tags.empty());
  d.set("etiquettes", tags);
  d.set("has_departements", !departements.empty());
  d.set("departements", departements);
  d.set("has_places", !places.empty());
  d.set("lieux", places);
  std::string languages;
  for (const auto& l : p.languages) languages += (languages.empty() ? "" : ", ") + l;
  if (!languages.empty()) d.set("langues", languages);
  if (!p.availability.empty()) d.set("disponibilites", p.availability);
  d.set("contact_url", "/experts/" + std::to_string(e->id) + "/contact");
  send_html(*pages.site, res, pages.site->templates.render_page("expert_page", std::move(d)));
}

// ---- the relay form ----

FormPage contact_form(const accounts::Expert& e) {
  FormPage f;
  f.title = "Écrire à " + e.profile.name;
  f.action = "/experts/" + std::to_string(e.id) + "/contact";
  f.submit = "Envoyer le message";
  f.cancel_url = "/experts/" + std::to_string(e.id);
  f.intro = {
      "Votre message part par courriel à " + e.profile.name +
      ", avec votre nom et votre adresse pour qu'il ou elle puisse vous répondre directement. Son "
      "adresse à lui ou à elle ne vous est pas communiquée : sa réponse vous la fera connaître."};
  const int message_max = static_cast<int>(kContactMessageMax);
  f.fields = {
      {"nom", "Votre nom", "", "text", "", "", "name", true, 100},
      {"courriel", "Votre adresse de courriel", "Pour recevoir la réponse. Format : nom@exemple.fr",
       "email", "", "", "email", true, 254},
      {"message", "Votre message", "10 caractères au moins, 3 000 au plus", "textarea", "", "", "",
       true, message_max}};
  f.links = {{"/confidentialite", "Ce que maillage garde et pourquoi"}};
  return f;
}

void contact_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto e = expert_or_404(pages, req, res);
  if (!e) return;
  res.set_header("Cache-Control", "no-store");
  render_form(pages, req, res, contact_form(*e));
}

// "{lien}" is where the outbox puts a sealed link: a sender's text must not hold one.
std::string without_link_marker(std::string s) {
  for (auto at = s.find("{lien}"); at != std::string::npos; at = s.find("{lien}", at))
    s.replace(at, 6, "(lien)");
  return s;
}

void contact_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  auto e = expert_or_404(pages, req, res);
  if (!e) return;
  res.set_header("Cache-Control", "no-store");
  FormPage f = contact_form(*e);
  std::string name = form(req, "nom"), email_in = form(req, "courriel"),
              message = form(req, "message");
  f.fields[0].value = name;
  f.fields[1].value = email_in;
  f.fields[2].value = message;
  bool readable_name = utf8::is_valid(name) && !utf8::has_control_chars(name) &&
                       name.find_first_of("\r\n\t") == std::string::npos;
  name = readable_name ? utf8::collapse_spaces(name) : "";
  if (!readable_name)
    f.errors.push_back(
        accounts::Result::failure("nom", "Le nom contient des caractères illisibles."));
  else if (name.empty())
    f.errors.push_back(accounts::Result::failure("nom", "Indiquez votre nom."));
  else if (utf8::length(name) > 100)
    f.errors.push_back(accounts::Result::failure("nom", "Le nom dépasse 100 caractères."));
  auto email = accounts::Service::normalise_email(email_in);
  if (!email)
    f.errors.push_back(accounts::Result::failure(
        "courriel",
        "Indiquez une adresse de courriel de la forme nom@exemple.fr, pour recevoir la réponse."));
  std::string text = utf8::is_valid(message) && !utf8::has_control_chars(message)
                         ? std::string(utf8::trim(message))
                         : "";
  if (!utf8::is_valid(message) || utf8::has_control_chars(message))
    f.errors.push_back(
        accounts::Result::failure("message", "Le message contient des caractères illisibles."));
  else if (utf8::length(text) < kContactMessageMin)
    f.errors.push_back(
        accounts::Result::failure("message", "Écrivez un message de 10 caractères au moins."));
  else if (utf8::length(text) > kContactMessageMax)
    f.errors.push_back(
        accounts::Result::failure("message", "Le message dépasse 3 000 caractères."));
  if (!f.errors.empty()) return render_form(pages, req, res, f, 400);
  // Counted once the message is complete: correcting a mistake costs nothing.
  if (!pages.site->contacts.take(req.remote_addr).allowed)
    return send_message(*pages.site, res, 429, "Trop de messages",
                        "Beaucoup de messages sont partis de cette adresse en peu de temps. "
                        "Réessayez dans une heure.");

  auto& service = *pages.services.accounts;
  auto account = service.store().account(e->id);
  if (!account)
    return send_message(*pages.site, res, 404, "Expert introuvable",
                        "Ce profil vient d'être retiré.");
  std::string site = service.settings().public_url.empty() ? base_url(*pages.site, req)
                                                           : service.settings().public_url;
  name = without_link_marker(name);
  service.queue_mail(
      account->email, "Message de " + name + " via maillage",
      "Bonjour " + without_link_marker(e->profile.name) + ",\n\n" + name +
          " vous écrit depuis votre profil d'expert sur maillage.\n\n"
          "Répondre à : " +
          *email +
          "\n"
          "(Pour lui répondre, écrivez à cette adresse : elle ne connaît pas la vôtre.)\n\n"
          "----- Message -----\n" +
          without_link_marker(text) +
          "\n-------------------\n\n"
          "Vous recevez ce courriel parce que votre profil est publié dans l'annuaire des experts "
          "de "
          "maillage. Pour le modifier ou le retirer : " +
          site + "/compte/expert\n");
  f.show_form = false;
  f.title = "Message envoyé";
  f.intro = {"Votre message est parti. " + e->profile.name + " vous répondra à l'adresse " +
             *email + " s'il ou elle le souhaite."};
  f.links = {{"/experts/" + std::to_string(e->id), "Revenir au profil"},
             {"/experts", "Chercher un autre expert"}};
  render_form(pages, req, res, f);
}

}  // namespace

void add_expert_routes(http::Router& server, std::shared_ptr<Pages> pages) {
  if (!pages->services.accounts) return;
  // Pages about one's own account are never stored by a cache; public ones may be.
  auto route = [pages](void (*handler)(Pages&, const httplib::Request&, httplib::Response&),
                       bool personal) {
    return [pages, handler, personal](const httplib::Request& req, httplib::Response& res) {
      if (personal) res.set_header("Cache-Control", "no-store");
      handler(*pages, req, res);
    };
  };
  server.Get("/compte/expert", route(expert_profile_page, true));
  server.Post("/compte/expert", route(expert_profile_submit, true));
  server.Get("/compte/expert/supprimer", route(expert_delete_page, true));
  server.Post("/compte/expert/supprimer", route(expert_delete_submit, true));
  server.Get("/experts", route(expert_list_page, false));
  server.Get("/experts/carte", route(expert_map_points, false));
  server.Get(R"(/experts/(\d{1,12}))", route(expert_page, false));
  server.Get(R"(/experts/(\d{1,12})/contact)", route(contact_page, false));
  server.Post(R"(/experts/(\d{1,12})/contact)", route(contact_submit, false));
}

}  // namespace maillage::web
