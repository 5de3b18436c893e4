// Index::search: candidate sets with bitmaps, then sort keys for the candidates only.
#include <algorithm>
#include <cstdint>
#include <ctime>
#include <vector>

#include "search/bitmaps.h"
#include "search/cursor.h"
#include "search/index.h"
#include "search/tiers.h"
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
    if (auto n = and_cardinality(base, opening.open_set(opening.probe(OpenAt{false, now}))))
      counts["maintenant"] = n;
    return counts;
  }
  for (int d = 0; d < 7; ++d)
    if (auto n = and_cardinality(base, opening.open_on_days_set(now, 1u << d)))
      counts[weekday_names()[static_cast<std::size_t>(d)]] = n;
  return counts;
}

}  // namespace

namespace detail {

std::vector<Tier> relevance_tiers(const std::vector<WordHits>& words, const Roaring& matches,
                                  bool relax) {
  // Better: more words matched (relaxed tiers), then primary, then secondary.
  auto better = [](const Tier& a, const Tier& b) {
    if (a.matched != b.matched) return a.matched > b.matched;
    return a.primary != b.primary ? a.primary > b.primary : a.secondary > b.secondary;
  };
  // The class weights, best first, each once.
  std::vector<int> class_weights(std::begin(kClassWeight), std::end(kClassWeight));
  std::sort(class_weights.rbegin(), class_weights.rend());
  class_weights.erase(std::unique(class_weights.begin(), class_weights.end()), class_weights.end());

  std::vector<Tier> tiers;
  tiers.push_back({0, 0, matches, 0});
  for (const auto& w : words) {
    // This word's groups: disjoint, covering the matches (relaxed: the places it misses are
    // one more group, of no score).
    std::vector<Tier> groups;
    Roaring seen;
    for (std::size_t kind = 0; kind < WordHits::kKinds; ++kind)
      for (const int weight : class_weights) {
        Roaring group;
        for (std::size_t c = 0; c < kFieldClasses; ++c)
          if (const Roaring* set = w.sets[kind][c]; set && kClassWeight[c] == weight)
            group |= intersect_small_first(*set, matches);
        group -= seen;
        if (group.isEmpty()) continue;
        seen |= group;
        groups.push_back({kKindWeight[kind], weight, std::move(group), 1});
      }
    if (relax && w.partial) {
      Roaring group = intersect_small_first(*w.partial, matches);
      group -= seen;
      if (!group.isEmpty()) {
        seen |= group;
        groups.push_back({kKindWeight[WordHits::kTypo], 0, std::move(group), 0});
      }
    }
    if (relax) {
      Roaring missed = matches - seen;
      if (!missed.isEmpty()) groups.push_back({0, 0, std::move(missed), 0});
    }
    // Crossed with the tiers of the words before, then merged by score.
    std::vector<Tier> crossed;
    for (const auto& t : tiers)
      for (const auto& g : groups) {
        Roaring both = t.docs & g.docs;
        if (!both.isEmpty())
          crossed.push_back({t.primary + g.primary, t.secondary + g.secondary, std::move(both),
                             t.matched + g.matched});
      }
    std::stable_sort(crossed.begin(), crossed.end(), better);
    tiers.clear();
    for (auto& t : crossed) {
      if (!tiers.empty() && !better(tiers.back(), t)) {
        tiers.back().docs |= t.docs;
      } else {
        tiers.push_back(std::move(t));
      }
    }
  }
  return tiers;
}

}  // namespace detail

using detail::Tier;

