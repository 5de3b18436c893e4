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
  std::uint32_t term_id(const std::string& folded);
  static int max_typos(std::size_t length);

  std::map<std::string, std::uint32_t, std::less<>> terms_;          // folded word → id
  std::vector<Postings> term_postings_;
  std::vector<std::string> term_text_;
  std::unordered_map<std::string, Postings> stems_;                  // folded stem → docs
  std::unordered_map<std::string, std::vector<std::uint32_t>> deletes_;  // deletion → term ids
  std::unordered_map<std::uint32_t, std::vector<std::pair<std::uint32_t, std::string>>> doc_terms_;
};

}  // namespace maillage::search
