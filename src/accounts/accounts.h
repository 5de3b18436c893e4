// Accounts, roles and permissions (issue 7; docs/accounts.md).
//
// Roles: an administrator; territorial coordinators (scoped to départements or régions); place
// managers (scoped to the places granted to them, by an approved claim); mediators (any
// confirmed account); experts (an account with a published expert profile). One account may be
// several: a coordinator can also manage places and be an expert.
//
// Secrets: passwords are hashed with argon2id (libsodium's crypto_pwhash_str); session, reset and
// confirmation tokens are 256 random bits (randombytes_buf) given to the person once and stored
// as their BLAKE2b hash only; the links inside queued e-mails are sealed with a key kept in a file
// beside the database, and dropped once the e-mail is sent. Nothing here logs a secret.
//
// Every function is safe to call from request threads. Password hashing (~0.1 s, 64 MiB) runs
// outside the store's lock.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accounts/login_throttle.h"
#include "store/accounts.h"

namespace maillage::territory {
class Reference;
}

namespace maillage::accounts {

// ---- secrets ----

// A fresh token for a person: 32 random bytes, base64url without padding (43 characters).
std::string new_token();
// What the store keeps of a token: its BLAKE2b-256 hash (32 raw bytes). Empty for a token that
// is not well-formed (never looked up).
std::string token_hash(std::string_view token);
// argon2id, libsodium's defaults for interactive logins. Empty on failure (out of memory).
std::string hash_password(std::string_view password);
bool verify_password(std::string_view hash, std::string_view password);

// Seals the links of queued e-mails (XSalsa20-Poly1305, libsodium's secretbox) with a 256-bit
// key read from `key_file`, created (mode 0600) with a random key when missing.
class Sealer {
 public:
  static std::unique_ptr<Sealer> open(const std::filesystem::path& key_file, std::string& error);
  std::string seal(std::string_view plain) const;
  std::optional<std::string> unseal(std::string_view sealed) const;
  // The same, as URL-safe base64 text (cookies).
  std::string seal_text(std::string_view plain) const;
  std::optional<std::string> unseal_text(std::string_view text) const;

 private:
  std::string key_;
};

// ---- who is asking ----

using PlaceKey = std::pair<std::string, std::string>;  // (source, id) in the store

struct Principal {
  std::int64_t id = 0;  // 0: nobody signed in
  std::string email, name, role;
  std::vector<store::Territory> territories;  // a coordinator's
  std::set<PlaceKey> places;                  // places managed
  bool signed_in() const { return id != 0; }
  bool admin() const { return role == "administrateur"; }
  bool coordinator() const { return role == "coordinateur"; }
  // "compte:12" — how the audit trail and the change log name this person.
  std::string actor() const { return id < 0 ? "console" : "compte:" + std::to_string(id); }
};

// Where a place is, for the territorial scope of coordinators.
struct PlaceScope {
  PlaceKey key;
  std::string departement;  // "35", "2A", "974"; empty when unknown
  std::string region;       // "53"; empty when unknown
};
PlaceScope place_scope(const territory::Reference& territory, std::string source, std::string id,
                       std::string_view code_insee, std::string_view code_postal);

// The permissions, checked on the server for every write (tests/permissions_test.cpp holds the
// whole table).
bool covers(const Principal& p, const PlaceScope& place);       // coordinator's territory
bool can_edit_place(const Principal& p, const PlaceScope& place);      // managers, coordinators, admins
bool can_moderate(const Principal& p, const PlaceScope& place);        // same
bool can_decide_claim(const Principal& p, const PlaceScope& place);    // coordinators, admins
bool can_see_history(const Principal& p, const PlaceScope& place);     // same as editing
bool can_manage_accounts(const Principal& p);                          // admins
bool can_read_outbox(const Principal& p);                              // admins

// ---- the service ----

struct Settings {
  std::string public_url;       // "https://maillage.example.fr", for the links in e-mails
  // Failed logins (accounts/login_throttle.h): free ones per (address typed, client), then waits
  // doubling up to the maximum; the owner is told by e-mail at `alert_failures` consecutive
  // failures of the account, whoever made them.
  int login_free_failures = 5;
  int login_first_delay_ms = 5000;
  int login_max_delay_s = 900;
  int alert_failures = 10;
  int session_days = 14;
  int confirmation_hours = 48;
  int reset_minutes = 60;
  int inactive_months = 24;     // accounts unused this long are deleted (docs/accounts.md)
};

// The outcome of an operation that can fail for the person: a French message, and the field.
struct Result {
  bool ok = true;
  std::string field;    // form field the message is about, or ""
  std::string message;  // French
  static Result success() { return {}; }
  static Result failure(std::string field, std::string message) {
    return {false, std::move(field), std::move(message)};
  }
};

// Who is logging in: the client's address, and the device cookie an earlier login left.
struct LoginClient {
  std::string address;
  std::string device;
};

class Service {
 public:
  Service(store::AccountStore& store, std::unique_ptr<Sealer> sealer, Settings settings);

