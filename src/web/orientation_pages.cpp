// "Orienter une personne" (docs/orientation.md): a mediator (any signed-in account) writes a
// person's need in their words with the person's constraints, gets the five best places of the
// natural search, keeps some, and prints a sheet for the person (/orienter/fiche) or sends it to
// them by e-mail (/orienter/courriel, queued in the outbox).
//
// Nothing about the person is stored: the criteria travel in the URLs, the person's address only
// in the queued e-mail. The form's parameters are the API's search parameters (q, autour,
// publics_specifiquement_adresses, prise_en_charge_specifique, rayon_km, ouvert_jour,
// frais_a_charge) restricted to the values the form offers, plus `lieu` for the places kept.
#include <httplib.h>

#include <algorithm>
#include <array>

#include "accounts/accounts.h"
#include "search/service.h"
#include "territory/place_query.h"
#include "web/csrf.h"
#include "web/display.h"
#include "web/forms.h"
#include "web/labels.h"
#include "web/pages.h"
#include "web/qr.h"

namespace maillage::web {
namespace {

constexpr std::size_t kOrientationShown = 5;  // places proposed
constexpr std::size_t kOrientationKept = 3;   // ticked « Retenir » by default
constexpr std::array<std::string_view, 4> kOrientationRadii = {"5", "10", "20", "50"};

// The filter groups the form offers, by parameter: who the place welcomes, adapted care.
const FilterGroup* orientation_group(std::string_view param) {
  if (param != "publics_specifiquement_adresses" && param != "prise_en_charge_specifique")
    return nullptr;
  for (const auto& g : filter_groups())
    if (g.param == param) return &g;
  return nullptr;
}

bool orientation_offers(std::string_view param, std::string_view value) {
  if (param == "q" || param == "autour") return true;  // parse_query checks them
  if (param == "rayon_km")
    return std::find(kOrientationRadii.begin(), kOrientationRadii.end(), value) !=
           kOrientationRadii.end();
  if (param == "ouvert_jour") {
    const auto& days = search::weekday_names();
    return std::find(days.begin(), days.end(), value) != days.end();
  }
  if (param == "frais_a_charge") return value == "Gratuit";
  if (const auto* g = orientation_group(param))
    return std::any_of(g->values.begin(), g->values.end(),
                       [&](const ValueLabel& v) { return v.value == value; });
  return false;
}

// What the request asks: the search's criteria and the places kept.
struct OrientationAsk {
  Params criteria;                  // the API's parameters the form offers, in request order
  std::vector<std::string> chosen;  // `lieu`: public ids, at most kOrientationShown, no repeat
  bool submitted = false;           // the form was sent (its button), even empty
};

OrientationAsk read_orientation(const Params& params) {
  OrientationAsk a;
  for (const auto& [k, v] : params) {
    if (k == "envoi") a.submitted = true;
    if (v.empty()) continue;
    if (k == "lieu") {
      if (a.chosen.size() < kOrientationShown && v.size() <= 300 &&
          std::find(a.chosen.begin(), a.chosen.end(), v) == a.chosen.end())
        a.chosen.push_back(v);
      continue;
    }
    if (!orientation_offers(k, v)) continue;
    const bool several = orientation_group(k) != nullptr;
    if (!several && a.criteria.count(k)) continue;
    a.criteria.emplace(k, v);
  }
  a.submitted |= a.criteria.count("q") || a.criteria.count("autour");
  return a;
}

std::string orientation_single(const Params& p, const char* name) {
  auto it = p.find(name);
  return it == p.end() ? "" : it->second;
}

bool orientation_has(const Params& p, std::string_view name, std::string_view value) {
  auto [it, end] = p.equal_range(std::string(name));
  return std::any_of(it, end, [&](const auto& kv) { return kv.second == value; });
}

// The text of a Data field; "" when absent or not a string.
std::string orientation_text_of(const Data& d, const std::string& key) {
  const auto* v = d.get(key);
  return v && v->is_string() ? v->string_value() : std::string();
}

// One place in the e-mail: name, address, distance, phone, the week's hours, what it offers,
// its page.
std::string orientation_place_text(const Data& d, std::size_t rank) {
  std::string t = std::to_string(rank) + ". " + orientation_text_of(d, "nom") + "\n";
  std::string address = orientation_text_of(d, "adresse");
  if (auto extra = orientation_text_of(d, "complement_adresse"); !extra.empty())
    address += ", " + extra;
  if (!address.empty()) t += "   " + address + "\n";
  t += "   " + orientation_text_of(d, "code_postal") + " " + orientation_text_of(d, "commune");
  if (auto km = orientation_text_of(d, "distance"); !km.empty()) t += " (à " + km + ")";
  if (auto km = orientation_text_of(d, "distance_approx"); !km.empty()) t += " (" + km + ")";
  t += "\n";
  if (auto phone = orientation_text_of(d, "telephone"); !phone.empty())
    t += "   Téléphone : " + phone + "\n";
  const auto* opening = d.get("opening");
  const auto* week = opening ? opening->get("week") : nullptr;
  if (week && week->is_list() && !week->list_value().empty()) {
    t += "   Horaires de la semaine :\n";
    for (const auto& day : week->list_value()) {
      t += "     " + orientation_text_of(day, "day_name") + " " + orientation_text_of(day, "date") +
           " : " + orientation_text_of(day, "hours");
      if (auto holiday = orientation_text_of(day, "holiday"); !holiday.empty())
        t += " (jour férié : " + holiday + ")";
      t += "\n";
    }
  } else {
    t += "   Horaires non publiés : téléphonez avant de vous déplacer.\n";
  }
  if (opening) {
    if (auto rule = orientation_text_of(*opening, "holiday_rule"); !rule.empty())
      t += "   " + rule + "\n";
  }
  const auto* services = d.get("services");
  if (services && services->is_list() && !services->list_value().empty()) {
    t += "   Ce que vous pouvez y faire :\n";
    for (const auto& s : services->list_value())
      if (s.is_string()) t += "     - " + s.string_value() + "\n";
  }
  t += "   Page du lieu : " + orientation_text_of(d, "page_url") + "\n";
  return t;
}

// The search run for the page, the sheet or the e-mail.
struct OrientationRun {
  bool ok = false;
  search::QueryError error;        // when !ok
  std::string typed, understood;   // the need as typed, and the needs recognised
  std::string around, place_note;  // "Autour de Lyon", "« Marseile » compris comme Marseille."
  std::vector<std::string> place_suggestions;
  bool has_point = false;
  List places;  // result_data + telephone, rank, page_url (+ qr_svg)
  std::vector<std::string> names;
  std::string text;  // the places as plain text (the e-mail)
};

// Runs the natural search of `ask` (limite 5). With `chosen_only`, keeps the places of
// ask.chosen in their order (one no longer among the results is still shown, without distance).
OrientationRun run_orientation(Pages& pages, const httplib::Request& req, const OrientationAsk& ask,
                               bool chosen_only, bool with_qr) {
  OrientationRun run;
  Params params = ask.criteria;
  params.emplace("limite", std::to_string(kOrientationShown));
  params.emplace("naturel", "oui");
  PageSearch s = read_search(params, pages.services.territory, kOrientationShown, kOrientationShown,
                             pages.services.geocoder);
  if (!s.query) {
    run.error = s.error;
    run.place_suggestions = s.error.suggestions;
    return run;
  }
  const search::Query& q = *s.query;
  run.typed = q.typed_text;
  run.understood = q.understood;
  run.has_point = static_cast<bool>(q.point);
  run.place_suggestions = q.place_alternatives;
  if (!q.place_label.empty()) {
    run.around = territory::around(q.place_label);
    run.around[0] = 'A';
    run.place_note = q.place_note;
  }
  const std::string base = base_url(*pages.site, req);
  const std::int64_t now = unix_now();
  pages.services.search.read([&](const search::Index& index) {
    search::SearchResult r = index.search(q);
    if (r.error) {
      run.error = *r.error;
      return 0;
    }
    std::vector<std::pair<const search::Document*, search::Hit>> picked;
    if (!chosen_only) {
      for (const auto& h : r.hits)
        if (const auto* doc = index.document(h.doc)) picked.emplace_back(doc, h);
    } else {
      for (const auto& id : ask.chosen) {
        const search::Document* found = nullptr;
        search::Hit hit{};
        for (const auto& h : r.hits) {
          const auto* doc = index.document(h.doc);
          if (doc && doc->public_id == id) found = doc, hit = h;
        }
        if (!found) found = index.find_public(id);  // no longer among the five: no distance
        if (found) picked.emplace_back(found, hit);
      }
    }
    std::size_t rank = 0;
    for (const auto& [doc, hit] : picked) {
      Data d = result_data(*doc, hit, now, true);
      ++rank;
      d.set("rank", std::to_string(rank));
      // The first three, or the ones kept before (coming back from the sheet or the e-mail).
      d.set("kept", ask.chosen.empty() ? rank <= kOrientationKept
                                       : std::find(ask.chosen.begin(), ask.chosen.end(),
                                                   doc->public_id) != ask.chosen.end());
      auto phone = phone_display(doc->place[place::Field::kTelephone]);
      if (!phone.text.empty()) d.set("telephone", phone.text);
      if (!phone.tel_uri.empty()) d.set("telephone_uri", phone.tel_uri);
      std::string page_url = base + "/lieux/" + url_encode(doc->public_id);
      d.set("page_url", page_url);
      if (with_qr) d.set("qr_svg", qr_svg(page_url, "Code QR vers la page du lieu en ligne"));
      run.names.emplace_back(doc->place[place::Field::kNom]);
      run.text += orientation_place_text(d, rank) + "\n";
      run.places.push_back(d);
    }
    run.ok = true;
    return 0;
  });
  return run;
}

// The criteria as hidden fields (the results' form, the e-mail form).
List orientation_hidden(const Params& criteria) {
  List hidden;
  for (const auto& [k, v] : criteria) {
    Data h;
    h.set("name", k);
    h.set("value", v);
    hidden.push_back(h);
  }
  return hidden;
}

// The form's fields as filled: need, place, the constraints.
void orientation_form_data(Data& d, const Params& c) {
  d.set("q", orientation_single(c, "q"));
  d.set("autour", orientation_single(c, "autour"));
  auto group_data = [&](const char* param, const char* key, const char* prefix) {
    List values;
    int i = 0;
    for (const auto& v : orientation_group(param)->values) {
      Data x;
      x.set("input_id", std::string(prefix) + std::to_string(i++));
      x.set("value", std::string(v.value));
      x.set("label", std::string(v.label));
      x.set("checked", orientation_has(c, param, v.value));
      values.push_back(x);
    }
    d.set(key, values);
  };
  group_data("publics_specifiquement_adresses", "publics", "public-");
  group_data("prise_en_charge_specifique", "accueil", "accueil-");
  List radii;
  for (auto r : kOrientationRadii) {
    Data x;
    x.set("value", std::string(r));
    x.set("selected", orientation_has(c, "rayon_km", r));
    radii.push_back(x);
  }
  d.set("radii", radii);
  List days;
  for (const auto& name : search::weekday_names()) {
    Data x;
    x.set("value", name);
    std::string label = name;
    label[0] = static_cast<char>(label[0] - 'a' + 'A');
    x.set("label", label);
    x.set("selected", orientation_has(c, "ouvert_jour", name));
    days.push_back(x);
  }
  d.set("days", days);
  d.set("free_only", orientation_has(c, "frais_a_charge", "Gratuit"));
}

// A search error as the form shows it: on the field it is about, in words for a mediator.
void orientation_error_data(Data& d, const search::QueryError& e) {
  std::string field = e.parameter == "autour" || e.parameter == "rayon_km" ? e.parameter : "q";
  std::string message = e.message;
  if (e.parameter == "rayon_km")
    message =
        "Peut se déplacer jusqu'à : indiquez aussi où habite la personne (commune ou code "
        "postal), la distance se compte depuis chez elle.";
  Data x;
  x.set("field", field);
  x.set("message", message);
  d.set("errors", List{x});
  d.set("has_errors", true);
  d.set("error_" + field, message);
}

void orientation_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  const OrientationAsk ask = read_orientation(req.params);
  Data d;
  std::string title = "Orienter une personne";
  orientation_form_data(d, ask.criteria);
  if (ask.submitted && ask.criteria.empty()) {
    search::QueryError e{"q",
                         "Besoin de la personne : écrivez ce qu'elle veut faire, ou indiquez "
                         "où elle habite."};
    orientation_error_data(d, e);
    title = "Erreur — " + title;
  } else if (ask.submitted) {
    OrientationRun run = run_orientation(pages, req, ask, false, false);
    place_suggestions_data(d, ask.criteria, "/orienter", run.place_suggestions);
    if (!run.ok) {
      orientation_error_data(d, run.error);
      title = "Erreur — " + title;
    } else {
      d.set("searched", true);
      d.set("places", run.places);
      d.set("has_places", !run.places.empty());
      d.set("count", std::to_string(run.places.size()));
      d.set("one_place", run.places.size() == 1);
      if (!run.understood.empty()) d.set("compris", run.understood);
      if (!run.around.empty()) d.set("lieu_autour", run.around);
      if (!run.place_note.empty()) d.set("lieu_remarque", run.place_note);
      if (!run.has_point)
        d.set("avis",
              "Sans commune ni code postal, les lieux viennent de toute la France : "
              "indiquez où habite la personne pour avoir les plus proches.");
      d.set("hidden", orientation_hidden(ask.criteria));
      title = "Lieux proposés (" + std::to_string(run.places.size()) + ") — " + title;
    }
  }
  add_page_fields(d, *pages.site, title, "compte");
  send_html(*pages.site, res, pages.site->templates.render_page("orientation", std::move(d)));
}

// The back link from the sheet and the e-mail form: the same search, the same places kept.
std::string orientation_back_url(const OrientationAsk& ask) {
  Params p = ask.criteria;
  for (const auto& id : ask.chosen) p.emplace("lieu", id);
  return "/orienter?" + query_string(p);
}

void orientation_sheet_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  const OrientationAsk ask = read_orientation(req.params);
  if (ask.chosen.empty())
    return send_message(*pages.site, res, 400, "Aucun lieu retenu",
                        "Cochez « Retenir » pour au moins un lieu, puis « Imprimer la fiche ».");
  OrientationRun run = run_orientation(pages, req, ask, true, true);
  if (!run.ok)
    return send_message(*pages.site, res, 400, "Erreur dans la recherche", run.error.message);
  Data d;
  d.set("title", "Fiche d'orientation — lieux d'aide au numérique");
  d.set("printed_on", french_date_today());
  if (!run.typed.empty()) d.set("besoin", run.typed);
  if (!run.understood.empty()) d.set("compris", run.understood);
  if (!run.around.empty()) d.set("lieu_autour", run.around);
  d.set("results", run.places);
  d.set("has_results", !run.places.empty());
  d.set("back_url", orientation_back_url(ask));
  send_html(*pages.site, res, pages.site->templates.render("orientation_sheet", d));
}

