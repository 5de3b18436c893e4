// The in-memory search index of places: built from the store at start-up, kept current by
// applying the change log (Index::apply). Answers Query objects: text (exact > stem > prefix >
// typo, name first), filters (OR within a field, AND across fields), geography (radius, bbox),
// disjunctive facets, sort and keyset pagination.
//
// Thread-safety: search() may run concurrently with other search() calls; apply() and
// add/remove must be externally serialised against searches (see search/service.h).
#pragma once

#include <roaring/roaring.hh>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "place/compact.h"
#include "place/place.h"
#include "search/cursor.h"
#include "search/opening.h"
#include "search/query.h"
#include "search/text_index.h"
#include "store/store.h"
#include "territory/geo.h"

namespace maillage::territory {
class Reference;
}

namespace maillage::search {

// Strings of the index, stored back to back in large blocks: a view stays valid for the life
// of the index. Nothing is freed before the index is (an edited name leaves its old bytes
// behind: a few bytes per edit, against the 3 to 5 heap strings per place this replaces).
class StringPool {
 public:
  std::string_view add(std::string_view s);
  std::size_t bytes() const { return bytes_; }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t used_ = 0, capacity_ = 0, bytes_ = 0;
};

struct Document {
  std::string_view source, id, public_id;  // into the index's string pool
  place::CompactPlace place;  // the normalised record (unpack() for a place::Place)
  double latitude = 0, longitude = 0;
  bool has_position = false, approx_position = false;
  bool live = false;
  // Closed on public holidays unless the hours mention PH, or as written (Index::holiday_rule_of)
  hours::HolidayRule holiday_rule = hours::HolidayRule::kClosed;
  std::string_view name_key;  // folded name, for sorting
  std::string_view date_key;  // date_maj with its digits complemented: newest sorts first
};

// A place ready to index: parsed, packed, its sort keys computed. Everything of an upsert that
// needs no index state, so that a bulk build prepares places on one thread while another
// indexes them.
struct PreparedPlace {
  std::string source, id;
  place::CompactPlace place;
  double latitude = 0, longitude = 0;
  bool has_position = false, approx_position = false;
  std::string name_key, date_key;
  std::vector<std::string> members;  // a merged place's members ("source\x1fid")
};

struct Hit {
  std::uint32_t doc;
  double distance_km = -1;   // -1 when the query has no point
  std::optional<bool> open;  // at the query's time (ouvert / ouvert_le), else now
};

struct SearchResult {
  std::uint64_t total = 0;
  std::vector<Hit> hits;
  std::map<std::string, std::map<std::string, std::uint64_t>> facets;
  std::string next_cursor;  // empty when this is the last page
  // naturel=oui: the places matching every word and need, and those of them within 50 km of
  // the point (when there is one); a page may show partial matches after them.
  std::uint64_t complete = 0, complete_nearby = 0;
  std::optional<QueryError> error;  // a bad cursor
};

class Index {
 public:
  explicit Index(const territory::Reference& territory);

  // Adds or replaces the place (source, id).
  void upsert(const store::StoredPlace& p);
  void insert(PreparedPlace&& p);
  static PreparedPlace prepare(const store::StoredPlace& p);
  // From the store's light read; false when the record is not readable JSON.
  static bool prepare(const store::PlaceRecord& r, PreparedPlace& out);
  void remove(const std::string& source, const std::string& id);
  // Applies one entry of the change log (the record is in the change).
  void apply(const store::Change& change);
  std::int64_t applied_seq() const { return applied_seq_; }
  // Changes with every change of what a search can find (an answer computed under one version
  // holds while it lasts).
  std::uint64_t version() const { return version_; }
  void set_applied_seq(std::int64_t seq) { applied_seq_ = seq; }

  SearchResult search(const Query& q) const;

  // Sources whose hours apply on public holidays like on other days (registry key
  // jours_feries = "comme_les_autres_jours", docs/federation.md); the places of the others
  // (and merged places) are closed on public holidays unless their hours mention PH
  // (hours/holiday_rule.h). Set before the places are added: places indexed earlier keep theirs.
  void set_holidays_as_other_days(std::vector<std::string> sources) {
    holidays_as_other_days_ = std::move(sources);
  }
  // The public-holiday rule of the places of `source`.
  hours::HolidayRule holiday_rule_of(std::string_view source) const {
    for (const auto& s : holidays_as_other_days_)
      if (s == source) return hours::HolidayRule::kAsOtherDays;
    return hours::HolidayRule::kClosed;
  }

