#include "search/index.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "common/memory.h"
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
constexpr double kFineDegrees = kCellDegrees / 10;  // a cell holds 10 x 10 fine cells
constexpr std::size_t kMaxCells = 40000;
// A cell partly in a circle is read fine cell by fine cell past this many places.
constexpr std::uint64_t kSplitPlaces = 64;

// A cell's number: its row (from the south pole) * kCellRowStride + its column (from the
// antimeridian).
constexpr std::uint64_t kCellRowStride = 10000;
std::int64_t cell_row(std::uint64_t cell) { return static_cast<std::int64_t>(cell / kCellRowStride); }
std::int64_t cell_column(std::uint64_t cell) { return static_cast<std::int64_t>(cell % kCellRowStride); }
std::uint64_t cell_at(std::int64_t row, std::int64_t column) {
  return static_cast<std::uint64_t>(row) * kCellRowStride + static_cast<std::uint64_t>(column);
}

std::string key_of(std::string_view source, std::string_view id) {
  std::string key;
  key.reserve(source.size() + 1 + id.size());
  key.append(source).push_back('\x1f');
  key.append(id);
  return key;
}

constexpr std::size_t kPoolBlock = std::size_t{1} << 20;

// What each filter slot (position in filter_fields()) reads of a document.
enum class FilterKind { kField, kSource, kDepartement, kRegion };
struct FilterPlan {
  FilterKind kind;
  place::Field field;
};
const std::vector<FilterPlan>& filter_plan() {
  static const std::vector<FilterPlan> plan = [] {
    std::vector<FilterPlan> out;
    for (const auto& name : filter_fields()) {
      if (name == "source") {
        out.push_back({FilterKind::kSource, place::Field::kId});
      } else if (name == "departement") {
        out.push_back({FilterKind::kDepartement, place::Field::kCodeInsee});
      } else if (name == "region") {
        out.push_back({FilterKind::kRegion, place::Field::kCodeInsee});
      } else {
        out.push_back({FilterKind::kField, *place::field_by_name(name)});
      }
    }
    return out;
  }();
  return plan;
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

std::string_view StringPool::add(std::string_view s) {
  if (s.empty()) return {};
  bytes_ += s.size();
  if (s.size() > kPoolBlock / 4) {  // a long string gets a block of its own, before the open one
    std::unique_ptr<char[]> block(new char[s.size()]);
    std::memcpy(block.get(), s.data(), s.size());
    const std::string_view view(block.get(), s.size());
    blocks_.insert(blocks_.empty() ? blocks_.end() : blocks_.end() - 1, std::move(block));
    return view;
  }
  if (used_ + s.size() > capacity_) {
    blocks_.emplace_back(new char[kPoolBlock]);
    used_ = 0;
    capacity_ = kPoolBlock;
  }
  char* at = blocks_.back().get() + used_;
  std::memcpy(at, s.data(), s.size());
  used_ += s.size();
  return {at, s.size()};
}

Index::Index(const territory::Reference& territory)
    : territory_(territory), filters_(filter_fields().size()) {}

int Index::filter_slot(std::string_view field) {
  const auto& fields = filter_fields();
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i] == field) return static_cast<int>(i);
  return -1;
}

std::uint64_t Index::cell_of(double lat, double lon) {
  auto la = static_cast<std::int64_t>(std::floor((lat + 90.0) / kCellDegrees));
  auto lo = static_cast<std::int64_t>(std::floor((lon + 180.0) / kCellDegrees));
  return cell_at(la, lo);
}

// Within its cell, so that a fine cell never straddles two cells: cell * 100 + row * 10 + column.
std::uint64_t Index::fine_cell_of(double lat, double lon) {
  const std::uint64_t cell = cell_of(lat, lon);
  const CellBox box = cell_box(cell);
  auto sub = [](double offset) {
    return static_cast<std::uint64_t>(std::clamp(std::floor(offset / kFineDegrees), 0.0, 9.0));
  };
  return cell * 100 + sub(lat - box.lat0) * 10 + sub(lon - box.lon0);
}

Index::CellBox Index::cell_box(std::uint64_t cell) {
  return {static_cast<double>(cell_row(cell)) * kCellDegrees - 90.0,
          static_cast<double>(cell_column(cell)) * kCellDegrees - 180.0, kCellDegrees};
}

Index::CellBox Index::fine_box(std::uint64_t fine) {
  const CellBox box = cell_box(fine / 100);
  return {box.lat0 + static_cast<double>(fine % 100 / 10) * kFineDegrees,
          box.lon0 + static_cast<double>(fine % 10) * kFineDegrees, kFineDegrees};
}

