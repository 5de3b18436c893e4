// The pages of accounts (issue 7, docs/accounts.md): sign-up and confirmation, login and logout,
// forgotten password, the account (its data, its deletion), claims to manage a place and their
// approval, the edit form of a place (manual fields), moderation of the public's reports, a
// place's history, "still correct", and the administrators' pages (roles, outbox).
//
// Every write is a POST with the CSRF token (web/csrf.h), checked before anything else; every
// permission is checked here on the server (accounts::can_*), never only by hiding a link.
#include <httplib.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "accounts/accounts.h"
#include "accounts/claims.h"
#include "accounts/freshness.h"
#include "common/utf8.h"
#include "hours/parser.h"
#include "place/codec.h"
#include "place/normalize.h"
#include "search/service.h"
#include "territory/reference.h"
#include "web/csrf.h"
#include "web/display.h"
#include "web/forms.h"
#include "web/labels.h"
#include "web/pages.h"
#include "web/place_form.h"
#include "web/report.h"

namespace maillage::web {
namespace {

std::optional<search::Document> doc_of(Pages& pages, const std::string& source, const std::string& id);
accounts::PlaceScope scope_of(Pages& pages, const search::Document& doc);

using place::Field;

// ---- requests ----

bool secure_site(const Pages& pages) { return pages.site->options.public_url.rfind("https://", 0) == 0; }

void set_session_cookie(Pages& pages, httplib::Response& res, const std::string& token, bool clear) {
  std::string c = std::string(kSessionCookie) + "=" + (clear ? "" : token) +
                  "; Path=/; HttpOnly; SameSite=Lax";
  if (secure_site(pages)) c += "; Secure";
  if (clear)
    c += "; Max-Age=0";
  else
    c += "; Max-Age=" + std::to_string(pages.services.accounts->settings().session_days * 86400);
  res.set_header("Set-Cookie", c);
}

void forbidden(Pages& pages, httplib::Response& res) {
  send_message(*pages.site, res, 403, "Accès refusé",
               "Cette action est réservée aux personnes qui gèrent ce lieu ou coordonnent son territoire.");
}

// A local path to go back to after login ("/lieux/x/gerer"), never another site.
std::string safe_return(const std::string& r) {
  if (r.empty() || r[0] != '/' || (r.size() > 1 && (r[1] == '/' || r[1] == '\\')) || r.size() > 500)
    return "/compte";
  for (char c : r)
    if (static_cast<unsigned char>(c) < 0x20) return "/compte";
  return r;
}

// ---- sign-up, confirmation, login, reset ----

FormPage signup_form() {
  FormPage f;
  f.title = "Créer un compte";
  f.action = "/compte/inscription";
  f.submit = "Créer mon compte";
  f.intro = {"Un compte sert à tenir à jour la fiche de votre lieu, à traiter les signalements de votre "
             "territoire ou à vous présenter comme expert. Chercher un lieu ne demande pas de compte."};
  f.fields = {{"nom", "Nom ou pseudonyme", "", "text", "", "", "name", true, 100},
              {"courriel", "Adresse de courriel", "Format : nom@exemple.fr", "email", "", "", "email", true, 254},
              {"mot_de_passe", "Mot de passe", "10 caractères au moins", "password", "", "", "new-password", true, 1024},
              {"consentement", "J'accepte que maillage garde mon nom et mon adresse pour ce compte, comme l'explique la page « Données personnelles ».",
               "", "checkbox", "", "", "", true, 0}};
  f.links = {{"/confidentialite", "Ce que maillage garde et pourquoi"}, {"/compte/connexion", "J'ai déjà un compte"}};
  return f;
}

void signup_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  render_form(pages, req, res, signup_form());
}

void signup_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  if (!pages.site->signups.take(req.remote_addr).allowed)
    return send_message(*pages.site, res, 429, "Trop de demandes", "Trop de comptes créés depuis cette adresse : réessayez plus tard.");
  FormPage f = signup_form();
  f.fields[0].value = form(req, "nom");
  f.fields[1].value = form(req, "courriel");
  f.fields[3].value = form(req, "consentement");
  auto r = pages.services.accounts->sign_up(form(req, "courriel"), form(req, "nom"),
                                            form(req, "mot_de_passe"), form(req, "consentement") == "oui");
  if (!r.ok) {
    f.errors.push_back(r);
    return render_form(pages, req, res, f, 400);
  }
  f.show_form = false;
  f.title = "Vérifiez vos courriels";
  f.intro = {"Nous avons écrit à " + f.fields[1].value + ". Ouvrez le lien du courriel pour confirmer votre compte."};
  f.links = {{"/compte/connexion", "Se connecter"}};
  render_form(pages, req, res, f);
}

void confirm_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto r = pages.services.accounts->confirm(req.get_param_value("jeton"));
  if (!r.ok) return send_message(*pages.site, res, 400, "Lien non valable", r.message);
  send_message(*pages.site, res, 200, "Compte confirmé", "Votre compte est confirmé : vous pouvez vous connecter.");
}

FormPage login_form(const std::string& back) {
  FormPage f;
  f.title = "Se connecter";
  f.action = "/compte/connexion";
  f.submit = "Se connecter";
  f.fields = {{"courriel", "Adresse de courriel", "", "email", "", "", "username", true, 254},
              {"mot_de_passe", "Mot de passe", "", "password", "", "", "current-password", true, 1024}};
  f.hidden = {{"retour", safe_return(back)}};
  f.links = {{"/compte/oubli", "Mot de passe oublié ?"}, {"/compte/inscription", "Créer un compte"}};
  return f;
}

void login_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  render_form(pages, req, res, login_form(req.get_param_value("retour")));
}

void login_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  FormPage f = login_form(form(req, "retour"));
  f.fields[0].value = form(req, "courriel");
  if (!pages.site->logins.take(req.remote_addr).allowed) {
    f.errors.push_back(accounts::Result::failure("", "Trop d'essais depuis cette adresse : attendez une minute."));
    return render_form(pages, req, res, f, 429);
  }
  accounts::Result r;
  auto& accounts = *pages.services.accounts;
  auto token = accounts.log_in(form(req, "courriel"), form(req, "mot_de_passe"), r,
                               {req.remote_addr, cookie(req, kDeviceCookie)});
  if (!token) {
    f.errors.push_back(r);
    return render_form(pages, req, res, f, 400);
  }
  set_session_cookie(pages, res, *token, false);
  // The device the owner signs in from: other clients' failures never slow it down (a year).
  std::string device = std::string(kDeviceCookie) + "=" + accounts.device_token(accounts.principal(*token).id) +
                       "; Path=/compte; HttpOnly; SameSite=Strict; Max-Age=31536000";
  if (secure_site(pages)) device += "; Secure";
  res.headers.emplace("Set-Cookie", device);
  redirect(res, safe_return(form(req, "retour")));
}

