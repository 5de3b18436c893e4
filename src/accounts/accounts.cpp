#include "accounts/accounts.h"

#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/utf8.h"
#include "territory/reference.h"

namespace maillage::accounts {

// ---- secrets ----

std::string new_token() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof bytes);
  return out;
}

std::string token_hash(std::string_view token) {
  if (token.size() != 43) return {};
  for (char c : token)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return {};
  std::string hash(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(hash.data()), hash.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  return hash;
}

std::string hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return {};
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string h(hash);  // NUL-terminated
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

std::unique_ptr<Sealer> Sealer::open(const std::filesystem::path& key_file, std::string& error) {
  if (sodium_init() < 0) {
    error = "libsodium ne s'initialise pas.";
    return nullptr;
  }
  auto sealer = std::unique_ptr<Sealer>(new Sealer());
  std::error_code ec;
  if (std::filesystem::exists(key_file, ec)) {
    std::ifstream in(key_file, std::ios::binary);
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (key.size() != crypto_secretbox_KEYBYTES) {
      error = key_file.string() + " : clé illisible (" + std::to_string(crypto_secretbox_KEYBYTES) +
              " octets attendus).";
      return nullptr;
    }
    sealer->key_ = std::move(key);
    return sealer;
  }
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  crypto_secretbox_keygen(reinterpret_cast<unsigned char*>(key.data()));
  // Created readable by its owner only, before any byte is written.
  mode_t old = umask(077);
  {
    std::ofstream out(key_file, std::ios::binary | std::ios::trunc);
    out.write(key.data(), static_cast<std::streamsize>(key.size()));
    if (!out) error = key_file.string() + " : écriture de la clé impossible.";
  }
  umask(old);
  if (!error.empty()) return nullptr;
  std::filesystem::permissions(key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace, ec);
  sealer->key_ = std::move(key);
  return sealer;
}

std::string Sealer::seal(std::string_view plain) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                        reinterpret_cast<const unsigned char*>(key_.data()));
  return out;
}

std::string Sealer::seal_text(std::string_view plain) const {
  const std::string sealed = seal(plain);
  std::string out(sodium_base64_ENCODED_LEN(sealed.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> Sealer::unseal_text(std::string_view text) const {
  if (text.size() > 4096) return std::nullopt;
  std::string bin(text.size(), '\0');
  std::size_t n = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), text.data(), text.size(),
                        nullptr, &n, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return std::nullopt;
  bin.resize(n);
  return unseal(bin);
}

std::optional<std::string> Sealer::unseal(std::string_view sealed) const {
  if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return std::nullopt;
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  std::size_t n = sealed.size() - crypto_secretbox_NONCEBYTES;
  std::string out(n - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 nonce + crypto_secretbox_NONCEBYTES, n, nonce,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0)
    return std::nullopt;
  return out;
}

// ---- permissions ----

PlaceScope place_scope(const territory::Reference& territory, std::string source, std::string id,
                       std::string_view code_insee, std::string_view code_postal) {
  PlaceScope s{{std::move(source), std::move(id)}, {}, {}};
  if (const auto* commune = territory.by_insee(code_insee)) {
    s.departement = commune->departement;
    s.region = commune->region;
  } else {
    s.departement = std::string(territory::departement_of(code_insee));
    if (s.departement.empty() && code_postal.size() == 5 && code_postal.substr(0, 2) != "20")
      s.departement = std::string(code_postal.substr(0, code_postal.substr(0, 2) == "97" ? 3 : 2));
    if (!s.departement.empty()) s.region = std::string(territory.departement_region(s.departement));
  }
  return s;
}

bool covers(const Principal& p, const PlaceScope& place) {
  if (!p.coordinator()) return false;
  return std::any_of(p.territories.begin(), p.territories.end(), [&](const store::Territory& t) {
    return (t.kind == "departement" && !place.departement.empty() && t.code == place.departement) ||
           (t.kind == "region" && !place.region.empty() && t.code == place.region);
  });
}

bool can_edit_place(const Principal& p, const PlaceScope& place) {
  if (!p.signed_in()) return false;
  return p.admin() || covers(p, place) || p.places.count(place.key) > 0;
}
bool can_moderate(const Principal& p, const PlaceScope& place) { return can_edit_place(p, place); }
bool can_decide_claim(const Principal& p, const PlaceScope& place) {
  return p.signed_in() && (p.admin() || covers(p, place));
}
bool can_see_history(const Principal& p, const PlaceScope& place) { return can_edit_place(p, place); }
bool can_manage_accounts(const Principal& p) { return p.signed_in() && p.admin(); }
bool can_read_outbox(const Principal& p) { return p.signed_in() && p.admin(); }

// ---- the service ----

namespace {

bool plausible_email(std::string_view s) {
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos)
    return false;
  std::string_view domain = s.substr(at + 1);
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size()) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' ||
           c == '\\' || c == '(' || c == ')' || c == '[' || c == ']' || c == ':';
  });
}

