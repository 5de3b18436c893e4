// The `provenance` object of a place's API answer (GET /api/v1/lieux/{id}): where its values
// come from, so that a reuser can trust them or tell the source that publishes them.
//
//   {"source":"fusion","id":"fusion-…",
//    "membres":[{"source":"bibliotheques","id":"12","date_maj":"2024-03-05"|null}, …],
//    "champs":{"telephone":["bibliotheques:12"], …}}
//
// `membres` lists the source records (a source record: itself; a merged place: its members),
// with their date of update (null when the source gives none). `champs`, for a merged place
// only, names for each field the members that hold its value (place/origin.h). Pure; the
// caller holds the index's read lock.
#pragma once

#include <string>

#include "search/index.h"

namespace maillage::http {

void append_provenance_json(std::string& out, const search::Index& index,
                            const search::Document& d);

}  // namespace maillage::http