const Document* Index::document(std::uint32_t doc) const {
  return doc < docs_.size() && docs_[doc].live ? &docs_[doc] : nullptr;
}

// A public id is the record's id, or "source:id" when several live records share the id.
const Document* Index::find_public(const std::string& public_id) const {
  auto [first, last] = by_record_id_.equal_range(public_id);
  for (auto it = first; it != last; ++it)
    if (const Document* d = document(it->second); d && d->public_id == public_id) return d;
  for (auto colon = public_id.find(':'); colon != std::string::npos;
       colon = public_id.find(':', colon + 1)) {
    auto it = by_key_.find(key_of(std::string_view(public_id).substr(0, colon),
                                  std::string_view(public_id).substr(colon + 1)));
    if (it == by_key_.end()) continue;
    if (const Document* d = document(it->second); d && d->public_id == public_id) return d;
  }
  return nullptr;
}

const Document* Index::find(const std::string& source, const std::string& id) const {
  auto it = by_key_.find(key_of(source, id));
  if (it == by_key_.end() || !live_.contains(it->second)) return nullptr;
  return document(it->second);
}

void Index::begin_bulk() {
  bulk_ = true;
  text_.begin_bulk();
}

void Index::flush_pending() {
  filter_pending_.flush([this](std::size_t list) -> Roaring& { return filter_postings_[list]; });
  if (!texts_elsewhere_) text_.flush();
}

void Index::end_bulk() {
  texts_elsewhere_ = false;
  flush_pending();
  filter_pending_.release();
  text_.end_bulk();
  // The places of a commune, a postal code, a département or a region are runs of
  // documents (numbered in space order): run containers, counted and intersected fast.
  for (std::size_t slot = 0; slot < filters_.size(); ++slot) {
    const std::string& field = filter_fields()[slot];
    const bool territorial = field == "code_insee" || field == "code_postal" ||
                             field == "departement" || field == "region";
    for (const auto& [value, posting] : filters_[slot])
      compact(filter_postings_[posting], territorial);
  }
  for (auto* cells : {&cells_, &fine_cells_})
    for (auto& [cell, bitmap] : *cells) compact(bitmap, true);
  compact(unplaced_, true);
  compact(live_, true);
  opening_.compact();
  bulk_ = false;
  common::release_free_memory();  // what the pending postings and the compaction freed
  rank();
}

void Index::unrank(std::uint32_t doc) {
  if (doc < name_rank_.size() && name_rank_[doc] != kNoRank && docs_[doc].live) {
    name_rank_[doc] = date_rank_[doc] = kNoRank;
    unranked_docs_.add(doc);
  }
}

std::uint64_t Index::bulk_order_key(const PreparedPlace& p) {
  if (!p.has_position) return ~std::uint64_t{0};
  // 2^24 steps of latitude and longitude (about 2 m), bits interleaved.
  auto step = [](double v, double lo, double span) {
    const double t = std::clamp((v - lo) / span, 0.0, 1.0);
    return static_cast<std::uint64_t>(t * double((1u << 24) - 1));
  };
  auto spread = [](std::uint64_t x) {  // bit i to bit 2i
    x = (x | x << 16) & 0x0000FFFF0000FFFFull;
    x = (x | x << 8) & 0x00FF00FF00FF00FFull;
    x = (x | x << 4) & 0x0F0F0F0F0F0F0F0Full;
    x = (x | x << 2) & 0x3333333333333333ull;
    x = (x | x << 1) & 0x5555555555555555ull;
    return x;
  };
  return spread(step(p.latitude, -90, 180)) << 1 | spread(step(p.longitude, -180, 360));
}

