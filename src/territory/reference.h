// The territory reference: every French commune, municipal arrondissement, commune déléguée and
// commune associée with its postal codes, centroid, population and EPCI, plus the names of the
// départements and régions. Built by tools/build_territory.mjs into data/territoire/ (format and
// sources in data/territoire/README.md).
//
// A Reference is immutable once loaded: every const member is thread-safe, and the pointers it
// returns stay valid as long as the Reference (for bundled(): the whole program), moves included.
// It is move-only; a moved-from Reference may only be destroyed or assigned to. Lookups are
// constant-time: direct-address tables for INSEE and postal codes, a hash table for names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillage::territory {

struct Commune {
  std::string code_insee;  // five characters: "75056", "2A004", "97411"
  std::string nom;         // current official name: "Paris", "Marseille 1er Arrondissement"
  // "commune", "arrondissement" (Paris, Lyon, Marseille), "commune_deleguee", "commune_associee".
  std::string type;
  std::string parent;  // code of the current commune for the last three types, else empty
  // Where the entry is: "75", "2A", "974"; collectivités d'outre-mer "975" ... "989". Usually
  // departement_of(code_insee), not always (see there).
  std::string departement;
  std::string region;  // "11"; empty for the collectivités d'outre-mer
  // Sorted. Empty for most communes déléguées/associées (they use their parent's codes).
  std::vector<std::string> codes_postaux;
  double latitude = 0, longitude = 0;  // centroid; a délégué without its own uses its parent's
  std::int64_t population = -1;        // municipal population; -1 when unknown
  std::string epci, epci_nom;          // SIREN and name of the EPCI; a délégué has its parent's
};

class Reference {
 public:
  // Loads communes.tsv, departements.tsv and regions.tsv from `dir`. On failure returns
  // std::nullopt and, when `error` is not null, sets it to a French message naming the file and
  // the line ("communes.tsv, ligne 12 : 11 colonnes au lieu de 12").
  static std::optional<Reference> load(const std::filesystem::path& dir, std::string* error);

  // The bundled reference: $MAILLAGE_DATA_DIR/territoire when that variable is set and not
  // empty, else MAILLAGE_SOURCE_DIR "/data/territoire". Loaded once on first use (thread-safe);
  // prints a French message and aborts when the files are missing or invalid.
  static const Reference& bundled();

  // The entry with this INSEE code, any type. Some communes déléguées share the code of their
  // commune nouvelle: then the commune is returned. nullptr when unknown.
  const Commune* by_insee(std::string_view code) const;

  // Entries whose own codes_postaux contain `cp` ("1000" is read as "01000"): communes first,
  // then arrondissements, déléguées, associées; within a type most populated first.
  std::vector<const Commune*> by_postal_code(std::string_view cp) const;

  // The entry a (code postal, commune name) pair designates, as found in addresses. The name is
  // compared by key (text::fold_key plus: "St"/"Ste" = "Saint"/"Sainte", a trailing "Cedex [n]"
  // ignored, "Rochelle (La)" = "La Rochelle", "Paris 15e" = "Paris 15" = "Paris 15e
  // Arrondissement", "Lyon 3ème", "Marseille 13e Arrondissement"; a name without the
  // parenthesised qualifier of homonyms, "Château-Chinon", matches both "(Ville)" and
  // "(Campagne)"). A délégué or associé name gives that entry (its `parent` is the current
  // commune); a name matching both a commune and its délégué gives the commune.
  // The postal code must be one of the entry's (or its parent's) codes; when none matches (a
  // CEDEX code, a typo), an entry of the postal code's département is accepted. An empty or
  // malformed postal code matches the name in the whole of France.
  // nullptr when nothing matches or several entries do (ambiguous).
  const Commune* resolve(std::string_view code_postal, std::string_view commune_name) const;

  // Name autocomplete: entries whose text::fold_key(nom) starts with the folded prefix ("st"
  // typed last also finds "saint..."), restricted to `departement` when not empty, most
  // populated first (unknown population last, then by name), at most `limit`. A délégué that
  // bears its commune's name is left out.
  std::vector<const Commune*> search_by_name(std::string_view prefix, std::size_t limit,
                                             std::string_view departement = {}) const;

  // True when `cp` is one of the entry's postal codes or, for an arrondissement, délégué or
  // associé, one of its parent's. `commune` must come from this Reference.
  bool has_postal_code(const Commune& commune, std::string_view cp) const;

  // True when `name` designates `commune` with the tolerance of resolve(): its own name, its
  // parent's (for an arrondissement, délégué or associé), or one of its délégués', associés' or
  // arrondissements' (for a commune). `commune` must come from this Reference.
  bool name_matches(const Commune& commune, std::string_view name) const;

  // Names from departements.tsv and regions.tsv; empty when the code is unknown.
  std::string_view departement_name(std::string_view code) const;
  std::string_view region_name(std::string_view code) const;  // "" for collectivités d'outre-mer
  std::string_view departement_region(std::string_view departement_code) const;

  Reference(Reference&&) noexcept;
  Reference& operator=(Reference&&) noexcept;
  ~Reference();

  // Number of entries (all types).
  std::size_t size() const { return communes_.size(); }

  // All entries, sorted by code then type (commune, arrondissement, délégué, associé).
  const std::vector<Commune>& communes() const { return communes_; }

 private:
  struct Index;  // lookup tables, built by load(); defined in reference.cpp

  Reference();
  std::uint32_t index_of(const Commune& commune) const;
  const Commune* pick_one(const std::vector<std::uint32_t>& candidates) const;

  std::vector<Commune> communes_;
  // On the heap so that moving a Reference keeps its internal views and the returned pointers
  // valid.
  std::unique_ptr<const Index> index_;
};

// Département code of an INSEE commune code: "75056" → "75", "2A004" → "2A", "97411" → "974",
// "98818" → "988". Empty when the code is not five characters long. The view points into
// `code_insee`. This is the département that issued the code: five communes associées lie in
// another one today (Escaufourt, 02285, is part of Saint-Souplet in the Nord); Commune::departement
// tells where an entry is.
std::string_view departement_of(std::string_view code_insee);

}  // namespace maillage::territory
