#include "export_documents.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "hours/evaluator.h"
#include "hours/holidays.h"
#include "hours/parser.h"
#include "hours/zone.h"
#include "place/codec.h"
#include "place/fields.h"
#include "place/vocabulary.h"
#include "search/query.h"
#include "store/store.h"
#include "territory/reference.h"
#include "territory/time_zone.h"
#include "text/fold.h"

#include "schema.h"

namespace maillage::bench {
namespace {

using nlohmann::json;

// The values search::Index::index_document files a document under, for one filter field.
std::vector<std::string> filter_values(const store::StoredPlace& p, const std::string& field,
                                       const territory::Reference& territory) {
  std::vector<std::string> values;
  if (field == "source") {
    values.push_back(p.source);
  } else if (field == "departement" || field == "region") {
    if (const auto* c = territory.by_insee(p.place[place::Field::kCodeInsee]))
      values.push_back(field == "departement" ? c->departement : c->region);
  } else if (auto f = place::field_by_name(field)) {
    for (auto v : place::split_values(p.place[*f])) values.emplace_back(v);
  }
  std::erase_if(values, [](const std::string& v) { return v.empty(); });
  return values;
}

// Open slots of the reference week, cached by (hours, INSEE code): copies of a place share them.
class OpenSlots {
 public:
  const std::vector<int>& of(const place::Place& p) {
    const std::string& text = p[place::Field::kHoraires];
    const std::string& insee = p[place::Field::kCodeInsee];
    static const std::vector<int> kNone;
    if (text.empty()) return kNone;
    std::string key = text + '\x1f' + insee;
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    return cache_[key] = compute(text, insee, p);
  }