nlohmann::json account_json(const store::Account& a) {
  return {{"courriel", a.email},        {"nom", a.name},
          {"role", a.role},             {"etat", a.status},
          {"cree_le", a.created_at},    {"confirme_le", a.confirmed_at},
          {"derniere_connexion", a.last_login_at},
          {"consentement_le", a.consent_at}, {"finalite", a.consent_purpose}};
}

constexpr std::string_view kPurpose =
    "Gérer les fiches de lieux de médiation numérique, traiter les signalements et, s'il le "
    "souhaite, publier un profil d'expert.";

}  // namespace

Service::Service(store::AccountStore& store, std::unique_ptr<Sealer> sealer, Settings settings)
    : store_(store),
      sealer_(std::move(sealer)),
      settings_(std::move(settings)),
      throttle_(settings_.login_free_failures, settings_.login_first_delay_ms,
                std::int64_t{settings_.login_max_delay_s} * 1000) {
  while (!settings_.public_url.empty() && settings_.public_url.back() == '/')
    settings_.public_url.pop_back();
  dummy_hash_ = hash_password("maillage: no such account, same work");
}

std::optional<std::string> Service::normalise_email(std::string_view email) {
  if (!utf8::is_valid(email)) return std::nullopt;
  std::string e(utf8::trim(email));
  if (e.size() > 254 || !plausible_email(e)) return std::nullopt;
  for (char& c : e)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return e;
}

Result Service::check_password(std::string_view password) {
  if (!utf8::is_valid(password))
    return Result::failure("mot_de_passe", "Le mot de passe contient des caractères illisibles.");
  if (password.size() < 10)
    return Result::failure("mot_de_passe", "Choisissez un mot de passe de 10 caractères au moins.");
  if (password.size() > 1024)
    return Result::failure("mot_de_passe", "Le mot de passe dépasse 1 024 caractères.");
  if (utf8::trim(password).empty())
    return Result::failure("mot_de_passe", "Le mot de passe ne peut pas être fait que d'espaces.");
  return Result::success();
}

std::string Service::link(std::string_view path, std::string_view token) const {
  return settings_.public_url + std::string(path) + std::string(token);
}

void Service::queue_mail(std::string_view to, std::string_view subject, std::string_view body,
                         std::string_view link) {
  store::OutboxMail m;
  m.recipient = std::string(to);
  m.subject = std::string(subject);
  m.body = std::string(body);
  if (!link.empty()) m.sealed_link = sealer_->seal(link);
  store_.queue_mail(m);
}

std::string Service::open_body(const store::OutboxMail& mail) const {
  std::string body = mail.body;
  auto pos = body.find("{lien}");
  if (pos == std::string::npos) return body;
  std::string link = "(lien expiré : le courriel a été envoyé)";
  if (!mail.sealed_link.empty())
    if (auto opened = sealer_->unseal(mail.sealed_link)) link = *opened;
  body.replace(pos, 6, link);
  return body;
}

