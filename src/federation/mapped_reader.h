// A RecordReader that reads a source file in its own format and yields records whose columns
// are the standard's field names, as its mapping profile says; the existing normaliser and
// importer then validate and store them unchanged:
//
//   auto profile = federation::load_profile("data/profils/france-services.toml");
//   place::OpenedReader r = federation::open_mapped(profile.profile, "liste-fs-20240801.csv");
//   exchange::import_reader(std::move(r), "liste-fs-20240801.csv", store, territory, options);
//
// Guarantees:
// - each RawRecord's `verbatim` is the source record's exact bytes (a CSV row, a JSON element, a
//   GeoJSON Feature) and `raw_header()` is the source's header, so the raw record can be read
//   again on its own;
// - the mapping never rejects a record: it produces what it can and reports, as diagnostics of
//   the reader (rule `profil.*` or `horaires.*`, with line and record id), what it could not
//   map; the normaliser decides what is valid;
// - at the end of the input, the columns the profile names but the file lacks are reported
//   (warning `profil.colonne_absente`: a source that changed its format is seen), and the source
//   columns the profile does not use are listed (notice `profil.colonnes_non_reprises`).
// Not thread-safe (one reader per thread); the Profile is shared and immutable.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "federation/profile.h"
#include "place/reader.h"

namespace maillage::federation {

// Opens `path` with the profile. Fails (reader null, French error) when the file cannot be read
// or its format is not the one the profile declares. `display_name` names the file in
// diagnostics (default: its path). A record left without date_maj by a profile whose default
// is "inconnue" has `date_unknown` set: its date is unknown, never the file's.
place::OpenedReader open_mapped(std::shared_ptr<const Profile> profile,
                                const std::filesystem::path& path, std::string display_name = {});

// The same from bytes in memory (a harvested document, tests).
place::OpenedReader open_mapped_bytes(std::shared_ptr<const Profile> profile, std::string bytes,
                                      std::string display_name);

}  // namespace maillage::federation