void Index::rank() {
  std::vector<std::uint32_t> live;
  live.reserve(live_.cardinality());
  for (auto doc : live_) live.push_back(doc);
  // Sorted as compact entries: the first 16 bytes of the key and of the public id, as
  // integers, decide most comparisons without reading a document (a date entirely); the
  // strings are compared only when those tie.
  struct Entry {
    std::uint64_t key_prefix[2], id_prefix[2];
    const char* key;
    std::uint32_t key_size, doc;
  };
  auto prefix16 = [](std::string_view s, std::uint64_t out[2]) {
    out[0] = sort_prefix(s);
    out[1] = sort_prefix(s.size() > 8 ? s.substr(8) : std::string_view());
  };
  auto rank_by = [this, &live, &prefix16](auto key_of_doc, std::vector<std::uint32_t>& ranks) {
    std::vector<Entry> entries(live.size());
    for (std::size_t i = 0; i < live.size(); ++i) {
      Entry& e = entries[i];
      const std::string_view key = key_of_doc(live[i]);
      prefix16(key, e.key_prefix);
      prefix16(docs_[live[i]].public_id, e.id_prefix);
      e.key = key.data();
      e.key_size = static_cast<std::uint32_t>(key.size());
      e.doc = live[i];
    }
    std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
      if (a.key_prefix[0] != b.key_prefix[0]) return a.key_prefix[0] < b.key_prefix[0];
      if (a.key_prefix[1] != b.key_prefix[1]) return a.key_prefix[1] < b.key_prefix[1];
      if ((a.key_size > 16 || b.key_size > 16) && a.key != b.key)
        if (const int c = std::string_view(a.key, a.key_size).compare(std::string_view(b.key, b.key_size)); c != 0)
          return c < 0;
      if (a.id_prefix[0] != b.id_prefix[0]) return a.id_prefix[0] < b.id_prefix[0];
      if (a.id_prefix[1] != b.id_prefix[1]) return a.id_prefix[1] < b.id_prefix[1];
      return docs_[a.doc].public_id < docs_[b.doc].public_id;
    });
    std::vector<std::uint32_t> order(entries.size());
    std::fill(ranks.begin(), ranks.end(), kNoRank);
    for (std::uint32_t r = 0; r < entries.size(); ++r) {
      order[r] = entries[r].doc;
      ranks[entries[r].doc] = r;
    }
    return order;
  };
  auto blocks_of = [](const std::vector<std::uint32_t>& order) {
    RankBlocks blocks;
    std::vector<std::uint32_t> docs;
    for (std::size_t first = 0; first < order.size(); first += kRankBlock) {
      const auto end =
          order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), first + kRankBlock));
      docs.assign(order.begin() + static_cast<std::ptrdiff_t>(first), end);
      std::sort(docs.begin(), docs.end());
      Roaring& block = blocks.arrays.emplace_back();
      block.addMany(docs.size(), docs.data());
      block.shrinkToFit();
      compact(blocks.runs.emplace_back(block), true);
    }
    return blocks;
  };
  // One order after the other (under a second each at a million places): sorted on two
  // threads, their entries (48 MB each at a million places) made the peak memory of the build.
  date_order_ = rank_by([this](std::uint32_t d) { return docs_[d].date_key; }, date_rank_);
  date_blocks_ = blocks_of(date_order_);
  name_order_ = rank_by([this](std::uint32_t d) { return docs_[d].name_key; }, name_rank_);
  name_blocks_ = blocks_of(name_order_);
  unranked_docs_ = Roaring();
}

void Index::index_texts(const std::vector<PreparedPlace>& batch, std::uint32_t first_doc) {
  std::uint32_t doc = first_doc;
  for (const auto& p : batch) {
    for_each_text(p.place.views(), [&](FieldClass cls, std::string_view text) { text_.add(doc, cls, text); });
    if ((doc & 0xFFFF) == 0xFFFF) text_.flush();
    ++doc;
  }
}

void Index::insert_indexed_texts(PreparedPlace&& p) {
  if (!bulk_) throw std::logic_error("Index::insert_indexed_texts outside a bulk load");
  texts_elsewhere_ = true;
  insert(std::move(p), true);
}

void Index::reserve(std::size_t n) {
  docs_.reserve(n);
  name_prefix_.reserve(n);
  date_prefix_.reserve(n);
  lat_.reserve(n);
  lon_.reserve(n);
  cos_lat_.reserve(n);
  unit_.reserve(n);
  by_key_.reserve(n);
  by_record_id_.reserve(n);
}

std::shared_ptr<const Roaring> Index::visible(bool include_duplicates) const {
  std::lock_guard lock(visible_mutex_);
  if (visible_cache_.version != version_) {
    Roaring merged = live_ - absorbed_, sources = live_ - fusion_;
    merged.runOptimize();
    sources.runOptimize();
    visible_cache_ = {version_, std::make_shared<const Roaring>(std::move(merged)),
                      std::make_shared<const Roaring>(std::move(sources))};
  }
  return include_duplicates ? visible_cache_.sources : visible_cache_.merged;
}

void Index::mark_absorbed(const std::string& key, bool absorbed) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  ++version_;
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