  const Document* document(std::uint32_t doc) const;
  const Document* find_public(const std::string& public_id) const;
  // The live document of (source, id) in the store, or null.
  const Document* find(const std::string& source, const std::string& id) const;
  // The merged place that absorbs this record, if any (its members are listed in its
  // provenance); and the members of a merged place, as documents.
  const Document* merged_into(const Document& d) const;
  std::vector<const Document*> members_of(const Document& merged) const;
  std::size_t size() const { return live_.cardinality(); }
  bool fresh() const { return docs_.empty(); }  // nothing ever inserted
  // Ranks every document for sorting (about a second per million places); worth it once
  // `unranked()` documents compare by their strings.
  void rank();
  std::size_t unranked() const { return unranked_docs_.cardinality(); }
  // The places a default search can show: merged places and the records no merged place holds.
  std::size_t visible_size() const { return visible(false)->cardinality(); }
  // Calls `fn` with every place a default search can show (merged places and the records no
  // merged place holds), in document order.
  template <typename Fn>
  void for_each_visible(Fn&& fn) const {
    const auto set = visible(false);
    for (std::uint32_t doc : *set) fn(docs_[doc]);
  }
  // Room for `n` documents (before a bulk load).
  void reserve(std::size_t n);
  // The order in which a bulk load should number places: along a Z-order curve of their
  // positions (places without one last), so that neighbours get neighbouring documents and the
  // sets of a commune, a département or a map view are runs of few bitmap containers.
  static std::uint64_t bulk_order_key(const PreparedPlace& p);
  // Bulk load (a build): between the two, postings are gathered and written in runs; searches
  // must wait for end_bulk().
  void begin_bulk();
  void end_bulk();
  // A bulk build on two indexing threads: one indexes the texts of each batch with
  // index_texts(batch, first_doc), the other then inserts its places in the same order with
  // insert_indexed_texts(). Needs an empty index at begin_bulk() and places of distinct
  // (source, id), as a store's scan gives: the n-th place inserted is document n.
  void index_texts(const std::vector<PreparedPlace>& batch, std::uint32_t first_doc);
  void insert_indexed_texts(PreparedPlace&& p);

 private:
  // The documents the field filters allow (but `except_field`'s), or nullopt when none applies.
  std::optional<Roaring> filter_set(const Query& q, const std::string& except_field) const;
  // The live documents a query can see: merged places, or source records (doublons=inclure).
  // Kept between changes (a search does not copy the million live documents).
  std::shared_ptr<const Roaring> visible(bool include_duplicates) const;
  // The top of `matches` in the order of (name or date key, public id), read from that order's
  // rank list instead of iterating every match: `limit` + 1 ranked documents after the cursor
  // `after` (when given) and every unranked match after it, in `out`, unsorted.
  // False when the matches are too sparse in that order for this to beat iterating them.
  bool ordered_candidates(const Roaring& matches, bool by_date, const SortKey* after,
                          std::size_t limit, std::vector<std::uint32_t>& out) const;
  void set_members(const std::string& fusion_key, std::vector<std::string> members);
  void mark_absorbed(const std::string& key, bool absorbed);
  Roaring geo_set(const Query& q) const;
  // Natural search (search/natural.cpp): the places having one of a need's values, and a
  // need's hits as a word's (values, or its typed words exactly), within `within` when given.
  Roaring need_values(const std::vector<std::pair<std::string, std::string>>& values) const;
  WordHits need_hits(const NeedTerm& need, const Roaring* within) const;
  // The filter values of a document (fn(slot, value)), and its texts (fn(class, text)): what
  // index_document adds and unindex_document removes.
  template <typename Fn>
  void for_each_filter_value(const Document& d, const place::CompactPlace::Views& v, Fn&& fn) const;
  template <typename Fn>
  static void for_each_text(const place::CompactPlace::Views& v, Fn&& fn);
  void flush_pending();
  void unrank(std::uint32_t doc);
  void insert(PreparedPlace&& p, bool texts_indexed);
  // The position of `field` in filter_fields(), or -1.
  static int filter_slot(std::string_view field);
  // Calls fn(cell, bitmap, interior) for every cell of the grid that meets the rectangle;
  // `interior`: strictly between its edge cells, so inside the rectangle.
  template <typename Fn>
  void for_each_cell(double min_lat, double min_lon, double max_lat, double max_lon, Fn&& fn) const;
  // The same for the cells within `radius_km` of a point (a superset).
  template <typename Fn>
  void for_each_cell_near(double lat, double lon, double radius_km, Fn&& fn) const;
  // The grid: cells of 0.1 degree, each split in 10 x 10 fine cells, with their places. A box
  // is a cell's or a fine cell's extent.
  struct CellBox {
    double lat0, lon0, size;  // south-west corner, side (degrees)
  };
  static CellBox cell_box(std::uint64_t cell);
  static CellBox fine_box(std::uint64_t fine);
  static std::uint64_t fine_cell_of(double lat, double lon);
  template <typename Fn>
  void for_each_fine_cell(std::uint64_t cell, Fn&& fn) const {  // fn(fine, bitmap), non-empty
    for (std::uint64_t sub = 0; sub < 100; ++sub)
      if (auto it = fine_cells_.find(cell * 100 + sub); it != fine_cells_.end() && !it->second.isEmpty())
        fn(it->first, it->second);
  }
  // The least and greatest distance (km) from a point to a place of a box.
  static double min_distance_km(const CellBox& box, double lat, double lon);
  static double max_distance_km(const CellBox& box, double lat, double lon);
  // A cell to visit in a distance order: a lower bound of its places' distance to the point.
  struct NearCell {
    double bound;
    const Roaring* places;
    std::uint64_t cell;
    bool fine;
  };
  // The cells a query with a point can match (within its radius, when it has one), each with a
  // lower bound of its places' distance to the point, unsorted.
  std::vector<NearCell> cells_by_distance(const Query& q) const;
  void index_document(std::uint32_t doc);
  void unindex_document(std::uint32_t doc);
  void refresh_public_ids(std::string_view id);
  static std::uint64_t cell_of(double lat, double lon);

