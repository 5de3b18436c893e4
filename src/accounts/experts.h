// Experts' profiles (issue 7, docs/experts.md): a person who helps with digital matters —
// volunteer or professional — describes what they know, where and when they help, and chooses
// to publish the profile. Published profiles are searched like places (text, domain,
// département, distance from the commune's centroid).
//
// The profile is stored as JSON in the store's `experts` table (store/accounts.h, ExpertRow),
// with the French keys below; it holds no e-mail address: people reach an expert through the
// relay form of the web pages, which queues an e-mail (accounts::Service::queue_mail).
//
// Everything here is pure or const: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "store/accounts.h"

namespace maillage::territory {
class Reference;
struct Commune;
}  // namespace maillage::territory

namespace maillage::accounts {

// ---- vocabularies ----

struct ExpertDomain {
  std::string_view code;   // "demarches_en_ligne"
  std::string_view label;  // "Démarches administratives en ligne"
};
// The controlled vocabulary of domains of expertise, in display order.
const std::vector<ExpertDomain>& expert_domains();
// The label of a domain code; "" when the code is unknown.
std::string_view expert_domain_label(std::string_view code);

// The languages a profile may name (French names, lower case: "français", "langue des signes
// française"), in display order.
const std::vector<std::string_view>& expert_languages();

// "benevole" → "Bénévole", "professionnel" → "Professionnel"; "" otherwise.
std::string_view expert_kind_label(std::string_view kind);

// Bounds of a profile (every list and text is bounded; validate() says which is exceeded).
inline constexpr std::size_t kExpertNameMax = 100;  // characters
inline constexpr std::size_t kExpertDomainsMax = 12;
inline constexpr std::size_t kExpertTagsMax = 10;
inline constexpr std::size_t kExpertTagMax = 40;  // characters
inline constexpr std::size_t kExpertDepartementsMax = 20;
inline constexpr std::size_t kExpertPlacesMax = 20;
inline constexpr std::size_t kExpertPlaceIdMax = 300;       // bytes
inline constexpr std::size_t kExpertAvailabilityMax = 200;  // characters
inline constexpr std::size_t kExpertLanguagesMax = 10;

// ---- the profile ----

struct ExpertProfile {
  std::string name;                       // "nom": name or pseudonym, shown publicly
  std::vector<std::string> domains;       // "domaines": codes of expert_domains()
  std::vector<std::string> tags;          // "etiquettes": free words
  std::vector<std::string> departements;  // "departements": codes served ("35", "2A", "974")
  std::vector<std::string> places;        // "lieux": public ids of places where they help
  std::string kind;                       // "statut": "benevole" or "professionnel"
  std::string availability;               // "disponibilites": free text
  std::vector<std::string> languages;     // "langues": names of expert_languages()
  std::string commune;                    // "commune": INSEE code; its centroid is the position
  bool operator==(const ExpertProfile&) const = default;
};

std::string expert_to_json(const ExpertProfile& profile);
// The profile of a stored JSON object; nullopt when the text is not a JSON object or a key
// has the wrong type (unknown keys are ignored, missing ones stay empty).
std::optional<ExpertProfile> expert_from_json(std::string_view json);

// Normalises the profile in place (trimmed texts, collapsed spaces, canonical spellings of
// domains, languages and départements, duplicates dropped) and checks every field against the
// bounds above and the territory reference. One failure per bad field, named as the form names
// it ("nom", "domaines", "etiquettes", "departements", "lieux", "statut", "disponibilites",
// "langues", "commune"), with a French message; empty when the profile is valid. Whether the
// linked places exist is the caller's check (the search index knows them).
std::vector<Result> validate(ExpertProfile& profile, const territory::Reference& territory);

// The items of a list typed in one text field: split on commas, semicolons and line breaks,
// trimmed, empty items dropped. At most `limit` + 1 items are returned (enough to tell that
// the list is too long).
std::vector<std::string> split_list(std::string_view text, std::size_t limit);

// The commune a person typed: an INSEE code, a postal code of a single commune, a name
// ("Rennes") or a postal code and a name ("97400 Saint-Denis"). nullptr and a French `error`
// when nothing or several communes match.
const territory::Commune* resolve_commune_input(std::string_view text,
                                                const territory::Reference& territory,
                                                std::string& error);
// How resolve_commune_input() reads back a stored INSEE code: "35000 Rennes"; "" if unknown.
std::string commune_input(std::string_view code_insee, const territory::Reference& territory);

// ---- searching published profiles ----

struct ExpertQuery {
  std::string text;         // words, all of which must match (prefix or French stem)
  std::string domain;       // a domain code, or ""
  std::string departement;  // served or home département, or ""
  bool has_point = false;   // a point to measure distances from
  double latitude = 0, longitude = 0;
  std::optional<double> radius_km;  // only experts this close (needs the point)
};

struct Expert {
  std::int64_t id = 0;  // the account's id: /experts/{id}
  ExpertProfile profile;
  const territory::Commune* commune = nullptr;  // null when the code is no longer known
  std::string name_key;                         // folded name, for sorting
  std::vector<std::string> words;  // folded words and stems of the searchable texts, sorted
};

struct ExpertHit {
  const Expert* expert = nullptr;
  double distance_km = -1;  // -1 without a point or without a position
};

// The published profiles of a moment, in memory. Built from the store's rows on each use: the
// directory is small (people, not places) and this keeps it exact without a change feed.
class ExpertDirectory {
 public:
  // Keeps the published rows whose profile reads; the others are skipped.
  ExpertDirectory(const std::vector<store::ExpertRow>& rows, const territory::Reference& territory);

  // Every expert matching all the criteria: nearest first when there is a point (experts
  // without a position last), then by name.
  std::vector<ExpertHit> search(const ExpertQuery& query) const;
  const Expert* find(std::int64_t id) const;
  std::size_t size() const { return experts_.size(); }

 private:
  std::vector<Expert> experts_;  // by id
};

}  // namespace maillage::accounts