namespace {

// The sort keys and position of a prepared place (its `place` already packed).
void finish_prepare(const place::Place& p, std::optional<std::pair<double, double>> approx,
                    PreparedPlace& out) {
  out.place = place::CompactPlace(p);
  out.has_position = p.has(place::Field::kLatitude) && p.has(place::Field::kLongitude);
  out.approx_position = false;
  if (out.has_position) {
    out.latitude = std::strtod(p[place::Field::kLatitude].c_str(), nullptr);
    out.longitude = std::strtod(p[place::Field::kLongitude].c_str(), nullptr);
  } else if (approx) {
    out.has_position = out.approx_position = true;
    out.latitude = approx->first;
    out.longitude = approx->second;
  }
  out.name_key = text::fold(p[place::Field::kNom]);
  out.date_key = p[place::Field::kDateMaj];
  for (char& c : out.date_key)
    if (c >= '0' && c <= '9') c = static_cast<char>('9' - (c - '0'));
  // An unknown date (a source without dates) sorts after every known one, not as the newest.
  if (out.date_key.empty()) out.date_key = "~";
}

void set_members_of(std::string_view provenance, PreparedPlace& out) {
  out.members.clear();
  if (out.source != store::kFusionSource) return;
  for (const auto& [source, id] : store::provenance_members(provenance))
    out.members.push_back(key_of(source, id));
}

}  // namespace

PreparedPlace Index::prepare(const store::StoredPlace& p) {
  PreparedPlace out;
  out.source = p.source;
  out.id = p.id;
  finish_prepare(p.place, p.approx_position, out);
  set_members_of(p.raw, out);
  return out;
}

bool Index::prepare(const store::PlaceRecord& r, PreparedPlace& out) {
  thread_local place::Place p;
  if (!place::from_json(r.record, p)) return false;
  out.source.assign(r.source);
  out.id.assign(r.id);
  finish_prepare(p, r.approx_position, out);
  set_members_of(r.provenance, out);
  return true;
}

void Index::upsert(const store::StoredPlace& p) { insert(prepare(p)); }

void Index::insert(PreparedPlace&& p) { insert(std::move(p), false); }

void Index::insert(PreparedPlace&& p, bool texts_indexed) {
  std::string key = key_of(p.source, p.id);
  std::uint32_t doc;
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    // index_texts() numbered this place as a new document.
    if (texts_indexed) throw std::logic_error("Index: the same place twice in a bulk load");
    doc = it->second;
    if (docs_[doc].live) unindex_document(doc);
  } else {
    doc = static_cast<std::uint32_t>(docs_.size());
    Document& d = docs_.emplace_back();
    const std::string_view pooled = strings_.add(key);
    d.source = pooled.substr(0, p.source.size());
    d.id = pooled.substr(p.source.size() + 1);
    by_key_.emplace(pooled, doc);
    by_record_id_.emplace(d.id, doc);
  }
  Document& d = docs_[doc];
  d.place = std::move(p.place);
  d.has_position = p.has_position;
  d.approx_position = p.approx_position;
  d.latitude = p.latitude;
  d.longitude = p.longitude;
  if (d.name_key != p.name_key) d.name_key = strings_.add(p.name_key);
  if (d.date_key != p.date_key) d.date_key = strings_.add(p.date_key);
  if (name_prefix_.size() < docs_.size()) {
    name_prefix_.resize(docs_.size());
    date_prefix_.resize(docs_.size());
    lat_.resize(docs_.size());
    lon_.resize(docs_.size());
    cos_lat_.resize(docs_.size());
    unit_.resize(docs_.size());
    name_rank_.resize(docs_.size(), kNoRank);
    date_rank_.resize(docs_.size(), kNoRank);
  }
  // A document changed outside a bulk load loses its ranks (a bulk load ranks all at its end).
  if (!bulk_) {
    unranked_docs_.add(doc);
    name_rank_[doc] = date_rank_[doc] = kNoRank;
  }
  ++version_;
  name_prefix_[doc] = sort_prefix(d.name_key);
  date_prefix_[doc] = sort_prefix(d.date_key);
  lat_[doc] = d.latitude;
  lon_[doc] = d.longitude;
  cos_lat_[doc] = territory::cos_latitude(d.latitude);
  unit_[doc] = territory::unit_vector(d.latitude, d.longitude);
  d.live = true;
  if (d.source == store::kFusionSource) {
    fusion_.add(doc);
    set_members(key, std::move(p.members));
  } else if (absorbed_by_.count(key)) {
    absorbed_.add(doc);
  }
  index_document(doc);
  refresh_public_ids(d.id);
}