void logout_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  pages.services.accounts->log_out(cookie(req, kSessionCookie));
  set_session_cookie(pages, res, "", true);
  redirect(res, "/");
}

FormPage forgot_form() {
  FormPage f;
  f.title = "Mot de passe oublié";
  f.action = "/compte/oubli";
  f.submit = "Recevoir un lien";
  f.intro = {"Indiquez l'adresse de votre compte : nous y enverrons un lien pour choisir un nouveau mot de passe."};
  f.fields = {{"courriel", "Adresse de courriel", "", "email", "", "", "email", true, 254}};
  return f;
}

void forgot_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  render_form(pages, req, res, forgot_form());
}

void forgot_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  if (!pages.site->signups.take(req.remote_addr).allowed)
    return send_message(*pages.site, res, 429, "Trop de demandes", "Réessayez dans quelques minutes.");
  pages.services.accounts->request_reset(form(req, "courriel"));
  FormPage f = forgot_form();
  f.show_form = false;
  f.intro = {"Si un compte existe à cette adresse, un courriel vient d'y partir avec un lien valable une heure."};
  render_form(pages, req, res, f);
}

FormPage reset_form(const std::string& token) {
  FormPage f;
  f.title = "Nouveau mot de passe";
  f.action = "/compte/reinitialiser";
  f.submit = "Enregistrer le mot de passe";
  f.fields = {{"mot_de_passe", "Nouveau mot de passe", "10 caractères au moins", "password", "", "", "new-password", true, 1024}};
  f.hidden = {{"jeton_courriel", token}};
  return f;
}

void reset_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  render_form(pages, req, res, reset_form(req.get_param_value("jeton")));
}

void reset_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  auto r = pages.services.accounts->reset_password(form(req, "jeton_courriel"), form(req, "mot_de_passe"));
  if (!r.ok) {
    FormPage f = reset_form(form(req, "jeton_courriel"));
    f.errors.push_back(r);
    return render_form(pages, req, res, f, 400);
  }
  send_message(*pages.site, res, 200, "Mot de passe changé",
               "Votre mot de passe est changé et vos autres sessions sont fermées. Vous pouvez vous connecter.");
}

// ---- the account ----

std::string role_label(const std::string& role) {
  if (role == "administrateur") return "Administrateur";
  if (role == "coordinateur") return "Coordinateur territorial";
  return "Membre (médiateur)";
}

void account_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  auto& store = pages.services.accounts->store();
  Data d = page_data(*pages.site, "Mon compte", "compte");
  d.set("name", p.name);
  d.set("email", p.email);
  d.set("role_label", role_label(p.role));
  List territories;
  for (const auto& t : p.territories)
    territories.push_back(Data((t.kind == "region" ? "région " : "département ") + t.code));
  d.set("territories", territories);
  List places;
  for (const auto& key : p.places) {
    // Named copies: clang 14 does not let a lambda capture structured bindings.
    const std::string& source = key.first;
    const std::string& id = key.second;
    Data x;
    auto doc = pages.services.search.read([&](const search::Index& index) -> std::optional<search::Document> {
      if (const auto* found = index.find(source, id)) return *found;
      return std::nullopt;
    });
    x.set("url", "/lieux/" + url_encode(doc ? doc->public_id : id));
    x.set("name", doc ? std::string(doc->place[Field::kNom]) : id + " (retiré)");
    // An empty string is "true" for the Mustache sections: optional texts are set when present.
    if (doc && !doc->place[Field::kCommune].empty()) x.set("commune", std::string(doc->place[Field::kCommune]));
    places.push_back(x);
  }
  d.set("has_places", !places.empty());
  d.set("places", places);
  List claims;
  for (const auto& c : store.claims_of(p.id)) {
    Data x;
    // The place by its name (its id in the source, "fs-594", means nothing to a person).
    auto doc = doc_of(pages, c.source, c.place_id);
    if (!doc) continue;
    x.set("url", "/lieux/" + url_encode(doc->public_id));
    x.set("place", std::string(doc->place[Field::kNom]));
    x.set("status", c.status == "en_attente" ? "en attente" : c.status == "acceptee" ? "acceptée" : "refusée");
    if (!c.reason.empty()) x.set("reason", c.reason);
    claims.push_back(x);
  }
  d.set("has_claims", !claims.empty());
  d.set("claims", claims);
  d.set("can_moderate", p.admin() || p.coordinator() || !p.places.empty());
  d.set("can_claims", p.admin() || p.coordinator());
  if (p.admin() || p.coordinator()) {
    std::size_t pending = 0;
    for (const auto& c : store.claims("en_attente", 1000))
      if (auto doc = doc_of(pages, c.source, c.place_id); doc && accounts::can_decide_claim(p, scope_of(pages, *doc)))
        ++pending;
    if (pending > 0) d.set("pending_claims", std::to_string(pending));
  }
  d.set("can_admin", p.admin());
  d.set("jeton", csrf_token(req, res));
  if (req.has_param("message")) {
    std::string m = req.get_param_value("message");
    if (m == "modifie") d.set("notice", "La fiche est enregistrée.");
    if (m == "demande") d.set("notice", "Votre demande est envoyée au coordinateur du territoire.");
    if (m == "accepte") d.set("notice", "Vous gérez maintenant cette fiche.");
  }
  send_html(*pages.site, res, pages.site->templates.render_page("account_home", std::move(d)));
}

void data_export(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  res.set_header("Content-Disposition", "attachment; filename=\"mes-donnees-maillage.json\"");
  res.set_header("Cache-Control", "no-store");
  res.set_content(pages.services.accounts->export_data(p.id), "application/json; charset=utf-8");
}

FormPage delete_form() {
  FormPage f;
  f.title = "Supprimer mon compte";
  f.action = "/compte/supprimer";
  f.submit = "Supprimer définitivement mon compte";
  f.intro = {"Votre compte, vos sessions, vos demandes et votre profil d'expert seront effacés. Les "
             "fiches de lieux restent publiques ; le journal garde la trace des modifications sous "
             "un numéro de compte, sans votre nom ni votre adresse."};
  f.fields = {{"mot_de_passe", "Votre mot de passe, pour confirmer", "", "password", "", "", "current-password", true, 1024}};
  f.cancel_url = "/compte";
  return f;
}

void delete_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  render_form(pages, req, res, delete_form());
}

