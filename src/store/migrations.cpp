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
    {2, "error reports from the place pages", R"sql(
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
};

}  // namespace

std::span<const Migration> sqlite_migrations() { return kMigrations; }

}  // namespace maillage::store
