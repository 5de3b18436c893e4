#include "web/forms.h"

#include <httplib.h>

#include "web/csrf.h"

namespace maillage::web {

// ---- requests ----

std::string cookie(const httplib::Request& req, std::string_view name) {
  std::string header = req.get_header_value("Cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    auto end = rest.find(';');
    std::string_view part = rest.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return {};
}

std::string form(const httplib::Request& req, const char* name) {
  if (req.get_param_value_count(name) != 1) return {};
  return req.get_param_value(name);
}

accounts::Principal who(Pages& pages, const httplib::Request& req) {
  std::string token = cookie(req, kSessionCookie);
  if (token.empty()) return {};
  return pages.services.accounts->principal(token);
}

void redirect(httplib::Response& res, const std::string& to) {
  res.status = 303;
  res.set_header("Location", to);
}

void expired_form(Pages& pages, httplib::Response& res) {
  send_message(*pages.site, res, 403, "Formulaire expiré",
               "Le formulaire a expiré ou vient d'un autre site. Revenez en arrière, rechargez la "
               "page et recommencez.");
}

bool require_login(Pages& pages, const httplib::Request& req, httplib::Response& res,
                   const accounts::Principal& p) {
  if (p.signed_in()) return true;
  if (req.method == "GET")
    redirect(res, "/compte/connexion?retour=" + url_encode(req.path));
  else
    send_message(*pages.site, res, 401, "Connexion nécessaire",
                 "Connectez-vous pour faire cette action.");
  return false;
}

bool allow_write(Pages& pages, const accounts::Principal& p, const httplib::Request& req,
                 httplib::Response& res) {
  std::string key = p.signed_in() ? "compte:" + std::to_string(p.id) : req.remote_addr;
  if (pages.site->writes.take(key).allowed) return true;
  send_message(
      *pages.site, res, 429, "Trop de demandes",
      "Vous avez fait beaucoup de modifications en peu de temps. Réessayez dans une minute.");
  return false;
}

// ---- the form model ----

namespace {

// Mustache renders a section for any string, the empty one too: optional texts are set only
// when there is something to show.
void set_text_if_any(Data& d, const std::string& key, const std::string& value) {
  if (!value.empty()) d.set(key, value);
}

}  // namespace

Data field_data(const FormField& f) {
  Data d;
  d.set("name", f.name);
  d.set("label", f.label);
  set_text_if_any(d, "help", f.help);
  d.set("value", f.value);
  set_text_if_any(d, "error", f.error);
  d.set("required", f.required);
  set_text_if_any(d, "autocomplete", f.autocomplete);
  if (f.maxlength > 0) d.set("maxlength", std::to_string(f.maxlength));
  bool group = f.type == "checkboxes" || f.type == "radios";
  d.set("is_checkbox", f.type == "checkbox");
  d.set("checked", f.type == "checkbox" && f.value == "oui");
  d.set("is_group", group);
  d.set("is_field", f.type != "checkbox" && !group);
  d.set("is_textarea", f.type == "textarea");
  d.set("rows", "4");
  d.set("is_select", f.type == "select");
  d.set("is_input", f.type != "checkbox" && f.type != "textarea" && f.type != "select" && !group);
  d.set("type", f.type);
  if (group || f.type == "select") {
    d.set("group_type", f.type == "radios" ? "radio" : "checkbox");
    List options;
    for (std::size_t i = 0; i < f.options.size(); ++i) {
      Data o;
      o.set("name", f.name);
      o.set("id", i == 0 ? f.name : f.name + "-" + std::to_string(i + 1));
      o.set("value", f.options[i].value);
      o.set("label", f.options[i].label);
      o.set("selected", f.options[i].selected);
      options.push_back(o);
    }
    d.set("options", options);
  }
  return d;
}

void render_form(Pages& pages, const httplib::Request& req, httplib::Response& res, FormPage f,
                 int status, List extra_fields) {
  Data d = page_data(*pages.site, (f.errors.empty() ? "" : "Erreur — ") + f.title, "");
  d.set("heading", f.heading.empty() ? f.title : f.heading);
  List intro;
  for (auto& i : f.intro) intro.push_back(Data(i));
  d.set("intro", intro);
  set_text_if_any(d, "notice", f.notice);
  d.set("action", f.action);
  d.set("submit", f.submit);
  d.set("show_form", f.show_form);
  d.set("jeton", csrf_token(req, res));
  set_text_if_any(d, "cancel_url", f.cancel_url);
  if (!f.place_url.empty()) {
    d.set("crumbs_place", true);
    d.set("place_url", f.place_url);
    d.set("place_name", f.place_name);
  }
  for (const auto& e : f.errors)
    for (auto& field : f.fields)
      if (field.name == e.field && field.error.empty()) field.error = e.message;
  List fields;
  for (const auto& field : f.fields) fields.push_back(field_data(field));
  for (auto& x : extra_fields) fields.push_back(x);
  d.set("fields", fields);
  List hidden;
  for (const auto& [n, v] : f.hidden) {
    Data h;
    h.set("name", n);
    h.set("value", v);
    hidden.push_back(h);
  }
  d.set("hidden", hidden);
  List links;
  for (const auto& [u, l] : f.links) {
    Data x;
    x.set("url", u);
    x.set("label", l);
    links.push_back(x);
  }
  d.set("links", links);
  if (!f.errors.empty()) {
    List errors;
    for (const auto& e : f.errors) {
      Data x;
      set_text_if_any(x, "field", e.field);
      x.set("message", e.message);
      errors.push_back(x);
    }
    d.set("errors", errors);
    d.set("has_errors", true);
  }
  send_html(*pages.site, res, pages.site->templates.render_page("account_form", std::move(d)),
            false, status);
}

}  // namespace maillage::web
