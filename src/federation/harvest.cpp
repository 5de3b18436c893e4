#include "federation/harvest.h"

#include <httplib.h>
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <optional>
#include <sstream>
#include <thread>

#include "federation/mapped_reader.h"
#include "federation/profile.h"
#include "place/reader.h"

namespace maillage::federation {
namespace {

std::string iso_utc(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS..." (UTC); nullopt when not of that form.
std::optional<std::time_t> parse_iso_utc(const std::string& s) {
  std::tm tm{};
  if (s.size() < 19 || std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
                                   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return timegm(&tm);
}

std::string hash_hex(std::string_view bytes) {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

bool is_http(const std::string& location) {
  return location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0;
}

std::string http_error_text(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection: return "connexion impossible";
    case httplib::Error::ConnectionTimeout: return "délai de connexion dépassé";
    case httplib::Error::Read: return "lecture interrompue (réponse tronquée ou délai dépassé)";
    case httplib::Error::Write: return "envoi de la requête impossible";
    case httplib::Error::ExceedRedirectCount: return "trop de redirections";
    case httplib::Error::Canceled: return "téléchargement interrompu";
    case httplib::Error::SSLConnection: return "connexion TLS impossible";
    case httplib::Error::SSLServerVerification: return "certificat du serveur non vérifié";
    case httplib::Error::UnsupportedMultipartBoundaryChars: return "réponse multipart invalide";
    case httplib::Error::Compression: return "décompression de la réponse impossible";
    default: return "erreur réseau (" + httplib::to_string(e) + ")";
  }
}

// The date of an HTTP-date ("Sun, 06 Nov 1994 08:49:37 GMT"), or empty.

FetchResult fetch_file(const std::string& location, const std::filesystem::path& base_dir,
                       const FetchOptions& options) {
  FetchResult r;
  r.attempts = 1;
  std::filesystem::path path = location;
  if (location.rfind("file://", 0) == 0) path = location.substr(7);
  if (path.is_relative()) path = base_dir / path;
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    r.error = "fichier " + path.string() + " illisible : " + ec.message();
    return r;
  }
  if (size > options.max_bytes) {
    r.error = "fichier " + path.string() + " trop volumineux (" + std::to_string(size) +
              " octets, limite " + std::to_string(options.max_bytes) + ")";
    return r;
  }
  std::ifstream in(path, std::ios::binary);
  r.body.resize(size);
  if (!in.read(r.body.data(), static_cast<std::streamsize>(size))) {
    r.error = "fichier " + path.string() + " illisible";
    r.body.clear();
    return r;
  }
  r.kind = FetchResult::Kind::kBody;
  return r;
}

FetchResult fetch_http(const std::string& location, const store::SourceState& state, bool force,
                       const FetchOptions& options) {
  FetchResult r;
  // scheme://host[:port] and the rest
  std::size_t scheme_end = location.find("://") + 3;
  std::size_t path_start = location.find('/', scheme_end);
  std::string origin = location.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "/" : location.substr(path_start);
  if (origin.size() <= scheme_end) {
    r.error = "adresse invalide : " + location;
    return r;
  }
  httplib::Headers headers = {{"User-Agent", "maillage (moissonnage des annuaires)"}};
  if (!force) {
    if (!state.etag.empty()) headers.emplace("If-None-Match", state.etag);
    if (!state.last_modified.empty()) headers.emplace("If-Modified-Since", state.last_modified);
  }
  auto delay = options.backoff;
  int redirects = 0;
  for (int attempt = 1; attempt <= std::max(1, options.attempts); ++attempt) {
    r.attempts = attempt;
    httplib::Client client(origin);
    client.set_connection_timeout(std::chrono::duration_cast<std::chrono::microseconds>(options.connect_timeout));
    client.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(options.read_timeout));
    // Redirections are followed here, not by the library, which would take a 304 for one.
    client.set_follow_location(false);
    client.set_decompress(true);
    client.set_ca_cert_path(options.ca_file.c_str());
    client.enable_server_certificate_verification(true);
    std::string body;
    bool too_big = false;
    // The status and validators are taken from the head; a body is read only for a 2xx (a 304
    // has none, an error page is not worth downloading).
    int status = 0;
    std::string etag, last_modified, content_length, content_encoding, redirect;
    auto res = client.Get(
        path, headers,
        [&](const httplib::Response& head) {
          status = head.status;
          etag = head.get_header_value("ETag");
          last_modified = head.get_header_value("Last-Modified");
          content_length = head.get_header_value("Content-Length");
          content_encoding = head.get_header_value("Content-Encoding");
          redirect = head.get_header_value("Location");
          return status >= 200 && status < 300;
        },
        [&](const char* data, std::size_t n) {
          if (body.size() + n > options.max_bytes) {
            too_big = true;
            return false;
          }
          body.append(data, n);
          return true;
        });
    bool retry = false;
    r.http_status = status;
    if (too_big) {
      r.error = "réponse trop volumineuse (plus de " + std::to_string(options.max_bytes) + " octets)";
      return r;
    }
    if (status == 304) {
      r.kind = FetchResult::Kind::kNotModified;
      r.error.clear();
      return r;
    }
    if ((status == 301 || status == 302 || status == 303 || status == 307 || status == 308) &&
        !redirect.empty() && redirects < 5) {
      ++redirects;
      --attempt;  // a redirection is not a failed attempt
      if (redirect.rfind("http://", 0) == 0 || redirect.rfind("https://", 0) == 0) {
        std::size_t end = redirect.find("://") + 3;
        std::size_t slash = redirect.find('/', end);
        origin = redirect.substr(0, slash);
        path = slash == std::string::npos ? "/" : redirect.substr(slash);
      } else if (!redirect.empty() && redirect[0] == '/') {
        path = redirect;
      }
      continue;
    }
    if (status == 0 || (res.error() != httplib::Error::Success && status >= 200 && status < 300)) {
      r.error = location + " : " + http_error_text(res.error());
      retry = true;
    } else if (status >= 200 && status < 300) {
      // A body shorter than announced is a cut connection, not a document.
      if (!content_length.empty() && content_encoding.empty() &&
          std::strtoull(content_length.c_str(), nullptr, 10) != body.size()) {
        r.error = location + " : réponse tronquée (" + std::to_string(body.size()) + " octets sur " +
                  content_length + " annoncés)";
        retry = true;
      } else {
        r.kind = FetchResult::Kind::kBody;
        r.body = std::move(body);
        r.etag = etag;
        r.last_modified = last_modified;
        r.error.clear();
        return r;
      }
    } else {
      r.error = location + " : le serveur a répondu " + std::to_string(status);
      retry = status >= 500 || status == 429 || status == 408;
    }
    if (!retry || attempt >= options.attempts) break;
    std::this_thread::sleep_for(delay);
    delay *= 2;
  }
  r.kind = FetchResult::Kind::kError;
  if (r.attempts > 1) r.error += " (" + std::to_string(r.attempts) + " tentatives)";
  return r;
}

std::string today_or(const std::string& today) {
  return today.empty() ? exchange::today_utc() : today;
}

}  // namespace

FetchResult fetch_source(const std::string& location, const std::filesystem::path& base_dir,
                         const store::SourceState& state, bool force, const FetchOptions& options) {
  return is_http(location) ? fetch_http(location, state, force, options)
                           : fetch_file(location, base_dir, options);
}

std::vector<std::string> check_definition(const store::SourceDefinition& d,
                                          const std::filesystem::path& profiles_dir) {
  std::vector<std::string> errors;
  bool name_ok = !d.name.empty() && d.name.size() <= 100 &&
                 ((d.name[0] >= 'a' && d.name[0] <= 'z') || (d.name[0] >= '0' && d.name[0] <= '9'));
  for (char c : d.name)
    name_ok &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  if (!name_ok)
    errors.push_back("nom « " + d.name + " » invalide : lettres minuscules sans accent, chiffres, "
                     "« - », « _ » ou « . », 100 caractères au plus, commençant par une lettre ou "
                     "un chiffre.");
  if (d.name == store::kFusionSource)
    errors.push_back("le nom « fusion » est réservé aux lieux fusionnés.");
  if (d.location.empty()) {
    errors.push_back("adresse manquante : une URL http(s):// ou un chemin de fichier.");
  } else if (d.location.find("://") != std::string::npos && !is_http(d.location) &&
             d.location.rfind("file://", 0) != 0) {
    errors.push_back("adresse « " + d.location + " » : seuls http://, https:// et les fichiers "
                     "sont acceptés.");
  }
  if (d.format != "auto" && d.format != "csv" && d.format != "json" && d.format != "geojson")
    errors.push_back("format « " + d.format + " » inconnu : auto, csv, json ou geojson.");
  if (d.schedule_hours < 1 || d.schedule_hours > 24 * 366)
    errors.push_back("fréquence de " + std::to_string(d.schedule_hours) +
                     " h invalide : entre 1 h et 366 jours.");
  if (!d.profile.empty()) {
    std::string error;
    if (resolve_profile(d.profile, profiles_dir, error).empty()) errors.push_back(error);
  }
  return errors;
}

HarvestReport harvest(store::Store& store, const territory::Reference* territory,
                      const store::SourceEntry& source, const HarvestOptions& options) {
  const auto& def = source.definition;
  store::SourceState state = source.state;
  state.last_attempt_at = iso_utc(std::chrono::system_clock::now());
  HarvestReport report;
  report.source = def.name;

  auto fail = [&](std::string message, std::int64_t run) {
    report.status = "erreur";
    report.message = std::move(message);
    state.status = "erreur";
    state.last_error = report.message;
    ++state.failures;
    store.set_source_state(def.name, state);
    if (run == 0) {
      store::Status st;
      if (auto r = store.begin_run(def.name, def.location, st)) run = *r;
    }
    if (run != 0) {
      store.finish_run(run, {}, "echec");
      store.annotate_run(run, 0, report.message);
    }
    return report;
  };

  // The profile first: a broken profile is the administrator's error, found before any fetch.
  std::shared_ptr<const Profile> profile;
  if (!def.profile.empty()) {
    std::string error;
    auto path = resolve_profile(def.profile, options.base_dir / "profils", error);
    if (path.empty()) return fail(error, 0);
    auto loaded = load_profile(path);
    if (!loaded.profile) {
      std::string m = "profil " + path.string() + " invalide";
      if (!loaded.errors.empty()) m += " : " + loaded.errors.front().to_french();
      return fail(m, 0);
    }
    profile = std::make_shared<const Profile>(std::move(*loaded.profile));
  }

  const bool force = options.force || options.accept_withdrawals;
  FetchResult got = fetch_source(def.location, options.base_dir, state, force, options.fetch);
  report.http_status = got.http_status;
  if (got.kind == FetchResult::Kind::kError) return fail(got.error, 0);
  const std::string hash = got.kind == FetchResult::Kind::kBody ? hash_hex(got.body) : std::string();
  if (got.kind == FetchResult::Kind::kNotModified ||
      (!force && hash == state.content_hash && state.status != "erreur" &&
       state.status != "retraits_suspendus")) {
    report.status = "inchangee";
    report.message = got.kind == FetchResult::Kind::kNotModified
                         ? "non modifiée depuis la dernière moisson (HTTP 304)"
                         : "contenu identique à la dernière moisson";
    state.status = "inchangee";
    state.last_error.clear();
    state.failures = 0;
    state.last_success_at = state.last_attempt_at;
    if (got.kind == FetchResult::Kind::kBody) {
      if (!got.etag.empty()) state.etag = got.etag;
      if (!got.last_modified.empty()) state.last_modified = got.last_modified;
    }
    store.set_source_state(def.name, state);
    store::Status st;
    if (auto run = store.begin_run(def.name, def.location, st)) {
      store.finish_run(*run, {}, "termine");
      store.annotate_run(*run, 0, report.message);
    }
    return report;
  }

  if (def.format != "auto") {
    // The declared format must be what came: a source that switched formats is told, not guessed.
    auto probe = place::open_bytes(got.body.substr(0, std::min<std::size_t>(got.body.size(), 65536)), def.name);
    if (probe.reader && place::format_name(probe.reader->format()) != def.format)
      return fail("la source a publié du " + std::string(place::format_name(probe.reader->format())) +
                      " alors que le registre attend du " + def.format +
                      " : mettez à jour son format (ou « auto ») et son profil.",
                  0);
  }

  exchange::Options io;
  io.source = def.name;
  io.collect_ids = true;
  io.on_progress = options.on_progress;
  io.today = today_or(options.today);
  const std::string display = def.location;
  std::int64_t active_before = source.active_places;
  report.import =
      profile ? exchange::import_reader(open_mapped_bytes(profile, std::move(got.body), display),
                                        display, &store, territory, io)
              : exchange::import_bytes(std::move(got.body), display, &store, territory, io);
  const auto& imp = report.import;
  if (!imp.ok()) return fail(imp.fatal, imp.run_id);

  // Withdrawals: what the full dump no longer holds.
  std::int64_t missing = 0;
  store::Status st = store.withdraw_missing(imp.run_id, def.name, imp.seen_ids, true, missing);
  if (!st.ok) return fail(st.message, imp.run_id);
  const auto limit = std::max<std::int64_t>(
      options.min_withdraw_guard,
      static_cast<std::int64_t>(options.max_withdraw_share * static_cast<double>(active_before)));
  report.status = "ok";
  if (missing > 0 && imp.truncated) {
    report.withheld = missing;
    report.status = "retraits_suspendus";
    report.message = "le fichier de la source est tronqué : " + std::to_string(missing) +
                     " retraits non appliqués (rien n'est retiré d'une source lue en partie)";
  } else if (missing > limit && !options.accept_withdrawals) {
    report.withheld = missing;
    report.status = "retraits_suspendus";
    report.message = std::to_string(missing) + " lieux sur " + std::to_string(active_before) +
                     " ont disparu de la source : retraits suspendus jusqu'à confirmation "
                     "(maillage harvest --source " + def.name + " --accepter-retraits)";
  } else if (missing > 0) {
    st = store.withdraw_missing(imp.run_id, def.name, imp.seen_ids, false, report.withdrawn);
    if (!st.ok) return fail(st.message, imp.run_id);
  }
  store.annotate_run(imp.run_id, report.withdrawn, report.message);
  state.status = report.status;
  state.last_error = report.status == "ok" ? std::string() : report.message;
  state.failures = 0;
  state.last_success_at = state.last_attempt_at;
  state.content_hash = hash;
  state.etag = got.etag;
  state.last_modified = got.last_modified;
  store.set_source_state(def.name, state);
  return report;
}

std::vector<store::SourceEntry> due_sources(store::Store& store,
                                            std::chrono::system_clock::time_point now) {
  std::vector<store::SourceEntry> due;
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  for (auto& s : store.list_sources()) {
    if (!s.definition.enabled) continue;
    auto last = parse_iso_utc(s.state.last_attempt_at);
    if (!last) {
      due.push_back(std::move(s));
      continue;
    }
    std::int64_t wait_h = s.definition.schedule_hours;
    if (s.state.status == "erreur" && s.state.failures > 0)
      wait_h = std::min<std::int64_t>(wait_h, std::int64_t{1} << std::min<std::int64_t>(s.state.failures - 1, 20));
    if (t - *last >= wait_h * 3600) due.push_back(std::move(s));
  }
  return due;
}

}  // namespace maillage::federation