void delete_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  if (!allow_write(pages, p, req, res)) return;
  auto r = pages.services.accounts->delete_account(p.id, form(req, "mot_de_passe"));
  if (!r.ok) {
    FormPage f = delete_form();
    f.errors.push_back(r);
    return render_form(pages, req, res, f, 400);
  }
  set_session_cookie(pages, res, "", true);
  send_message(*pages.site, res, 200, "Compte supprimé", "Votre compte et vos données sont effacés.");
}

void privacy_page(Pages& pages, const httplib::Request&, httplib::Response& res) {
  const auto& s = pages.services.accounts->settings();
  Data d = page_data(*pages.site, "Données personnelles", "");
  d.set("session_days", std::to_string(s.session_days));
  d.set("confirmation_hours", std::to_string(s.confirmation_hours));
  d.set("inactive_months", std::to_string(s.inactive_months));
  send_html(*pages.site, res, pages.site->templates.render_page("privacy", std::move(d)));
}

// ---- places: scope, claims, edit, history, confirmation ----

accounts::PlaceScope scope_of(Pages& pages, const search::Document& doc) {
  return accounts::place_scope(pages.services.territory, std::string(doc.source), std::string(doc.id),
                               doc.place[Field::kCodeInsee], doc.place[Field::kCodePostal]);
}

std::optional<search::Document> place_or_404(Pages& pages, const httplib::Request& req,
                                             httplib::Response& res) {
  std::string id = req.matches[1];
  auto doc = find_place(pages, id);
  if (!doc)
    send_message(*pages.site, res, 404, "Lieu introuvable", "Aucun lieu n'a l'identifiant « " + id + " ».");
  return doc;
}

FormPage claim_form(const search::Document& doc) {
  FormPage f;
  f.title = "Gérer cette fiche";
  f.action = "/lieux/" + url_encode(doc.public_id) + "/gerer";
  f.submit = "Envoyer ma demande";
  f.place_url = "/lieux/" + url_encode(doc.public_id);
  f.place_name = std::string(doc.place[Field::kNom]);
  f.cancel_url = f.place_url;
  f.intro = {"Vous travaillez dans ce lieu et voulez tenir sa fiche à jour ? Votre demande est acceptée "
             "tout de suite si l'adresse de votre compte est au domaine du site internet du lieu, et "
             "qu'aucun autre lieu n'utilise ce domaine ; sinon, le coordinateur de son territoire "
             "l'examine et vous répond par courriel."};
  f.fields = {{"message", "Votre rôle dans ce lieu", "Facultatif, 500 caractères au plus", "textarea", "", "", "", false, 500}};
  return f;
}

void claim_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto doc = place_or_404(pages, req, res);
  if (!doc) return;
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  render_form(pages, req, res, claim_form(*doc));
}

void claim_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  auto doc = place_or_404(pages, req, res);
  if (!doc) return;
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  if (!allow_write(pages, p, req, res)) return;
  std::string message = form(req, "message");
  if (!utf8::is_valid(message) || utf8::length(message) > 500) {
    FormPage f = claim_form(*doc);
    f.errors.push_back(accounts::Result::failure("message", "Le message dépasse 500 caractères ou contient des caractères illisibles."));
    return render_form(pages, req, res, f, 400);
  }
  std::string error;
  // How many places of the directory name the domain of the person's address.
  const std::string domain = accounts::email_domain(p.email);
  const std::size_t uses = pages.services.search.read([&](const search::Index& index) {
    std::size_t n = 0;
    index.for_each_visible([&](const search::Document& d) {
      n += accounts::place_domains(d.place[Field::kSiteWeb], d.place[Field::kCourriels]).count(domain);
    });
    return n;
  });
  auto outcome = accounts::claim_place(*pages.services.accounts, p, scope_of(pages, *doc),
                                       doc->place.unpack(), utf8::trim(message), uses, error);
  if (!outcome) return send_message(*pages.site, res, 500, "Demande non enregistrée", error);
  switch (*outcome) {
    case accounts::ClaimOutcome::kAlreadyManager: return redirect(res, "/compte");
    case accounts::ClaimOutcome::kApproved: return redirect(res, "/compte?message=accepte");
    case accounts::ClaimOutcome::kAlreadyPending:
    case accounts::ClaimOutcome::kPending: return redirect(res, "/compte?message=demande");
  }
}

// The record a manager (or an accepted suggestion) gives, through the importer's normalisation
// and rules; `date_maj` becomes today. Null with the errors (field, French message) when invalid.
// A warning blocks only when it is about what the person changed (a field, or the commune, postal
// code and INSEE code together): a record's old flaw never stops an unrelated correction, and a
// field the person did not touch keeps its current value.
std::optional<place::Place> normalize_edit(Pages& pages, const search::Document& doc,
                                           const place::Place& values, const place::Place& current,
                                           std::vector<accounts::Result>& errors) {
  place::RawRecord raw;
  raw.line = 1;
  for (const auto& s : place::all_fields()) {
    std::string value = s.field == Field::kDateMaj ? store::utc_now().substr(0, 10) : values[s.field];
    if (!value.empty()) raw.fields.emplace_back(std::string(s.name), value);
  }
  place::NormalizeContext ctx;
  ctx.territory = &pages.services.territory;
  ctx.file = "formulaire";
  ctx.import_source = doc.source;
  auto result = place::normalize(raw, ctx);
  auto changed = [&](Field f) { return values[f] != current[f]; };
  auto address = [](Field f) {
    return f == Field::kCommune || f == Field::kCodePostal || f == Field::kCodeInsee;
  };
  const bool address_changed = changed(Field::kCommune) || changed(Field::kCodePostal) || changed(Field::kCodeInsee);
  for (const auto& d : result.diagnostics) {
    auto field = place::field_by_name(d.field);
    const bool blocks = d.severity == Severity::kError ||
                        (d.severity == Severity::kWarning &&
                         (!field || changed(*field) || (address(*field) && address_changed)));
    if (blocks)
      errors.push_back(accounts::Result::failure(
          d.field, field ? std::string(field_label(*field)) + " : " + d.message : d.message));
  }
  if (!result.accepted && errors.empty())
    errors.push_back(accounts::Result::failure("", "La fiche n'est pas valable."));
  if (!errors.empty()) return std::nullopt;
  for (const auto& s : place::all_fields())
    if (editable(s.field) && !changed(s.field) && !(address(s.field) && address_changed))
      result.place[s.field] = current[s.field];
  return result.place;
}