void Index::remove(const std::string& source, const std::string& id) {
  auto it = by_key_.find(key_of(source, id));
  if (it == by_key_.end() || !docs_[it->second].live) return;
  unindex_document(it->second);
  docs_[it->second].live = false;
  unranked_docs_.remove(it->second);
  ++version_;
  refresh_public_ids(docs_[it->second].id);
  if (source == store::kFusionSource) {
    fusion_.remove(it->second);
    set_members(std::string(it->first), {});
  }
}

void Index::apply(const store::Change& change) {
  if (change.op == "retrait" || change.record.empty()) {
    remove(change.source, change.place_id);
  } else {
    store::PlaceRecord r;
    r.source = change.source;
    r.id = change.place_id;
    r.record = change.record;
    r.provenance = change.provenance;
    PreparedPlace p;
    thread_local place::Place parsed;
    if (place::from_json(change.record, parsed)) {
      // The change carries the normalised record; an approximate position is recomputed
      // from the commune, as the importer does.
      if (!parsed.has(place::Field::kLatitude))
        if (const auto* c = territory_.by_insee(parsed[place::Field::kCodeInsee]))
          r.approx_position = std::make_pair(c->latitude, c->longitude);
      if (prepare(r, p)) insert(std::move(p));
    }
  }
  applied_seq_ = std::max(applied_seq_, change.seq);
}

void Index::refresh_public_ids(std::string_view id) {
  auto [first, last] = by_record_id_.equal_range(id);
  std::size_t live = 0;
  for (auto it = first; it != last; ++it) live += docs_[it->second].live;
  for (auto it = first; it != last; ++it) {
    Document& d = docs_[it->second];
    if (!d.live) {
      d.public_id = {};
    } else if (live == 1) {
      if (d.public_id.data() != d.id.data()) unrank(it->second);
      d.public_id = d.id;
    } else if (d.public_id.size() != d.source.size() + 1 + d.id.size()) {
      d.public_id = strings_.add(std::string(d.source) + ":" + std::string(d.id));
      unrank(it->second);
    }
  }
}

template <typename Fn>
void Index::for_each_filter_value(const Document& d, const place::CompactPlace::Views& v,
                                  Fn&& fn) const {
  const auto& plan = filter_plan();
  for (std::size_t slot = 0; slot < plan.size(); ++slot) {
    const FilterPlan& f = plan[slot];
    switch (f.kind) {
      case FilterKind::kSource: {
        // A merged place is found under the source of each of its members.
        auto members = d.source == store::kFusionSource
                           ? fusion_members_.find(key_of(d.source, d.id))
                           : fusion_members_.end();
        if (members == fusion_members_.end()) {
          fn(slot, d.source);
        } else {
          std::vector<std::string_view> seen;
          for (const auto& m : members->second) {
            std::string_view s = std::string_view(m).substr(0, m.find('\x1f'));
            if (std::find(seen.begin(), seen.end(), s) != seen.end()) continue;
            seen.push_back(s);
            fn(slot, s);
          }
        }
        break;
      }
      case FilterKind::kDepartement:
      case FilterKind::kRegion:
        if (const auto* c = territory_.by_insee(v[static_cast<std::size_t>(place::Field::kCodeInsee)]))
          fn(slot, std::string_view(f.kind == FilterKind::kDepartement ? c->departement : c->region));
        break;
      case FilterKind::kField:
        place::for_each_value(v[static_cast<std::size_t>(f.field)],
                              [&](std::string_view value) { fn(slot, value); });
        break;
    }
  }
}

template <typename Fn>
void Index::for_each_text(const place::CompactPlace::Views& v, Fn&& fn) {
  for (const auto& tf : kTextFields) {
    const std::string_view text = v[static_cast<std::size_t>(tf.field)];
    if (!text.empty()) fn(tf.cls, text);
  }
  place::for_each_value(v[static_cast<std::size_t>(place::Field::kTypologie)], [&](std::string_view code) {
    if (const auto* t = place::vocabulary::typologie_by_code(code)) {
      fn(kLabelClass, std::string_view(t->label));
      fn(kLabelClass, std::string_view(t->code));
    }
  });
}