Result Service::sign_up(std::string_view email_in, std::string_view name_in,
                        std::string_view password, bool consent) {
  auto email = normalise_email(email_in);
  if (!email)
    return Result::failure("courriel", "Indiquez une adresse de courriel de la forme nom@exemple.fr.");
  if (!utf8::is_valid(name_in) || utf8::has_control_chars(name_in))
    return Result::failure("nom", "Le nom contient des caractères illisibles.");
  std::string name = utf8::collapse_spaces(utf8::trim(name_in));
  if (name.empty()) return Result::failure("nom", "Indiquez votre nom ou un pseudonyme.");
  if (utf8::length(name) > 100) return Result::failure("nom", "Le nom dépasse 100 caractères.");
  if (Result r = check_password(password); !r.ok) return r;
  if (!consent)
    return Result::failure("consentement",
                           "Cochez la case pour accepter que vos données servent à ce compte.");
  std::string hash = hash_password(password);
  if (hash.empty()) return Result::failure("", "Le serveur est surchargé : réessayez.");
  store::Account a;
  a.email = *email;
  a.name = name;
  a.password_hash = hash;
  a.consent_purpose = std::string(kPurpose);
  store::Status st;
  auto id = store_.create_account(a, st);
  if (!id) {
    if (st.message == "existe") {
      queue_mail(*email, "Votre compte maillage existe déjà",
                 "Bonjour,\n\nQuelqu'un (vous, sans doute) a voulu créer un compte maillage avec "
                 "cette adresse, qui en a déjà un. Si vous avez oublié votre mot de passe : "
                 "{lien}\n\nSinon, ignorez ce message.\n",
                 settings_.public_url + "/compte/oubli");
      return Result::success();
    }
    return Result::failure("", st.message);
  }
  std::string token = new_token();
  store_.put_token(token_hash(token), *id, "confirmation", store::utc_in(settings_.confirmation_hours * 3600));
  queue_mail(*email, "Confirmez votre compte maillage",
             "Bonjour " + name + ",\n\nPour confirmer votre compte maillage, ouvrez ce lien "
             "(valable " + std::to_string(settings_.confirmation_hours) + " heures) :\n{lien}\n\n"
             "Si vous n'avez rien demandé, ignorez ce message : le compte sera effacé.\n",
             link("/compte/confirmer?jeton=", token));
  store_.audit({0, "", "compte:" + std::to_string(*id), "inscription", "compte:" + std::to_string(*id), "", *email});
  return Result::success();
}

Result Service::confirm(std::string_view token) {
  std::string hash = token_hash(token);
  auto account = hash.empty() ? std::nullopt
                              : store_.consume_token(hash, "confirmation", store::utc_now());
  if (!account)
    return Result::failure("", "Ce lien de confirmation n'est pas valable ou a déjà servi.");
  std::lock_guard lock(first_admin_mutex_);
  auto a = store_.account(*account);
  if (!a) return Result::failure("", "Ce compte n'existe plus.");
  const bool any_admin = store_.has_active_administrator();
  std::string before = a->status + "/" + a->role;
  a->status = "actif";
  a->confirmed_at = store::utc_now();
  if (!any_admin) a->role = "administrateur";
  if (auto st = store_.update_account(*a); !st.ok) return Result::failure("", st.message);
  store_.audit({0, "", "compte:" + std::to_string(a->id), "confirmation",
                "compte:" + std::to_string(a->id), before, a->status + "/" + a->role});
  return Result::success();
}

