// Private to src/search: the relevance tiers of a text query (search/ranking.cpp,
// search/natural.cpp). Every match lies in exactly one tier; ranking walks the tiers best first
// (primary desc, secondary desc) and, inside a tier, orders by distance or by name.
#pragma once

#include <roaring/roaring.hh>

#include <cstdint>
#include <optional>
#include <vector>

#include "search/text_index.h"

namespace maillage::search::detail {

struct Tier {
  int primary = 0, secondary = 0;
  Roaring docs;
  int matched = 0;  // how many of the query's words and needs the tier's places match
};

// A place's score for one word is the weight of its best kind of match (exact, stem, prefix,
// typo) and, within that kind, of its best field class; its score is the sum over the words
// (primary: kinds, secondary: classes). Strict (`relax` false): every match matches every
// word. Relaxed: a match may miss words, and tiers are ordered by `matched` first.
std::vector<Tier> relevance_tiers(const std::vector<WordHits>& words, const Roaring& matches,
                                  bool relax);

// The distance bands of natural ranking (km); beyond the last, a place is "far".
inline constexpr double kBandsKm[] = {5, 10, 20, 50};
inline constexpr std::size_t kBands = std::size(kBandsKm);

// What natural_tiers tells beside the tiers.
struct NaturalCounts {
  std::uint64_t complete = 0;         // places matching every word and need
  std::uint64_t complete_nearby = 0;  // of those, within the last band (with a point)
};

// Relaxed tiers for naturel=oui: `items` are the query's words and needs (a place need not
// match all: more matched ranks first), `preferences` only add to the secondary score. With
// `bands` (the places within each of kBandsKm, cumulative), relevance is ranked within
// distance: (matched, band, kinds, classes) for places within the last band, then every
// farther place by (matched) alone, nearest first. The order is encoded in (primary,
// secondary) so that cursors and the tier walk work unchanged.
std::vector<Tier> natural_tiers(const std::vector<WordHits>& items,
                                const std::vector<Roaring>& preferences, const Roaring& matches,
                                const std::vector<Roaring>* bands, NaturalCounts& counts);

}  // namespace maillage::search::detail
