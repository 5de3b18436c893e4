#include "search/index.h"

#include <algorithm>
#include <cmath>

#include "place/codec.h"
#include "place/vocabulary.h"
#include "search/cursor.h"
#include "store/provenance.h"
#include "territory/geo.h"
#include "territory/reference.h"
#include "text/fold.h"
#include "text/tokenize.h"

namespace maillage::search {
namespace {

constexpr double kCellDegrees = 0.1;
constexpr std::size_t kMaxCells = 40000;

std::string key_of(const std::string& source, const std::string& id) {
  return source + '\x1f' + id;
}

// Field classes of the searched fields.
struct TextField {
  place::Field field;
  FieldClass cls;
};
constexpr TextField kTextFields[] = {
    {place::Field::kNom, kNameClass},
    {place::Field::kCommune, kPlaceClass},
    {place::Field::kAdresse, kPlaceClass},
    {place::Field::kServices, kLabelClass},
    {place::Field::kDispositifProgrammesNationaux, kLabelClass},
    {place::Field::kFormationsLabels, kLabelClass},
    {place::Field::kAutresFormationsLabels, kLabelClass},
    {place::Field::kPresentationResume, kTextClass},
    {place::Field::kPresentationDetail, kTextClass},
};


}  // namespace

Index::Index(const territory::Reference& territory) : territory_(territory) {}

std::uint64_t Index::cell_of(double lat, double lon) {
  auto la = static_cast<std::int64_t>(std::floor((lat + 90.0) / kCellDegrees));
  auto lo = static_cast<std::int64_t>(std::floor((lon + 180.0) / kCellDegrees));
  return static_cast<std::uint64_t>(la) * 10000u + static_cast<std::uint64_t>(lo);
}

const Document* Index::document(std::uint32_t doc) const {
  return doc < docs_.size() && docs_[doc].live ? &docs_[doc] : nullptr;
}

const Document* Index::find_public(const std::string& public_id) const {
  auto it = by_public_id_.find(public_id);
  return it == by_public_id_.end() ? nullptr : document(it->second);
}

const Document* Index::find(const std::string& source, const std::string& id) const {
  auto it = by_key_.find(source + '\x1f' + id);
  if (it == by_key_.end() || !live_.contains(it->second)) return nullptr;
  return document(it->second);
}

void Index::reserve(std::size_t n) {
  docs_.reserve(n);
  by_key_.reserve(n);
  by_record_id_.reserve(n);
  by_public_id_.reserve(n);
}

Roaring Index::visible(const Query& q) const {
  return live_ - (q.include_duplicates ? fusion_ : absorbed_);
}

void Index::mark_absorbed(const std::string& key, bool absorbed) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  if (absorbed) {
    absorbed_.add(it->second);
  } else {
    absorbed_.remove(it->second);
  }
}

void Index::set_members(const std::string& fusion_key, std::vector<std::string> members) {
  auto& current = fusion_members_[fusion_key];
  for (const auto& m : current)
    if (auto it = absorbed_by_.find(m); it != absorbed_by_.end() && --it->second == 0) {
      absorbed_by_.erase(it);
      mark_absorbed(m, false);
    }
  current = std::move(members);
  for (const auto& m : current)
    if (++absorbed_by_[m] == 1) mark_absorbed(m, true);
  if (current.empty()) fusion_members_.erase(fusion_key);
}

const Document* Index::merged_into(const Document& d) const {
  const std::string key = key_of(d.source, d.id);
  if (!absorbed_by_.count(key)) return nullptr;
  for (const auto& [fusion, members] : fusion_members_)
    if (std::find(members.begin(), members.end(), key) != members.end())
      if (auto it = by_key_.find(fusion); it != by_key_.end()) return document(it->second);
  return nullptr;
}

std::vector<const Document*> Index::members_of(const Document& merged) const {
  std::vector<const Document*> out;
  auto it = fusion_members_.find(key_of(merged.source, merged.id));
  if (it == fusion_members_.end()) return out;
  for (const auto& m : it->second)
    if (auto d = by_key_.find(m); d != by_key_.end())
      if (const Document* doc = document(d->second)) out.push_back(doc);
  return out;
}

