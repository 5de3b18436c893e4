// Natural ranking (naturel=oui): relaxed words and needs, preferences, distance bands.
#include <algorithm>
#include <optional>
#include <vector>

#include "search/index.h"
#include "search/tiers.h"
#include "text/tokenize.h"

namespace maillage::search {

namespace detail {
namespace {

// Encoded ranks (see natural_tiers): nearby places above every farther one; within them more
// matched items first, then the nearer band, then the kinds of match.
constexpr int kNearby = 1'000'000;
constexpr int kPerMatched = 10'000;
constexpr int kPerBand = 1'000;

}  // namespace

std::vector<Tier> natural_tiers(const std::vector<WordHits>& items,
                                const std::vector<Roaring>& preferences, const Roaring& matches,
                                const std::vector<Roaring>* bands, NaturalCounts& counts) {
  std::vector<Tier> tiers = relevance_tiers(items, matches, true);
  const int all = static_cast<int>(items.size());
  for (const auto& t : tiers)
    if (t.matched == all) counts.complete += t.docs.cardinality();
  // Preferences: one point of secondary score each.
  for (const Roaring& pref : preferences) {
    std::vector<Tier> split;
    for (auto& t : tiers) {
      Roaring with = t.docs & pref;
      Roaring without = t.docs - with;
      if (!with.isEmpty()) split.push_back({t.primary, t.secondary + 1, std::move(with), t.matched});
      if (!without.isEmpty()) split.push_back({t.primary, t.secondary, std::move(without), t.matched});
    }
    tiers = std::move(split);
  }
  std::vector<Tier> out;
  if (!bands) {
    for (auto& t : tiers)
      out.push_back({t.matched * kPerMatched + t.primary, t.secondary, std::move(t.docs), t.matched});
  } else {
    const Roaring& nearby = bands->back();
    for (auto& t : tiers) {
      Roaring inner;  // the places of the bands before
      for (std::size_t b = 0; b < kBands; ++b) {
        Roaring ring = t.docs & (*bands)[b];
        ring -= inner;
        inner |= ring;
        if (ring.isEmpty()) continue;
        if (t.matched == all) counts.complete_nearby += ring.cardinality();
        const int band_rank = static_cast<int>(kBands - 1 - b);
        out.push_back({kNearby + t.matched * kPerMatched + band_rank * kPerBand + t.primary,
                       t.secondary, std::move(ring), t.matched});
      }
      Roaring far = t.docs - nearby;
      if (!far.isEmpty()) out.push_back({t.matched * kPerMatched, 0, std::move(far), t.matched});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Tier& a, const Tier& b) {
    return a.primary != b.primary ? a.primary > b.primary : a.secondary > b.secondary;
  });
  std::vector<Tier> merged;
  for (auto& t : out) {
    if (!merged.empty() && merged.back().primary == t.primary &&
        merged.back().secondary == t.secondary) {
      merged.back().docs |= t.docs;
    } else {
      merged.push_back(std::move(t));
    }
  }
  return merged;
}

}  // namespace detail

Roaring Index::need_values(const std::vector<std::pair<std::string, std::string>>& values) const {
  std::vector<const Roaring*> parts;
  for (const auto& [field, value] : values) {
    const int slot = filter_slot(field);
    if (slot < 0) continue;
    if (auto b = filters_[slot].find(value); b != filters_[slot].end())
      parts.push_back(&filter_postings_[b->second]);
  }
  if (parts.empty()) return Roaring();
  return Roaring::fastunion(parts.size(), parts.data());
}

WordHits Index::need_hits(const NeedTerm& need, const Roaring* within) const {
  // What the place is: its programme or type, or a name holding one of the need's phrases.
  Roaring identity = need_values(need.identity_values);
  for (const auto& phrase : need.name_phrases) {
    std::optional<Roaring> named;
    for (const auto& word : phrase) {
      const Postings* p = text_.term(word);
      if (!p) {
        named.reset();
        break;
      }
      named = named ? *named & (*p)[kNameClass] : (*p)[kNameClass];
      if (named->isEmpty()) break;
    }
    if (named) identity |= *named;
  }
  if (within) identity &= *within;
  Roaring hits = need_values(need.values);
  // The words typed for it, each exactly (or by stem, past 4 letters: "caf" is not "café"),
  // in any field: "Point relais CAF", "aide à la déclaration d'impôts".
  std::optional<Roaring> text;
  for (const auto& word : need.words) {
    std::vector<const Roaring*> parts;
    if (const Postings* p = text_.term(word))
      for (const Roaring& r : *p) parts.push_back(&r);
    if (word.size() > 4)
      if (const Postings* p = text_.stem(text::stem_word(word)))
        for (const Roaring& r : *p) parts.push_back(&r);
    Roaring any = Roaring::fastunion(parts.size(), parts.data());
    text = text ? *text & any : std::move(any);
  }
  if (text) hits |= *text;
  if (within) hits &= *within;
  hits -= identity;
  WordHits out;
  if (!need.weak_values.empty()) {
    Roaring weak = need_values(need.weak_values);
    if (within) weak &= *within;
    weak -= hits;
    weak -= identity;
    out.owned.push_back(std::make_unique<Roaring>(std::move(weak)));
    out.partial = out.owned.back().get();
  }
  out.owned.push_back(std::make_unique<Roaring>(std::move(hits)));
  out.sets[WordHits::kExact][kLabelClass] = out.owned.back().get();
  out.owned.push_back(std::make_unique<Roaring>(std::move(identity)));
  out.sets[WordHits::kExact][kNameClass] = out.owned.back().get();
  return out;
}

}  // namespace maillage::search