void Index::index_document(std::uint32_t doc) {
  docs_[doc].holiday_rule = holiday_rule_of(docs_[doc].source);
  const Document& d = docs_[doc];
  const auto v = d.place.views();
  live_.add(doc);
  for_each_filter_value(d, v, [&](std::size_t slot, std::string_view value) {
    if (value.empty()) return;
    auto& values = filters_[slot];
    auto it = values.find(value);
    if (it == values.end()) {
      it = values.emplace(std::string(value), static_cast<std::uint32_t>(filter_postings_.size())).first;
      filter_postings_.emplace_back();
    }
    if (bulk_) {
      filter_pending_.add(it->second, doc);
    } else {
      filter_postings_[it->second].add(doc);
    }
  });
  if (d.has_position) {
    cells_[cell_of(d.latitude, d.longitude)].add(doc);
    fine_cells_[fine_cell_of(d.latitude, d.longitude)].add(doc);
  } else {
    unplaced_.add(doc);
  }
  if (!texts_elsewhere_)
    for_each_text(v, [&](FieldClass cls, std::string_view text) { text_.add(doc, cls, text); });
  std::optional<std::pair<double, double>> position;
  if (d.has_position) position = std::make_pair(d.latitude, d.longitude);
  opening_.set(doc,
               {v[static_cast<std::size_t>(place::Field::kHoraires)],
                v[static_cast<std::size_t>(place::Field::kCodeInsee)], position, d.holiday_rule});
  // Written every 65,536 documents (a Roaring container's span): the pending postings stay
  // a few tens of MB.
  if (bulk_ && (doc & 0xFFFF) == 0xFFFF) flush_pending();
}

void Index::unindex_document(std::uint32_t doc) {
  if (bulk_) flush_pending();
  const Document& d = docs_[doc];
  const auto v = d.place.views();
  live_.remove(doc);
  for_each_filter_value(d, v, [&](std::size_t slot, std::string_view value) {
    if (auto it = filters_[slot].find(value); it != filters_[slot].end())
      filter_postings_[it->second].remove(doc);
  });
  if (d.has_position) {
    if (auto it = cells_.find(cell_of(d.latitude, d.longitude)); it != cells_.end())
      it->second.remove(doc);
    if (auto it = fine_cells_.find(fine_cell_of(d.latitude, d.longitude)); it != fine_cells_.end())
      it->second.remove(doc);
  } else {
    unplaced_.remove(doc);
  }
  for_each_text(v, [&](FieldClass cls, std::string_view text) { text_.remove(doc, cls, text); });
  opening_.clear(doc);
}

// The postings hold live documents only: the first field's union starts the set (not a copy
// of the million live documents).
std::optional<Roaring> Index::filter_set(const Query& q, const std::string& except_field) const {
  std::optional<Roaring> result;
  for (const auto& [field, values] : q.filters) {
    if (field == except_field) continue;
    const int slot = filter_slot(field);
    std::vector<const Roaring*> parts;
    if (slot >= 0)
      for (const auto& v : values)
        if (auto b = filters_[slot].find(v); b != filters_[slot].end())
          parts.push_back(&filter_postings_[b->second]);
    if (parts.empty()) return Roaring();
    if (!result) {
      result = parts.size() == 1 ? *parts[0] : Roaring::fastunion(parts.size(), parts.data());
    } else if (parts.size() == 1) {
      *result &= *parts[0];
    } else {
      *result &= Roaring::fastunion(parts.size(), parts.data());
    }
  }
  return result;
}

template <typename Fn>
void Index::for_each_cell(double min_lat, double min_lon, double max_lat, double max_lon,
                          Fn&& fn) const {
  auto la0 = static_cast<std::int64_t>(std::floor((min_lat + 90.0) / kCellDegrees));
  auto la1 = static_cast<std::int64_t>(std::floor((max_lat + 90.0) / kCellDegrees));
  auto lo0 = static_cast<std::int64_t>(std::floor((min_lon + 180.0) / kCellDegrees));
  auto lo1 = static_cast<std::int64_t>(std::floor((max_lon + 180.0) / kCellDegrees));
  if (static_cast<std::uint64_t>((la1 - la0 + 1) * (lo1 - lo0 + 1)) > kMaxCells) {
    for (const auto& [cell, bitmap] : cells_) {
      const auto la = cell_row(cell), lo = cell_column(cell);
      if (la >= la0 && la <= la1 && lo >= lo0 && lo <= lo1)
        fn(cell, bitmap, la > la0 && la < la1 && lo > lo0 && lo < lo1);
    }
    return;
  }
  for (auto la = la0; la <= la1; ++la)
    for (auto lo = lo0; lo <= lo1; ++lo)
      if (auto it = cells_.find(cell_at(la, lo)); it != cells_.end())
        fn(it->first, it->second, la > la0 && la < la1 && lo > lo0 && lo < lo1);
}

