#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "store/accounts.h"
#include "store/clock.h"
#include "store/database.h"
#include "store/sqlite.h"

namespace maillage::store {

namespace {

using sqlite::Statement;

constexpr std::string_view kAccountColumns =
    "SELECT id, email, name, password_hash, role, status, created_at, confirmed_at, "
    "last_login_at, last_active_at, failed_logins, locked_until, consent_at, consent_purpose "
    "FROM accounts";

Account read_account(const Statement& s) {
  Account a;
  a.id = s.integer(0);
  a.email = s.text(1);
  a.name = s.text(2);
  a.password_hash = s.text(3);
  a.role = s.text(4);
  a.status = s.text(5);
  a.created_at = s.text(6);
  a.confirmed_at = s.text(7);
  a.last_login_at = s.text(8);
  a.last_active_at = s.text(9);
  a.failed_logins = s.integer(10);
  a.locked_until = s.text(11);
  a.consent_at = s.text(12);
  a.consent_purpose = s.text(13);
  return a;
}

constexpr std::string_view kClaimColumns =
    "SELECT id, COALESCE(account_id, 0), source, place_id, message, status, created_at, "
    "decided_at, decided_by, reason FROM claims";

Claim read_claim(const Statement& s) {
  return {s.integer(0), s.integer(1), s.text(2), s.text(3), s.text(4),
          s.text(5),    s.text(6),    s.text(7), s.text(8), s.text(9)};
}

constexpr std::string_view kReportColumns =
    "SELECT id, at, source, place_id, category, message, contact, suggestion, status, "
    "decided_at, decided_by, reason FROM error_reports";

StoredReport read_report(const Statement& s) {
  return {s.integer(0), s.text(1), s.text(2),  s.text(3),  s.text(4),  s.text(5),
          s.text(6),    s.text(7), s.text(8),  s.text(9),  s.text(10), s.text(11)};
}

constexpr std::string_view kMailColumns =
    "SELECT id, created_at, recipient, subject, body, COALESCE(sealed_link, x''), sent_at, "
    "attempts, last_error FROM outbox";

OutboxMail read_mail(const Statement& s) {
  OutboxMail m;
  m.id = s.integer(0);
  m.created_at = s.text(1);
  m.recipient = s.text(2);
  m.subject = s.text(3);
  m.body = s.text(4);
  m.sealed_link = std::string(s.blob(5));
  m.sent_at = s.text(6);
  m.attempts = s.integer(7);
  m.last_error = s.text(8);
  return m;
}

std::int64_t as_int(std::size_t n) { return static_cast<std::int64_t>(n); }

class SqliteAccountStore final : public AccountStore {
 public:
  bool open(const std::filesystem::path& path, std::string& error) {
    return open_database(db_, path, error);
  }

  std::optional<std::int64_t> create_account(const Account& a, Status& status) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "INSERT INTO accounts (email, name, password_hash, role, status, created_at, "
                "confirmed_at, last_active_at, consent_at, consent_purpose) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING");
    std::string now = utc_now();
    s.bind(1, a.email).bind(2, a.name).bind(3, a.password_hash).bind(4, a.role).bind(5, a.status);
    s.bind(6, now).bind(7, a.confirmed_at).bind(8, now).bind(9, a.consent_at.empty() ? now : a.consent_at);
    s.bind(10, a.consent_purpose);
    if (s.step() != SQLITE_DONE) {
      status = Status::failure("création du compte impossible : " + db_.last_error());
      return std::nullopt;
    }
    if (sqlite3_changes(db_.handle()) == 0) {
      status = Status::failure("existe");
      return std::nullopt;
    }
    return sqlite3_last_insert_rowid(db_.handle());
  }