std::optional<std::string> Service::log_in(std::string_view email_in, std::string_view password,
                                           Result& result, const LoginClient& client) {
  const Result wrong = Result::failure("", "Adresse ou mot de passe incorrect.");
  auto email = normalise_email(email_in);
  auto a = email ? store_.account_by_email(*email) : std::nullopt;
  // The throttle's key: the address as typed, with the owner's device when this client is one
  // (a sealed "appareil:<id>" of this account), else with the client's address.
  const std::string typed = email ? *email : std::string(email_in.substr(0, 254));
  std::string from = "adresse:" + client.address;
  if (a && !client.device.empty())
    if (auto opened = sealer_->unseal_text(client.device); opened && *opened == "appareil:" + std::to_string(a->id))
      from = "appareil";
  const std::string key = typed + "\n" + from;
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  if (const std::int64_t wait_ms = throttle_.wait_ms(key, now_ms); wait_ms > 0) {
    const std::int64_t wait = (wait_ms + 999) / 1000;
    verify_password(dummy_hash_, password);  // same time whatever happens next
    const std::int64_t minutes = (wait + 59) / 60;
    result = Result::failure(
        "", "Trop d'essais depuis cette connexion : réessayez dans " +
                (wait < 60 ? std::to_string(wait) + (wait > 1 ? " secondes" : " seconde")
                           : std::to_string(minutes) + (minutes > 1 ? " minutes" : " minute")) +
                ", ou choisissez un nouveau mot de passe avec « Mot de passe oublié ».");
    return std::nullopt;
  }
  if (!a) {
    verify_password(dummy_hash_, password);  // same time as a real check
    throttle_.failure(key, now_ms);
    result = wrong;
    return std::nullopt;
  }
  std::string now = store::utc_now();
  if (!verify_password(a->password_hash, password)) {
    throttle_.failure(key, now_ms);
    a->failed_logins += 1;
    a->locked_until.clear();  // lock-outs of earlier versions end
    if (a->failed_logins == settings_.alert_failures ||
        (a->failed_logins > settings_.alert_failures && a->failed_logins % 100 == 0)) {
      queue_mail(a->email, "Tentatives de connexion à votre compte maillage",
                 "Bonjour,\n\n" + std::to_string(a->failed_logins) +
                     " essais de connexion à votre compte maillage ont échoué à la suite, avec un "
                     "mauvais mot de passe.\n\nSi ce n'était pas vous, quelqu'un essaie peut-être de "
                     "deviner votre mot de passe. Votre compte n'est pas bloqué : vous pouvez toujours "
                     "vous connecter. Pour plus de sûreté, choisissez un nouveau mot de passe, long "
                     "et que vous n'utilisez nulle part ailleurs, avec « Mot de passe oublié » sur la "
                     "page de connexion.\n",
                 "");
      store_.audit({0, "", "systeme", "alerte_connexion", "compte:" + std::to_string(a->id), "",
                    std::to_string(a->failed_logins)});
    }
    store_.update_account(*a);
    result = wrong;
    return std::nullopt;
  }
  throttle_.success(key);
  if (a->status == "a_confirmer") {
    result = Result::failure("", "Confirmez d'abord votre adresse avec le lien reçu par courriel.");
    return std::nullopt;
  }
  if (a->status != "actif") {
    result = Result::failure("", "Ce compte est suspendu. Écrivez aux administrateurs.");
    return std::nullopt;
  }
  a->failed_logins = 0;
  a->locked_until.clear();
  a->last_login_at = now;
  a->last_active_at = now;
  store_.update_account(*a);
  std::string token = new_token();
  if (auto st = store_.put_session(token_hash(token), a->id, store::utc_in(std::int64_t{settings_.session_days} * 86400));
      !st.ok) {
    result = Result::failure("", st.message);
    return std::nullopt;
  }
  result = Result::success();
  return token;
}

std::string Service::device_token(std::int64_t account) const {
  return sealer_->seal_text("appareil:" + std::to_string(account));
}

void Service::log_out(std::string_view session_token) {
  std::string hash = token_hash(session_token);
  if (!hash.empty()) store_.delete_session(hash);
}

