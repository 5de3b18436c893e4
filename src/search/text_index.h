// The inverted index of French words: for every folded word and every Snowball stem, the
// documents containing it, per field class. Prefix lookups go through an ordered dictionary;
// typo tolerance through a dictionary of deletions (1 edit from 4 letters, 2 from 8;
// a transposition counts as one edit), verified with the Damerau-Levenshtein distance.
// Not thread-safe for writes; concurrent const lookups are safe.
#pragma once

#include <roaring/roaring.hh>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace maillage::search {

enum FieldClass : std::uint8_t { kNameClass = 0, kLabelClass = 1, kPlaceClass = 2, kTextClass = 3 };
inline constexpr std::size_t kFieldClasses = 4;

using Postings = std::array<Roaring, kFieldClasses>;

// After a bulk load: no spare capacity, and with `runs`, runs of documents as run containers.
// Places are numbered in space order, so the sets of a cell or of a schedule (copies of a
// place's hours nearby) hold long runs; the postings of labels and words are left as arrays
// and bitsets, which intersect and count faster than runs with many gaps (measured: a facet
// query over three labels twice as slow with run containers).
inline void compact(Roaring& bitmap, bool runs = false) {
  if (runs) bitmap.runOptimize();
  bitmap.shrinkToFit();
}

// Hash maps keyed by std::string, looked up by std::string_view without a copy (XXH3: the
// index hashes about a hundred million short strings while it builds).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const;
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// Postings gathered during a bulk load and added to their bitmaps together, a sorted run at a
// time (Roaring::addMany), several times faster than one Roaring::add each: a million places
// make about 70 million postings, spread over a hundred thousand bitmaps. Lists are numbered
// by their owner; documents must come in increasing order.
class PendingPostings {
 public:
  void add(std::size_t list, std::uint32_t doc) {
    if (list >= pending_.size()) pending_.resize(list + 1);
    auto& p = pending_[list];
    if (p.empty()) dirty_.push_back(list);
    p.push_back(doc);
    ++count_;
  }
  std::size_t size() const { return count_; }
  // Adds every pending list to target(list) (a Roaring&), then forgets them.
  template <typename Target>
  void flush(Target&& target) {
    for (auto list : dirty_) {
      auto& p = pending_[list];
      target(list).addMany(p.size(), p.data());
      p.clear();
    }
    dirty_.clear();
    count_ = 0;
  }
  void release() { *this = PendingPostings(); }

 private:
  std::vector<std::vector<std::uint32_t>> pending_;
  std::vector<std::size_t> dirty_;
  std::size_t count_ = 0;
};

// How a document matches one query word: by kind of match (exact, stem, prefix, typo) and
// field class, the documents, or nullptr for none. A set is the index's own posting (no copy)
// or a bitmap owned here (a union, or a posting within the query's context).
struct WordHits {
  enum Kind { kExact = 0, kStem = 1, kPrefix = 2, kTypo = 3 };
  static constexpr std::size_t kKinds = 4;
  std::array<std::array<const Roaring*, kFieldClasses>, kKinds> sets{};
  // Relaxed search only (naturel=oui): places that plausibly match without counting as a
  // match (a need met only by the type of place: a library for "wifi").
  const Roaring* partial = nullptr;
  std::vector<std::unique_ptr<Roaring>> owned;

  Roaring any() const;  // union of everything
};

class TextIndex {
 public:
  // Bulk mode (a build): add() gathers postings, end_bulk() or flush() writes them. lookup()
  // sees only what is written.
  void begin_bulk() { bulk_ = true; }
  void flush();
  void end_bulk();

  // Indexes `text` of document `doc` in field class `fc`.
  void add(std::uint32_t doc, FieldClass fc, std::string_view text);
  // Removes what add(doc, fc, text) added (the same arguments).
  void remove(std::uint32_t doc, FieldClass fc, std::string_view text);

  // The documents matching one query word (folded form and folded stem); prefix matching only
  // when `allow_prefix` (the last word being typed). With `within`, only those of its
  // documents (the query's context so far): each posting is intersected with it before any
  // union, which reads little of the postings of common words.
  WordHits lookup(std::string_view folded, std::string_view stem, bool allow_prefix,
                  const Roaring* within = nullptr) const;

  // The postings of one folded word as written, or of one folded stem, per field class; null
  // when no document has it. No prefix, no typo: what a need's own words are matched with.
  const Postings* term(std::string_view folded) const;
  const Postings* stem(std::string_view stem) const;

  std::size_t term_count() const { return terms_.size(); }

  // Damerau-Levenshtein distance (optimal string alignment) between two UTF-8 words, counted
  // in code points, stopping early above `max`.
  static int edit_distance(std::string_view a, std::string_view b, int max);

 private:
  // A word as written in a document, tokenised once: its term and stem ids (kStopWord for
  // stop words and words that fold to nothing). Place texts repeat their words a lot (names of
  // communes, "médiathèque", the services' labels), so indexing mostly skips ICU and Snowball.
  struct WordIds {
    std::uint32_t term, stem;
  };
  static constexpr std::uint32_t kStopWord = 0xFFFFFFFF;
  WordIds word_ids(std::string_view word);
  std::uint32_t term_id(const std::string& folded);
  std::uint32_t stem_id(const std::string& stem);
  static int max_typos(std::size_t length);

  std::map<std::string, std::uint32_t, std::less<>> terms_;          // folded word → id
  std::vector<Postings> term_postings_;
  std::vector<std::string> term_text_;
  StringMap<std::uint32_t> stem_ids_;                                // folded stem → id
  std::vector<Postings> stem_postings_;
  StringMap<WordIds> words_;                                          // raw word → ids
  // Texts of the closed vocabularies (services, labels, programmes, typologies: kLabelClass)
  // repeat from place to place: their words are looked up once per distinct text.
  StringMap<std::vector<WordIds>> label_texts_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> deletes_;  // deletion → term ids
  bool bulk_ = false;
  PendingPostings term_pending_, stem_pending_;  // list: id * kFieldClasses + class
};

}  // namespace maillage::search
