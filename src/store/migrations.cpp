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
};

}  // namespace

std::span<const Migration> sqlite_migrations() { return kMigrations; }

}  // namespace maillage::store
