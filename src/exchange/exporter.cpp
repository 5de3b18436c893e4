#include "exchange/exporter.h"

#include "place/codec.h"

namespace maillage::exchange {

ExportResult export_places(store::Store& store, place::Format format, std::ostream& out) {
  ExportResult result;
  auto writer = place::make_writer(format, out);
  place::Place copy;
  result.status = store.scan_public([&](const store::StoredPlace& p, const std::string& public_id) {
    copy = p.place;
    copy[place::Field::kId] = public_id;
    writer->write(copy);
    ++result.written;
  });
  writer->finish();
  if (result.status.ok && !out)
    result.status = store::Status::failure("écriture du fichier d'export impossible.");
  return result;
}

}  // namespace maillage::exchange
