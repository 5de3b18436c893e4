// Registry files: a TOML list of sources (`[[source]]` tables) that `maillage sources load`
// adds to the store's registry, and that `maillage serve` registers and harvests on the first
// start of an empty database (data/sources.toml: the bundled default dataset).
//
//   [[source]]
//   nom = "france-services"                 # required; the import source of its places
//   adresse = "lieux/liste-fs-20240801.csv" # required; URL, or a path relative to the data folder
//   editeur = "ANCT"
//   format = "csv"                          # auto (default), csv, json, geojson
//   profil = "france-services"              # mapping profile; none = the national standard
//   licence = "Licence Ouverte 2.0"
//   attribution = "Source : ANCT, liste des France Services"
//   frequence_heures = 24                   # default 24
//   active = true                           # default true
//   jours_feries = "ferme"                  # default; or "comme_les_autres_jours": the
//                                           # source's hours apply on public holidays too
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/diagnostic.h"
#include "federation/dedup.h"
#include "federation/harvest.h"
#include "store/store.h"

namespace maillage::federation {

struct Registry {
  std::vector<store::SourceDefinition> sources;
  // The sources with jours_feries = "comme_les_autres_jours": their places' hours apply on
  // public holidays like on other days (the others are closed on public holidays unless their
  // hours mention PH, hours/holiday_rule.h). Read from the file at each start of `maillage
  // serve` (not kept in the store).
  std::vector<std::string> holidays_as_other_days;
  Diagnostics errors;  // every problem (file, line, key, rule, French message); empty when valid
};

Registry load_registry(const std::filesystem::path& file,
                       const std::filesystem::path& profiles_dir);

// A source with its state, as `maillage sources list --json` and the administrators' API show
// it (French keys).
nlohmann::ordered_json source_to_json(const store::SourceEntry& entry);

// A harvest history (import runs of a source) as JSON, newest first.
nlohmann::ordered_json runs_to_json(const std::vector<store::ImportRun>& runs);

struct BootstrapReport {
  bool done = false;  // false: the store already held data, nothing was done
  std::vector<HarvestReport> harvests;
  std::optional<DedupReport> dedup;
  Diagnostics errors;  // the registry file's
};

// On a store that has never held anything: registers the sources of `registry_file` and
// harvests them (then deduplicates, unless told not to).
BootstrapReport bootstrap_if_empty(store::Store& store, const territory::Reference* territory,
                                   const std::filesystem::path& registry_file,
                                   const std::filesystem::path& data_dir, bool deduplicate_after);

}  // namespace maillage::federation