template <typename Fn>
void Index::for_each_cell_near(double lat, double lon, double radius_km, Fn&& fn) const {
  // The cap's extent: its angular radius in latitude, asin(sin ρ / cos φ) in longitude (with a
  // thousandth to spare), or every cell when it holds a pole or crosses the antimeridian.
  using territory::kDegree;
  const double rho = radius_km / territory::kEarthRadiusKm, cos_lat = territory::cos_latitude(lat);
  const double dlat = rho / kDegree * 1.001;
  const bool polar = std::sin(rho) >= cos_lat;
  const double dlon = polar ? 360 : std::asin(std::sin(rho) / cos_lat) / kDegree * 1.001;
  if (polar || lat - dlat < -90 || lat + dlat > 90 || lon - dlon < -180 || lon + dlon > 180) {
    for (const auto& [cell, bitmap] : cells_) fn(cell, bitmap, false);  // a pole or the antimeridian
  } else {
    for_each_cell(lat - dlat, lon - dlon, lat + dlat, lon + dlon, fn);
  }
}

// The nearest and farthest points of a box from (lat, lon), widened by a millimetre: a place's
// cell comes from a floor of its coordinates, so it may lie a rounding error outside the box.
// For a given latitude the distance grows with the difference of longitudes (up to 180
// degrees): the nearest point lies on the box's nearest meridian (or the point's own), the
// farthest on its farthest. Along a meridian, cos(distance) = A sin(lat) + B cos(lat) has one
// maximum, at atan2(A, B), and one minimum half a turn away: the extremes over the box's
// latitudes are at its two edges or there.
namespace {

// The least or greatest distance from (lat, lon) to the meridian lon + dlon between two
// latitudes.
double meridian_extreme_km(double lat, double lon, double dlon, double lat0, double lat1, bool least) {
  using territory::kDegree;
  const double a = territory::distance_km(lat, lon, lat0, lon + dlon);
  const double b = territory::distance_km(lat, lon, lat1, lon + dlon);
  double best = least ? std::min(a, b) : std::max(a, b);
  double turn = std::atan2(std::sin(lat * kDegree), std::cos(lat * kDegree) * std::cos(dlon * kDegree)) / kDegree;
  if (!least) turn += turn < 0 ? 180 : -180;
  if (turn > lat0 && turn < lat1) {
    const double c = territory::distance_km(lat, lon, turn, lon + dlon);
    best = least ? std::min(best, c) : std::max(best, c);
  }
  return best;
}

// The longitude difference from `lon` to `to`, in [-180, 180).
double wrap_longitude(double to, double lon) {
  const double d = to - lon;
  return d - 360.0 * std::floor((d + 180.0) / 360.0);
}

}  // namespace

double Index::min_distance_km(const CellBox& box, double lat, double lon) {
  const double west = wrap_longitude(box.lon0, lon), east = west + box.size;
  double dlon = 0;  // to the nearest meridian of the box (0: the point's own meridian)
  if (west > 0) {
    dlon = west;
  } else if (east < 0) {
    dlon = east;
  }
  return std::max(0.0, meridian_extreme_km(lat, lon, dlon, box.lat0, box.lat0 + box.size, true) - 1e-6);
}

double Index::max_distance_km(const CellBox& box, double lat, double lon) {
  const double west = wrap_longitude(box.lon0, lon), east = west + box.size;
  const double dlon = std::abs(west) > std::abs(east) ? west : east;
  return meridian_extreme_km(lat, lon, dlon, box.lat0, box.lat0 + box.size, false) + 1e-6;
}