// ---- the e-mail ----

FormPage orientation_mail_form(const OrientationAsk& ask, const OrientationRun& run) {
  FormPage f;
  f.title = "Envoyer la fiche par courriel";
  f.action = "/orienter/courriel";
  f.submit = "Envoyer le courriel";
  std::string names;
  for (std::size_t i = 0; i < run.names.size(); ++i)
    names += (i == 0 ? "" : i + 1 == run.names.size() ? " et " : ", ") + run.names[i];
  f.intro = {"Lieux envoyés : " + names +
                 ". Le courriel donne pour chacun l'adresse, le "
                 "téléphone, les horaires de la semaine et le lien vers sa page.",
             "L'adresse de la personne sert seulement à lui envoyer ce courriel : maillage ne "
             "l'enregistre nulle part ailleurs que dans le message lui-même, ne la lie ni à votre "
             "compte ni à un lieu, et ne lui écrira jamais d'autre message."};
  f.fields = {{"courriel", "Adresse de courriel de la personne", "Format : nom@exemple.fr", "email",
               "", "", "off", true, 254}};
  for (const auto& [k, v] : ask.criteria) f.hidden.emplace_back(k, v);
  for (const auto& id : ask.chosen) f.hidden.emplace_back("lieu", id);
  f.cancel_url = orientation_back_url(ask);
  return f;
}