// The editable fields whose normalised value differs from the current one, with date_maj.
std::vector<std::pair<Field, std::string>> changed_fields(const place::Place& current,
                                                          const place::Place& next) {
  std::vector<std::pair<Field, std::string>> set;
  for (const auto& s : place::all_fields())
    if (editable(s.field) && next[s.field] != current[s.field]) set.emplace_back(s.field, next[s.field]);
  if (!set.empty()) set.emplace_back(Field::kDateMaj, next[Field::kDateMaj]);
  return set;
}

void render_edit(Pages& pages, const httplib::Request& req, httplib::Response& res,
                 const search::Document& doc, const place::Place& values,
                 const std::vector<accounts::Result>& errors, int status,
                 const std::string& note = {}, const WeekCells* typed_week = nullptr) {
  FormPage f;
  f.title = "Modifier la fiche";
  f.action = "/lieux/" + url_encode(doc.public_id) + "/modifier";
  f.submit = "Enregistrer la fiche";
  f.place_url = "/lieux/" + url_encode(doc.public_id);
  f.place_name = std::string(doc.place[Field::kNom]);
  f.cancel_url = f.place_url;
  f.errors = errors;
  f.intro = {"Ce que vous changez ici l'emporte sur les annuaires d'où vient la fiche, jusqu'à ce "
             "que vous rendiez le champ à sa source. Chaque champ rempli aide une personne à "
             "savoir si le lieu peut l'aider ; seuls le nom et l'adresse sont obligatoires."};
  if (!note.empty()) f.intro.push_back(note);
  std::map<Field, std::string> manual_at;
  if (pages.services.manual_fields)
    for (const auto& m : pages.services.manual_fields(std::string(doc.source), std::string(doc.id))) manual_at[m.field] = french_date(m.at.substr(0, 10));
  f.fields.clear();
  render_form(pages, req, res, f, status, place_form_fields(values, errors, manual_at, typed_week));
}

void edit_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto doc = place_or_404(pages, req, res);
  if (!doc) return;
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  if (!accounts::can_edit_place(p, scope_of(pages, *doc))) return forbidden(pages, res);
  render_edit(pages, req, res, *doc, doc->place.unpack(), {}, 200);
}

void edit_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  auto doc = place_or_404(pages, req, res);
  if (!doc) return;
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  if (!accounts::can_edit_place(p, scope_of(pages, *doc))) return forbidden(pages, res);
  if (!allow_write(pages, p, req, res)) return;
  place::Place current = doc->place.unpack();
  place::Place entered = current;
  std::vector<accounts::Result> read_errors;
  const bool from_week = read_place_form(req.params, entered, read_errors);
  if (!read_errors.empty()) {
    auto typed = read_week(req.params);
    return render_edit(pages, req, res, *doc, entered, read_errors, 400, {}, typed ? &*typed : nullptr);
  }
  // Hours in plain French or day by day: written as opening_hours and shown back as a week
  // before saving.
  const bool new_hours = entered[Field::kHoraires] != current[Field::kHoraires];
  auto understood =
      !new_hours || hours::parse(entered[Field::kHoraires]).ok()
          ? std::nullopt
          : suggested_hours_preview({{"champ", "horaires"}, {"valeur", entered[Field::kHoraires]}});
  if (understood) entered[Field::kHoraires] = understood->expression;
  if (understood || (from_week && new_hours))
    return render_edit(pages, req, res, *doc, entered, {}, 200,
                       "Horaires compris : vérifiez la semaine lue sous les horaires, puis "
                       "enregistrez la fiche.");
  std::vector<accounts::Result> errors;
  if (new_hours && !entered[Field::kHoraires].empty() &&
      !hours::parse(entered[Field::kHoraires]).ok())
    errors.push_back(accounts::Result::failure(
        "horaires", "Horaires : « " + entered[Field::kHoraires] +
                        " » n'a pas été compris. Écrivez par exemple « du lundi au vendredi "
                        "9h-12h et 14h-17h, le samedi 9h-12h »."));
  if (!errors.empty()) return render_edit(pages, req, res, *doc, entered, errors, 400);
  auto result = normalize_edit(pages, *doc, entered, current, errors);
  if (!result) return render_edit(pages, req, res, *doc, entered, errors, 400);
  auto set = changed_fields(current, *result);
  std::vector<Field> release;
  auto [first, last] = req.params.equal_range("rendre");
  for (auto it = first; it != last; ++it)
    if (auto f = place::field_by_name(it->second); f && editable(*f)) release.push_back(*f);
  if (set.empty() && release.empty()) return redirect(res, "/lieux/" + url_encode(doc->public_id));
  auto st = pages.services.edit_place(std::string(doc->source), std::string(doc->id), set, release, p.actor());
  if (!st.ok) return send_message(*pages.site, res, 500, "Fiche non enregistrée", st.message);
  // A change is also a confirmation that the record is current.
  pages.services.accounts->store().confirm_place(doc->source, doc->id, p.actor());
  pages.services.search.catch_up();
  redirect(res, "/lieux/" + url_encode(doc->public_id) + "?modification=enregistree");
}

void confirm_place_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  auto doc = place_or_404(pages, req, res);
  if (!doc) return;
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  if (!accounts::can_edit_place(p, scope_of(pages, *doc))) return forbidden(pages, res);
  if (!allow_write(pages, p, req, res)) return;
  pages.services.accounts->store().confirm_place(doc->source, doc->id, p.actor());
  redirect(res, "/lieux/" + url_encode(doc->public_id) + "?confirmation=enregistree");
}

std::string actor_label(Pages& pages, const std::string& actor) {
  if (actor.empty()) return "moissonnage";
  if (actor.rfind("compte:", 0) == 0) {
    std::int64_t id = std::atoll(actor.c_str() + 7);
    if (auto a = pages.services.accounts->store().account(id)) return a->name;
    return "compte supprimé";
  }
  return actor;
}