void Index::upsert(const store::StoredPlace& p) {
  std::string key = key_of(p.source, p.id);
  std::uint32_t doc;
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    doc = it->second;
    unindex_document(doc);
  } else {
    doc = static_cast<std::uint32_t>(docs_.size());
    docs_.emplace_back();
    by_key_.emplace(key, doc);
    by_record_id_[p.id].push_back(doc);
  }
  Document& d = docs_[doc];
  d.source = p.source;
  d.id = p.id;
  d.place = place::CompactPlace(p.place);
  d.has_position = p.place.has(place::Field::kLatitude) && p.place.has(place::Field::kLongitude);
  d.approx_position = false;
  if (d.has_position) {
    d.latitude = std::stod(p.place[place::Field::kLatitude]);
    d.longitude = std::stod(p.place[place::Field::kLongitude]);
  } else if (p.approx_position) {
    d.has_position = d.approx_position = true;
    d.latitude = p.approx_position->first;
    d.longitude = p.approx_position->second;
  }
  d.name_key = text::fold(p.place[place::Field::kNom]);
  d.date_key = p.place[place::Field::kDateMaj];
  for (char& c : d.date_key)
    if (c >= '0' && c <= '9') c = static_cast<char>('9' - (c - '0'));
  d.live = true;
  if (p.source == store::kFusionSource) {
    fusion_.add(doc);
    std::vector<std::string> members;
    for (const auto& [source, id] : store::provenance_members(p.raw)) members.push_back(key_of(source, id));
    set_members(key, std::move(members));
  } else if (absorbed_by_.count(key)) {
    absorbed_.add(doc);
  }
  index_document(doc);
  refresh_public_ids(p.id);
}

void Index::remove(const std::string& source, const std::string& id) {
  auto it = by_key_.find(key_of(source, id));
  if (it == by_key_.end() || !docs_[it->second].live) return;
  unindex_document(it->second);
  docs_[it->second].live = false;
  refresh_public_ids(id);
  if (source == store::kFusionSource) {
    fusion_.remove(it->second);
    set_members(it->first, {});
  }
}

void Index::apply(const store::Change& change) {
  if (change.op == "retrait" || change.record.empty()) {
    remove(change.source, change.place_id);
  } else {
    store::StoredPlace p;
    p.source = change.source;
    p.id = change.place_id;
    p.raw = change.provenance;
    if (place::from_json(change.record, p.place)) {
      // The change carries the normalised record; an approximate position is recomputed
      // from the commune, as the importer does.
      if (!p.place.has(place::Field::kLatitude)) {
        if (const auto* c = territory_.by_insee(p.place[place::Field::kCodeInsee]))
          p.approx_position = std::make_pair(c->latitude, c->longitude);
      }
      upsert(p);
    }
  }
  applied_seq_ = std::max(applied_seq_, change.seq);
}

void Index::refresh_public_ids(const std::string& id) {
  auto& list = by_record_id_[id];
  std::size_t live = 0;
  for (auto doc : list) live += docs_[doc].live;
  for (auto doc : list) {
    Document& d = docs_[doc];
    if (!d.public_id.empty()) by_public_id_.erase(d.public_id);
    if (!d.live) {
      d.public_id.clear();
      continue;
    }
    d.public_id = live > 1 ? d.source + ":" + d.id : d.id;
    by_public_id_[d.public_id] = doc;
  }
}

void Index::index_document(std::uint32_t doc) {
  const Document& d = docs_[doc];
  live_.add(doc);
  for (const auto& field : filter_fields()) {
    std::vector<std::string> values;
    if (field == "source") {
      // A merged place is found under the source of each of its members.
      auto members = d.source == store::kFusionSource
                         ? fusion_members_.find(key_of(d.source, d.id))
                         : fusion_members_.end();
      if (members == fusion_members_.end()) {
        values.push_back(d.source);
      } else {
        for (const auto& m : members->second) {
          std::string s = m.substr(0, m.find('\x1f'));
          if (std::find(values.begin(), values.end(), s) == values.end()) values.push_back(std::move(s));
        }
      }
    } else if (field == "departement" || field == "region") {
      const std::string_view insee = d.place[place::Field::kCodeInsee];
      if (const auto* c = territory_.by_insee(insee))
        values.push_back(field == "departement" ? c->departement : c->region);
    } else if (auto f = place::field_by_name(field)) {
      for (auto v : place::split_values(d.place[*f])) values.emplace_back(v);
    }
    for (const auto& v : values)
      if (!v.empty()) filters_[field][v].add(doc);
  }
  if (d.has_position) cells_[cell_of(d.latitude, d.longitude)].add(doc);
  for (const auto& tf : kTextFields) {
    const std::string_view v = d.place[tf.field];
    if (!v.empty()) text_.add(doc, tf.cls, v);
  }
  std::optional<std::pair<double, double>> position;
  if (d.has_position) position = std::make_pair(d.latitude, d.longitude);
  opening_.set(doc, {d.place[place::Field::kHoraires], d.place[place::Field::kCodeInsee], position});
  for (auto code : place::split_values(d.place[place::Field::kTypologie]))
    if (const auto* t = place::vocabulary::typologie_by_code(code)) {
      text_.add(doc, kLabelClass, t->label);
      text_.add(doc, kLabelClass, t->code);
    }
}

