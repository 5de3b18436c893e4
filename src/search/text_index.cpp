#include "search/text_index.h"

#include <xxhash.h>

#include <algorithm>

#include "search/bitmaps.h"
#include "text/tokenize.h"

namespace maillage::search {
namespace {

std::vector<std::u32string::value_type> code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    char32_t cp = n == 1 ? c : c & (0x3F >> (n - 1));
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

// Every string obtained by deleting `depth` characters (byte-level for ASCII words, which the
// folded vocabulary mostly is; other words are matched by code point in edit_distance).
void deletions(const std::string& word, int depth, std::vector<std::string>& out) {
  if (depth == 0) return;
  for (std::size_t i = 0; i < word.size(); ++i) {
    std::string d = word.substr(0, i) + word.substr(i + 1);
    out.push_back(d);
    deletions(d, depth - 1, out);
  }
}

}  // namespace

std::size_t StringHash::operator()(std::string_view s) const {
  return static_cast<std::size_t>(XXH3_64bits(s.data(), s.size()));
}

Roaring WordHits::any() const {
  std::vector<const Roaring*> all;
  for (const auto& kind : sets)
    for (const Roaring* r : kind)
      if (r) all.push_back(r);
  if (partial) all.push_back(partial);
  return Roaring::fastunion(all.size(), all.data());
}

int TextIndex::max_typos(std::size_t length) { return length >= 8 ? 2 : length >= 4 ? 1 : 0; }

std::uint32_t TextIndex::term_id(const std::string& folded) {
  auto it = terms_.find(folded);
  if (it != terms_.end()) return it->second;
  auto id = static_cast<std::uint32_t>(term_text_.size());
  terms_.emplace(folded, id);
  term_text_.push_back(folded);
  term_postings_.emplace_back();
  std::vector<std::string> dels;
  deletions(folded, max_typos(code_points(folded).size()), dels);
  std::sort(dels.begin(), dels.end());
  dels.erase(std::unique(dels.begin(), dels.end()), dels.end());
  for (auto& d : dels) deletes_[d].push_back(id);
  return id;
}

std::uint32_t TextIndex::stem_id(const std::string& stem) {
  auto [it, inserted] = stem_ids_.try_emplace(stem, static_cast<std::uint32_t>(stem_postings_.size()));
  if (inserted) stem_postings_.emplace_back();
  return it->second;
}

TextIndex::WordIds TextIndex::word_ids(std::string_view word) {
  if (auto it = words_.find(word); it != words_.end()) return it->second;
  WordIds ids{kStopWord, kStopWord};
  text::Token token;
  if (text::token_of(word, token) && !token.stop_word) ids = {term_id(token.folded), stem_id(token.stem)};
  words_.emplace(std::string(word), ids);
  return ids;
}

void TextIndex::flush() {
  term_pending_.flush([this](std::size_t list) -> Roaring& {
    return term_postings_[list / kFieldClasses][list % kFieldClasses];
  });
  stem_pending_.flush([this](std::size_t list) -> Roaring& {
    return stem_postings_[list / kFieldClasses][list % kFieldClasses];
  });
}

void TextIndex::end_bulk() {
  flush();
  term_pending_.release();
  stem_pending_.release();
  bulk_ = false;
  for (auto* lists : {&term_postings_, &stem_postings_})
    for (auto& postings : *lists)
      for (auto& bitmap : postings) compact(bitmap);
}

void TextIndex::add(std::uint32_t doc, FieldClass fc, std::string_view text) {
  auto post = [&](WordIds ids) {
    if (bulk_) {
      term_pending_.add(ids.term * kFieldClasses + fc, doc);
      stem_pending_.add(ids.stem * kFieldClasses + fc, doc);
    } else {
      term_postings_[ids.term][fc].add(doc);
      stem_postings_[ids.stem][fc].add(doc);
    }
  };
  constexpr std::size_t kMaxCachedText = 512, kMaxCachedTexts = 200000;
  if (fc == kLabelClass && text.size() <= kMaxCachedText) {
    auto it = label_texts_.find(text);
    if (it == label_texts_.end() && label_texts_.size() < kMaxCachedTexts) {
      std::vector<WordIds> ids;
      text::for_each_word(text, [&](std::string_view word) {
        if (const WordIds w = word_ids(word); w.term != kStopWord) ids.push_back(w);
      });
      it = label_texts_.emplace(std::string(text), std::move(ids)).first;
    }
    if (it != label_texts_.end()) {
      for (const WordIds& ids : it->second) post(ids);
      return;
    }
  }
  text::for_each_word(text, [&](std::string_view word) {
    if (const WordIds ids = word_ids(word); ids.term != kStopWord) post(ids);
  });
}

// A document's texts are removed together (Index::unindex_document), so a word another text of
// the same class also holds may go with the first.
void TextIndex::remove(std::uint32_t doc, FieldClass fc, std::string_view text) {
  if (bulk_) flush();
  text::for_each_word(text, [&](std::string_view word) {
    const WordIds ids = word_ids(word);
    if (ids.term == kStopWord) return;
    term_postings_[ids.term][fc].remove(doc);
    stem_postings_[ids.stem][fc].remove(doc);
  });
}

int TextIndex::edit_distance(std::string_view a_text, std::string_view b_text, int max) {
  auto a = code_points(a_text), b = code_points(b_text);
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max) return max + 1;
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > max) return max + 1;
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[m];
}