void Service::request_reset(std::string_view email_in) {
  auto email = normalise_email(email_in);
  auto a = email ? store_.account_by_email(*email) : std::nullopt;
  if (!a) return;
  std::string token = new_token();
  store_.put_token(token_hash(token), a->id, "reinitialisation",
                   store::utc_in(std::int64_t{settings_.reset_minutes} * 60));
  queue_mail(a->email, "Nouveau mot de passe maillage",
             "Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable " +
                 std::to_string(settings_.reset_minutes) + " minutes, une seule fois) :\n{lien}\n\n"
                 "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste le même.\n",
             link("/compte/reinitialiser?jeton=", token));
}

Result Service::reset_password(std::string_view token, std::string_view password) {
  if (Result r = check_password(password); !r.ok) return r;
  std::string hash = token_hash(token);
  auto account = hash.empty() ? std::nullopt
                              : store_.consume_token(hash, "reinitialisation", store::utc_now());
  if (!account)
    return Result::failure("", "Ce lien n'est pas valable, a expiré ou a déjà servi : demandez-en un nouveau.");
  auto a = store_.account(*account);
  if (!a) return Result::failure("", "Ce compte n'existe plus.");
  a->password_hash = hash_password(password);
  if (a->password_hash.empty()) return Result::failure("", "Le serveur est surchargé : réessayez.");
  a->failed_logins = 0;
  a->locked_until.clear();
  throttle_.forget_typed(a->email);  // no client waits any more for the address it proved
  // The link proved the address: an unconfirmed account is confirmed by it.
  if (a->status == "a_confirmer") {
    a->status = "actif";
    a->confirmed_at = store::utc_now();
  }
  store_.update_account(*a);
  store_.delete_sessions_of(a->id);
  store_.audit({0, "", "compte:" + std::to_string(a->id), "mot_de_passe", "compte:" + std::to_string(a->id), "", ""});
  return Result::success();
}

Principal Service::principal_of(std::int64_t account) {
  Principal p;
  auto a = store_.account(account);
  if (!a || a->status != "actif") return p;
  p.id = a->id;
  p.email = a->email;
  p.name = a->name;
  p.role = a->role;
  if (p.coordinator()) p.territories = store_.territories(a->id);
  for (const auto& g : store_.places_of(a->id)) p.places.insert({g.source, g.place_id});
  return p;
}

Principal Service::principal(std::string_view session_token) {
  std::string hash = token_hash(session_token);
  if (hash.empty()) return {};
  auto account = store_.session_account(hash, store::utc_now());
  if (!account) return {};
  return principal_of(*account);
}

Result Service::set_role(const Principal& by, std::int64_t account, std::string_view role,
                         const std::vector<store::Territory>& territories) {
  if (!can_manage_accounts(by)) return Result::failure("", "Réservé aux administrateurs.");
  if (role != "administrateur" && role != "coordinateur" && role != "membre")
    return Result::failure("role", "Rôle inconnu.");
  for (const auto& t : territories)
    if ((t.kind != "departement" && t.kind != "region") || t.code.empty() || t.code.size() > 3)
      return Result::failure("territoires", "Territoire invalide : « " + t.code + " ».");
  if (role == "coordinateur" && territories.empty())
    return Result::failure("territoires", "Un coordinateur a au moins un département ou une région.");
  auto a = store_.account(account);
  if (!a) return Result::failure("", "Ce compte n'existe pas.");
  if (a->id == by.id && role != "administrateur")
    return Result::failure("role", "Vous ne pouvez pas retirer votre propre rôle d'administrateur.");
  auto describe = [](const std::string& r, const std::vector<store::Territory>& ts) {
    std::string out = r;
    for (const auto& t : ts) out += " " + t.kind + ":" + t.code;
    return out;
  };
  std::string before = describe(a->role, store_.territories(a->id));
  a->role = std::string(role);
  if (auto st = store_.update_account(*a); !st.ok) return Result::failure("", st.message);
  store_.set_territories(a->id, role == "coordinateur" ? territories : std::vector<store::Territory>{});
  store_.audit({0, "", by.actor(), "role", "compte:" + std::to_string(a->id), before,
                describe(a->role, role == "coordinateur" ? territories : std::vector<store::Territory>{})});
  return Result::success();
}