  store::AccountStore& store() { return store_; }
  const Settings& settings() const { return settings_; }

  // Creates an account waiting for confirmation and queues the confirmation e-mail. An address
  // already taken gets the same answer (no account enumeration) and an e-mail telling its owner.
  Result sign_up(std::string_view email, std::string_view name, std::string_view password,
                 bool consent);
  // Confirms with the token of the e-mail; the first confirmed account becomes administrator
  // when none exists (the installer's).
  Result confirm(std::string_view token);
  // A session token on success. Failures slow down the next attempts of the same address typed
  // from the same client (its address, or the owner's known device): never the owner elsewhere,
  // and the same messages whether the address has an account or not.
  std::optional<std::string> log_in(std::string_view email, std::string_view password,
                                    Result& result, const LoginClient& client = {});
  // The value of the device cookie for `account`, set at each login: later logins from that
  // device are not slowed down by other clients' failures. Opaque and sealed.
  std::string device_token(std::int64_t account) const;
  void log_out(std::string_view session_token);
  // Queues a reset e-mail when the address has an account; the same answer either way.
  void request_reset(std::string_view email);
  // Sets a new password with a reset token (single use), closes every session of the account.
  Result reset_password(std::string_view token, std::string_view password);
  // The person behind a session cookie; a Principal with id 0 when none.
  Principal principal(std::string_view session_token);
  Principal principal_of(std::int64_t account);

  // Administrators: role and territories of an account; recorded in the audit trail.
  Result set_role(const Principal& by, std::int64_t account, std::string_view role,
                  const std::vector<store::Territory>& territories);
  // Gives or takes a place to/from an account (claims, administrators), audited.
  Result grant_place(const std::string& actor, std::int64_t account, const PlaceKey& place);

  // The person's own data, as JSON: account, roles, places, claims, expert profile, reports
  // sent from the same address, audit entries about or by them.
  std::string export_data(std::int64_t account);
  // Deletes the account and its data; reports keep their text but lose the address.
  Result delete_account(std::int64_t account, std::string_view password);
  // Deletes accounts inactive for settings().inactive_months, and expired sessions and tokens;
  // returns how many accounts were deleted.
  std::size_t purge(std::string_view now);

  // Queues an e-mail; `link`, if any, is sealed and replaces "{lien}" in `body` when sent.
  void queue_mail(std::string_view to, std::string_view subject, std::string_view body,
                  std::string_view link = {});
  // An outbox e-mail with its link opened (for sending, or for administrators to read).
  std::string open_body(const store::OutboxMail& mail) const;

  // Password rules: 10 to 1,024 bytes, valid UTF-8, not only spaces.
  static Result check_password(std::string_view password);
  // Lower-cased, trimmed address when plausible (nom@domaine.tld, at most 254 bytes).
  static std::optional<std::string> normalise_email(std::string_view email);

 private:
  std::string link(std::string_view path, std::string_view token) const;

  store::AccountStore& store_;
  std::unique_ptr<Sealer> sealer_;
  Settings settings_;
  std::string dummy_hash_;  // verified against when the address is unknown: equal timing
  LoginThrottle throttle_;
  std::mutex first_admin_mutex_;
};

}  // namespace maillage::accounts