// The audit trail of a place in words ("demande_gestion" is the store's code).
std::string audit_action_label(std::string_view action) {
  static constexpr std::pair<std::string_view, std::string_view> kActions[] = {
      {"demande_gestion", "demande de gestion"},
      {"demande_acceptee", "demande de gestion acceptée"},
      {"demande_refusee", "demande de gestion refusée"},
      {"signalement_accepte", "signalement traité"},
      {"signalement_rejete", "signalement rejeté"},
  };
  for (const auto& [code, label] : kActions)
    if (code == action) return std::string(label);
  std::string out(action);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string audit_detail_label(Pages& pages, const std::string& after) {
  if (after.rfind("compte:", 0) == 0) return "— " + actor_label(pages, after);
  if (after.rfind("en_attente", 0) == 0) return "— en attente" + after.substr(10);
  if (after == "acceptee (domaine)") return "— acceptée d'office (domaine du site du lieu)";
  return after.empty() ? "" : "— " + after;
}

void history_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto doc = place_or_404(pages, req, res);
  if (!doc) return;
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  if (!accounts::can_see_history(p, scope_of(pages, *doc))) return forbidden(pages, res);
  Data d = page_data(*pages.site, "Historique — " + std::string(doc->place[Field::kNom]), "");
  d.set("place_url", "/lieux/" + url_encode(doc->public_id));
  d.set("place_name", std::string(doc->place[Field::kNom]));
  List manual;
  for (const auto& m : pages.services.manual_fields(std::string(doc->source), std::string(doc->id))) {
    Data x;
    x.set("field", std::string(field_label(m.field)));
    x.set("value", display_value(m.field, m.value));
    x.set("at", french_date(m.at.substr(0, 10)));
    x.set("actor", actor_label(pages, m.actor));
    manual.push_back(x);
  }
  d.set("has_manual", !manual.empty());
  d.set("manual", manual);
  auto changes = pages.services.history(std::string(doc->source), std::string(doc->id));
  List list;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& c = changes[i];
    Data x;
    x.set("at", c.at.substr(0, 10) + " " + c.at.substr(11, 5));
    x.set("op", c.op);
    x.set("actor", actor_label(pages, c.actor));
    List diff;
    place::Place after, before;
    if (place::from_json(c.record, after) && i + 1 < changes.size() &&
        place::from_json(changes[i + 1].record, before)) {
      for (const auto& s : place::all_fields())
        if (after[s.field] != before[s.field] && s.field != Field::kDateMaj) {
          Data f;
          f.set("field", std::string(field_label(s.field)));
          f.set("before", display_value(s.field, before[s.field]));
          f.set("after", display_value(s.field, after[s.field]));
          diff.push_back(f);
        }
    }
    x.set("has_diff", !diff.empty());
    x.set("diff", diff);
    list.push_back(x);
  }
  d.set("changes", list);
  List audit;
  for (const auto& e : pages.services.accounts->store().audit_of("lieu:" + std::string(doc->source) + ":" + std::string(doc->id), 100)) {
    Data x;
    x.set("at", e.at.substr(0, 10));
    x.set("action", audit_action_label(e.action));
    x.set("actor", actor_label(pages, e.actor));
    x.set("after", audit_detail_label(pages, e.after));
    audit.push_back(x);
  }
  d.set("has_audit", !audit.empty());
  d.set("audit", audit);
  send_html(*pages.site, res, pages.site->templates.render_page("history", std::move(d)));
}

// ---- queues: claims (coordinators) and reports (managers, then coordinators) ----

std::optional<search::Document> doc_of(Pages& pages, const std::string& source, const std::string& id) {
  return pages.services.search.read([&](const search::Index& index) -> std::optional<search::Document> {
    if (const auto* found = index.find(source, id)) return *found;
    return std::nullopt;
  });
}

Data task(const httplib::Request& req, httplib::Response& res, std::int64_t id,
          const search::Document& doc, const std::string& action) {
  Data x;
  x.set("id", std::to_string(id));
  x.set("place_url", "/lieux/" + url_encode(doc.public_id));
  x.set("place_name", std::string(doc.place[Field::kNom]));
  if (!doc.place[Field::kCommune].empty()) x.set("commune", std::string(doc.place[Field::kCommune]));
  x.set("action", action);
  x.set("jeton", csrf_token(req, res));
  return x;
}

Data detail(const std::string& label, const std::string& value) {
  Data d;
  d.set("label", label);
  d.set("value", value);
  return d;
}

// A moderator's decision: "accepter", "refuser" or one of `extra`, with an optional reason
// (trimmed, at most 2,000 bytes). Empty when the form is not one of these.
std::string read_decision(const httplib::Request& req, std::string& reason,
                          std::initializer_list<std::string_view> extra = {}) {
  std::string decision = form(req, "decision");
  reason = std::string(utf8::trim(form(req, "motif")));
  bool known = decision == "accepter" || decision == "refuser" ||
               std::find(extra.begin(), extra.end(), decision) != extra.end();
  if (!known || !utf8::is_valid(reason) || reason.size() > 2000) return {};
  return decision;
}

// A queue page (claims, reports): its tasks, each with its decision form.
void send_queue(Pages& pages, const httplib::Request& req, httplib::Response& res,
                const std::string& title, const std::string& heading, const std::string& intro,
                const List& items) {
  Data d = page_data(*pages.site, title, "");
  d.set("heading", heading);
  d.set("intro", intro);
  d.set("has_items", !items.empty());
  d.set("items", items);
  if (req.has_param("fait")) d.set("notice", "Décision enregistrée.");
  send_html(*pages.site, res, pages.site->templates.render_page("queue", std::move(d)));
}

void claims_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  if (!p.admin() && !p.coordinator()) return forbidden(pages, res);
  auto& store = pages.services.accounts->store();
  List items;
  for (const auto& c : store.claims("en_attente", 500)) {
    auto doc = doc_of(pages, c.source, c.place_id);
    if (!doc || !accounts::can_decide_claim(p, scope_of(pages, *doc))) continue;
    Data x = task(req, res, c.id, *doc, "/espace/demandes/" + std::to_string(c.id));
    List details;
    auto a = store.account(c.account_id);
    details.push_back(detail("Demandé par", a ? a->name + " <" + a->email + ">" : "compte supprimé"));
    details.push_back(detail("Le", french_date(c.created_at.substr(0, 10))));
    if (!c.message.empty()) details.push_back(detail("Message", c.message));
    x.set("details", details);
    x.set("accept_label", "Accepter");
    x.set("reject_label", "Refuser");
    items.push_back(x);
  }
  send_queue(pages, req, res, "Demandes de gestion", "Demandes de gestion de fiches",
             "Les personnes qui demandent à tenir à jour la fiche d'un lieu de votre territoire.", items);
}

void claim_decide(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  auto& svc = *pages.services.accounts;
  auto c = svc.store().claim(std::atoll(std::string(req.matches[1]).c_str()));
  if (!c) return send_message(*pages.site, res, 404, "Demande introuvable", "Cette demande n'existe pas.");
  auto doc = doc_of(pages, c->source, c->place_id);
  if (!doc || !accounts::can_decide_claim(p, scope_of(pages, *doc))) return forbidden(pages, res);
  if (!allow_write(pages, p, req, res)) return;
  std::string reason, decision = read_decision(req, reason);
  if (decision.empty())
    return send_message(*pages.site, res, 400, "Décision incomplète", "Choisissez « Accepter » ou « Refuser ».");
  auto r = accounts::decide_claim(svc, p, *c, decision == "accepter", reason, doc->place[Field::kNom]);
  if (!r.ok)
    return r.field == "motif" ? send_message(*pages.site, res, 400, "Motif manquant", r.message)
                              : send_message(*pages.site, res, 409, "Déjà traitée", r.message);
  redirect(res, "/espace/demandes?fait=1");
}