void Index::unindex_document(std::uint32_t doc) {
  const Document& d = docs_[doc];
  live_.remove(doc);
  for (auto& [field, values] : filters_)
    for (auto& [value, bitmap] : values) bitmap.remove(doc);
  if (d.has_position) {
    if (auto it = cells_.find(cell_of(d.latitude, d.longitude)); it != cells_.end())
      it->second.remove(doc);
  }
  text_.remove(doc);
  opening_.clear(doc);
}

Roaring Index::filter_set(const Query& q, const std::string& except_field) const {
  Roaring result = live_;
  for (const auto& [field, values] : q.filters) {
    if (field == except_field) continue;
    auto f = filters_.find(field);
    std::vector<const Roaring*> parts;
    if (f != filters_.end())
      for (const auto& v : values)
        if (auto b = f->second.find(v); b != f->second.end()) parts.push_back(&b->second);
    if (parts.empty()) return Roaring();
    result &= Roaring::fastunion(parts.size(), parts.data());
  }
  return result;
}

Roaring Index::cells_in(double min_lat, double min_lon, double max_lat, double max_lon) const {
  auto la0 = static_cast<std::int64_t>(std::floor((min_lat + 90.0) / kCellDegrees));
  auto la1 = static_cast<std::int64_t>(std::floor((max_lat + 90.0) / kCellDegrees));
  auto lo0 = static_cast<std::int64_t>(std::floor((min_lon + 180.0) / kCellDegrees));
  auto lo1 = static_cast<std::int64_t>(std::floor((max_lon + 180.0) / kCellDegrees));
  std::vector<const Roaring*> parts;
  if (static_cast<std::uint64_t>((la1 - la0 + 1) * (lo1 - lo0 + 1)) > kMaxCells) {
    for (const auto& [cell, bitmap] : cells_) parts.push_back(&bitmap);
  } else {
    for (auto la = la0; la <= la1; ++la)
      for (auto lo = lo0; lo <= lo1; ++lo)
        if (auto it = cells_.find(static_cast<std::uint64_t>(la) * 10000u +
                                  static_cast<std::uint64_t>(lo));
            it != cells_.end())
          parts.push_back(&it->second);
  }
  return parts.empty() ? Roaring() : Roaring::fastunion(parts.size(), parts.data());
}

Roaring Index::geo_set(const Query& q) const {
  Roaring out;
  if (q.radius_km) {
    double dlat = *q.radius_km / 111.0;
    double dlon = *q.radius_km / (111.0 * std::max(0.01, std::cos(q.point->latitude * M_PI / 180)));
    Roaring near = cells_in(q.point->latitude - dlat, q.point->longitude - dlon,
                            q.point->latitude + dlat, q.point->longitude + dlon);
    for (auto doc : near) {
      const Document& d = docs_[doc];
      if (territory::distance_km(q.point->latitude, q.point->longitude, d.latitude, d.longitude) <=
          *q.radius_km)
        out.add(doc);
    }
  }
  if (q.bbox) {
    Roaring in_box;
    const auto& b = *q.bbox;
    for (auto doc : cells_in(b.min_lat, b.min_lon, b.max_lat, b.max_lon)) {
      const Document& d = docs_[doc];
      if (d.latitude >= b.min_lat && d.latitude <= b.max_lat && d.longitude >= b.min_lon &&
          d.longitude <= b.max_lon)
        in_box.add(doc);
    }
    out = q.radius_km ? (out & in_box) : std::move(in_box);
  }
  return out;
}

}  // namespace maillage::search