  const territory::Reference& territory_;
  StringPool strings_;
  std::vector<Document> docs_;
  // By document, dense (a query over many candidates reads these, not the documents): sort
  // prefixes of name_key and date_key, and the position.
  std::vector<std::uint64_t> name_prefix_, date_prefix_;
  std::vector<double> lat_, lon_, cos_lat_;  // cos_lat_: territory::cos_latitude(lat_)
  std::vector<territory::UnitVector> unit_;   // the position on the unit sphere
  // The rank of each document in the order of (name_key, public id) and of (date_key, public
  // id), so that ties of prefix compare integers too; kNoRank for documents changed since the
  // last ranking (they compare by their strings). Ranked by end_bulk() and by rank() when
  // enough documents lost theirs.
  static constexpr std::uint32_t kNoRank = 0xFFFFFFFF;
  std::vector<std::uint32_t> name_rank_, date_rank_;
  // The same orders as lists of documents (position = rank), and the live documents without a
  // rank. A list entry whose document lost its rank since is stale and skipped; the ranked
  // documents' keys have not changed since the ranking (a change unranks), so the entries
  // that are not stale are still in order.
  std::vector<std::uint32_t> name_order_, date_order_;
  // The same lists cut in blocks of kRankBlock positions, each block as the set of its
  // documents: a walk of the order intersects the matches with a block at a time. Each block
  // twice: with run containers (copies of a place nearby share a name: runs of documents),
  // which matches held in array containers intersect fastest, and with array containers only,
  // which matches held in bitset containers intersect fastest (CRoaring 0.2.66 intersects a
  // run with a bitset through a copy of the bitset).
  static constexpr std::size_t kRankBlock = 4096;
  struct RankBlocks {
    std::vector<Roaring> runs, arrays;
  };
  RankBlocks name_blocks_, date_blocks_;
  Roaring unranked_docs_;
  // visible(): the sets of the two kinds of search, computed again after a change.
  std::uint64_t version_ = 0;  // incremented by every change of live_, fusion_ or absorbed_
  struct VisibleCache {
    std::uint64_t version = ~std::uint64_t{0};
    std::shared_ptr<const Roaring> merged, sources;
  };
  mutable std::mutex visible_mutex_;
  mutable VisibleCache visible_cache_;
  std::unordered_map<std::string_view, std::uint32_t, StringHash> by_key_;  // source \x1f id, pooled
  std::unordered_multimap<std::string_view, std::uint32_t, StringHash> by_record_id_;  // id → documents
  std::vector<StringMap<std::uint32_t>> filters_;  // by filter slot: value → posting
  std::vector<Roaring> filter_postings_;
  PendingPostings filter_pending_;  // bulk mode
  bool bulk_ = false;
  bool texts_elsewhere_ = false;  // index_texts() is in use: index_document leaves the texts
  std::unordered_map<std::uint64_t, Roaring> cells_;       // grid cell → the places positioned in it
  std::unordered_map<std::uint64_t, Roaring> fine_cells_;  // fine cell → the same
  Roaring unplaced_;  // the live places without a position (in no cell)
  Roaring live_;
  // Merged places (source "fusion") and the records they absorb: a search shows the merged
  // place and hides its members, or, with doublons=inclure, the reverse.
  Roaring fusion_, absorbed_;
  std::unordered_map<std::string, std::vector<std::string>> fusion_members_;  // fusion key → members
  std::unordered_map<std::string, std::uint32_t> absorbed_by_;  // member key → merged places holding it
  TextIndex text_;
  OpeningIndex opening_;
  std::vector<std::string> holidays_as_other_days_;  // a few source names
  std::int64_t applied_seq_ = 0;
};

}  // namespace maillage::search
