// Understanding a need typed in ordinary French: "impots en ligne lyon" is the need "impôts"
// (lexicon), the place "Lyon" (a commune typed in the need box), and no word left to search in
// the places' text. Pure: depends only on its arguments; thread-safe.
//
// Reading order, left to right over the query's words (text/tokenize.h):
//   1. a commune name of several words ("saint etienne", "saint cloud", "paris 20e"), before
//      the needs, whose words it may hold ("cloud", "école");
//   2. the lexicon's needs (search/lexicon.h), longest trigger first; a word one typo away from
//      a trigger but exactly the name of a town of 2,000 inhabitants or more is the town;
//   3. otherwise a postal code (5 digits; a district code gives the district) or a commune of
//      one word, taken only when it follows a place preposition ("à", "a", "au", "sur",
//      "vers", "près de", "autour de") or ends the query, and names a commune of at least
//      2,000 inhabitants — "papiers" is never a commune;
//   4. neutral words ("aide", "besoin", "cherche", "près de") and stop words are dropped;
//      what is left is searched in the places' text (relaxed: ranked by how much matches).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "search/lexicon.h"

namespace maillage::territory {
class Reference;
struct Commune;
}  // namespace maillage::territory

namespace maillage::search {

struct Understanding {
  std::vector<const Need*> needs;        // role "besoin", in query order, each once
  std::vector<const Need*> preferences;  // role "preference", each once
  // The words each need was recognised from, folded (for matching the places' text exactly).
  std::vector<std::vector<std::string>> need_words;
  const territory::Commune* commune = nullptr;  // a commune typed in the need box
  std::string commune_words;                    // those words as typed
  std::string free_text;                        // the words left, as typed, space-separated
  std::vector<std::string> dropped;             // neutral words, as typed
};

Understanding understand(std::string_view query, const Lexicon& lexicon,
                         const territory::Reference& territory);

// « impôts · CAF » : the labels of the needs and preferences, for « Compris : ».
std::string understood_labels(const Understanding& u);

}  // namespace maillage::search
