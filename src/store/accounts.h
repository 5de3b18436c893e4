// The accounts part of the store (schema 6): people and their roles, sessions and single-use
// tokens (kept as BLAKE2b hashes only), the e-mail outbox, claims to manage a place, the audit
// trail, moderation of the public's reports, place confirmations and experts' profiles.
//
// It opens the same SQLite database as store::Store, with its own connection, and is safe to
// share between request threads (one internal mutex: every call is short; password hashing and
// e-mail sending happen outside, in accounts/).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/clock.h"
#include "store/store.h"

namespace maillage::store {

struct Account {
  std::int64_t id = 0;
  std::string email;          // lower-case
  std::string name;           // shown to coordinators and in the audit trail
  std::string password_hash;  // argon2id, libsodium's encoded form
  std::string role = "membre";     // "administrateur", "coordinateur", "membre"
  std::string status = "a_confirmer";  // "a_confirmer", "actif", "suspendu"
  std::string created_at, confirmed_at, last_login_at, last_active_at;
  std::int64_t failed_logins = 0;
  std::string locked_until;   // ISO 8601 UTC, empty when not locked
  std::string consent_at, consent_purpose;
};

struct Territory {
  std::string kind;  // "departement" or "region"
  std::string code;  // "35", "2A", "974"; région code "53"
  bool operator==(const Territory&) const = default;
};

struct OutboxMail {
  std::int64_t id = 0;
  std::string created_at, recipient, subject;
  std::string body;         // with "{lien}" where the sealed link goes
  std::string sealed_link;  // the link, encrypted (accounts::Sealer); empty once sent
  std::string sent_at;
  std::int64_t attempts = 0;
  std::string last_error;
};

struct ManagedPlace {
  std::int64_t account_id = 0;
  std::string source, place_id, granted_at, granted_by;
};

struct Claim {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  std::string source, place_id, message;
  std::string status;  // "en_attente", "acceptee", "refusee"
  std::string created_at, decided_at, decided_by, reason;
};

struct AuditEntry {
  std::int64_t id = 0;
  std::string at, actor, action, target, before, after;
};

// A report from a place's page, with its moderation.
struct StoredReport {
  std::int64_t id = 0;
  std::string at, source, place_id, category, message, contact;
  std::string suggestion;  // suggested values as JSON {"field": "value"}, or ""
  std::string status;      // "nouveau", "accepte", "rejete"
  std::string decided_at, decided_by, reason;
};

struct ExpertRow {
  std::int64_t account_id = 0;
  std::string profile;  // JSON (accounts/experts.h)
  bool published = false;
  std::string consent_at, updated_at;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // --- accounts ---
  // Fails with message "existe" when the e-mail address is taken.
  virtual std::optional<std::int64_t> create_account(const Account& account, Status& status) = 0;
  virtual std::optional<Account> account(std::int64_t id) = 0;
  virtual std::optional<Account> account_by_email(std::string_view email) = 0;
  virtual std::vector<Account> accounts(std::size_t limit) = 0;
  // Writes every field but id and created_at.
  virtual Status update_account(const Account& account) = 0;
  virtual std::vector<Territory> territories(std::int64_t account) = 0;
  virtual Status set_territories(std::int64_t account, const std::vector<Territory>& t) = 0;
  // Deletes the account and what hangs on it (sessions, tokens, claims, places managed,
  // expert profile); the audit trail keeps its entries, with the actor's label.
  virtual Status delete_account(std::int64_t account) = 0;
  // Accounts whose last activity is older than `before` (ISO 8601), for the purge.
  virtual std::vector<std::int64_t> inactive_accounts(std::string_view before) = 0;
  // Accounts still waiting for confirmation, created before `before`.
  virtual std::vector<std::int64_t> unconfirmed_accounts(std::string_view before) = 0;
  virtual bool has_active_administrator() = 0;

