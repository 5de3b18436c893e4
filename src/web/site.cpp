#include "web/site.h"

#include <httplib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "place/vocabulary.h"
#include "web/display.h"
#include "web/labels.h"

namespace maillage::web {

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string query_string(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += url_encode(k) + "=" + url_encode(v);
  }
  return out;
}

std::string french_count(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += "\u00a0";
    out += digits[i];
  }
  return out;
}

std::string french_distance(double km) {
  char buf[32];
  if (km < 1) {
    std::snprintf(buf, sizeof buf, "%d m", static_cast<int>(std::lround(km * 100)) * 10);
  } else if (km < 10) {
    std::snprintf(buf, sizeof buf, "%.1f km", km);
    for (char* p = buf; *p; ++p)
      if (*p == '.') *p = ',';
  } else {
    std::snprintf(buf, sizeof buf, "%ld km", std::lround(km));
  }
  return buf;
}

std::string base_url(const Site& site, const httplib::Request& req) {
  if (!site.options.public_url.empty()) return site.options.public_url;
  // Only this machine's own names: any other Host could be an attacker's, and pages are kept
  // for other visitors (web/page_cache.h).
  const std::string host = req.get_header_value("Host");
  std::string_view name = host;
  if (!name.empty() && name.front() == '[') {
    name = name.substr(0, name.find(']') + 1);
  } else {
    name = name.substr(0, name.find(':'));
  }
  const std::string_view port = std::string_view(host).substr(name.size());
  const bool digits = port.empty() || (port.size() <= 6 && port[0] == ':' &&
                                       std::all_of(port.begin() + 1, port.end(), [](char c) { return c >= '0' && c <= '9'; }));
  const bool loopback = name == "localhost" || name == "127.0.0.1" || name == "[::1]";
  return loopback && digits ? "http://" + host : "";
}

void send_html(const Site& site, httplib::Response& res, std::string html, bool framable,
               int status) {
  res.status = status;
  std::string csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:";
  if (!site.tile_origin.empty()) csp += " " + site.tile_origin;
  csp += "; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
         "frame-src 'self'; frame-ancestors ";
  csp += framable ? "*" : "'none'";
  res.set_header("Content-Security-Policy", csp);
  if (!framable) res.set_header("X-Frame-Options", "DENY");
  res.set_header("Permissions-Policy", "geolocation=(self), camera=(), microphone=()");
  res.set_content(std::move(html), "text/html; charset=utf-8");
}

void add_page_fields(Data& d, const Site& site, const std::string& title, std::string_view active_nav) {
  d.set("title", title);
  d.set("tile_url", site.options.tile_url);
  d.set("tile_attribution", site.options.tile_attribution);
  for (std::string_view nav : {"recherche", "experts", "donnees", "integrer", "compte"})
    d.set("nav_" + std::string(nav), nav == active_nav);
}

