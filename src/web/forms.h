// Private to src/web: the accessible forms of the pages behind an account (template
// account_form: labels, help, an error summary linking to each field, aria-invalid and
// aria-describedby on the fields in error) and the helpers those pages share: who is asking,
// the single value of a form field, redirections, refusals.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "accounts/accounts.h"
#include "web/pages.h"

namespace maillage::web {

inline constexpr const char* kSessionCookie = "maillage_session";
// Left by a login on the owner's device (accounts::Service::device_token), sent to /compte only.
inline constexpr const char* kDeviceCookie = "maillage_appareil";

// ---- requests ----

// The value of cookie `name` in the request; "" when absent.
std::string cookie(const httplib::Request& req, std::string_view name);
// The single value of a form field; "" when missing or repeated.
std::string form(const httplib::Request& req, const char* name);
// The person behind the session cookie; id 0 when nobody is signed in.
accounts::Principal who(Pages& pages, const httplib::Request& req);

void redirect(httplib::Response& res, const std::string& to);
// 403 for a POST whose CSRF token is missing or wrong.
void expired_form(Pages& pages, httplib::Response& res);
// Sends to the login page (GET) or answers 401 (POST) when nobody is signed in; true when
// someone is.
bool require_login(Pages& pages, const httplib::Request& req, httplib::Response& res,
                   const accounts::Principal& p);
// The per-account limit of writes (Site::writes); answers 429 and returns false when exceeded.
bool allow_write(Pages& pages, const accounts::Principal& p, const httplib::Request& req,
                 httplib::Response& res);

// ---- the form model ----

struct FormOption {
  std::string value, label;
  bool selected = false;
};

struct FormField {
  // "text", "email", "password", "textarea", "checkbox" (one case, value "oui"), "select",
  // "checkboxes" and "radios" (a fieldset of `options`, the first one's id is `name`, so that
  // the error summary's link reaches the group).
  std::string name, label, help, type = "text", value, error, autocomplete;
  bool required = false;
  int maxlength = 0;
  std::vector<FormOption> options;
};

Data field_data(const FormField& f);

struct FormPage {
  std::string title, heading, action, submit, notice;
  std::vector<std::string> intro;
  std::vector<FormField> fields;
  std::vector<std::pair<std::string, std::string>> hidden, links;  // name/value; url/label
  std::vector<accounts::Result> errors;
  bool show_form = true;
  std::string place_url, place_name, cancel_url;
};

// Renders the form page; the errors' messages are set on their fields, and listed at the top.
void render_form(Pages& pages, const httplib::Request& req, httplib::Response& res, FormPage f,
                 int status = 200, List extra_fields = List());

}  // namespace maillage::web
