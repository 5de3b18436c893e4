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
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "place/compact.h"
#include "place/place.h"
#include "search/opening.h"
#include "search/query.h"
#include "search/text_index.h"
#include "store/store.h"

namespace maillage::territory {
class Reference;
}

namespace maillage::search {

struct Document {
  std::string source, id, public_id;
  place::CompactPlace place;  // the normalised record (unpack() for a place::Place)
  double latitude = 0, longitude = 0;
  bool has_position = false, approx_position = false;
  std::string name_key;  // folded name, for sorting
  std::string date_key;  // date_maj with its digits complemented: newest sorts first
  bool live = false;
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
  std::optional<QueryError> error;  // a bad cursor
};

class Index {
 public:
  explicit Index(const territory::Reference& territory);

  // Adds or replaces the place (source, id).
  void upsert(const store::StoredPlace& p);
  void remove(const std::string& source, const std::string& id);
  // Applies one entry of the change log (the record is in the change).
  void apply(const store::Change& change);
  std::int64_t applied_seq() const { return applied_seq_; }
  void set_applied_seq(std::int64_t seq) { applied_seq_ = seq; }

  SearchResult search(const Query& q) const;

  const Document* document(std::uint32_t doc) const;
  const Document* find_public(const std::string& public_id) const;
  // The live document of (source, id) in the store, or null.
  const Document* find(const std::string& source, const std::string& id) const;
  // The merged place that absorbs this record, if any (its members are listed in its
  // provenance); and the members of a merged place, as documents.
  const Document* merged_into(const Document& d) const;
  std::vector<const Document*> members_of(const Document& merged) const;
  std::size_t size() const { return live_.cardinality(); }
  // The places a default search can show: merged places and the records no merged place holds.
  std::size_t visible_size() const { return (live_ - absorbed_).cardinality(); }
  // Calls `fn` with every place a default search can show (merged places and the records no
  // merged place holds), in document order.
  template <typename Fn>
  void for_each_visible(Fn&& fn) const {
    for (std::uint32_t doc : live_ - absorbed_) fn(docs_[doc]);
  }
  // Room for `n` documents (before a bulk load).
  void reserve(std::size_t n);

 private:
  Roaring filter_set(const Query& q, const std::string& except_field) const;
  // The live documents a query can see: merged places, or source records (doublons=inclure).
  Roaring visible(const Query& q) const;
  void set_members(const std::string& fusion_key, std::vector<std::string> members);
  void mark_absorbed(const std::string& key, bool absorbed);
  Roaring geo_set(const Query& q) const;
  Roaring cells_in(double min_lat, double min_lon, double max_lat, double max_lon) const;
  void index_document(std::uint32_t doc);
  void unindex_document(std::uint32_t doc);
  void refresh_public_ids(const std::string& id);
  static std::uint64_t cell_of(double lat, double lon);

  const territory::Reference& territory_;
  std::vector<Document> docs_;
  std::unordered_map<std::string, std::uint32_t> by_key_;  // source + '\x1f' + id
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_record_id_;
  std::unordered_map<std::string, std::uint32_t> by_public_id_;
  std::unordered_map<std::string, std::unordered_map<std::string, Roaring>> filters_;
  std::unordered_map<std::uint64_t, Roaring> cells_;
  Roaring live_;
  // Merged places (source "fusion") and the records they absorb: a search shows the merged
  // place and hides its members, or, with doublons=inclure, the reverse.
  Roaring fusion_, absorbed_;
  std::unordered_map<std::string, std::vector<std::string>> fusion_members_;  // fusion key → members
  std::unordered_map<std::string, std::uint32_t> absorbed_by_;  // member key → merged places holding it
  TextIndex text_;
  OpeningIndex opening_;
  std::int64_t applied_seq_ = 0;
};

}  // namespace maillage::search