bool report_visible(Pages& pages, const accounts::Principal& p, const search::Document& doc) {
  return accounts::can_moderate(p, scope_of(pages, doc));
}

void reports_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  auto& store = pages.services.accounts->store();
  List items;
  for (const auto& r : store.reports("nouveau", 1000)) {
    auto doc = doc_of(pages, r.source, r.place_id);
    if (!doc || !report_visible(pages, p, *doc)) continue;
    // A place with managers: its coordinator sees the report after 14 days only.
    bool mine = p.places.count({r.source, r.place_id}) > 0 || p.admin();
    if (!mine && !store.managers_of(r.source, r.place_id).empty() && r.at > store::utc_in(-14 * 86400))
      continue;
    Data x = task(req, res, r.id, *doc, "/espace/signalements/" + std::to_string(r.id));
    List details;
    details.push_back(detail("Le", french_date(r.at.substr(0, 10))));
    details.push_back(detail("Ce qui est faux", r.category));
    details.push_back(detail("Message", r.message));
    auto suggestion = nlohmann::json::parse(r.suggestion.empty() ? "null" : r.suggestion, nullptr, false);
    if (suggestion.is_object() && suggestion["champ"].is_string() && suggestion["valeur"].is_string()) {
      auto field = place::field_by_name(suggestion["champ"].get<std::string>());
      const std::string value = suggestion["valeur"].get<std::string>();
      details.push_back(detail("Correction proposée",
                               field ? std::string(field_label(*field)) + " : « " + display_value(*field, value) + " »"
                                     : "« " + value + " »"));
      x.set("can_apply", field && editable(*field));
    }
    x.set("details", details);
    x.set("accept_label", "C'est corrigé");
    x.set("reject_label", "Rejeter");
    items.push_back(x);
  }
  send_queue(pages, req, res, "Signalements", "Signalements à traiter",
             "Les erreurs signalées par le public sur les fiches que vous gérez ou coordonnez. Corrigez la "
             "fiche, puis marquez le signalement comme traité.",
             items);
}

// "Appliquer la correction proposée": today's value and the proposed one side by side (the
// hours as two weeks), and a button that confirms.
void correction_page(Pages& pages, const httplib::Request& req, httplib::Response& res,
                     const store::StoredReport& r, const search::Document& doc, Field field,
                     const place::Place& current, const place::Place& next) {
  Data d = page_data(*pages.site, "Appliquer la correction proposée", "compte");
  d.set("place_url", "/lieux/" + url_encode(doc.public_id));
  d.set("place_name", std::string(doc.place[Field::kNom]));
  d.set("field", std::string(field_label(field)));
  d.set("action", "/espace/signalements/" + std::to_string(r.id));
  d.set("jeton", csrf_token(req, res));
  d.set("message", r.message);
  List rows;
  auto row = [&](const std::string& label, const std::string& before, const std::string& after) {
    Data x;
    x.set("label", label);
    x.set("before", before.empty() ? "(vide)" : before);
    x.set("after", after.empty() ? "(vide)" : after);
    x.set("changed", before != after);
    rows.push_back(x);
  };
  auto a = field == Field::kHoraires ? week_cells(current[field]) : std::nullopt;
  auto b = field == Field::kHoraires ? week_cells(next[field]) : std::nullopt;
  if ((a || current[field].empty()) && b) {
    for (std::size_t day = 0; day < kWeekDays; ++day) {
      const std::string name = week_day_title(day);
      const std::string before = !a ? std::string() : (*a)[day].empty() ? "fermé" : (*a)[day];
      row(name, before, (*b)[day].empty() ? "fermé" : (*b)[day]);
    }
  } else {
    row(std::string(field_label(field)), display_value(field, current[field]), display_value(field, next[field]));
  }
  d.set("rows", rows);
  d.set("same", current[field] == next[field]);
  send_html(*pages.site, res, pages.site->templates.render_page("correction", std::move(d)));
}

void report_decide(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  auto& svc = *pages.services.accounts;
  auto r = svc.store().report(std::atoll(std::string(req.matches[1]).c_str()));
  if (!r) return send_message(*pages.site, res, 404, "Signalement introuvable", "Ce signalement n'existe pas.");
  auto doc = doc_of(pages, r->source, r->place_id);
  if (!doc || !report_visible(pages, p, *doc)) return forbidden(pages, res);
  if (!allow_write(pages, p, req, res)) return;
  std::string reason, decision = read_decision(req, reason, {"appliquer"});
  if (decision.empty())
    return send_message(*pages.site, res, 400, "Décision incomplète", "Choisissez « C'est corrigé » ou « Rejeter ».");
  if (decision == "appliquer") {
    // The suggested value, through the same rules as the edit form, becomes a manual field.
    auto suggestion = nlohmann::json::parse(r->suggestion, nullptr, false);
    auto field = suggestion.is_object() && suggestion["champ"].is_string()
                     ? place::field_by_name(suggestion["champ"].get<std::string>())
                     : std::nullopt;
    if (!field || !editable(*field) || !suggestion["valeur"].is_string())
      return send_message(*pages.site, res, 400, "Pas de correction proposée", "Ce signalement ne propose pas de valeur à appliquer.");
    place::Place current = doc->place.unpack();
    place::Place next = current;
    next[*field] = suggestion["valeur"].get<std::string>();
    std::vector<accounts::Result> errors;
    auto normalised = normalize_edit(pages, *doc, next, current, errors);
    if (!normalised)
      return send_message(*pages.site, res, 400, "Correction non valable",
                          "La valeur proposée pour « " + std::string(place::name(*field)) + " » ne respecte pas le standard : " +
                              errors.front().message + " Corrigez la fiche vous-même, puis marquez le signalement comme traité.");
    auto set = changed_fields(current, *normalised);
    // The change side by side, confirmed before it is applied.
    if (form(req, "confirme") != "oui") return correction_page(pages, req, res, *r, *doc, *field, current, *normalised);
    if (!set.empty()) {
      auto st = pages.services.edit_place(std::string(doc->source), std::string(doc->id), set, {}, p.actor());
      if (!st.ok) return send_message(*pages.site, res, 500, "Fiche non enregistrée", st.message);
      pages.services.search.catch_up();
    }
    decision = "accepter";
  }
  auto decided = accounts::decide_report(svc, p, *r, decision == "accepter", reason, doc->place[Field::kNom]);
  if (!decided.ok)
    return decided.field == "motif" ? send_message(*pages.site, res, 400, "Motif manquant", decided.message)
                                    : send_message(*pages.site, res, 409, "Déjà traité", decided.message);
  redirect(res, "/espace/signalements?fait=1");
}

