#include "exchange/exporter.h"

#include <unordered_set>

#include "place/codec.h"
#include "store/provenance.h"

namespace maillage::exchange {

ExportResult export_places(store::Store& store, place::Format format, std::ostream& out,
                           View view) {
  ExportResult result;
  // The records absorbed by a merged place, as source + '\x1f' + id.
  std::unordered_set<std::string> absorbed;
  if (view == View::kMerged) {
    result.status = store.scan_source(store::kFusionSource, [&](const store::StoredPlace& p) {
      for (const auto& [source, id] : store::provenance_members(p.raw)) absorbed.insert(source + '\x1f' + id);
    });
    if (!result.status.ok) return result;
  }
  auto writer = place::make_writer(format, out);
  place::Place copy;
  result.status = store.scan_public([&](const store::StoredPlace& p, const std::string& public_id) {
    if (view == View::kMerged ? absorbed.count(p.source + '\x1f' + p.id) != 0
                              : p.source == store::kFusionSource)
      return;
    copy = p.place;
    copy[place::Field::kId] = public_id;
    // The standard requires date_maj; a source that does not date its places leaves it unknown
    // in the store, and the export writes the day maillage stored this version of the record (a
    // technical date, docs/federation.md).
    if (!copy.has(place::Field::kDateMaj))
      copy[place::Field::kDateMaj] = p.updated_at.substr(0, 10);
    writer->write(copy);
    ++result.written;
  });
  writer->finish();
  if (result.status.ok && !out)
    result.status = store::Status::failure("écriture du fichier d'export impossible.");
  return result;
}

}  // namespace maillage::exchange
