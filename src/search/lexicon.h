// The lexicon of needs: what people type ("impots en ligne", "carte grise", "imprimer",
// "arnaque") mapped to the standard's vocabulary (services, publics, programmes, typologies,
// fees, modes of accompaniment). The lexicon is data, data/lexique/besoins.tsv, reviewed and
// documented in data/lexique/README.md; the words that carry neither a need nor a place
// ("aide", "besoin", "cherche", "près de") are in data/lexique/mots_neutres.txt.
//
// Matching (Lexicon::match): a trigger is a phrase of one or more words, tokenised like the
// query (text/tokenize.h). A query word matches a trigger word when their folded forms are
// equal, or their Snowball stems are (for words of more than 4 letters: "impots" = "impôt",
// but "caf" never matches "café"), or, for a one-word trigger of 7 letters or more, when they
// are one edit apart ("ordinnateur"). At each position the longest trigger wins.
//
// A Lexicon is immutable once loaded: every const member is thread-safe. Loading fails with a
// French message naming the file, the line, the column and the rule.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "text/tokenize.h"

namespace maillage::search {

struct Need {
  std::string id;        // "impots"
  std::string label;     // "impôts", shown after « Compris : »
  std::string category;  // "demarches", "equipement", ...
  // A need a place must offer to match fully; a preference only ranks the places that offer it
  // higher (publics, handicaps, fees: most places welcome everyone without saying so).
  bool preference = false;
  // What satisfies it, OR-ed: (filter field of the search API, canonical value). Fields:
  // services, publics_specifiquement_adresses, prise_en_charge_specifique,
  // dispositif_programmes_nationaux, typologie, frais_a_charge, modalites_accompagnement.
  // Split by strength at loading (the file lists them together):
  //   identity_values: what the place is — for a programme or a kind of place, its programme
  //     and typologies; for a creation need, the typologies (a FabLab for "impression 3D");
  //     a place having one ranks first among full matches at the same distance;
  //   values: what the place declares it offers (services, publics, fees...);
  //   weak_values: what makes a place a plausible answer, not a full match (ranked after the
  //     full matches within 50 km): for a programme or a kind of place, the services listed
  //     with it; for the other needs, the typologies ("wifi": a library, which has wifi but
  //     does not say so in the standard's fields).
  std::vector<std::pair<std::string, std::string>> values;
  std::vector<std::pair<std::string, std::string>> identity_values;
  std::vector<std::pair<std::string, std::string>> weak_values;
  // For a programme or a kind of place, its triggers as folded words: a place whose name holds
  // one ("EPN - Cyberbase", "Espace public numérique") is one (an identity match).
  std::vector<std::vector<std::string>> name_phrases;
  std::vector<std::string> triggers;  // as written in the file
  std::string sources;
  std::size_t line = 0;  // in the file
};

// One need found in a query: the tokens [first, first + count) of the tokenised query.
struct NeedMatch {
  const Need* need = nullptr;
  std::size_t first = 0, count = 0;
  bool typo = false;  // one word one edit away from a trigger ("ordinnateur")
};

class Lexicon {
 public:
  // Loads besoins.tsv and mots_neutres.txt from `dir`. On failure returns nullopt and sets
  // `error` (when not null) to a French message: "besoins.tsv, ligne 12, colonne services :
  // « Démarches » n'est pas une valeur de services".
  static std::optional<Lexicon> load(const std::filesystem::path& dir, std::string* error);

  // The bundled lexicon: $MAILLAGE_DATA_DIR/lexique when that variable is set and not empty,
  // else MAILLAGE_SOURCE_DIR "/data/lexique". Loaded once on first use (thread-safe); prints a
  // French message and aborts when the files are missing or invalid.
  static const Lexicon& bundled();

  // The needs found in `tokens`, left to right, never overlapping; the longest trigger wins at
  // each position, and a position's stop word never starts a match. Tokens whose `skip` is
  // true (already read as something else: a commune) are never part of a match.
  std::vector<NeedMatch> match(const std::vector<text::Token>& tokens,
                               const std::vector<bool>* skip = nullptr) const;

  // Is the token sequence at `first` a neutral word or phrase? Returns its length in tokens
  // (0 when not).
  std::size_t neutral_at(const std::vector<text::Token>& tokens, std::size_t first) const;

  const std::vector<Need>& needs() const { return needs_; }
  const Need* find(std::string_view id) const;

 private:
  struct Phrase {
    std::vector<text::Token> words;
    std::size_t need = 0;  // index in needs_
  };
  bool word_matches(const text::Token& query, const text::Token& trigger, bool typo_ok) const;
  // The tokens [first, end) a phrase spans from `first`, or 0 when it is not there.
  std::size_t phrase_length(const std::vector<text::Token>& tokens, std::size_t first,
                            std::size_t end, const std::vector<text::Token>& phrase) const;

  std::vector<Need> needs_;
  std::vector<Phrase> phrases_;
  // First word (folded, and stem) of a phrase → phrases, longest first.
  std::unordered_map<std::string, std::vector<std::size_t>> by_first_;
  std::vector<std::size_t> long_single_words_;  // one-word phrases of 7+ letters (typos)
  std::vector<std::vector<text::Token>> neutral_;
};

}  // namespace maillage::search