  // --- sessions and single-use tokens (hashes only) ---
  virtual Status put_session(std::string_view hash, std::int64_t account,
                             std::string_view expires_at) = 0;
  // The account of an unexpired session; also refreshes the account's last activity.
  virtual std::optional<std::int64_t> session_account(std::string_view hash,
                                                      std::string_view now) = 0;
  virtual Status delete_session(std::string_view hash) = 0;
  virtual Status delete_sessions_of(std::int64_t account) = 0;
  virtual Status put_token(std::string_view hash, std::int64_t account, std::string_view purpose,
                           std::string_view expires_at) = 0;
  // Marks an unused, unexpired token of this purpose used and returns its account, atomically:
  // a second use finds nothing, nor does any other token of this purpose of the same account
  // (one reset link used cancels the others).
  virtual std::optional<std::int64_t> consume_token(std::string_view hash,
                                                    std::string_view purpose,
                                                    std::string_view now) = 0;
  // Removes expired sessions and tokens.
  virtual Status purge_expired(std::string_view now) = 0;

  // --- outbox ---
  virtual Status queue_mail(const OutboxMail& mail) = 0;
  virtual std::vector<OutboxMail> unsent_mail(std::size_t limit) = 0;
  virtual std::vector<OutboxMail> mail(std::size_t limit) = 0;  // newest first
  virtual Status mark_mail(std::int64_t id, bool sent, std::string_view error) = 0;

  // --- places managed and claims ---
  virtual Status grant_place(const ManagedPlace& grant) = 0;
  virtual Status revoke_place(std::int64_t account, std::string_view source,
                              std::string_view place_id) = 0;
  virtual std::vector<ManagedPlace> places_of(std::int64_t account) = 0;
  virtual std::vector<ManagedPlace> managers_of(std::string_view source,
                                                std::string_view place_id) = 0;
  virtual std::optional<std::int64_t> add_claim(const Claim& claim, Status& status) = 0;
  virtual std::optional<Claim> claim(std::int64_t id) = 0;
  virtual std::vector<Claim> claims(std::string_view status, std::size_t limit) = 0;
  virtual std::vector<Claim> claims_of(std::int64_t account) = 0;
  virtual Status decide_claim(std::int64_t id, std::string_view status, std::string_view by,
                              std::string_view reason) = 0;

  // --- audit trail of accounts and permissions ---
  virtual Status audit(const AuditEntry& entry) = 0;
  virtual std::vector<AuditEntry> audit_of(std::string_view target, std::size_t limit) = 0;
  virtual std::vector<AuditEntry> audit_by(std::string_view actor, std::size_t limit) = 0;

  // --- moderation of reports ---
  virtual std::vector<StoredReport> reports(std::string_view status, std::size_t limit) = 0;
  virtual std::vector<StoredReport> reports_of(std::string_view source,
                                               std::string_view place_id) = 0;
  virtual std::optional<StoredReport> report(std::int64_t id) = 0;
  virtual Status decide_report(std::int64_t id, std::string_view status, std::string_view by,
                               std::string_view reason) = 0;
  // Reports sent with this contact address (a person's own data).
  virtual std::vector<StoredReport> reports_by_contact(std::string_view email) = 0;
  virtual Status forget_report_contact(std::string_view email) = 0;

  // --- freshness ---
  virtual Status confirm_place(std::string_view source, std::string_view place_id,
                               std::string_view actor) = 0;
  // (source, place_id) → last confirmation (ISO 8601 UTC), every confirmed place.
  virtual std::vector<std::pair<std::pair<std::string, std::string>, std::string>>
  confirmations() = 0;
  // Every (source, place_id) that has at least one manager.
  virtual std::vector<std::pair<std::string, std::string>> managed_places() = 0;
  // When managers were last reminded to confirm the place ("" when never).
  virtual std::string reminded_at(std::string_view source, std::string_view place_id) = 0;
  virtual Status set_reminded(std::string_view source, std::string_view place_id) = 0;

  // --- experts ---
  virtual Status put_expert(const ExpertRow& row) = 0;
  virtual std::optional<ExpertRow> expert(std::int64_t account) = 0;
  virtual std::vector<ExpertRow> experts(bool published_only) = 0;
  virtual Status delete_expert(std::int64_t account) = 0;
};

// Opens (creating and migrating if needed) the accounts part of the database at `path`.
std::unique_ptr<AccountStore> open_account_store(const std::filesystem::path& path,
                                                 std::string& error);


}  // namespace maillage::store
