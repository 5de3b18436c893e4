// Private to src/territory: the keys under which commune names are compared. Other modules go
// through Reference::resolve, Reference::name_matches and Reference::search_by_name.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillage::territory::detail {

// The comparison key of a commune name as written in addresses: text::fold_key, plus
//   - a trailing article in parentheses moves to the front: "Rochelle (La)" → "la rochelle";
//   - a trailing "Cedex" and its number are dropped: "BORDEAUX CEDEX 9" → "bordeaux";
//   - the tokens "st", "ste", "sts", "stes" become "saint", "sainte", "saints", "saintes";
//   - Paris, Lyon and Marseille arrondissements become "<city> <n>": "Paris 15e Arrondissement",
//     "Paris 15e", "Paris 15", "Lyon 3ème", "Marseille 1er arr." all give "paris 15", "lyon 3"...
// Empty when the name has no letter or digit. Thread-safe.
std::string commune_name_key(std::string_view name);

// commune_name_key() of a name whose text::fold_key is `folded` and that does not end with a
// parenthesis, or nullopt when that key is `folded` itself (the common case: no allocation).
// Lets the loader fold each name once instead of twice.
std::optional<std::string> rewrite_folded_name(std::string_view folded);

// The key of the name without a trailing parenthesised qualifier that is not an article
// ("Château-Chinon (Ville)" → "chateau chinon"), or empty when there is none. Official names use
// such qualifiers to tell homonyms apart; addresses often omit them.
std::string commune_base_key(std::string_view name);

// The text::fold_key prefixes a name search looks for: one, or two when the last word typed is
// "st"/"ste" (then also "saint"/"sainte"). Complete "st"/"ste" words are expanded.
std::vector<std::string> search_prefixes(std::string_view prefix);

}  // namespace maillage::territory::detail
