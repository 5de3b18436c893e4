#include "store/migrations.h"

namespace maillage::store {
namespace {

constexpr Migration kMigrations[] = {
    {1, "places, raw records, change log, import runs", R"sql(
CREATE TABLE raw_headers (
  id     INTEGER PRIMARY KEY,
  header TEXT NOT NULL UNIQUE
);
CREATE TABLE places (
  pk            INTEGER PRIMARY KEY,
  source        TEXT NOT NULL,
  id            TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'actif' CHECK (status IN ('actif', 'retire')),
  record        TEXT NOT NULL,
  approx_lat    REAL,
  approx_lon    REAL,
  diagnostics   TEXT NOT NULL DEFAULT '[]',
  raw           TEXT NOT NULL,
  raw_header_id INTEGER REFERENCES raw_headers(id),
  raw_format    TEXT NOT NULL,
  raw_line      INTEGER NOT NULL,
  fingerprint   BLOB NOT NULL,
  first_seen    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  last_seq      INTEGER NOT NULL,
  last_run      INTEGER,
  UNIQUE (source, id)
);
CREATE INDEX places_by_id ON places (id, status);
CREATE TABLE change_log (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  at       TEXT NOT NULL,
  op       TEXT NOT NULL CHECK (op IN ('ajout', 'modification', 'retrait')),
  source   TEXT NOT NULL,
  place_id TEXT NOT NULL,
  run_id   INTEGER,
  actor    TEXT,
  record   TEXT
);
CREATE INDEX change_log_by_place ON change_log (source, place_id, seq);
CREATE TABLE import_runs (
  id          INTEGER PRIMARY KEY,
  source      TEXT NOT NULL,
  file        TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL DEFAULT 'en_cours',
  read        INTEGER NOT NULL DEFAULT 0,
  added       INTEGER NOT NULL DEFAULT 0,
  updated     INTEGER NOT NULL DEFAULT 0,
  unchanged   INTEGER NOT NULL DEFAULT 0,
  rejected    INTEGER NOT NULL DEFAULT 0,
  warnings    INTEGER NOT NULL DEFAULT 0
);
)sql"},
    // The normalised record was written twice per change (places.record and change_log.record).
    // It now lives in the change log only: places.record is '' when the record is the one of
    // the change at places.last_seq, and holds the record itself otherwise (a place whose last
    // change carries no record, such as a future withdrawal). Readers take
    // COALESCE(NULLIF(places.record, ''), change_log.record).
    // Two indexes cost a random-order B-tree insert per write (ids come in no order), which
    // dominated the import of large files: change_log_by_place, which no query used (a place's
    // history is now found from places.last_seq and change_log.prev_seq, the previous change
    // of the same place), and places_by_id, used only by the export to find the ids several
    // sources share (now one GROUP BY per export).
    {2, "record stored once, in the change log; history chained by prev_seq", R"sql(
UPDATE places SET record = ''
 WHERE record = (SELECT c.record FROM change_log c WHERE c.seq = places.last_seq);
ALTER TABLE change_log ADD COLUMN prev_seq INTEGER;
UPDATE change_log SET prev_seq = (SELECT MAX(o.seq) FROM change_log o
                                   WHERE o.source = change_log.source
                                     AND o.place_id = change_log.place_id
                                     AND o.seq < change_log.seq);
DROP INDEX change_log_by_place;
DROP INDEX places_by_id;
)sql"},
    {3, "error reports from the place pages", R"sql(
CREATE TABLE error_reports (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  source     TEXT NOT NULL,
  place_id   TEXT NOT NULL,
  category   TEXT NOT NULL,
  message    TEXT NOT NULL,
  contact    TEXT NOT NULL DEFAULT '',
  status     TEXT NOT NULL DEFAULT 'nouveau'
);
CREATE INDEX error_reports_by_place ON error_reports (source, place_id);
)sql"},
    // Federation: the registry of harvested sources with their harvest state, the harvest
    // history (import runs of a source, with withdrawals and a message), and the
    // administrators' decisions on duplicates, which survive every later harvest.
    {4, "sources, harvest history, merge decisions", R"sql(
CREATE TABLE sources (
  name            TEXT PRIMARY KEY,
  publisher       TEXT NOT NULL DEFAULT '',
  location        TEXT NOT NULL,
  format          TEXT NOT NULL DEFAULT 'auto',
  profile         TEXT NOT NULL DEFAULT '',
  licence         TEXT NOT NULL DEFAULT '',
  attribution     TEXT NOT NULL DEFAULT '',
  schedule_hours  INTEGER NOT NULL DEFAULT 24,
  enabled         INTEGER NOT NULL DEFAULT 1,
  created_at      TEXT NOT NULL,
  etag            TEXT NOT NULL DEFAULT '',
  last_modified   TEXT NOT NULL DEFAULT '',
  content_hash    TEXT NOT NULL DEFAULT '',
  last_attempt_at TEXT NOT NULL DEFAULT '',
  last_success_at TEXT NOT NULL DEFAULT '',
  status          TEXT NOT NULL DEFAULT 'nouvelle',
  last_error      TEXT NOT NULL DEFAULT '',
  failures        INTEGER NOT NULL DEFAULT 0
);
ALTER TABLE import_runs ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_runs ADD COLUMN message TEXT NOT NULL DEFAULT '';
CREATE INDEX import_runs_by_source ON import_runs (source, id);
CREATE TABLE merge_decisions (
  source_a  TEXT NOT NULL,
  id_a      TEXT NOT NULL,
  source_b  TEXT NOT NULL,
  id_b      TEXT NOT NULL,
  decision  TEXT NOT NULL CHECK (decision IN ('separer', 'fusionner')),
  actor     TEXT NOT NULL DEFAULT '',
  reason    TEXT NOT NULL DEFAULT '',
  at        TEXT NOT NULL,
  PRIMARY KEY (source_a, id_a, source_b, id_b)
);
)sql"},
    // A source's places, for the registry's counts, withdrawals and scans of one source (a
    // harvest answered 304 on a million places took 4 s counting them without it). Cheap to
    // keep: a harvest writes one source, so its entries are appended in order.
    {5, "places by source", R"sql(
CREATE INDEX places_by_source ON places (source, status);
)sql"},
    // Accounts (issue 7): people, their roles and scopes, sessions and single-use tokens (only
    // their BLAKE2b hashes), the outbox of e-mails, claims to manage a place, the audit trail of
    // accounts and permissions, moderation of reports, manual fields of places (a manager's own
    // values, which win over harvested ones), confirmations of places, experts' profiles.
    {6, "accounts, sessions, outbox, claims, audit, moderation, manual fields, experts", R"sql(
CREATE TABLE accounts (
  id              INTEGER PRIMARY KEY,
  email           TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL DEFAULT '',
  password_hash   TEXT NOT NULL,
  role            TEXT NOT NULL DEFAULT 'membre'
                  CHECK (role IN ('administrateur', 'coordinateur', 'membre')),
  status          TEXT NOT NULL DEFAULT 'a_confirmer'
                  CHECK (status IN ('a_confirmer', 'actif', 'suspendu')),
  created_at      TEXT NOT NULL,
  confirmed_at    TEXT NOT NULL DEFAULT '',
  last_login_at   TEXT NOT NULL DEFAULT '',
  last_active_at  TEXT NOT NULL,
  failed_logins   INTEGER NOT NULL DEFAULT 0,
  locked_until    TEXT NOT NULL DEFAULT '',
  consent_at      TEXT NOT NULL,
  consent_purpose TEXT NOT NULL
);
CREATE TABLE account_territories (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('departement', 'region')),
  code       TEXT NOT NULL,
  PRIMARY KEY (account_id, kind, code)
);
CREATE TABLE sessions (
  token_hash   BLOB PRIMARY KEY,
  account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);
CREATE TABLE account_tokens (
  token_hash BLOB PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  purpose    TEXT NOT NULL CHECK (purpose IN ('confirmation', 'reinitialisation')),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at    TEXT NOT NULL DEFAULT ''
);
CREATE TABLE outbox (
  id          INTEGER PRIMARY KEY,
  created_at  TEXT NOT NULL,
  recipient   TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  sealed_link BLOB,
  sent_at     TEXT NOT NULL DEFAULT '',
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT NOT NULL DEFAULT ''
);
CREATE TABLE place_managers (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  source     TEXT NOT NULL,
  place_id   TEXT NOT NULL,
  granted_at TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  PRIMARY KEY (account_id, source, place_id)
);
CREATE INDEX place_managers_by_place ON place_managers (source, place_id);
CREATE TABLE claims (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
  source     TEXT NOT NULL,
  place_id   TEXT NOT NULL,
  message    TEXT NOT NULL DEFAULT '',
  status     TEXT NOT NULL DEFAULT 'en_attente'
             CHECK (status IN ('en_attente', 'acceptee', 'refusee')),
  created_at TEXT NOT NULL,
  decided_at TEXT NOT NULL DEFAULT '',
  decided_by TEXT NOT NULL DEFAULT '',
  reason     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE audit_log (
  id       INTEGER PRIMARY KEY,
  at       TEXT NOT NULL,
  actor    TEXT NOT NULL,
  action   TEXT NOT NULL,
  target   TEXT NOT NULL,
  before   TEXT NOT NULL DEFAULT '',
  after    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_target ON audit_log (target, id);
ALTER TABLE error_reports ADD COLUMN suggestion TEXT NOT NULL DEFAULT '';
ALTER TABLE error_reports ADD COLUMN decided_at TEXT NOT NULL DEFAULT '';
ALTER TABLE error_reports ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';
ALTER TABLE error_reports ADD COLUMN reason TEXT NOT NULL DEFAULT '';
CREATE INDEX error_reports_by_status ON error_reports (status, id);
CREATE TABLE manual_fields (
  source     TEXT NOT NULL,
  place_id   TEXT NOT NULL,
  field      TEXT NOT NULL,
  value      TEXT NOT NULL,
  actor      TEXT NOT NULL,
  at         TEXT NOT NULL,
  PRIMARY KEY (source, place_id, field)
);
CREATE TABLE manual_base (
  source   TEXT NOT NULL,
  place_id TEXT NOT NULL,
  record   TEXT NOT NULL,
  PRIMARY KEY (source, place_id)
);
CREATE TABLE place_confirmations (
  source       TEXT NOT NULL,
  place_id     TEXT NOT NULL,
  confirmed_at TEXT NOT NULL,
  actor        TEXT NOT NULL,
  PRIMARY KEY (source, place_id)
);
CREATE TABLE place_reminders (
  source   TEXT NOT NULL,
  place_id TEXT NOT NULL,
  sent_at  TEXT NOT NULL,
  PRIMARY KEY (source, place_id)
);
CREATE TABLE experts (
  account_id   INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  profile      TEXT NOT NULL,
  published    INTEGER NOT NULL DEFAULT 0,
  consent_at   TEXT NOT NULL DEFAULT '',
  updated_at   TEXT NOT NULL
);
)sql"},
};

}  // namespace

std::span<const Migration> sqlite_migrations() { return kMigrations; }

}  // namespace maillage::store