  std::optional<Account> account(std::int64_t id) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), join_sql(kAccountColumns, " WHERE id = ?"));
    s.bind(1, id);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return read_account(s);
  }

  std::optional<Account> account_by_email(std::string_view email) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), join_sql(kAccountColumns, " WHERE email = ?"));
    s.bind(1, email);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return read_account(s);
  }

  std::vector<Account> accounts(std::size_t limit) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), join_sql(kAccountColumns, " ORDER BY id LIMIT ?"));
    s.bind(1, as_int(limit));
    std::vector<Account> out;
    while (s.step() == SQLITE_ROW) out.push_back(read_account(s));
    return out;
  }

  Status update_account(const Account& a) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "UPDATE accounts SET email = ?, name = ?, password_hash = ?, role = ?, status = ?, "
                "confirmed_at = ?, last_login_at = ?, last_active_at = ?, failed_logins = ?, "
                "locked_until = ?, consent_at = ?, consent_purpose = ? WHERE id = ?");
    s.bind(1, a.email).bind(2, a.name).bind(3, a.password_hash).bind(4, a.role).bind(5, a.status);
    s.bind(6, a.confirmed_at).bind(7, a.last_login_at).bind(8, a.last_active_at);
    s.bind(9, a.failed_logins).bind(10, a.locked_until).bind(11, a.consent_at);
    s.bind(12, a.consent_purpose).bind(13, a.id);
    return done(s, "mise à jour du compte impossible");
  }

  std::vector<Territory> territories(std::int64_t account) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "SELECT kind, code FROM account_territories WHERE account_id = ? ORDER BY kind, code");
    s.bind(1, account);
    std::vector<Territory> out;
    while (s.step() == SQLITE_ROW) out.push_back({s.text(0), s.text(1)});
    return out;
  }

  Status set_territories(std::int64_t account, const std::vector<Territory>& t) override {
    std::lock_guard lock(mutex_);
    return transaction([&]() -> Status {
      Statement del(db_.handle(), "DELETE FROM account_territories WHERE account_id = ?");
      del.bind(1, account);
      if (Status st = done(del, "territoires"); !st.ok) return st;
      Statement ins(db_.handle(),
                    "INSERT OR IGNORE INTO account_territories (account_id, kind, code) VALUES (?, ?, ?)");
      for (const auto& x : t) {
        ins.bind(1, account).bind(2, x.kind).bind(3, x.code);
        if (Status st = done(ins, "territoires"); !st.ok) return st;
        ins.reset();
      }
      return Status::success();
    });
  }

  Status delete_account(std::int64_t account) override {
    std::lock_guard lock(mutex_);
    return transaction([&]() -> Status {
      // Claims and expert profiles cascade; claims decided by this person keep the label.
      Statement s(db_.handle(), "DELETE FROM accounts WHERE id = ?");
      s.bind(1, account);
      return done(s, "suppression du compte impossible");
    });
  }

  std::vector<std::int64_t> inactive_accounts(std::string_view before) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "SELECT id FROM accounts WHERE last_active_at < ? AND role != 'administrateur' ORDER BY id");
    s.bind(1, before);
    std::vector<std::int64_t> out;
    while (s.step() == SQLITE_ROW) out.push_back(s.integer(0));
    return out;
  }

  std::vector<std::int64_t> unconfirmed_accounts(std::string_view before) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "SELECT id FROM accounts WHERE status = 'a_confirmer' AND created_at < ? ORDER BY id");
    s.bind(1, before);
    std::vector<std::int64_t> out;
    while (s.step() == SQLITE_ROW) out.push_back(s.integer(0));
    return out;
  }

  bool has_active_administrator() override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "SELECT 1 FROM accounts WHERE role = 'administrateur' AND status = 'actif' LIMIT 1");
    return s.step() == SQLITE_ROW;
  }

  Status put_session(std::string_view hash, std::int64_t account,
                     std::string_view expires_at) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)");
    s.bind_blob(1, hash.data(), hash.size()).bind(2, account).bind(3, utc_now()).bind(4, expires_at);
    return done(s, "ouverture de session impossible");
  }

  std::optional<std::int64_t> session_account(std::string_view hash, std::string_view now) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "SELECT account_id FROM sessions WHERE token_hash = ? AND expires_at > ?");
    s.bind_blob(1, hash.data(), hash.size()).bind(2, now);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    std::int64_t account = s.integer(0);
    s.reset();
    // Last activity at day precision: one write per account and day, not per request.
    Statement touch(db_.handle(),
                    "UPDATE accounts SET last_active_at = ? WHERE id = ? AND substr(last_active_at, 1, 10) < substr(?, 1, 10)");
    touch.bind(1, now).bind(2, account).bind(3, now);
    touch.step();
    return account;
  }

  Status delete_session(std::string_view hash) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), "DELETE FROM sessions WHERE token_hash = ?");
    s.bind_blob(1, hash.data(), hash.size());
    return done(s, "fermeture de session impossible");
  }

  Status delete_sessions_of(std::int64_t account) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), "DELETE FROM sessions WHERE account_id = ?");
    s.bind(1, account);
    return done(s, "fermeture des sessions impossible");
  }

  Status put_token(std::string_view hash, std::int64_t account, std::string_view purpose,
                   std::string_view expires_at) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "INSERT INTO account_tokens (token_hash, account_id, purpose, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)");
    s.bind_blob(1, hash.data(), hash.size()).bind(2, account).bind(3, purpose).bind(4, utc_now());
    s.bind(5, expires_at);
    return done(s, "enregistrement du jeton impossible");
  }

  std::optional<std::int64_t> consume_token(std::string_view hash, std::string_view purpose,
                                            std::string_view now) override {
    std::lock_guard lock(mutex_);
    std::optional<std::int64_t> account;
    transaction([&] {
      Statement s(db_.handle(),
                  "UPDATE account_tokens SET used_at = ? WHERE token_hash = ? AND purpose = ? "
                  "AND used_at = '' AND expires_at > ? RETURNING account_id");
      s.bind(1, now).bind_blob(2, hash.data(), hash.size()).bind(3, purpose).bind(4, now);
      if (s.step() != SQLITE_ROW) return Status::success();
      account = s.integer(0);
      s.step();
      // The other links of the same purpose sent to this account are spent with it.
      Statement others(db_.handle(),
                       "UPDATE account_tokens SET used_at = ? WHERE account_id = ? AND purpose = ? AND used_at = ''");
      others.bind(1, now).bind(2, *account).bind(3, purpose);
      if (Status st = done(others, "jetons"); !st.ok) {
        account.reset();
        return st;
      }
      return Status::success();
    });
    return account;
  }

  Status purge_expired(std::string_view now) override {
    std::lock_guard lock(mutex_);
    for (const char* q : {"DELETE FROM sessions WHERE expires_at <= ?",
                          "DELETE FROM account_tokens WHERE expires_at <= ?"}) {
      Statement s(db_.handle(), q);
      s.bind(1, now);
      if (Status st = done(s, "purge"); !st.ok) return st;
    }
    return Status::success();
  }

  Status queue_mail(const OutboxMail& m) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "INSERT INTO outbox (created_at, recipient, subject, body, sealed_link) VALUES (?, ?, ?, ?, ?)");
    s.bind(1, utc_now()).bind(2, m.recipient).bind(3, m.subject).bind(4, m.body);
    if (m.sealed_link.empty())
      s.bind_null(5);
    else
      s.bind_blob(5, m.sealed_link.data(), m.sealed_link.size());
    return done(s, "mise en file du courriel impossible");
  }

  std::vector<OutboxMail> unsent_mail(std::size_t limit) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), join_sql(kMailColumns, " WHERE sent_at = '' AND attempts < 10 ORDER BY id LIMIT ?"));
    s.bind(1, as_int(limit));
    std::vector<OutboxMail> out;
    while (s.step() == SQLITE_ROW) out.push_back(read_mail(s));
    return out;
  }

  std::vector<OutboxMail> mail(std::size_t limit) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), join_sql(kMailColumns, " ORDER BY id DESC LIMIT ?"));
    s.bind(1, as_int(limit));
    std::vector<OutboxMail> out;
    while (s.step() == SQLITE_ROW) out.push_back(read_mail(s));
    return out;
  }

  Status mark_mail(std::int64_t id, bool sent, std::string_view error) override {
    std::lock_guard lock(mutex_);
    // Once sent, the sealed link is dropped: the database keeps no way to rebuild it.
    Statement s(db_.handle(), sent ? "UPDATE outbox SET sent_at = ?1, sealed_link = NULL, "
                                     "attempts = attempts + 1, last_error = ?2 WHERE id = ?3"
                                   : "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 "
                                     "WHERE id = ?3");
    if (sent) s.bind(1, utc_now());
    s.bind(2, error).bind(3, id);
    return done(s, "courriel");
  }

  Status grant_place(const ManagedPlace& g) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "INSERT OR IGNORE INTO place_managers (account_id, source, place_id, granted_at, "
                "granted_by) VALUES (?, ?, ?, ?, ?)");
    s.bind(1, g.account_id).bind(2, g.source).bind(3, g.place_id).bind(4, utc_now()).bind(5, g.granted_by);
    return done(s, "attribution du lieu impossible");
  }

  Status revoke_place(std::int64_t account, std::string_view source,
                      std::string_view place_id) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "DELETE FROM place_managers WHERE account_id = ? AND source = ? AND place_id = ?");
    s.bind(1, account).bind(2, source).bind(3, place_id);
    return done(s, "retrait du lieu impossible");
  }

  std::vector<ManagedPlace> places_of(std::int64_t account) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "SELECT account_id, source, place_id, granted_at, granted_by FROM place_managers "
                "WHERE account_id = ? ORDER BY source, place_id");
    s.bind(1, account);
    return read_grants(s);
  }

  std::vector<ManagedPlace> managers_of(std::string_view source, std::string_view place_id) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "SELECT account_id, source, place_id, granted_at, granted_by FROM place_managers "
                "WHERE source = ? AND place_id = ? ORDER BY account_id");
    s.bind(1, source).bind(2, place_id);
    return read_grants(s);
  }

  std::optional<std::int64_t> add_claim(const Claim& c, Status& status) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "INSERT INTO claims (account_id, source, place_id, message, status, created_at, "
                "decided_at, decided_by, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, c.account_id).bind(2, c.source).bind(3, c.place_id).bind(4, c.message);
    s.bind(5, c.status.empty() ? std::string("en_attente") : c.status).bind(6, utc_now());
    s.bind(7, c.decided_at).bind(8, c.decided_by).bind(9, c.reason);
    if (s.step() != SQLITE_DONE) {
      status = Status::failure("enregistrement de la demande impossible : " + db_.last_error());
      return std::nullopt;
    }
    return sqlite3_last_insert_rowid(db_.handle());
  }

  std::optional<Claim> claim(std::int64_t id) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), join_sql(kClaimColumns, " WHERE id = ?"));
    s.bind(1, id);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return read_claim(s);
  }

  std::vector<Claim> claims(std::string_view status, std::size_t limit) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), join_sql(kClaimColumns, " WHERE status = ? ORDER BY id LIMIT ?"));
    s.bind(1, status).bind(2, as_int(limit));
    std::vector<Claim> out;
    while (s.step() == SQLITE_ROW) out.push_back(read_claim(s));
    return out;
  }

  std::vector<Claim> claims_of(std::int64_t account) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), join_sql(kClaimColumns, " WHERE account_id = ? ORDER BY id"));
    s.bind(1, account);
    std::vector<Claim> out;
    while (s.step() == SQLITE_ROW) out.push_back(read_claim(s));
    return out;
  }

  Status decide_claim(std::int64_t id, std::string_view status, std::string_view by,
                      std::string_view reason) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "UPDATE claims SET status = ?, decided_at = ?, decided_by = ?, reason = ? "
                "WHERE id = ? AND status = 'en_attente'");
    s.bind(1, status).bind(2, utc_now()).bind(3, by).bind(4, reason).bind(5, id);
    if (s.step() != SQLITE_DONE) return Status::failure("décision impossible : " + db_.last_error());
    if (sqlite3_changes(db_.handle()) == 0) return Status::failure("La demande a déjà été traitée.");
    return Status::success();
  }

  Status audit(const AuditEntry& e) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "INSERT INTO audit_log (at, actor, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?)");
    s.bind(1, utc_now()).bind(2, e.actor).bind(3, e.action).bind(4, e.target).bind(5, e.before);
    s.bind(6, e.after);
    return done(s, "journal d'audit");
  }

  std::vector<AuditEntry> audit_of(std::string_view target, std::size_t limit) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "SELECT id, at, actor, action, target, before, after FROM audit_log WHERE target = ? "
                "ORDER BY id DESC LIMIT ?");
    s.bind(1, target).bind(2, as_int(limit));
    return read_audit(s);
  }

  std::vector<AuditEntry> audit_by(std::string_view actor, std::size_t limit) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "SELECT id, at, actor, action, target, before, after FROM audit_log WHERE actor = ? "
                "ORDER BY id DESC LIMIT ?");
    s.bind(1, actor).bind(2, as_int(limit));
    return read_audit(s);
  }

  std::vector<StoredReport> reports(std::string_view status, std::size_t limit) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), join_sql(kReportColumns, " WHERE status = ? ORDER BY id LIMIT ?"));
    s.bind(1, status).bind(2, as_int(limit));
    return read_reports(s);
  }

  std::vector<StoredReport> reports_of(std::string_view source, std::string_view place_id) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), join_sql(kReportColumns, " WHERE source = ? AND place_id = ? ORDER BY id DESC"));
    s.bind(1, source).bind(2, place_id);
    return read_reports(s);
  }

  std::optional<StoredReport> report(std::int64_t id) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), join_sql(kReportColumns, " WHERE id = ?"));
    s.bind(1, id);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return read_report(s);
  }

  Status decide_report(std::int64_t id, std::string_view status, std::string_view by,
                       std::string_view reason) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "UPDATE error_reports SET status = ?, decided_at = ?, decided_by = ?, reason = ? "
                "WHERE id = ? AND status = 'nouveau'");
    s.bind(1, status).bind(2, utc_now()).bind(3, by).bind(4, reason).bind(5, id);
    if (s.step() != SQLITE_DONE) return Status::failure("décision impossible : " + db_.last_error());
    if (sqlite3_changes(db_.handle()) == 0) return Status::failure("Le signalement a déjà été traité.");
    return Status::success();
  }

  std::vector<StoredReport> reports_by_contact(std::string_view email) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), join_sql(kReportColumns, " WHERE lower(contact) = ? ORDER BY id"));
    s.bind(1, email);
    return read_reports(s);
  }

  Status forget_report_contact(std::string_view email) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), "UPDATE error_reports SET contact = '' WHERE lower(contact) = ?");
    s.bind(1, email);
    return done(s, "effacement de l'adresse impossible");
  }

  Status confirm_place(std::string_view source, std::string_view place_id,
                       std::string_view actor) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "INSERT INTO place_confirmations (source, place_id, confirmed_at, actor) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (source, place_id) DO UPDATE SET confirmed_at = excluded.confirmed_at, "
                "actor = excluded.actor");
    s.bind(1, source).bind(2, place_id).bind(3, utc_now()).bind(4, actor);
    return done(s, "confirmation impossible");
  }

  std::vector<std::pair<std::pair<std::string, std::string>, std::string>> confirmations() override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), "SELECT source, place_id, confirmed_at FROM place_confirmations");
    std::vector<std::pair<std::pair<std::string, std::string>, std::string>> out;
    while (s.step() == SQLITE_ROW) out.push_back({{s.text(0), s.text(1)}, s.text(2)});
    return out;
  }

  std::vector<std::pair<std::string, std::string>> managed_places() override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), "SELECT DISTINCT source, place_id FROM place_managers ORDER BY 1, 2");
    std::vector<std::pair<std::string, std::string>> out;
    while (s.step() == SQLITE_ROW) out.emplace_back(s.text(0), s.text(1));
    return out;
  }

  std::string reminded_at(std::string_view source, std::string_view place_id) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), "SELECT sent_at FROM place_reminders WHERE source = ? AND place_id = ?");
    s.bind(1, source).bind(2, place_id);
    return s.step() == SQLITE_ROW ? s.text(0) : "";
  }

  Status set_reminded(std::string_view source, std::string_view place_id) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "INSERT INTO place_reminders (source, place_id, sent_at) VALUES (?, ?, ?) ON CONFLICT "
                "(source, place_id) DO UPDATE SET sent_at = excluded.sent_at");
    s.bind(1, source).bind(2, place_id).bind(3, utc_now());
    return done(s, "rappel");
  }

  Status put_expert(const ExpertRow& r) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "INSERT INTO experts (account_id, profile, published, consent_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET profile = excluded.profile, "
                "published = excluded.published, consent_at = excluded.consent_at, "
                "updated_at = excluded.updated_at");
    s.bind(1, r.account_id).bind(2, r.profile).bind(3, std::int64_t{r.published ? 1 : 0});
    s.bind(4, r.consent_at).bind(5, utc_now());
    return done(s, "enregistrement du profil impossible");
  }

  std::optional<ExpertRow> expert(std::int64_t account) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(),
                "SELECT account_id, profile, published, consent_at, updated_at FROM experts WHERE account_id = ?");
    s.bind(1, account);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return ExpertRow{s.integer(0), s.text(1), s.integer(2) != 0, s.text(3), s.text(4)};
  }

  std::vector<ExpertRow> experts(bool published_only) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), published_only
                                  ? "SELECT account_id, profile, published, consent_at, updated_at "
                                    "FROM experts WHERE published = 1 ORDER BY account_id"
                                  : "SELECT account_id, profile, published, consent_at, updated_at "
                                    "FROM experts ORDER BY account_id");
    std::vector<ExpertRow> out;
    while (s.step() == SQLITE_ROW)
      out.push_back({s.integer(0), s.text(1), s.integer(2) != 0, s.text(3), s.text(4)});
    return out;
  }

  Status delete_expert(std::int64_t account) override {
    std::lock_guard lock(mutex_);
    Statement s(db_.handle(), "DELETE FROM experts WHERE account_id = ?");
    s.bind(1, account);
    return done(s, "suppression du profil impossible");
  }

 private:
  Status done(Statement& s, std::string_view what) {
    if (s.step() != SQLITE_DONE)
      return Status::failure(std::string(what) + " : " + db_.last_error());
    return Status::success();
  }

  template <typename F>
  Status transaction(F&& body) {
    if (auto e = db_.exec("BEGIN IMMEDIATE"); !e.empty())
      return Status::failure("début de transaction impossible : " + e);
    Status st = body();
    if (st.ok) {
      if (auto e = db_.exec("COMMIT"); !e.empty()) st = Status::failure(e);
    }
    if (!st.ok) db_.exec("ROLLBACK");
    return st;
  }

  static std::vector<ManagedPlace> read_grants(Statement& s) {
    std::vector<ManagedPlace> out;
    while (s.step() == SQLITE_ROW)
      out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4)});
    return out;
  }
  static std::vector<AuditEntry> read_audit(Statement& s) {
    std::vector<AuditEntry> out;
    while (s.step() == SQLITE_ROW)
      out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)});
    return out;
  }
  static std::vector<StoredReport> read_reports(Statement& s) {
    std::vector<StoredReport> out;
    while (s.step() == SQLITE_ROW) out.push_back(read_report(s));
    return out;
  }

  sqlite::Connection db_;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<AccountStore> open_account_store(const std::filesystem::path& path,
                                                 std::string& error) {
  auto store = std::make_unique<SqliteAccountStore>();
  if (!store->open(path, error)) return nullptr;
  return store;
}

}  // namespace maillage::store