 private:
  std::vector<int> compute(const std::string& text, const std::string& insee, const place::Place& p) {
    std::vector<int> slots;
    auto parsed = hours::parse(text);
    const hours::Zone* zone = zone_for(std::string(territory::time_zone_for_insee(insee)));
    if (!parsed.ok() || !zone) return slots;
    hours::Place where{zone, hours::holiday_region_for_insee(insee)};
    if (p.has(place::Field::kLatitude) && p.has(place::Field::kLongitude)) {
      where.latitude = std::stod(p[place::Field::kLatitude]);
      where.longitude = std::stod(p[place::Field::kLongitude]);
    }
    hours::Evaluator evaluator(*parsed.expression, where);
    auto monday = hours::parse_local_minutes(std::string(kReferenceMonday) + "T00:00", *zone);
    if (!monday) return slots;
    // June has no daylight-saving change in any zone of France: minutes add up on the wall clock.
    for (int slot = 0; slot < 7 * 24 * 60 / kSlotMinutes; ++slot)
      if (evaluator.state_at(*monday + std::int64_t(slot) * kSlotMinutes * 60) == hours::State::kOpen)
        slots.push_back(slot);
    return slots;
  }
  const hours::Zone* zone_for(const std::string& name) {
    if (name.empty()) return nullptr;
    auto it = zones_.find(name);
    if (it == zones_.end()) {
      auto z = hours::Zone::load(name);
      if (!z) return nullptr;
      it = zones_.emplace(name, std::move(*z)).first;
    }
    return &it->second;
  }
  std::unordered_map<std::string, std::vector<int>> cache_;
  std::map<std::string, hours::Zone> zones_;
};

// PostgreSQL COPY text format: one value.
void copy_value(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

// A text[] literal: {"a","b"}.
std::string array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const auto& v : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string join_text(const place::Place& p) {
  std::string out;
  for (auto f : {place::Field::kCommune, place::Field::kAdresse, place::Field::kServices,
                 place::Field::kDispositifProgrammesNationaux, place::Field::kFormationsLabels,
                 place::Field::kAutresFormationsLabels, place::Field::kPresentationResume,
                 place::Field::kPresentationDetail}) {
    if (p[f].empty()) continue;
    std::string v = p[f];
    for (char& c : v)
      if (c == '|') c = ' ';
    out += (out.empty() ? "" : " ") + v;
  }
  return out;
}

}  // namespace

long long export_documents(const ExportOptions& options) {
  std::string error;
  auto store = store::open_sqlite(options.db, error);
  if (!store) {
    std::fprintf(stderr, "export: %s\n", error.c_str());
    return -1;
  }
  const territory::Reference& territory = territory::Reference::bundled();
  std::ofstream copy(options.copy_file);
  std::ofstream ndjson;
  OpenSlots slots;
  long long count = 0;
  int file_number = 0;
  std::string row;
  store::Status s = store->scan_public([&](const store::StoredPlace& p, const std::string& public_id) {
    if (count % static_cast<long long>(options.documents_per_file) == 0) {
      if (ndjson.is_open()) ndjson.close();
      char suffix[32];
      std::snprintf(suffix, sizeof suffix, "-%03d.ndjson", file_number++);
      ndjson.open(options.ndjson_prefix.string() + suffix);
    }
    const place::Place& pl = p.place;
    bool has_position = pl.has(place::Field::kLatitude) && pl.has(place::Field::kLongitude);
    double lat = 0, lon = 0;
    if (has_position) {
      lat = std::stod(pl[place::Field::kLatitude]);
      lon = std::stod(pl[place::Field::kLongitude]);
    } else if (p.approx_position) {
      has_position = true;
      lat = p.approx_position->first;
      lon = p.approx_position->second;
    }
    place::Place shown = pl;
    shown[place::Field::kId] = public_id;
    const std::vector<int>& open = slots.of(pl);
    std::vector<std::string> typologie_labels;
    for (auto code : place::split_values(pl[place::Field::kTypologie]))
      if (const auto* t = place::vocabulary::typologie_by_code(code)) {
        typologie_labels.emplace_back(t->label);
        typologie_labels.emplace_back(t->code);
      }

    json doc = {{"pk", count}, {"id", public_id}, {"name_key", text::fold(pl[place::Field::kNom])},
                {"date_maj", pl[place::Field::kDateMaj]}};
    if (has_position) doc["_geo"] = {{"lat", lat}, {"lng", lon}};
    row.clear();
    row += std::to_string(count) + '\t';
    copy_value(row, public_id);
    row += '\t';
    copy_value(row, doc["name_key"].get<std::string>());
    row += '\t';
    copy_value(row, pl[place::Field::kDateMaj]);
    row += '\t';
    if (has_position) {
      char point[96];
      std::snprintf(point, sizeof point, "SRID=4326;POINT(%.7f %.7f)", lon, lat);
      row += point;
    } else {
      row += "\\N";
    }
    for (const auto& field : search::filter_fields()) {
      auto values = filter_values(p, field, territory);
      doc[field] = values;
      row += '\t';
      if (is_scalar_field(field)) {
        if (values.size() > 1)
          std::fprintf(stderr, "export: %s has %zu values of %s; PostgreSQL keeps the first\n",
                       public_id.c_str(), values.size(), field.c_str());
        if (values.empty()) row += "\\N";
        else copy_value(row, values.front());
      } else {
        copy_value(row, array_literal(values));
      }
    }
    doc["open_slots"] = open;
    doc["typologie_libelles"] = typologie_labels;
    doc["lieu"] = json::parse(place::to_json(shown));
    ndjson << doc.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';

    row += "\t{";
    for (std::size_t i = 0; i < open.size(); ++i) row += (i ? "," : "") + std::to_string(open[i]);
    row += "}\t";
    copy_value(row, pl[place::Field::kNom]);
    row += '\t';
    std::string labels;
    for (const auto& l : typologie_labels) labels += " " + l;
    copy_value(row, join_text(pl) + labels);
    row += '\t';
    copy_value(row, place::to_json(shown));
    row += '\n';
    copy << row;
    ++count;
  });
  if (!s.ok) {
    std::fprintf(stderr, "export: %s\n", s.message.c_str());
    return -1;
  }
  return count;
}

}  // namespace maillage::bench