const Postings* TextIndex::term(std::string_view folded) const {
  const auto it = terms_.find(folded);
  return it == terms_.end() ? nullptr : &term_postings_[it->second];
}

const Postings* TextIndex::stem(std::string_view stem) const {
  const auto it = stem_ids_.find(stem);
  return it == stem_ids_.end() ? nullptr : &stem_postings_[it->second];
}

WordHits TextIndex::lookup(std::string_view folded, std::string_view stem, bool allow_prefix,
                           const Roaring* within) const {
  WordHits hits;
  // The documents of some postings (of `within` only, when given) as one set of hits.
  auto keep = [&](WordHits::Kind kind, std::size_t c, const std::vector<const Roaring*>& parts) {
    std::vector<Roaring> narrowed;
    std::vector<const Roaring*> of;
    narrowed.reserve(parts.size());  // no reallocation: `of` points into it
    for (const Roaring* part : parts) {
      if (part->isEmpty()) continue;
      if (!within) {
        of.push_back(part);
      } else if (Roaring n = intersect_small_first(*part, *within); !n.isEmpty()) {
        of.push_back(&narrowed.emplace_back(std::move(n)));
      }
    }
    if (of.empty()) return;
    if (of.size() == 1 && !within) {
      hits.sets[kind][c] = of[0];  // the posting itself
      return;
    }
    auto owned = std::make_unique<Roaring>(
        of.size() == 1 ? std::move(narrowed[0]) : Roaring::fastunion(of.size(), of.data()));
    hits.sets[kind][c] = owned.get();
    hits.owned.push_back(std::move(owned));
  };
  if (auto exact = terms_.find(folded); exact != terms_.end())
    for (std::size_t c = 0; c < kFieldClasses; ++c)
      keep(WordHits::kExact, c, {&term_postings_[exact->second][c]});
  if (auto s = stem_ids_.find(stem); s != stem_ids_.end())
    for (std::size_t c = 0; c < kFieldClasses; ++c)
      keep(WordHits::kStem, c, {&stem_postings_[s->second][c]});

  if (allow_prefix && !folded.empty()) {
    std::array<std::vector<const Roaring*>, kFieldClasses> parts;
    std::size_t expansions = 0;
    for (auto it = terms_.lower_bound(folded);
         it != terms_.end() && it->first.compare(0, folded.size(), folded) == 0 && expansions < 500;
         ++it, ++expansions) {
      if (it->first.size() == folded.size()) continue;  // the exact term
      for (std::size_t c = 0; c < kFieldClasses; ++c)
        parts[c].push_back(&term_postings_[it->second][c]);
    }
    for (std::size_t c = 0; c < kFieldClasses; ++c) keep(WordHits::kPrefix, c, parts[c]);
  }

  int max = max_typos(code_points(folded).size());
  if (max > 0) {
    std::string word(folded);
    std::vector<std::string> keys = {word};
    deletions(word, max, keys);
    std::vector<std::uint32_t> candidates;
    for (const auto& k : keys) {
      if (auto d = deletes_.find(k); d != deletes_.end())
        candidates.insert(candidates.end(), d->second.begin(), d->second.end());
      if (auto t = terms_.find(k); t != terms_.end()) candidates.push_back(t->second);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    std::array<std::vector<const Roaring*>, kFieldClasses> parts;
    for (auto id : candidates) {
      const std::string& term = term_text_[id];
      if (term == folded) continue;
      if (edit_distance(folded, term, max) > max) continue;
      for (std::size_t c = 0; c < kFieldClasses; ++c) parts[c].push_back(&term_postings_[id][c]);
    }
    for (std::size_t c = 0; c < kFieldClasses; ++c) keep(WordHits::kTypo, c, parts[c]);
  }
  return hits;
}

}  // namespace maillage::search