void send_message(const Site& site, httplib::Response& res, int status, const std::string& title,
                  const std::string& message) {
  Data d = page_data(site, title, "");
  d.set("heading", title);
  d.set("message", message);
  send_html(site, res, site.templates.render_page("message", std::move(d)), false, status);
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int page_number(std::string_view v) {
  int p = 0;
  for (char c : v) p = (c >= '0' && c <= '9' && p < 100000) ? p * 10 + (c - '0') : -1;
  return p >= 1 && p <= 10000 ? p : 0;
}

void place_suggestions_data(Data& d, const Params& base, std::string_view path,
                            const std::vector<std::string>& places) {
  List links;
  for (std::size_t i = 0; i < places.size(); ++i) {
    Params p = base;
    p.erase("curseur");
    p.erase("autour");
    p.emplace("autour", places[i]);
    Data link;
    link.set("libelle", places[i]);
    link.set("url", std::string(path) + "?" + query_string(p));
    link.set("separateur", i + 2 < places.size() ? ", " : i + 1 < places.size() ? " ou " : "");
    links.push_back(link);
  }
  d.set("lieu_suggestions", links);
  d.set("has_lieu_suggestions", !links.empty());
}

PageSearch read_search(const Params& request_params, const territory::Reference& territory,
                       std::size_t default_limit, std::size_t max_limit,
                       const territory::Geocoder* geocoder) {
  PageSearch s;
  for (const auto& [k, v] : request_params) {
    if (k == "page") {
      if (int p = page_number(v); p > 0) s.page = p;
      continue;
    }
    if (v.empty() || k == "envoi") continue;  // empty form fields, the submit button
    s.searched = true;
    s.api_params.emplace(k, v);
  }
  if (!s.api_params.count("limite")) s.api_params.emplace("limite", std::to_string(default_limit));
  // The pages read the need box as people write (docs/recherche-naturelle.md).
  if (!s.api_params.count("naturel")) s.api_params.emplace("naturel", "oui");
  auto [q, error] = search::parse_query(s.api_params, territory, geocoder);
  if (q && q->limit > max_limit) {
    error = {"limite", "limite doit être un entier entre 1 et " + std::to_string(max_limit) + "."};
    q.reset();
  }
  if (q && q->format != "json") {
    error = {"format", "le format se choisit dans l'API (/api/v1/lieux)."};
    q.reset();
  }
  s.query = std::move(q);
  s.error = std::move(error);
  return s;
}

Data result_data(const search::Document& doc, const search::Hit& hit, std::int64_t now,
                 bool with_week) {
  using place::Field;
  const place::Place& p = doc.place;
  Data d;
  d.set("id", std::string(doc.public_id));
  d.set("url", "/lieux/" + url_encode(doc.public_id));
  d.set("nom", p[Field::kNom]);
  d.set("adresse", p[Field::kAdresse]);
  if (p.has(Field::kComplementAdresse)) d.set("complement_adresse", p[Field::kComplementAdresse]);
  d.set("code_postal", p[Field::kCodePostal]);
  d.set("commune", p[Field::kCommune]);
  if (doc.has_position) {
    d.set("has_position", true);
    d.set("lat", place::format_number(doc.latitude));
    d.set("lon", place::format_number(doc.longitude));
    d.set("approx_position", doc.approx_position);
  }
  // A distance to a commune's centre is not a distance to the place: never "à 0 m".
  if (hit.distance_km >= 0 && doc.approx_position)
    d.set("distance_approx", approximate_distance(hit.distance_km));
  else if (hit.distance_km >= 0)
    d.set("distance", french_distance(hit.distance_km));
  std::string typologies;
  for (auto code : place::split_values(p[Field::kTypologie])) {
    const auto* t = place::vocabulary::typologie_by_code(code);
    typologies += (typologies.empty() ? "" : ", ") + std::string(t ? t->label : code);
  }
  if (!typologies.empty()) d.set("typologie", typologies);
  List services;
  for (auto v : place::split_values(p[Field::kServices]))
    services.push_back(Data(std::string(value_label(Field::kServices, v))));
  d.set("has_services", !services.empty());
  d.set("services", services);
  std::optional<std::pair<double, double>> position;
  if (doc.has_position) position = std::make_pair(doc.latitude, doc.longitude);
  OpeningView o = describe_opening(p, position, now, with_week, doc.holiday_rule);
  Data open;
  open.set("status", o.status);
  open.set("is_open", o.state == OpenState::kOpen);
  open.set("is_closed", o.state == OpenState::kClosed);
  if (!o.next_change.empty()) open.set("next_change", o.next_change);
  if (!o.comment.empty()) open.set("comment", o.comment);
  open.set("has_hours", o.has_hours);
  if (!o.holiday_rule.empty()) open.set("holiday_rule", o.holiday_rule);
  if (with_week && !o.week.empty()) {
    List week;
    for (const auto& day : o.week) {
      Data row;
      row.set("day_name", day.day_name);
      row.set("date", day.date);
      row.set("hours", day.hours);
      row.set("today", day.today);
      row.set("closed", day.closed);
      if (!day.holiday.empty()) row.set("holiday", day.holiday);
      week.push_back(row);
    }
    open.set("week", week);
  }
  d.set("opening", open);
  return d;
}

}  // namespace maillage::web