bool Index::ordered_candidates(const Roaring& matches, bool by_date, const SortKey* after,
                               std::size_t limit, std::vector<std::uint32_t>& out) const {
  const auto& order = by_date ? date_order_ : name_order_;
  const auto& ranks = by_date ? date_rank_ : name_rank_;
  const std::uint64_t count = matches.cardinality();
  if (count == 0) return true;
  // Finding limit + 1 matches reads about (limit + 1) * order.size() / count positions of the
  // list, about a nanosecond each in blocks; iterating costs `count` heavier steps (a rank read
  // far apart, the heap). The list is read while that is cheaper, and given up past a budget
  // (matches bunched at the end of the order).
  const std::uint64_t budget = 16 * count + 1024;
  if ((limit + 1) * order.size() / count > budget) return false;
  auto key = [&](std::uint32_t doc) { return by_date ? docs_[doc].date_key : docs_[doc].name_key; };
  auto is_after = [&](std::uint32_t doc) {  // strictly after the cursor
    return comes_before(after->view(), SortKeyView{0, 0, 0, key(doc), docs_[doc].public_id});
  };
  // The first position after the cursor: a binary search over the entries that still hold
  // their rank (a removed document's public id is gone: skipped too).
  std::size_t lo = 0, hi = order.size();
  if (after) {
    auto current = [&](std::size_t p) { return ranks[order[p]] == p && docs_[order[p]].live; };
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      std::size_t p = mid;
      while (p < hi && !current(p)) ++p;
      if (p == hi || is_after(order[p])) {
        hi = mid;
      } else {
        lo = p + 1;
      }
    }
  }
  // The first positions are probed one by one (a few probes find a page of broad matches);
  // past kProbes misses the walk goes on a block at a time: the matches within a block of
  // the list, put in the list's order by their ranks.
  constexpr std::uint64_t kProbes = 64;
  const auto& blocks_of_order = by_date ? date_blocks_ : name_blocks_;
  const auto& blocks = mostly_bitsets(matches) ? blocks_of_order.arrays : blocks_of_order.runs;
  std::uint64_t misses = 0;
  std::size_t found = 0, p = lo;
  for (; p < order.size() && found <= limit && misses < kProbes; ++p) {
    const std::uint32_t doc = order[p];
    if (!matches.contains(doc)) {
      ++misses;
    } else if (ranks[doc] == p) {  // else unranked since: taken below
      out.push_back(doc);
      ++found;
    }
  }
  thread_local std::vector<std::pair<std::uint32_t, std::uint32_t>> in_block;  // (rank, doc)
  while (p < order.size() && found <= limit) {
    if (p - lo > budget) {
      out.clear();
      return false;
    }
    const std::size_t end = std::min(order.size(), (p / kRankBlock + 1) * kRankBlock);
    in_block.clear();
    for (const auto doc : matches & blocks[p / kRankBlock])
      if (const std::uint32_t r = ranks[doc]; r != kNoRank && r >= p && r < end)
        in_block.emplace_back(r, doc);
    std::sort(in_block.begin(), in_block.end());
    for (std::size_t i = 0; i < in_block.size() && found <= limit; ++i, ++found)
      out.push_back(in_block[i].second);
    p = end;
  }
  // The unranked matches after the cursor, all of them (a few: the follower ranks again).
  if (!unranked_docs_.isEmpty())
    for (const auto doc : matches & unranked_docs_)
      if (!after || is_after(doc)) out.push_back(doc);
  return true;
}

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

  // The context: everything but the field filters (so facets can be disjunctive). It is the
  // index's visible set itself (not a copy) until something narrows it.
  const std::shared_ptr<const Roaring> visible_docs = visible(q.include_duplicates);
  std::optional<Roaring> narrowed;
  auto narrow = [&](const Roaring& set) {
    if (narrowed) {
      *narrowed &= set;
    } else {
      narrowed = *visible_docs & set;
    }
  };
  auto context = [&]() -> const Roaring& { return narrowed ? *narrowed : *visible_docs; };
  if (q.radius_km || q.bbox) narrow(geo_set(q));
  // Every field filter of the query, computed once. When no requested facet is on a filtered
  // field, every facet counts within all the filters: they narrow the context before the words
  // are looked up (fewer documents to intersect with each word's postings).
  const std::optional<Roaring> all_filters = filter_set(q, "");
  const bool filters_first =
      all_filters && std::none_of(q.facets.begin(), q.facets.end(),
                                  [&](const std::string& f) { return q.filters.count(f) > 0; });
  if (filters_first) narrow(*all_filters);
  std::vector<WordHits> words;
  std::vector<Roaring> preferences;  // naturel=oui
  if (!q.text.empty()) {
    auto tokens = text::tokenize(q.text);
    bool all_stop = std::all_of(tokens.begin(), tokens.end(), [](auto& t) { return t.stop_word; });
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].stop_word && !all_stop) continue;
      // Looked up within the context so far (a radius, the words before), if any.
      words.push_back(text_.lookup(tokens[i].folded, tokens[i].stem, i + 1 == tokens.size(),
                                   narrowed ? &*narrowed : nullptr));
      if (q.natural) {
        // Relaxed: the words do not narrow each other. A typo never matches the place class
        // (an address, a commune): "papiers" is not "Pamiers".
        words.back().sets[WordHits::kTypo][kPlaceClass] = nullptr;
        continue;
      }
      if (narrowed) {
        *narrowed = words.back().any();  // within it already
      } else {
        narrow(words.back().any());
      }
    }
  }
  if (q.natural) {
    for (const auto& need : q.needs) {
      if (need.preference) {
        preferences.push_back(need_values(need.values));
      } else {
        words.push_back(need_hits(need, narrowed ? &*narrowed : nullptr));
      }
    }
    // A place matching none of the words and needs is not an answer.
    if (!words.empty()) {
      Roaring any;
      for (const auto& w : words) any |= w.any();
      narrow(any);
    }
  }
  // The context and the field filters but `except`'s.
  auto with_filters = [&](const std::string& except) {
    if (filters_first || !all_filters) return Roaring(context());
    std::optional<Roaring> set = q.filters.count(except) ? filter_set(q, except) : all_filters;
    if (!set) return Roaring(context());
    *set &= context();
    return std::move(*set);
  };
  const std::int64_t now = q.now != 0 ? q.now : static_cast<std::int64_t>(std::time(nullptr));
  const OpenAt at = q.open_at ? resolve_open_at(*q.open_at, now).value_or(OpenAt{false, now})
                              : OpenAt{false, now};
  const OpeningIndex::Probe probe = opening_.probe(at);
  // The opening filters (ouvert or ouvert_le, and ouvert_jour), kept apart for their facets.
  std::optional<Roaring> open_at_set, open_days_set;
  if (q.open_at) open_at_set = opening_.open_set(probe);
  if (q.open_weekdays) open_days_set = opening_.open_on_days_set(now, q.open_weekdays);
  // The field filters on what precedes; the opening filters on both.
  const Roaring filtered = with_filters("");
  std::optional<Roaring> opened;  // `filtered` and the opening filters, when there are some
  for (const auto* set : {&open_at_set, &open_days_set})
    if (*set) {
      narrow(**set);
      opened = opened ? *opened & **set : filtered & **set;
    }
  const Roaring& matches = opened ? *opened : filtered;
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
    const Roaring facet_base = with_filters(field);
    if (const int slot = filter_slot(field); slot >= 0)
      for (const auto& [value, posting] : filters_[slot])
        if (auto n = and_cardinality(facet_base, filter_postings_[posting])) counts[value] = n;
  }

  // Sort keys of the candidates after the cursor. A key is compared by its numbers first
  // (score, distance, then the rank of its text, or for a place changed since the last
  // ranking the 8-byte prefix of its text) and reads the document's strings only on a tie, so
  // a broad query ranks a million candidates from one dense array.
  const bool uses_text = q.sort == Sort::kName || q.sort == Sort::kUpdate ||
                         (q.sort == Sort::kRelevance && !q.point);
  const auto& prefixes = q.sort == Sort::kUpdate ? date_prefix_ : name_prefix_;
  const auto& ranks = q.sort == Sort::kUpdate ? date_rank_ : name_rank_;
  struct Keyed {
    int primary = 0, secondary = 0;
    double distance = 0;
    std::uint64_t prefix = 0;
    std::uint32_t rank = kNoRank;
    Hit hit;
  };
  auto view_of = [&](const Keyed& k) {
    const Document& d = docs_[k.hit.doc];
    std::string_view text;
    if (uses_text) text = q.sort == Sort::kUpdate ? d.date_key : d.name_key;
    return SortKeyView{k.primary, k.secondary, k.distance, text, d.public_id};
  };
  auto by_key = [&](const Keyed& a, const Keyed& b) {
    if (a.primary != b.primary) return a.primary > b.primary;
    if (a.secondary != b.secondary) return a.secondary > b.secondary;
    if (a.distance != b.distance) return a.distance < b.distance;
    if (a.rank != kNoRank && b.rank != kNoRank) return a.rank < b.rank;
    // An unranked place (changed since the last ranking): prefixes, then strings.
    if (uses_text) {
      const std::uint64_t pa = prefixes[a.hit.doc], pb = prefixes[b.hit.doc];
      if (pa != pb) return pa < pb;
    }
    return comes_before(view_of(a), view_of(b));
  };
  std::optional<Keyed> after_key;  // the cursor's numbers
  if (after) after_key = Keyed{after->primary, after->secondary, after->distance,
                               uses_text ? sort_prefix(after->text) : 0, kNoRank, {}};
  // Strictly after the cursor?
  auto after_cursor_key = [&](const Keyed& k) {
    const Keyed& a = *after_key;
    if (a.primary != k.primary) return a.primary > k.primary;
    if (a.secondary != k.secondary) return a.secondary > k.secondary;
    if (a.distance != k.distance) return a.distance < k.distance;
    if (uses_text && a.prefix != prefixes[k.hit.doc]) return a.prefix < prefixes[k.hit.doc];
    return comes_before(after->view(), view_of(k));
  };
  // The best `limit` keys after the cursor, in a max-heap (its top is the worst kept), and how
  // many candidates come after the cursor at all (is there a next page?).
  std::vector<Keyed> heap;
  heap.reserve(q.limit);
  std::uint64_t after_cursor = 0;
  auto consider = [&](const Keyed& k) {
    ++after_cursor;
    if (heap.size() < q.limit) {
      heap.push_back(k);
      std::push_heap(heap.begin(), heap.end(), by_key);
    } else if (by_key(k, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), by_key);
      heap.back() = k;
      std::push_heap(heap.begin(), heap.end(), by_key);
    }
  };
  const double cos_point = q.point ? territory::cos_latitude(q.point->latitude) : 0;
  auto distance_of = [&](std::uint32_t doc) {
    return q.point && docs_[doc].has_position
               ? territory::distance_km(q.point->latitude, q.point->longitude, cos_point,
                                        lat_[doc], lon_[doc], cos_lat_[doc])
               : -1.0;
  };
  // The key of a candidate whose score is known.
  auto keyed = [&](std::uint32_t doc, int primary, int secondary) {
    Keyed k;
    k.primary = primary;
    k.secondary = secondary;
    k.hit.doc = doc;
    k.hit.distance_km = distance_of(doc);
    if (q.point && (q.sort == Sort::kRelevance || q.sort == Sort::kDistance))
      k.distance = k.hit.distance_km >= 0 ? k.hit.distance_km : 1e9;
    if (uses_text) k.rank = ranks[doc];  // the prefix is read only for an unranked place
    return k;
  };
  // Once the page is full: is a place (with a position) farther than its last place, by more
  // than rounding? Then it cannot enter the page, and its distance is not computed (the chord
  // to the point is a few multiplications; distance_km two sines and an arcsine).
  const territory::UnitVector centre =
      q.point ? territory::unit_vector(q.point->latitude, q.point->longitude) : territory::UnitVector{};
  double last_distance = -1, last_haversine = 0;
  auto beyond_page = [&](std::uint32_t doc, int primary, int secondary) {
    if (heap.size() < q.limit || !docs_[doc].has_position) return false;
    const Keyed& last = heap.front();
    if (last.primary != primary || last.secondary != secondary) return false;
    if (last.distance != last_distance) {
      last_distance = last.distance;
      last_haversine = territory::haversine_of_km(last.distance);
    }
    return territory::chord_haversine(unit_[doc], centre) > last_haversine + 1e-12;
  };
  // Gives `visit` the places of `set` (all scored primary, secondary) nearest first, cell by
  // cell (places without a position last), passing over those beyond_page() puts after the
  // page, and stops at the first cell that cannot come before the page's last place. True
  // when places of `set` were left unread or passed over (there is a next page). A cell with
  // many of the places is read fine cell by fine cell, each with its exact least distance. A
  // small set is read whole.
  std::vector<NearCell> cells;
  bool cells_ready = false;
  auto nearest_first = [&](const Roaring& set, int primary, int secondary, auto&& visit_place) -> bool {
    bool skipped = false;
    auto visit = [&](std::uint32_t doc) {
      if (beyond_page(doc, primary, secondary)) {
        skipped = true;
      } else {
        visit_place(doc);
      }
    };
    const std::uint64_t count = set.cardinality();
    constexpr std::uint64_t kWhole = 2048, kSplit = 256;
    if (count <= kWhole) {
      for (const auto doc : set) visit(doc);
      return skipped;
    }
    auto nearer = [](const NearCell& a, const NearCell& b) { return a.bound > b.bound; };  // min-heap
    if (!cells_ready) {
      cells = cells_by_distance(q);
      cells_ready = true;
    }
    std::vector<NearCell> pending = cells;  // popped nearest first
    std::make_heap(pending.begin(), pending.end(), nearer);
    const std::uint64_t placed = count - set.and_cardinality(unplaced_);
    std::uint64_t seen = 0;
    while (seen < placed && !pending.empty()) {
      std::pop_heap(pending.begin(), pending.end(), nearer);
      const NearCell next = pending.back();
      pending.pop_back();
      if (heap.size() == q.limit && next.bound > heap.front().distance) return true;  // places left
      const Roaring here = *next.places & set;
      const std::uint64_t n = here.cardinality();
      if (!next.fine && n > kSplit) {
        for_each_fine_cell(next.cell, [&](std::uint64_t fine, const Roaring& part) {
          pending.push_back({min_distance_km(fine_box(fine), q.point->latitude, q.point->longitude),
                             &part, fine, true});
          std::push_heap(pending.begin(), pending.end(), nearer);
        });
        continue;
      }
      seen += n;
      for (const auto doc : here) visit(doc);
    }
    if (placed < count)
      for (const auto doc : set & unplaced_) visit(doc);
    return skipped;
  };
  // Every candidate has the same numbers when the order is the text's alone: its first
  // places are read from the rank list (a few hundred probes instead of every match).
  // naturel=oui: relaxed words and needs, preferences, relevance within distance bands.
  const bool natural_ranking =
      q.natural && q.sort == Sort::kRelevance && (!words.empty() || !preferences.empty());
  const bool text_order =
      q.sort == Sort::kName || q.sort == Sort::kUpdate ||
      (q.sort == Sort::kRelevance && !q.point && words.empty() && !natural_ranking);
  const bool cursor_in_text_order =
      !after || (after->primary == 0 && after->secondary == 0 && after->distance == 0);
  // The order of distance alone (the numbers but distance are the same for every candidate).
  const bool distance_order =
      q.point && (q.sort == Sort::kDistance ||
                  (q.sort == Sort::kRelevance && words.empty() && !natural_ranking));
  bool more = false;  // places left unread after the page (so there is a next page)
  std::vector<std::uint32_t> ordered;
  if (text_order && cursor_in_text_order &&
      ordered_candidates(matches, q.sort == Sort::kUpdate, after ? &*after : nullptr, q.limit, ordered)) {
    for (const auto doc : ordered) consider(keyed(doc, 0, 0));
  } else if (distance_order) {
    more = nearest_first(matches, 0, 0, [&](std::uint32_t doc) {
      const Keyed k = keyed(doc, 0, 0);
      if (!after_key || after_cursor_key(k)) consider(k);
    });
  } else if (q.sort == Sort::kRelevance && (!words.empty() || natural_ranking)) {
    // Tier by tier, best first; within a tier by distance (with a point) or by name, the
    // latter read from the rank list. Once the page is full, the tiers left come after it.
    std::vector<Tier> tiers;
    if (natural_ranking) {
      std::vector<Roaring> bands;
      if (q.point) {
        Query around;
        around.point = q.point;
        for (const double km : detail::kBandsKm) {
          around.radius_km = km;
          bands.push_back(geo_set(around) & matches);
        }
      }
      detail::NaturalCounts counts;
      tiers = detail::natural_tiers(words, preferences, matches, q.point ? &bands : nullptr, counts);
      result.complete = counts.complete;
      result.complete_nearby = counts.complete_nearby;
    } else {
      tiers = detail::relevance_tiers(words, matches, false);
    }
    for (const auto& tier : tiers) {
      if (after_key && (tier.primary != after_key->primary ? tier.primary > after_key->primary
                                                           : tier.secondary > after_key->secondary))
        continue;  // before the cursor's tier
      if (heap.size() == q.limit) {
        more = true;
        break;
      }
      const bool cursor_tier = after_key && tier.primary == after_key->primary &&
                               tier.secondary == after_key->secondary;
      auto visit = [&](std::uint32_t doc) {
        const Keyed k = keyed(doc, tier.primary, tier.secondary);
        if (!cursor_tier || after_cursor_key(k)) consider(k);
      };
      if (q.point) {
        if (nearest_first(tier.docs, tier.primary, tier.secondary, visit)) {
          more = true;
          break;
        }
        continue;
      }
      // Within the cursor's tier, only its name and id are left to compare.
      std::optional<SortKey> in_tier;
      if (cursor_tier) in_tier = SortKey{0, 0, 0, after->text, after->public_id};
      ordered.clear();
      if (ordered_candidates(tier.docs, false, in_tier ? &*in_tier : nullptr, q.limit - heap.size(),
                             ordered)) {
        for (const auto doc : ordered) consider(keyed(doc, tier.primary, tier.secondary));
      } else {
        for (const auto doc : tier.docs) visit(doc);
      }
    }
  } else {
    for (auto doc : matches) {
      const Keyed k = keyed(doc, 0, 0);
      if (!after_key || after_cursor_key(k)) consider(k);
    }
  }
  if (more) after_cursor = std::max<std::uint64_t>(after_cursor, heap.size() + 1);
  std::sort_heap(heap.begin(), heap.end(), by_key);
  for (const auto& k : heap) {
    result.hits.push_back(k.hit);
    result.hits.back().open = opening_.open(k.hit.doc, probe);
  }
  if (after_cursor > heap.size() && !heap.empty()) result.next_cursor = encode_cursor(view_of(heap.back()));
  return result;
}

}  // namespace maillage::search
