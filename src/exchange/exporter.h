// The export service: every active place of the store, in the standard v1.0.2, in CSV, JSON or
// GeoJSON. Places are written in the order of their public id (Store::scan_public), with that
// id in the `id` field, so that exporting, importing the result into an empty database and
// exporting again gives the same bytes.
//
// Merged places (federation/dedup.h): by default a place published by several sources is
// written once, as its merged place, and the source records it absorbs are left out; with
// View::kSourceRecords, every source record is written and no merged place.
//
// A place whose source gives no date (date_maj unknown, empty in the store) is written with the
// date of its record's last change in the store, since the standard requires one.
#pragma once

#include <ostream>

#include "place/reader.h"
#include "store/store.h"

namespace maillage::exchange {

struct ExportResult {
  std::int64_t written = 0;
  store::Status status;
};

enum class View { kMerged, kSourceRecords };

ExportResult export_places(store::Store& store, place::Format format, std::ostream& out,
                           View view = View::kMerged);

}  // namespace maillage::exchange
