// Index::search: candidate sets with bitmaps, then sort keys for the candidates only.
#include <algorithm>
#include <ctime>

#include "search/cursor.h"
#include "search/index.h"
#include "territory/geo.h"
#include "text/tokenize.h"

namespace maillage::search {
namespace {

constexpr int kKindWeight[] = {4, 3, 2, 1};  // exact, stem, prefix, typo
constexpr int kClassWeight[kFieldClasses] = {4, 2, 2, 1};

// The counts of facettes=ouvert ("maintenant") or facettes=ouvert_jour ("lundi" ... "dimanche")
// among `base`; values without places are left out, as for the other facets.
std::map<std::string, std::uint64_t> opening_counts(const OpeningIndex& opening,
                                                    const std::string& field, const Roaring& base,
                                                    std::int64_t now) {
  std::map<std::string, std::uint64_t> counts;
  if (field == "ouvert") {
    if (auto n = base.and_cardinality(opening.open_set(opening.probe(OpenAt{false, now}))))
      counts["maintenant"] = n;
    return counts;
  }
  for (int d = 0; d < 7; ++d)
    if (auto n = base.and_cardinality(opening.open_on_days_set(now, 1u << d)))
      counts[weekday_names()[static_cast<std::size_t>(d)]] = n;
  return counts;
}

}  // namespace

SearchResult Index::search(const Query& q) const {
  SearchResult result;
  std::optional<SortKey> after;
  if (!q.cursor.empty()) {
    after = decode_cursor(q.cursor);
    if (!after) {
      result.error = QueryError{"curseur", "curseur invalide ou expiré : relancez la recherche."};
      return result;
    }
  }

  // The context: everything but the field filters (so facets can be disjunctive).
  Roaring context = visible(q);
  if (q.radius_km || q.bbox) context &= geo_set(q);
  std::vector<WordHits> words;
  if (!q.text.empty()) {
    auto tokens = text::tokenize(q.text);
    bool all_stop = std::all_of(tokens.begin(), tokens.end(), [](auto& t) { return t.stop_word; });
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].stop_word && !all_stop) continue;
      words.push_back(text_.lookup(tokens[i].folded, tokens[i].stem, i + 1 == tokens.size()));
      context &= words.back().any();
    }
  }
  const std::int64_t now = q.now != 0 ? q.now : static_cast<std::int64_t>(std::time(nullptr));
  const OpenAt at = q.open_at ? resolve_open_at(*q.open_at, now).value_or(OpenAt{false, now})
                              : OpenAt{false, now};
  const OpeningIndex::Probe probe = opening_.probe(at);
  // The opening filters (ouvert or ouvert_le, and ouvert_jour), kept apart for their facets.
  std::optional<Roaring> open_at_set, open_days_set;
  if (q.open_at) open_at_set = opening_.open_set(probe);
  if (q.open_weekdays) open_days_set = opening_.open_on_days_set(now, q.open_weekdays);
  // The field filters on what precedes; the opening filters on both.
  const Roaring filtered = context & filter_set(q, "");
  Roaring matches = filtered;
  for (const auto* set : {&open_at_set, &open_days_set})
    if (*set) {
      context &= **set;
      matches &= **set;
    }
  result.total = matches.cardinality();
  for (const auto& field : q.facets) {
    auto& counts = result.facets[field];
    if (field == "ouvert" || field == "ouvert_jour") {
      // Disjunctive too: every filter but this one's own.
      Roaring base = filtered;
      if (field == "ouvert" && open_days_set) base &= *open_days_set;
      if (field == "ouvert_jour" && open_at_set) base &= *open_at_set;
      counts = opening_counts(opening_, field, base, now);
      continue;
    }
    Roaring facet_base = context & filter_set(q, field);
    if (auto f = filters_.find(field); f != filters_.end())
      for (const auto& [value, bitmap] : f->second)
        if (auto n = facet_base.and_cardinality(bitmap)) counts[value] = n;
  }

  // Sort keys of the candidates after the cursor.
  struct Keyed {
    SortKeyView key;
    Hit hit;
  };
  // The best `limit` keys after the cursor, in a max-heap (its top is the worst kept), and how
  // many candidates come after the cursor at all (is there a next page?).
  auto by_key = [](const Keyed& a, const Keyed& b) { return comes_before(a.key, b.key); };
  std::vector<Keyed> heap;
  heap.reserve(q.limit);
  std::uint64_t after_cursor = 0;
  for (auto doc : matches) {
    const Document& d = docs_[doc];
    Keyed k{{}, {doc, -1}};
    if (q.point && d.has_position)
      k.hit.distance_km = territory::distance_km(q.point->latitude, q.point->longitude,
                                                 d.latitude, d.longitude);
    double dist = q.point ? (d.has_position ? k.hit.distance_km : 1e9) : 0;
    switch (q.sort) {
      case Sort::kRelevance:
        for (const auto& w : words) {
          int best_kind = 0, best_class = 0;
          const Postings* kinds[] = {&w.exact, &w.stem, &w.prefix, &w.typo};
          for (int kind = 0; kind < 4 && best_kind == 0; ++kind)
            for (std::size_t c = 0; c < kFieldClasses; ++c)
              if ((*kinds[kind])[c].contains(doc)) {
                best_kind = kKindWeight[kind];
                best_class = std::max(best_class, kClassWeight[c]);
              }
          k.key.primary += best_kind;
          k.key.secondary += best_class;
        }
        k.key.distance = dist;
        if (!q.point) k.key.text = d.name_key;
        break;
      case Sort::kDistance: k.key.distance = dist; break;
      case Sort::kName: k.key.text = d.name_key; break;
      case Sort::kUpdate: k.key.text = d.date_key; break;
    }
    k.key.public_id = d.public_id;
    if (after && !comes_before(after->view(), k.key)) continue;
    ++after_cursor;
    if (heap.size() < q.limit) {
      heap.push_back(k);
      std::push_heap(heap.begin(), heap.end(), by_key);
    } else if (by_key(k, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), by_key);
      heap.back() = k;
      std::push_heap(heap.begin(), heap.end(), by_key);
    }
  }
  std::sort_heap(heap.begin(), heap.end(), by_key);
  for (const auto& k : heap) {
    result.hits.push_back(k.hit);
    result.hits.back().open = opening_.open(k.hit.doc, probe);
  }
  if (after_cursor > heap.size() && !heap.empty()) result.next_cursor = encode_cursor(heap.back().key);
  return result;
}

}  // namespace maillage::search