Result Service::grant_place(const std::string& actor, std::int64_t account, const PlaceKey& place) {
  if (auto st = store_.grant_place({account, place.first, place.second, "", actor}); !st.ok)
    return Result::failure("", st.message);
  store_.audit({0, "", actor, "gestion_lieu", "compte:" + std::to_string(account), "",
                place.first + ":" + place.second});
  return Result::success();
}

std::string Service::export_data(std::int64_t account) {
  nlohmann::json out = nlohmann::json::object();
  auto a = store_.account(account);
  if (!a) return out.dump();
  out["compte"] = account_json(*a);
  out["territoires"] = nlohmann::json::array();
  for (const auto& t : store_.territories(account))
    out["territoires"].push_back({{"type", t.kind}, {"code", t.code}});
  out["lieux_geres"] = nlohmann::json::array();
  for (const auto& g : store_.places_of(account))
    out["lieux_geres"].push_back({{"source", g.source}, {"id", g.place_id}, {"depuis", g.granted_at}});
  out["demandes"] = nlohmann::json::array();
  for (const auto& c : store_.claims_of(account))
    out["demandes"].push_back({{"source", c.source}, {"id", c.place_id}, {"message", c.message},
                               {"etat", c.status}, {"le", c.created_at}, {"motif", c.reason}});
  if (auto e = store_.expert(account)) {
    auto profile = nlohmann::json::parse(e->profile, nullptr, false);
    out["profil_expert"] = {{"profil", profile.is_discarded() ? nlohmann::json() : profile},
                            {"publie", e->published}, {"consentement_le", e->consent_at}};
  }
  out["signalements"] = nlohmann::json::array();
  for (const auto& r : store_.reports_by_contact(a->email))
    out["signalements"].push_back({{"le", r.at}, {"source", r.source}, {"id", r.place_id},
                                   {"categorie", r.category}, {"message", r.message},
                                   {"etat", r.status}});
  std::string me = "compte:" + std::to_string(account);
  out["journal"] = nlohmann::json::array();
  for (const auto& e : store_.audit_of(me, 1000))
    out["journal"].push_back({{"le", e.at}, {"par", e.actor}, {"action", e.action}});
  for (const auto& e : store_.audit_by(me, 1000))
    out["journal"].push_back({{"le", e.at}, {"par", e.actor}, {"action", e.action}, {"cible", e.target}});
  return out.dump(2);
}

Result Service::delete_account(std::int64_t account, std::string_view password) {
  auto a = store_.account(account);
  if (!a) return Result::failure("", "Ce compte n'existe pas.");
  if (!verify_password(a->password_hash, password))
    return Result::failure("mot_de_passe", "Mot de passe incorrect.");
  store_.forget_report_contact(a->email);
  if (auto st = store_.delete_account(account); !st.ok) return Result::failure("", st.message);
  store_.audit({0, "", "compte:" + std::to_string(account), "suppression",
                "compte:" + std::to_string(account), "", ""});
  return Result::success();
}

std::size_t Service::purge(std::string_view now) {
  store_.purge_expired(now);
  // Accounts never confirmed go after the confirmation link expired; others after
  // inactive_months without a session.
  std::size_t deleted = 0;
  std::string before = store::utc_in(-std::int64_t{settings_.inactive_months} * 30 * 86400);
  for (std::int64_t id : store_.inactive_accounts(before)) {
    if (auto a = store_.account(id)) store_.forget_report_contact(a->email);
    if (store_.delete_account(id).ok) {
      store_.audit({0, "", "systeme", "purge", "compte:" + std::to_string(id), "", ""});
      ++deleted;
    }
  }
  std::string unconfirmed_before = store::utc_in(-std::int64_t{settings_.confirmation_hours} * 3600);
  for (std::int64_t id : store_.unconfirmed_accounts(unconfirmed_before))
    if (store_.delete_account(id).ok) ++deleted;
  return deleted;
}

}  // namespace maillage::accounts
