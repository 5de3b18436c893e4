// Deduplication: the same place published by several sources becomes one merged place, with
// every source record kept. docs/federation.md explains the model; in short:
//
// 1. Candidates: records that share a name word in one commune (or ~2 km cell), a street
//    number and street, a phone, an e-mail address, a SIRET/RNA or a website, in blocks small
//    enough to be one place's (at most 60 records): linear in the number of records.
// 2. Score (0..1) of a candidate pair from the evidence a person would use: the names (folded,
//    abbreviations expanded, the commune's own name and stop words left out, each word weighted
//    by how rare it is in the whole directory, typos tolerated), the street address (number and
//    street words, "av." = "avenue", "st" = "saint"), the distance, and shared identifiers
//    (SIRET/RNA pivot, phone, e-mail, website; an identifier shared by many records, such as a
//    town hall's switchboard or a network's website, proves nothing and is ignored).
// 3. Clusters: pairs at or above the threshold, strongest first, join their clusters unless
//    the mean score of the records of the two clusters is below a floor, or two of them are
//    plainly different places (score below a veto: a bus and a fixed site, a library and a
//    town hall), or the join breaks an administrator's "separer" decision: no chaining of
//    A~B~C into A=C. "fusionner" decisions join first, whatever the score. Records of one
//    source may merge too: the national cartography's extracts list some places once per feed.
// 4. The merged place takes each field from the best member for that field: a manual edit
//    first, then the freshest date_maj, then the most complete record; the address, postal
//    code, commune and coordinates come together from one member. Its provenance says which
//    member gave which field.
//
// Merged places are stored as places of source store::kFusionSource (id "fusion-" + 16 hex
// digits, stable while the cluster's smallest member stays), so the change log, the search
// index, the exports and the change feed all see them; their members stay stored unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/store.h"

namespace maillage::federation {

// The matching features of one record, computed once.
struct MatchRecord {
  std::string source, id;
  std::string insee;
  std::vector<std::string> name_words;    // folded, expanded, without stop/commune words
  std::vector<std::string> kinds;         // kinds of place the name says (library, town hall...)
  std::vector<std::string> full_name_words;  // the same with the commune's words
  bool name_is_commune = false;           // the name says nothing but the commune
  bool street_address = false;            // the address names a street (not only a place name)
  int mobile = -1;                        // itinerance: 1 itinerant only, 0 fixed, -1 unknown
  bool bus = false;                       // the name says it is a bus
  std::vector<std::string> typologies;    // the standard's typologie codes
  std::string street_number;              // "12", "12b"; empty when none
  std::vector<std::string> street_words;  // folded, expanded
  bool has_position = false;
  double latitude = 0, longitude = 0;
  std::string pivot;                      // a SIRET (14 digits, not all zeros) or RNA
  std::vector<std::string> phones;        // last 9 digits
  std::vector<std::string> emails;        // lower case
  std::string web_host;                   // without "www."
};

MatchRecord match_record(const store::StoredPlace& place);

// How common words and identifiers are across the records being matched.
class MatchStats {
 public:
  explicit MatchStats(const std::vector<MatchRecord>& records);
  double weight(const std::string& word) const;     // inverse document frequency
  bool generic(const std::string& identifier) const; // shared by too many records to prove anything
  // True when no source has two records of commune `insee` with `word` in their name: the word
  // names one place there ("bibliothèque" in a village), however common it is elsewhere.
  bool locally_unique(const std::string& insee, const std::string& word) const;

 private:
  std::unordered_map<std::string, std::uint32_t> word_count_;
  // identifier → records holding it, and the first communes where they are
  std::unordered_map<std::string, std::pair<std::uint32_t, std::vector<std::string>>> id_use_;
  // insee + '\x1f' + word → records and distinct sources holding it there (0 = several per source)
  std::unordered_map<std::string, std::pair<std::uint32_t, std::string>> local_;
  std::unordered_map<std::string, bool> local_unique_;
  double total_ = 1;
};

struct PairEvidence {
  double name = 0;     // 0..1
  double address = 0;  // -1..1 (same street, other number: negative)
  double distance_km = -1;
  double name_info = 0;    // 0..1: how much the shared name words single out a place
  double distance_term = 0;
  bool kinds_differ = false, mobility_differs = false;
  int typologie = 0;  // +1 a shared code, -1 both coded without a shared code, 0 unknown
  bool same_pivot = false, other_pivot = false, same_phone = false, same_email = false,
       same_web = false;
  double score = 0;  // 0..1
};

PairEvidence score_pair(const MatchRecord& a, const MatchRecord& b, const MatchStats& stats);

struct DedupOptions {
  double threshold = 0.62;  // a pair at or above it is the same place
  double floor = 0.45;      // two clusters join when their records' mean score reaches it
  double veto = 0.15;       // ... and no two of their records score below this
  double candidate_km = 1.0;     // records of two communes farther apart are not compared
  std::size_t max_block = 60;    // records sharing a blocking key beyond this are not compared
};

struct ClusterCounts {
  std::int64_t candidate_pairs = 0, matched_pairs = 0;
};

// Clusters of record indexes (size >= 2), each sorted, in order of their first member.
std::vector<std::vector<std::size_t>> cluster_records(const std::vector<MatchRecord>& records,
                                                      const MatchStats& stats,
                                                      const std::vector<store::MergeDecision>& decisions,
                                                      const DedupOptions& options,
                                                      ClusterCounts* counts = nullptr);

struct MergedPlace {
  std::string id;           // "fusion-" + 16 hex digits
  place::Place place;
  std::string provenance;   // {"membres":[{source,id,date_maj}],"champs":{field: member index}}
};

// The merged place of a cluster (members in any order).
MergedPlace merge_cluster(const std::vector<const store::StoredPlace*>& members);

// "source:id" (as administrators designate a record; the id may itself hold ':') →
// (source, id); false when either part is missing.
bool parse_record_key(const std::string& key, std::string& source, std::string& id);

struct DedupReport {
  std::int64_t records = 0, candidate_pairs = 0, matched_pairs = 0, clusters = 0,
               clustered_records = 0;
  std::int64_t added = 0, updated = 0, unchanged = 0, withdrawn = 0;
  std::string error;  // French; empty on success
};

// Reads every active place of the store, clusters them, and writes the merged places (and
// withdraws the ones no cluster produces any more) in one import run of source "fusion".
DedupReport deduplicate(store::Store& store, const DedupOptions& options = {});

// Whether the merged places may be behind the sources: a source changed after the start of the
// last deduplication that finished, or none ever finished while sources have places. A harvest
// or a deduplication killed half-way leaves it true, so that the next harvest completes the job
// whatever the sources say then (unchanged sources included).
bool dedup_due(store::Store& store);

}  // namespace maillage::federation
