// Normalisation and validation of one raw record into a standard v1.0.2 place.
//
// Rules (docs/validation.md lists every rule code with its French message):
// - a broken *required* field (id, pivot, nom, commune, code_postal, adresse, date_maj) is an
//   error: the record is rejected;
// - a broken *optional* field is a warning: the field (or the offending values of a multi-valued
//   field) is left out of the normalised place;
// - a certain correction (padded postal code, national phone number, folded enum spelling,
//   filled INSEE code...) is a notice;
// - v0.1.x column names and values are mapped to v1 (data/standard/schema-v0.1.1.json).
// The raw record itself is never changed: the caller stores it verbatim.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/diagnostic.h"
#include "place/place.h"

namespace maillage::territory {
class Reference;
}

namespace maillage::place {

struct NormalizeContext {
  // Territory reference for the consistency checks; nullptr skips them.
  const territory::Reference* territory = nullptr;
  std::string_view file;           // for diagnostics
  std::string_view import_source;  // written into `source` when the record has none
  std::string_view today;          // YYYY-MM-DD, for the future-date check; empty skips it
};

struct NormalizeResult {
  bool accepted = false;
  Place place;
  // Where the place is when its own coordinates are missing or unusable: the centroid of its
  // commune. Not written into `place` (the open data only carries real coordinates).
  std::optional<std::pair<double, double>> approx_position;
  Diagnostics diagnostics;
};

// Thread-safe (no shared mutable state) given a thread-safe territory reference.
NormalizeResult normalize(const RawRecord& raw, const NormalizeContext& ctx);

// Columns a reader may meet: the v1 names, the v0.1 names mapped to v1, the v0.1 names with no
// v1 equivalent (ignored: "cle_ban"), and GeoJSON's geometry. Anything else is unknown.
enum class ColumnKind { kStandard, kLegacyMapped, kLegacyIgnored, kUnknown };
ColumnKind classify_column(std::string_view column);

}  // namespace maillage::place
