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
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace maillage::search {

enum FieldClass : std::uint8_t { kNameClass = 0, kLabelClass = 1, kPlaceClass = 2, kTextClass = 3 };
inline constexpr std::size_t kFieldClasses = 4;

using Postings = std::array<Roaring, kFieldClasses>;

// How a document matches one query word, per field class.
struct WordHits {
  Postings exact, stem, prefix, typo;
  Roaring any() const;  // union of everything
};

class TextIndex {
 public:
  // Indexes `text` of document `doc` in field class `fc`.
  void add(std::uint32_t doc, FieldClass fc, std::string_view text);
  // Removes a document everywhere it was added.
  void remove(std::uint32_t doc);

  // The documents matching one query word (folded form and folded stem); prefix matching only
  // when `allow_prefix` (the last word being typed).
  WordHits lookup(std::string_view folded, std::string_view stem, bool allow_prefix) const;

  std::size_t term_count() const { return terms_.size(); }

  // Damerau-Levenshtein distance (optimal string alignment) between two UTF-8 words, counted
  // in code points, stopping early above `max`.
  static int edit_distance(std::string_view a, std::string_view b, int max);

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

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
  std::unordered_map<std::string, std::vector<std::uint32_t>> deletes_;  // deletion → term ids
  std::vector<std::vector<WordIds>> doc_terms_;                       // by document
};

}  // namespace maillage::search