// The checks both the form and its submission make: signed in, places kept, a search that runs.
// False when a page was already sent.
bool orientation_mail_ready(Pages& pages, const httplib::Request& req, httplib::Response& res,
                            const OrientationAsk& ask, OrientationRun& run) {
  if (ask.chosen.empty()) {
    send_message(*pages.site, res, 400, "Aucun lieu retenu",
                 "Cochez « Retenir » pour au moins un lieu, puis « Envoyer par courriel ».");
    return false;
  }
  run = run_orientation(pages, req, ask, true, false);
  if (!run.ok) {
    send_message(*pages.site, res, 400, "Erreur dans la recherche", run.error.message);
    return false;
  }
  if (run.places.empty()) {
    send_message(*pages.site, res, 404, "Lieux introuvables",
                 "Les lieux retenus ne sont plus dans l'annuaire : refaites la recherche.");
    return false;
  }
  return true;
}

void orientation_mail_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  const OrientationAsk ask = read_orientation(req.params);
  OrientationRun run;
  if (!orientation_mail_ready(pages, req, res, ask, run)) return;
  render_form(pages, req, res, orientation_mail_form(ask, run));
}

std::string orientation_mail_body(const accounts::Principal& by, const OrientationRun& run) {
  std::string body = "Bonjour,\n\n";
  body += run.names.size() > 1 ? "Voici les lieux d'aide au numérique choisis avec vous"
                               : "Voici le lieu d'aide au numérique choisi avec vous";
  if (!run.typed.empty()) body += " pour : « " + run.typed + " »";
  body += ".\n\n" + run.text;
  body +=
      "Ces informations peuvent changer : vérifiez-les sur la page du lieu ou téléphonez "
      "avant de vous déplacer.\n\n";
  body += "Message envoyé par " +
          (by.name.empty() ? std::string("un médiateur numérique") : by.name) +
          " depuis maillage, l'annuaire des lieux de médiation numérique. Votre adresse n'a "
          "servi qu'à envoyer ce message.\n";
  // "{lien}" is the outbox's placeholder for a sealed link: never in a person's words.
  for (std::size_t at; (at = body.find("{lien}")) != std::string::npos;)
    body.replace(at, 6, "(lien)");
  return body;
}