// ---- administrators ----

void accounts_admin_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  if (!accounts::can_manage_accounts(p)) return forbidden(pages, res);
  auto& store = pages.services.accounts->store();
  List list;
  std::string jeton = csrf_token(req, res);
  for (const auto& a : store.accounts(5000)) {
    Data x;
    x.set("id", std::to_string(a.id));
    x.set("name", a.name);
    x.set("email", a.email);
    x.set("status", a.status == "actif" ? "actif" : a.status == "a_confirmer" ? "à confirmer" : "suspendu");
    std::string t;
    for (const auto& tt : store.territories(a.id))
      t += std::string(t.empty() ? "" : " ") + (tt.kind == "region" ? "r" : "") + tt.code;
    x.set("territories", t);
    List roles;
    for (const char* r : {"membre", "coordinateur", "administrateur"}) {
      Data o;
      o.set("value", std::string(r));
      o.set("label", role_label(r));
      o.set("selected", a.role == r);
      roles.push_back(o);
    }
    x.set("roles", roles);
    x.set("jeton", jeton);
    list.push_back(x);
  }
  Data d = page_data(*pages.site, "Comptes et rôles", "");
  d.set("accounts", list);
  if (req.has_param("fait")) d.set("notice", "Rôle enregistré.");
  if (req.has_param("erreur")) d.set("error", req.get_param_value("erreur").substr(0, 300));
  send_html(*pages.site, res, pages.site->templates.render_page("accounts_admin", std::move(d)));
}

void account_role_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  if (!accounts::can_manage_accounts(p)) return forbidden(pages, res);
  if (!allow_write(pages, p, req, res)) return;
  std::vector<store::Territory> territories;
  std::string list = form(req, "territoires");
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && (list[i] == ' ' || list[i] == ',')) ++i;
    std::size_t j = i;
    while (j < list.size() && list[j] != ' ' && list[j] != ',') ++j;
    if (j > i) {
      std::string code = list.substr(i, j - i);
      if (code[0] == 'r' || code[0] == 'R')
        territories.push_back({"region", code.substr(1)});
      else
        territories.push_back({"departement", code});
    }
    i = j;
  }
  std::int64_t id = std::atoll(std::string(req.matches[1]).c_str());
  auto r = pages.services.accounts->set_role(p, id, form(req, "role"), territories);
  if (!r.ok) return redirect(res, "/espace/comptes?erreur=" + url_encode(r.message));
  redirect(res, "/espace/comptes?fait=1");
}

void outbox_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  if (!accounts::can_read_outbox(p)) return forbidden(pages, res);
  auto& svc = *pages.services.accounts;
  List list;
  for (const auto& m : svc.store().mail(200)) {
    Data x;
    x.set("subject", m.subject);
    x.set("recipient", m.recipient);
    x.set("created_at", m.created_at.substr(0, 10) + " " + m.created_at.substr(11, 5));
    x.set("state", !m.sent_at.empty() ? "envoyé" : m.last_error.empty() ? "à envoyer" : "échec : " + m.last_error);
    x.set("body", svc.open_body(m));
    list.push_back(x);
  }
  Data d = page_data(*pages.site, "Courriels", "");
  d.set("has_mail", !list.empty());
  d.set("mail", list);
  res.set_header("Cache-Control", "no-store");
  send_html(*pages.site, res, pages.site->templates.render_page("outbox", std::move(d)));
}

// ---- freshness: the coordinators' dashboard ----