// A lower bound of the distance from a point to the places of a cell, from the cell's ring
// around the point's cell (k: the larger difference of grid rows or columns, across the
// antimeridian if shorter): k - 1 whole cells apart in latitude, or in longitude, at worst at
// the ring's farthest latitude from the equator. No trigonometry per cell: a search ordered
// by distance visits the cells in that order and stops at the first that cannot come before
// the last place of its page.
std::vector<Index::NearCell> Index::cells_by_distance(const Query& q) const {
  using territory::kDegree;
  constexpr double kRadiusKm = territory::kEarthRadiusKm;
  const double lat = q.point->latitude, lon = q.point->longitude;
  const std::uint64_t home = cell_of(lat, lon);
  const auto home_la = cell_row(home), home_lo = cell_column(home);
  constexpr auto kColumns = static_cast<std::int64_t>(360 / kCellDegrees + 0.5);
  std::vector<double> bound;  // by ring
  auto ring_bound = [&](std::size_t k) {
    while (bound.size() <= k) {
      const std::size_t r = bound.size();
      if (r <= 1) {
        bound.push_back(0);
        continue;
      }
      const double steps = static_cast<double>(r - 1) * kCellDegrees * kDegree;
      const double by_lat = kRadiusKm * steps;
      const double farthest = std::min(90.0, std::abs(lat) + static_cast<double>(r + 1) * kCellDegrees);
      const double by_lon = 2 * kRadiusKm *
                            std::asin(std::min(1.0, std::cos(farthest * kDegree) * std::sin(steps / 2)));
      bound.push_back(std::max(0.0, std::min(by_lat, by_lon) * (1 - 1e-9) - 1e-6));
    }
    return bound[k];
  };
  std::vector<NearCell> out;
  auto take = [&](std::uint64_t cell, const Roaring& bitmap, bool) {
    const std::int64_t dla = std::abs(cell_row(cell) - home_la);
    std::int64_t dlo = std::abs(cell_column(cell) - home_lo);
    dlo = std::min(dlo, kColumns - dlo);
    out.push_back({ring_bound(static_cast<std::size_t>(std::max(dla, dlo))), &bitmap, cell, false});
  };
  if (q.radius_km) {
    for_each_cell_near(lat, lon, *q.radius_km, take);
  } else {
    for (const auto& [cell, bitmap] : cells_) take(cell, bitmap, false);
  }
  return out;
}


// Radius: the cells of the square around the circle, taken whole when their farthest point is
// within the radius, left out when their nearest is beyond it, else place by place. Bbox: the
// same with the box's cells (those strictly inside the edge cells are taken whole).
Roaring Index::geo_set(const Query& q) const {
  Roaring out;
  Roaring checked;  // the places tested one by one and kept, a cell's run at a time
  std::vector<std::uint32_t> kept;
  std::vector<const Roaring*> whole;
  auto gather = [&]() {
    whole.push_back(&checked);
    Roaring set = Roaring::fastunion(whole.size(), whole.data());
    checked = Roaring();
    whole.clear();
    return set;
  };
  auto keep_run = [&]() {
    checked.addMany(kept.size(), kept.data());
    kept.clear();
  };
  if (q.radius_km) {
    const double lat = q.point->latitude, lon = q.point->longitude, radius = *q.radius_km;
    const double cos_lat = territory::cos_latitude(lat);
    const territory::UnitVector centre = territory::unit_vector(lat, lon);
    const double edge = territory::haversine_of_km(radius), inside = edge - 1e-12, outside = edge + 1e-12;
    // The chord decides but within a hair of the circle, where distance_km does.
    auto check = [&](const Roaring& bitmap) {
      for (auto doc : bitmap) {
        const double h = territory::chord_haversine(unit_[doc], centre);
        if (h < inside || (h <= outside && territory::distance_km(lat, lon, cos_lat, lat_[doc], lon_[doc],
                                                                  cos_lat_[doc]) <= radius))
          kept.push_back(doc);
      }
      keep_run();
    };
    // A box is taken whole, left out, or split (a cell into its fine cells) or checked.
    auto box_in_circle = [&](const CellBox& box) {
      if (min_distance_km(box, lat, lon) > radius) return -1;
      return max_distance_km(box, lat, lon) <= radius ? 1 : 0;
    };
    for_each_cell_near(lat, lon, radius,
                       [&](std::uint64_t cell, const Roaring& bitmap, bool) {
                         const int where = box_in_circle(cell_box(cell));
                         if (where < 0) return;
                         if (where > 0) {
                           whole.push_back(&bitmap);
                         } else if (bitmap.cardinality() <= kSplitPlaces) {
                           check(bitmap);
                         } else {
                           for_each_fine_cell(cell, [&](std::uint64_t fine, const Roaring& part) {
                             const int in = box_in_circle(fine_box(fine));
                             if (in > 0) whole.push_back(&part);
                             if (in == 0) check(part);
                           });
                         }
                       });
    out = gather();
  }
  if (q.bbox) {
    const auto& b = *q.bbox;
    for_each_cell(b.min_lat, b.min_lon, b.max_lat, b.max_lon,
                  [&](std::uint64_t, const Roaring& bitmap, bool interior) {
                    if (interior) {
                      whole.push_back(&bitmap);
                      return;
                    }
                    for (auto doc : bitmap)
                      if (lat_[doc] >= b.min_lat && lat_[doc] <= b.max_lat && lon_[doc] >= b.min_lon &&
                          lon_[doc] <= b.max_lon)
                        kept.push_back(doc);
                    keep_run();
                  });
    Roaring in_box = gather();
    out = q.radius_km ? (out & in_box) : std::move(in_box);
  }
  return out;
}

}  // namespace maillage::search