void orientation_mail_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  const OrientationAsk ask = read_orientation(req.params);
  OrientationRun run;
  if (!orientation_mail_ready(pages, req, res, ask, run)) return;
  FormPage f = orientation_mail_form(ask, run);
  f.fields[0].value = form(req, "courriel");
  auto email = accounts::Service::normalise_email(form(req, "courriel"));
  if (!email) {
    f.errors.push_back(accounts::Result::failure(
        "courriel",
        "Adresse de courriel de la personne : indiquez une adresse de la forme "
        "nom@exemple.fr."));
    return render_form(pages, req, res, f, 400);
  }
  if (auto d = pages.site->orientation_mails.take("compte:" + std::to_string(p.id)); !d.allowed) {
    f.errors.push_back(accounts::Result::failure(
        "", "Vous avez envoyé beaucoup de courriels en peu de temps. Réessayez dans " +
                std::to_string((d.retry_after_s + 59) / 60) + " minute(s)."));
    return render_form(pages, req, res, f, 429);
  }
  pages.services.accounts->queue_mail(*email, "Lieux d'aide au numérique conseillés pour vous",
                                      orientation_mail_body(p, run));
  f.show_form = false;
  f.title = "Courriel envoyé";
  f.intro = {};
  f.fields[0].value.clear();
  f.notice = "Le courriel part vers " + *email + " avec " + std::to_string(run.names.size()) +
             (run.names.size() > 1 ? " lieux." : " lieu.") +
             " Cette adresse n'est gardée que dans le message envoyé.";
  f.links = {{orientation_back_url(ask), "Revenir aux lieux proposés"},
             {"/orienter", "Orienter une autre personne"}};
  render_form(pages, req, res, f);
}

}  // namespace

void add_orientation_link(Pages& pages, const httplib::Request& req, Data& d) {
  if (!pages.services.accounts || cookie(req, kSessionCookie).empty()) return;
  if (who(pages, req).signed_in()) d.set("orienter_url", std::string("/orienter"));
}

void add_orientation_routes(http::Router& server, std::shared_ptr<Pages> pages) {
  if (!pages->services.accounts) return;
  auto page = [&pages](PageHandler handler) { return no_store_page(pages, handler); };
  server.Get("/orienter", page(orientation_page));
  server.Get("/orienter/fiche", page(orientation_sheet_page));
  server.Get("/orienter/courriel", page(orientation_mail_page));
  server.Post("/orienter/courriel", page(orientation_mail_submit));
}

}  // namespace maillage::web
