// "Où ?": what a person typed to say where, resolved against the territory Reference.
//
// Accepted forms (case, accents, hyphens and "St"/"Ste" do not matter):
//   - a commune name: "saint etienne", "St-Étienne", "Fort de France";
//   - a name with its département, by code or by name: "Saint-Denis (93)", "Saint-Denis 93",
//     "Saint-Denis, 974", "Saint-Denis (La Réunion)", "Saint-Denis, Seine-Saint-Denis";
//   - a name with an INSEE code, "Bourg (01053)", or a postal code, "Lyon 69003", "69003 Lyon";
//   - a postal code: "69003", "75020", "13015" give the municipal arrondissement, not the city;
//     a code several communes share gives the most populated, the others as alternatives;
//   - an INSEE code: "75056";
//   - an arrondissement: "Paris 20e", "Paris 20", "Lyon 3ème", "Marseille 13e arrondissement";
//   - the labels label() makes: every label resolves back to its entry (tested on every entry).
// A name several entries bear ("Saint-Denis") gives the most populated; the others come back as
// alternatives so that a page can ask "Vouliez-vous dire Saint-Denis (93) ?". A name no entry
// bears gets the nearest names (Damerau-Levenshtein distance on the folded name, 1 for names of
// 4 to 6 letters, 2 beyond; a French phonetic key for "Bordo"; the beginning of a name for
// "Clermont-Fer"); when one of them clearly stands out (much more populated than every other
// as near) it is taken, and the answer says the text was corrected. Text that looks like a
// street address ("12 rue Mercière 69002 Lyon") without a geocoder gives the commune found in
// it (its postal code, else its last words).
//
// A PlaceResolver precomputes its tables once from a Reference (about 40,000 names folded: a few
// tens of milliseconds) and is then immutable: resolve() and label() are thread-safe and do not
// modify anything. resolve() allocates only its answer; a name found as typed costs a hash
// lookup, an unknown name a scan of the names of about the same length (under a millisecond).
//
// Failures are values: an unknown place is PlaceStatus::kUnknown with a French message and
// suggestions; nothing throws (but std::bad_alloc).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "territory/reference.h"

namespace maillage::territory {

enum class PlaceStatus {
  kFound,      // one entry is so named, or has this code
  kSeveral,    // several are: the most populated was chosen, the others are the alternatives
  kCorrected,  // none is so named; a near name stood out and was chosen (see PlaceMatch::note)
  kUnknown,    // nothing chosen; the alternatives are suggestions, possibly none
};

// What the answer was found from.
enum class PlaceBasis {
  kName,        // the name as typed, possibly with its département or code
  kPostalCode,  // a postal code
  kInseeCode,   // an INSEE code
  kNearName,    // a name near the one typed (kCorrected, or kUnknown with suggestions)
  kAddress,     // the postal code or the last words of a street address
};

struct PlaceChoice {
  const Commune* commune = nullptr;  // points into the Reference
  std::string label;                 // resolves back to `commune`
};

struct PlaceMatch {
  PlaceStatus status = PlaceStatus::kUnknown;
  PlaceBasis basis = PlaceBasis::kName;
  const Commune* commune = nullptr;  // null when kUnknown
  std::string label;                 // PlaceResolver::label(*commune); empty when kUnknown
  // kSeveral: the other entries of the name or postal code, most populated first; kCorrected:
  // the other near names; kUnknown: suggestions. At most 5; labels that resolve (for
  // suggestions, always with the département: "Marseille (13)").
  std::vector<PlaceChoice> alternatives;
  // A French sentence to show beside the results, or empty: "« Marseile » compris comme
  // Marseille.", "Plusieurs communes s'appellent « Saint-Denis » : la plus peuplée a été
  // choisie.", "Adresse non localisée : recherche autour de sa commune."
  std::string note;
  // kUnknown only: the French message of the error, naming the text and the suggestions:
  // "aucune commune ne s'appelle « Marseile ». Vouliez-vous dire : Marseille (13) ?"
  std::string error;
};

// Whether `text` looks like a street address rather than a commune: a street word ("rue",
// "avenue", "bd", "place", "chemin", "allée", "impasse"...) followed by another word, or a house
// number ("12", "12 bis", "3b") followed by at least two words. "Paris 20e", "Saint-Denis 93" and
// "69003 Lyon" do not. Pure, thread-safe.
bool looks_like_street_address(std::string_view text);

// "autour de Lyon", "autour d'Angoulême", "autour du Mans", "autour des Mureaux", "autour du
// 12 Rue Mercière 69002 Lyon": the words a page puts before a label. Pure, thread-safe.
std::string around(std::string_view label);

class PlaceResolver {
 public:
  // Builds the tables from `reference`, which must outlive the resolver.
  explicit PlaceResolver(const Reference& reference);
  ~PlaceResolver();
  PlaceResolver(const PlaceResolver&) = delete;
  PlaceResolver& operator=(const PlaceResolver&) = delete;

  // The resolver of `reference`, built on first use and kept for the life of the program
  // (thread-safe). Why a cache and not an object held by the callers: the five callers of
  // search::parse_query (API, pages, widget, experts) hold a `const Reference&` and nothing else
  // of the territory; a table keyed by the Reference's address (checked against its entries, so
  // that a Reference loaded where a destroyed one was gets its own tables) keeps their
  // signatures and builds the tables once per Reference, which in the program is one.
  static const PlaceResolver& of(const Reference& reference);

  const Reference& reference() const { return *reference_; }

  // `typed` as a place (see the top of this file). Text that is not UTF-8 or longer than 200
  // bytes is kUnknown.
  PlaceMatch resolve(std::string_view typed) const;

  // The label of an entry of the Reference: its name, "Lyon", "Paris 20e Arrondissement"; with
  // the département when other entries bear the name, "Saint-Denis (93)"; with the INSEE code
  // when another entry of the same département bears it too and comes first there. resolve()
  // of the label gives `commune` back.
  std::string label(const Commune& commune) const;

  // The label with the département even without homonyms: "Marseille (13)", for suggestions.
  std::string label_with_departement(const Commune& commune) const;

  // The entries of a postal code for a list of suggestions: municipal arrondissements first
  // (the city itself after them), then communes, then communes déléguées and associées; most
  // populated first within each. Empty when the code has none.
  std::vector<const Commune*> postal_code_entries(std::string_view postal_code) const;

 private:
  struct Tables;  // defined in place_query.cpp
  class Run;      // one resolve(), ditto
  const Reference* reference_;
  std::unique_ptr<const Tables> tables_;
};

}  // namespace maillage::territory