void dashboard_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  if (!p.admin() && !p.coordinator()) return forbidden(pages, res);
  auto& store = pages.services.accounts->store();
  std::string departement = req.get_param_value("departement");
  if (departement.size() > 3 || departement.find_first_not_of("0123456789ABab") != std::string::npos)
    departement.clear();
  std::map<accounts::PlaceKey, std::string> confirmed;
  for (auto& [key, at] : store.confirmations()) confirmed[key] = at;
  std::set<accounts::PlaceKey> managed;
  for (auto& key : store.managed_places()) managed.insert(key);
  std::map<accounts::PlaceKey, int> reports;
  for (const auto& r : store.reports("nouveau", 100000)) ++reports[{r.source, r.place_id}];
  const std::string cutoff = accounts::stale_before();
  std::vector<accounts::PlaceFreshness> places;
  pages.services.search.read([&](const search::Index& index) {
    index.for_each_visible([&](const search::Document& doc) {
      auto scope = scope_of(pages, doc);
      if (!p.admin() && !accounts::covers(p, scope)) return;
      if (!departement.empty() && scope.departement != departement) return;
      accounts::PlaceFreshness f;
      f.key = {std::string(doc.source), std::string(doc.id)};
      f.public_id = doc.public_id;
      f.name = std::string(doc.place[Field::kNom]);
      f.commune = std::string(doc.place[Field::kCommune]);
      f.code_postal = std::string(doc.place[Field::kCodePostal]);
      f.departement = scope.departement;
      auto c = confirmed.find(f.key);
      f.last_confirmed = accounts::last_confirmation(doc.place[Field::kDateMaj], c == confirmed.end() ? "" : c->second);
      f.stale = f.last_confirmed.empty() || f.last_confirmed < cutoff;
      f.managed = managed.count(f.key) > 0;
      auto r = reports.find(f.key);
      f.open_reports = r == reports.end() ? 0 : r->second;
      f.missing = accounts::missing_fields(doc.place.unpack());
      places.push_back(std::move(f));
    });
    return 0;
  });
  std::sort(places.begin(), places.end(), [](const auto& a, const auto& b) {
    return std::tie(a.departement, a.commune, a.name) < std::tie(b.departement, b.commune, b.name);
  });
  if (req.get_param_value("format") == "csv") {
    res.set_header("Content-Disposition", "attachment; filename=\"tableau-de-bord.csv\"");
    res.set_content(accounts::freshness_csv(places), "text/csv; charset=utf-8");
    return;
  }
  auto section = [&](const std::string& id, const std::string& title, std::vector<const accounts::PlaceFreshness*> rows) {
    Data s;
    s.set("id", id);
    s.set("title", title);
    s.set("caption", title + " (" + french_count(rows.size()) + (rows.size() > 50 ? ", les 50 premières" : "") + ")");
    List list;
    for (std::size_t i = 0; i < rows.size() && i < 50; ++i) {
      const auto& f = *rows[i];
      Data r;
      r.set("url", "/lieux/" + url_encode(f.public_id));
      r.set("name", f.name);
      r.set("commune", f.commune);
      const std::string last = known_date(f.last_confirmed);  // a 1970-01-01 is no date
      r.set("last", last.empty() ? "jamais" : last);
      r.set("managed", f.managed ? "oui" : "non");
      r.set("reports", std::to_string(f.open_reports));
      std::string missing;
      for (const auto& m : f.missing) missing += (missing.empty() ? "" : ", ") + m;
      r.set("missing", missing);
      list.push_back(r);
    }
    s.set("has_rows", !rows.empty());
    s.set("rows", list);
    return s;
  };
  std::vector<const accounts::PlaceFreshness*> stale, unmanaged, reported, incomplete;
  for (const auto& f : places) {
    if (f.stale) stale.push_back(&f);
    if (!f.managed) unmanaged.push_back(&f);
    if (f.open_reports > 0) reported.push_back(&f);
    if (!f.missing.empty()) incomplete.push_back(&f);
  }
  std::stable_sort(stale.begin(), stale.end(), [](auto* a, auto* b) { return a->last_confirmed < b->last_confirmed; });
  std::stable_sort(reported.begin(), reported.end(), [](auto* a, auto* b) { return a->open_reports > b->open_reports; });
  std::stable_sort(incomplete.begin(), incomplete.end(), [](auto* a, auto* b) { return a->missing.size() > b->missing.size(); });
  Data d = page_data(*pages.site, "Tableau de bord du territoire", "compte");
  std::string scope_label;
  if (p.admin()) scope_label = "Toute la France";
  for (const auto& t : p.territories)
    scope_label += (scope_label.empty() ? "" : ", ") +
                   (t.kind == "region" ? "région " + std::string(pages.services.territory.region_name(t.code))
                                       : std::string(pages.services.territory.departement_name(t.code)) + " (" + t.code + ")");
  if (!departement.empty()) scope_label += " — département " + departement;
  d.set("scope", scope_label);
  d.set("departement", departement);
  d.set("total", french_count(places.size()));
  d.set("stale_count", french_count(stale.size()));
  d.set("unmanaged_count", french_count(unmanaged.size()));
  d.set("reported_count", french_count(reported.size()));
  d.set("incomplete_count", french_count(incomplete.size()));
  d.set("csv_url", "/espace/tableau-de-bord?format=csv" + (departement.empty() ? "" : "&departement=" + departement));
  List sections;
  sections.push_back(section("a-confirmer", "Fiches à confirmer, les plus anciennes d'abord", stale));
  sections.push_back(section("signalees", "Fiches signalées", reported));
  sections.push_back(section("incompletes", "Fiches incomplètes, les plus lacunaires d'abord", incomplete));
  sections.push_back(section("sans-gestionnaire", "Fiches sans gestionnaire", unmanaged));
  d.set("sections", sections);
  send_html(*pages.site, res, pages.site->templates.render_page("dashboard", std::move(d)));
}

}  // namespace

void add_account_place_fields(Pages& pages, const httplib::Request& req, httplib::Response& res,
                              const search::Document& doc,
                              Data& d) {
  if (!pages.services.accounts) return;
  std::string url = "/lieux/" + url_encode(doc.public_id);
  d.set("with_accounts", true);
  d.set("claim_url", url + "/gerer");
  auto p = who(pages, req);
  if (!p.signed_in()) return;
  auto scope = scope_of(pages, doc);
  if (accounts::can_edit_place(p, scope)) {
    d.set("can_edit", true);
    d.set("edit_url", url + "/modifier");
    d.set("history_url", url + "/historique");
    d.set("confirm_url", url + "/confirmer");
    d.set("jeton", csrf_token(req, res));
  }
  if (pages.services.manual_fields) {
    std::string manual;
    for (const auto& m : pages.services.manual_fields(std::string(doc.source), std::string(doc.id)))
      if (m.field != Field::kDateMaj) manual += (manual.empty() ? "" : ", ") + std::string(field_label(m.field));
    if (!manual.empty()) d.set("manual_fields", manual);
  }
  if (req.has_param("modification")) d.set("edit_saved", true);
  if (req.has_param("confirmation")) d.set("confirm_saved", true);
}

void add_account_routes(http::Router& server, std::shared_ptr<Pages> pages) {
  if (!pages->services.accounts) return;
  auto page = [&pages](PageHandler handler) { return no_store_page(pages, handler); };
  server.Get("/compte/inscription", page(signup_page));
  server.Post("/compte/inscription", page(signup_submit));
  server.Get("/compte/confirmer", page(confirm_page));
  server.Get("/compte/connexion", page(login_page));
  server.Post("/compte/connexion", page(login_submit));
  server.Post("/compte/deconnexion", page(logout_submit));
  server.Get("/compte/oubli", page(forgot_page));
  server.Post("/compte/oubli", page(forgot_submit));
  server.Get("/compte/reinitialiser", page(reset_page));
  server.Post("/compte/reinitialiser", page(reset_submit));
  server.Get("/compte", page(account_page));
  server.Get("/compte/donnees", page(data_export));
  server.Get("/compte/supprimer", page(delete_page));
  server.Post("/compte/supprimer", page(delete_submit));
  server.Get("/confidentialite", page(privacy_page));
  server.Get(R"(/lieux/([^/]{1,300})/gerer)", page(claim_page));
  server.Post(R"(/lieux/([^/]{1,300})/gerer)", page(claim_submit));
  server.Get(R"(/lieux/([^/]{1,300})/modifier)", page(edit_page));
  server.Post(R"(/lieux/([^/]{1,300})/modifier)", page(edit_submit));
  server.Get(R"(/lieux/([^/]{1,300})/historique)", page(history_page));
  server.Post(R"(/lieux/([^/]{1,300})/confirmer)", page(confirm_place_submit));
  server.Get("/espace/demandes", page(claims_page));
  server.Post(R"(/espace/demandes/(\d{1,12}))", page(claim_decide));
  server.Get("/espace/signalements", page(reports_page));
  server.Post(R"(/espace/signalements/(\d{1,12}))", page(report_decide));
  server.Get("/espace/comptes", page(accounts_admin_page));
  server.Post(R"(/espace/comptes/(\d{1,12}))", page(account_role_submit));
  server.Get("/espace/courriels", page(outbox_page));
  server.Get("/espace/tableau-de-bord", page(dashboard_page));
  add_expert_routes(server, pages);
}

}  // namespace maillage::web
