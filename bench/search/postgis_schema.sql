-- PostgreSQL 15 + PostGIS baseline of the search benchmark: the table that
-- `search_client export` fills (COPY, columns in this order) — see export_documents.h.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- French full text without accents: unaccent, then the French Snowball stemmer.
CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french);
ALTER TEXT SEARCH CONFIGURATION fr_unaccent
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;

CREATE TABLE lieux (
  doc integer NOT NULL,
  id text NOT NULL,                 -- public id, as maillage's API gives it
  name_key text NOT NULL,           -- folded name (sort, trigram typo match)
  date_maj text,
  geom geometry(Point, 4326),       -- position (commune centroid when approximate)
  -- multi-valued filter fields (search::filter_fields() order)
  services text[],
  publics_specifiquement_adresses text[],
  prise_en_charge_specifique text[],
  frais_a_charge text[],
  modalites_acces text[],
  modalites_accompagnement text[],
  dispositif_programmes_nationaux text[],
  formations_labels text[],
  itinerance text[],
  typologie text[],
  -- single-valued filter fields
  source text,
  code_insee text,
  code_postal text,
  departement text,
  region text,
  open_slots smallint[],            -- open 15-minute slots of the reference week (local time)
  nom text,
  texte text,                       -- the other searched fields
  record json,                      -- the place as maillage's API returns it
  geog geography(Point, 4326) GENERATED ALWAYS AS (geom::geography) STORED,
  tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('fr_unaccent', coalesce(nom, '')), 'A') ||
    setweight(to_tsvector('fr_unaccent', coalesce(texte, '')), 'B')) STORED
);
