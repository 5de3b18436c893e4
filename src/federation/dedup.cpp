#include "federation/dedup.h"

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <unordered_set>

#include "exchange/importer.h"
#include "place/codec.h"
#include "territory/geo.h"
#include "text/fold.h"
#include "text/tokenize.h"

namespace maillage::federation {
namespace {

using place::Field;

// Abbreviations of French names and addresses, folded, to their full word.
const std::unordered_map<std::string, std::string>& abbreviations() {
  static const std::unordered_map<std::string, std::string> k = {
      {"st", "saint"},       {"ste", "sainte"},     {"av", "avenue"},     {"ave", "avenue"},
      {"bd", "boulevard"},   {"bld", "boulevard"},  {"boul", "boulevard"}, {"pl", "place"},
      {"r", "rue"},          {"imp", "impasse"},    {"ch", "chemin"},     {"che", "chemin"},
      {"chem", "chemin"},    {"rte", "route"},      {"all", "allee"},     {"sq", "square"},
      {"crs", "cours"},      {"fg", "faubourg"},    {"fbg", "faubourg"},  {"qu", "quai"},
      {"res", "residence"},  {"resid", "residence"}, {"lot", "lotissement"}, {"gal", "general"},
      {"gen", "general"},    {"mal", "marechal"},   {"pdt", "president"}, {"prof", "professeur"},
      {"dr", "docteur"},     {"cc", "communaute"},  {"cdc", "communaute"}, {"ccas", "ccas"},
      {"mjc", "mjc"},        {"med", "bibliotheque"}, {"bib", "bibliotheque"},
      {"bibli", "bibliotheque"}, {"biblio", "bibliotheque"}, {"bm", "bibliotheque"},
      {"fs", "franceservices"}, {"msap", "franceservices"}, {"mfs", "franceservices"},
      {"cyberbase", "cyber"}, {"cybercentre", "cyber"}, {"cyberespace", "cyber"},
      {"mediatheque", "bibliotheque"}, {"mediatheques", "bibliotheque"},
      {"bibliotheques", "bibliotheque"}, {"espaces", "espace"},
  };
  return k;
}

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit);

// Words that say what kind of structure a place is. Two names of different kinds ("Médiathèque
// X" and "Mairie X", a France Services and a mission locale) are two places, even in one
// building. Services a structure hosts (an EPN, a cyber-base, a fablab) are not kinds: "EPN de
// la médiathèque" is the library's. A typo of one letter is forgiven ("Mzirie").
std::string_view kind_of(std::string_view w) {
  static const std::string_view k[] = {
      "bibliotheque", "ludotheque", "mairie", "franceservices", "mjc", "ccas", "pij",
      "centresocial", "missionlocale", "poleemploi", "cpam", "caf", "poste", "tierslieu",
      "maisonquartier", "afpa", "ecole", "college", "lycee", "universite", "musee", "prefecture",
      "tribunal", "gendarmerie", "pimms", "kiosque"};
  for (std::string_view kind : k)
    if (w == kind || (w.size() >= 6 && kind.size() >= 6 && edit_distance(w, kind, 1) <= 1)) return kind;
  return {};
}

// Street-type words: they say little about which street it is.
bool street_type(std::string_view w) {
  static const std::unordered_set<std::string_view> k = {
      "rue",     "avenue", "boulevard", "place", "chemin",   "route",   "allee",   "impasse",
      "quai",    "cours",  "square",    "esplanade", "parvis", "lieu", "dit",   "za",
      "zi",      "zac",    "centre",    "faubourg", "residence", "lotissement", "hameau",
      "bp",      "cs",     "cedex",     "batiment", "bat",   "etage",   "rez",     "chaussee"};
  return k.count(w) != 0;
}

// Several names of one kind of place, as one word: the public-services houses ("MSAP") became
// "France Services" in 2020; a library is a "bibliothèque" or a "médiathèque"; an "espace
// public numérique" is an "EPN".
std::string canonical_phrases(std::string key) {
  static const std::pair<std::string_view, std::string_view> kPhrases[] = {
      {"maison de services au public", "franceservices"},
      {"maison des services au public", "franceservices"},
      {"maison de service au public", "franceservices"},
      {"maison des services publics", "franceservices"},
      {"maison france services", "franceservices"},
      {"espace france services", "franceservices"},
      {"france services", "franceservices"},
      {"france service", "franceservices"},
      {"maison de services", "franceservices"},
      {"maison des services", "franceservices"},
      {"espace public numerique", "epn"},
      {"espaces publics numeriques", "epn"},
      {"hotel de ville", "mairie"},
      {"point information jeunesse", "pij"},
      {"bureau information jeunesse", "pij"},
      {"information jeunesse", "pij"},
      {"info jeunes", "pij"},
      {"centre social", "centresocial"},
      {"centre socio culturel", "centresocial"},
      {"centre socioculturel", "centresocial"},
      {"espace de vie sociale", "centresocial"},
      {"mission locale", "missionlocale"},
      {"pole emploi", "poleemploi"},
      {"france travail", "poleemploi"},
      {"tiers lieu", "tierslieu"},
      {"tiers lieux", "tierslieu"},
      {"maison de quartier", "maisonquartier"},
      {"maison des jeunes et de la culture", "mjc"},
      {"centre multimedia", "multimedia"},
      {"fab lab", "fablab"},
      {"cyber base", "cyber"},
      {"cyber espace", "cyber"},
      {"la poste", "poste"},
      {"bureau de poste", "poste"},
  };
  key = " " + key + " ";
  for (const auto& [from, to] : kPhrases) {
    const std::string f = " " + std::string(from) + " ";
    for (std::size_t at; (at = key.find(f)) != std::string::npos;)
      key.replace(at, f.size(), " " + std::string(to) + " ");
  }
  return key;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> out;
  const std::string key = canonical_phrases(text::fold_key(text));
  std::size_t at = 0;
  while (at < key.size()) {
    std::size_t end = key.find(' ', at);
    if (end == std::string::npos) end = key.size();
    std::string w = key.substr(at, end - at);
    at = end + 1;
    if (w.empty()) continue;
    if (auto it = abbreviations().find(w); it != abbreviations().end()) w = it->second;
    out.push_back(std::move(w));
  }
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string digits_of(std::string_view s) {
  std::string d;
  for (char c : s)
    if (is_digit(c)) d += c;
  return d;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Levenshtein distance, stopping early above `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > limit) return limit + 1;
  std::vector<std::size_t> prev(a.size() + 1), cur(a.size() + 1);
  std::iota(prev.begin(), prev.end(), 0);
  for (std::size_t j = 1; j <= b.size(); ++j) {
    cur[0] = j;
    std::size_t best = cur[0];
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[i] = std::min({prev[i] + 1, cur[i - 1] + 1, prev[i - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      best = std::min(best, cur[i]);
    }
    if (best > limit) return limit + 1;
    std::swap(prev, cur);
  }
  return prev[a.size()];
}

// How well word `w` is matched by one of `others`: 1 exact, 0.8 one typo, 0.7 a prefix.
double word_match(const std::string& w, const std::vector<std::string>& others) {
  double best = 0;
  for (const auto& o : others) {
    if (o == w) return 1;
    const std::size_t shorter = std::min(o.size(), w.size());
    if (shorter >= 5 && edit_distance(o, w, shorter >= 8 ? 2 : 1) <= (shorter >= 8 ? 2u : 1u)) {
      best = std::max(best, 0.8);
    } else if (shorter >= 4 && (o.rfind(w, 0) == 0 || w.rfind(o, 0) == 0)) {
      best = std::max(best, 0.7);
    }
  }
  return best;
}

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

std::string key_of(const std::string& source, const std::string& id) { return source + '\x1f' + id; }

}  // namespace

MatchRecord match_record(const store::StoredPlace& sp) {
  const place::Place& p = sp.place;
  MatchRecord r;
  r.source = sp.source;
  r.id = sp.id;
  r.insee = p[Field::kCodeInsee];
  // Name: without stop words and without the commune's own name ("Médiathèque de Pontivy" and
  // "Pontivy - médiathèque" are the same words; every place of Pontivy shares "pontivy").
  const std::vector<std::string> commune = words_of(p[Field::kCommune]);
  for (auto& w : words_of(p[Field::kNom])) {
    if (text::is_stop_word(w)) continue;
    r.full_name_words.push_back(w);
    if (std::find(commune.begin(), commune.end(), w) == commune.end()) r.name_words.push_back(w);
  }
  r.name_is_commune = r.name_words.empty();
  for (const auto& w : r.full_name_words) {
    if (w == "bus" || w == "itinerant" || w == "itinerante" || w == "camion" || w == "mobile" ||
        w == "itinerants")
      r.mobile = 1;
    if (w == "bus" || w == "camion") r.bus = true;
    if (auto kind = kind_of(w);
        !kind.empty() && std::find(r.kinds.begin(), r.kinds.end(), kind) == r.kinds.end())
      r.kinds.emplace_back(kind);
  }
  // A France Services run by a PIMMS or in a post office is that France Services.
  if (std::find(r.kinds.begin(), r.kinds.end(), "franceservices") != r.kinds.end())
    for (const char* alias : {"pimms", "poste"})
      if (std::find(r.kinds.begin(), r.kinds.end(), alias) == r.kinds.end()) r.kinds.push_back(alias);
  const std::string_view itinerance = p[Field::kItinerance];
  if (!itinerance.empty() && r.mobile < 0)
    r.mobile = itinerance.find("Fixe") == std::string_view::npos ? 1 : 0;

  // Street: the first number is the house number; the rest of the numbers (postal boxes,
  // floors) are dropped.
  for (auto& w : words_of(p[Field::kAdresse])) {
    if (is_digit(w[0])) {
      if (r.street_number.empty() && r.street_words.empty()) r.street_number = digits_of(w);
      continue;
    }
    if (w == "bis" || w == "ter" || w == "b" || text::is_stop_word(w)) continue;
    if (street_type(w) && w != "centre" && w != "residence") r.street_address = true;
    r.street_words.push_back(std::move(w));
  }
  if (!r.street_number.empty()) r.street_address = true;
  if (p.has(Field::kLatitude) && p.has(Field::kLongitude)) {
    r.has_position = true;
    r.latitude = std::strtod(p[Field::kLatitude].c_str(), nullptr);
    r.longitude = std::strtod(p[Field::kLongitude].c_str(), nullptr);
  }
  for (auto t : place::split_values(p[Field::kTypologie]))
    if (!t.empty()) r.typologies.emplace_back(t);
  const std::string pivot = p[Field::kPivot];
  if (!pivot.empty() && digits_of(pivot) != std::string(digits_of(pivot).size(), '0'))
    r.pivot = lower_ascii(pivot);
  for (auto v : place::split_values(p[Field::kTelephone])) {
    std::string d = digits_of(v);
    if (d.size() >= 9) r.phones.push_back(d.substr(d.size() - 9));
  }
  for (auto v : place::split_values(p[Field::kCourriels]))
    if (!v.empty()) r.emails.push_back(lower_ascii(v));
  std::string web = lower_ascii(p[Field::kSiteWeb]);
  if (auto s = web.find("://"); s != std::string::npos) web = web.substr(s + 3);
  web = web.substr(0, web.find_first_of("/?#|"));
  if (web.rfind("www.", 0) == 0) web = web.substr(4);
  r.web_host = web;
  return r;
}

MatchStats::MatchStats(const std::vector<MatchRecord>& records) {
  total_ = std::max<double>(1, static_cast<double>(records.size()));
  for (const auto& r : records) {
    std::set<std::string_view> seen(r.name_words.begin(), r.name_words.end());
    for (auto w : seen) ++word_count_[std::string(w)];
    std::set<std::string> ids;
    if (!r.pivot.empty()) ids.insert("p:" + r.pivot);
    for (const auto& t : r.phones) ids.insert("t:" + t);
    for (const auto& e : r.emails) ids.insert("e:" + e);
    if (!r.web_host.empty()) ids.insert("w:" + r.web_host);
    for (const auto& i : ids) {
      auto& [count, communes] = id_use_[i];
      ++count;
      if (std::find(communes.begin(), communes.end(), r.insee) == communes.end() && communes.size() < 4)
        communes.push_back(r.insee);
    }
    if (!r.insee.empty())
      for (auto w : seen) {
        auto& [count, sources] = local_[r.insee + '\x1f' + std::string(w)];
        ++count;
        sources += r.source + '\x1e';
      }
  }
  // A word is locally unique when each source holding it there holds it once.
  for (const auto& [key, v] : local_) {
    std::set<std::string_view> distinct;
    std::string_view all = v.second;
    for (std::size_t at = 0; at < all.size();) {
      std::size_t end = all.find('\x1e', at);
      distinct.insert(all.substr(at, end - at));
      at = end + 1;
    }
    local_unique_.emplace(key, distinct.size() == v.first);
  }
  local_.clear();
}

bool MatchStats::locally_unique(const std::string& insee, const std::string& word) const {
  auto it = local_unique_.find(insee + '\x1f' + word);
  return it != local_unique_.end() && it->second;
}

double MatchStats::weight(const std::string& word) const {
  auto it = word_count_.find(word);
  const double df = it == word_count_.end() ? 1.0 : it->second;
  return std::log(1.0 + total_ / df);
}

bool MatchStats::generic(const std::string& identifier) const {
  auto it = id_use_.find(identifier);
  // One place is published by a handful of sources, in one commune; an identifier used in
  // several communes, or by more records than sources publish one place, belongs to an
  // organisation (a network, a department's switchboard), not to one place.
  return it != id_use_.end() && (it->second.first > 8 || it->second.second.size() > 2);
}

PairEvidence score_pair(const MatchRecord& a, const MatchRecord& b, const MatchStats& stats) {
  PairEvidence e;
  // Names: weighted Dice and containment, with the information the shared words carry.
  // A name that is only the commune's ("Serres") is compared with the other name whole
  // ("France services Serres").
  const bool whole = a.name_is_commune || b.name_is_commune;
  const auto& na = whole ? a.full_name_words : a.name_words;
  const auto& nb = whole ? b.full_name_words : b.name_words;
  double wa = 0, wb = 0, sa = 0, sb = 0;
  for (const auto& w : na) {
    const double k = stats.weight(w);
    wa += k;
    sa += k * word_match(w, nb);
  }
  for (const auto& w : nb) {
    const double k = stats.weight(w);
    wb += k;
    sb += k * word_match(w, na);
  }
  double name_sim = 0, info = 0;
  if (wa > 0 && wb > 0) {
    const double dice = (sa + sb) / (wa + wb);
    const double contain = std::max(sa / wa, sb / wb);
    name_sim = std::max(dice, 0.85 * contain);
    info = std::min(1.0, std::min(sa, sb) / 6.0);
    // A shared word that only one place of the commune carries singles it out.
    if (!a.insee.empty() && a.insee == b.insee)
      for (const auto& w : na)
        if (std::find(nb.begin(), nb.end(), w) != nb.end() && stats.locally_unique(a.insee, w))
          info = 1.0;
  }
  // A name that is only the commune's says nothing of which place it is.
  if (whole) {
    name_sim = std::min(name_sim, 0.6);
    info = 0;
  }
  e.name = name_sim;
  e.name_info = info;
  const double name_term = name_sim * (0.5 + 0.5 * info);

  // Street address.
  if (!a.street_words.empty() && !b.street_words.empty()) {
    double na = 0, ma = 0, nb = 0, mb = 0;
    for (const auto& w : a.street_words) {
      const double k = street_type(w) ? 0.3 : 1.0;
      na += k;
      ma += k * word_match(w, b.street_words);
    }
    for (const auto& w : b.street_words) {
      const double k = street_type(w) ? 0.3 : 1.0;
      nb += k;
      mb += k * word_match(w, a.street_words);
    }
    const double street = (ma + mb) / (na + nb);
    const bool numbers = !a.street_number.empty() && !b.street_number.empty();
    if (street >= 0.7) {
      e.address = !numbers ? 0.7 : a.street_number == b.street_number ? 1.0 : -0.6;
    } else if (street >= 0.4) {
      e.address = numbers && a.street_number == b.street_number ? 0.5 : 0.2;
    } else if (a.street_address && b.street_address && numbers) {
      // Two numbered street addresses that differ. Anything vaguer (a square, a hamlet, the
      // name of the building, the commune alone) is often another way to say the same place.
      e.address = -0.3;
    }
  }

  // Distance (positions as published; a commune centroid is not a position).
  // Pins within a few metres are one spot: two ways of writing its address do not argue
  // against it.
  double dist_term = 0;
  if (a.has_position && b.has_position) {
    e.distance_km = territory::distance_km(a.latitude, a.longitude, b.latitude, b.longitude);
    const double d = e.distance_km;
    dist_term = d <= 0.03 ? 1.0 : d <= 0.1 ? 0.8 : d <= 0.3 ? 0.4 : d <= 1.0 ? 0.0 : d <= 3.0 ? -0.5 : -1.0;
    // Two records of one commune pinned far apart: one pin is wrong (a misplaced geocoding),
    // so the distance says nothing.
    const bool same_commune = !a.insee.empty() && a.insee == b.insee;
    // Within one commune, a kilometre or two is often a geocoding to the town centre, and
    // farther than the commune's size is a wrong pin.
    if (same_commune && d > 1.0) dist_term = d <= 3.0 ? -0.25 : d <= 8.0 ? -0.5 : 0.0;
  }

  // Identifiers.
  if (!a.pivot.empty() && !b.pivot.empty()) {
    if (a.pivot == b.pivot) {
      e.same_pivot = !stats.generic("p:" + a.pivot);
    } else {
      e.other_pivot = true;
    }
  }
  for (const auto& t : a.phones)
    if (std::find(b.phones.begin(), b.phones.end(), t) != b.phones.end() && !stats.generic("t:" + t))
      e.same_phone = true;
  for (const auto& m : a.emails)
    if (std::find(b.emails.begin(), b.emails.end(), m) != b.emails.end() && !stats.generic("e:" + m))
      e.same_email = true;
  e.same_web = !a.web_host.empty() && a.web_host == b.web_host && !stats.generic("w:" + a.web_host);

  // A bus and a fixed site of one organisation share names, phones and often the address.
  // (A record whose name does not say it is a bus is taken as fixed.)
  e.mobility_differs = a.bus != b.bus || (a.mobile == 1 && b.mobile == 0) ||
                       (a.mobile == 0 && b.mobile == 1);
  e.kinds_differ = !a.kinds.empty() && !b.kinds.empty() &&
                   std::none_of(a.kinds.begin(), a.kinds.end(), [&](const std::string& k) {
                     return std::find(b.kinds.begin(), b.kinds.end(), k) != b.kinds.end();
                   });
  e.distance_term = dist_term;
  if (e.distance_km >= 0 && e.distance_km <= 0.03) e.address = std::max(e.address, 0.0);
  if (!a.typologies.empty() && !b.typologies.empty())
    e.typologie = std::any_of(a.typologies.begin(), a.typologies.end(), [&](const std::string& t) {
                    return std::find(b.typologies.begin(), b.typologies.end(), t) != b.typologies.end();
                  }) ? 1 : -1;
  const double z = -4.0 + 5.0 * name_term + 2.0 * e.address + 2.0 * dist_term + 1.5 * e.same_pivot +
                   1.2 * e.same_phone + 1.5 * e.same_email + 0.8 * e.same_web - 0.5 * e.other_pivot -
                   5.0 * e.mobility_differs - 3.5 * e.kinds_differ +
                   (e.typologie > 0 ? 0.5 : e.typologie < 0 ? -1.0 : 0.0);
  e.score = sigmoid(z);
  // Two different names are two places unless an identifier of the place itself says
  // otherwise: co-located structures (a town hall and its library) share addresses and pins.
  if (name_sim < 0.2 && !e.same_email && !e.same_pivot && !(e.same_phone && e.address >= 0.7))
    e.score = std::min(e.score, 0.4);
  // A name that is only the commune's needs an identifier of the place to match anything.
  // Without one, only the very same address and pin with a compatible typology will do.
  if (whole && !e.same_email && !e.same_pivot && !e.same_phone && !e.same_web) {
    const bool same_spot = e.address >= 0.7 && dist_term >= 0.8;
    e.score = std::min(e.score, same_spot && e.typologie >= 0 ? 0.7 : 0.5);
  }
  return e;
}

std::vector<std::vector<std::size_t>> cluster_records(const std::vector<MatchRecord>& records,
                                                      const MatchStats& stats,
                                                      const std::vector<store::MergeDecision>& decisions,
                                                      const DedupOptions& options,
                                                      ClusterCounts* counts) {
  const std::size_t n = records.size();
  std::unordered_map<std::string, std::size_t> index;
  index.reserve(n);
  for (std::size_t i = 0; i < n; ++i) index.emplace(key_of(records[i].source, records[i].id), i);

  // Candidate pairs: records that share a blocking key, in blocks small enough to be one
  // place's records (no place is published by dozens of sources): a name word in the same
  // commune or the same ~2 km cell, the same street number and street in a commune, a phone,
  // an e-mail address, a SIRET/RNA or a website. A larger block ("bibliothèque" in Paris, a
  // network's switchboard) says nothing and is skipped; its records still meet through their
  // other keys. The cost is linear in the records, whatever their number.
  std::vector<std::pair<std::size_t, std::size_t>> candidates;
  {
    std::unordered_map<std::string, std::vector<std::uint32_t>> blocks;
    blocks.reserve(n * 4);
    const double cell_deg = 2.0 * options.candidate_km / 111.0;
    std::string key;
    for (std::size_t i = 0; i < n; ++i) {
      const auto& r = records[i];
      auto put = [&](std::string k) { blocks[std::move(k)].push_back(static_cast<std::uint32_t>(i)); };
      const auto& words = r.name_is_commune ? r.full_name_words : r.name_words;
      std::string cell;
      if (r.has_position)
        cell = std::to_string(std::lround(std::floor(r.latitude / cell_deg))) + ',' +
               std::to_string(std::lround(std::floor(r.longitude / cell_deg)));
      for (const auto& w : words) {
        if (!r.insee.empty()) put("n\x1f" + r.insee + '\x1f' + w);
        if (!cell.empty()) put("g\x1f" + cell + '\x1f' + w);
      }
      if (!r.insee.empty() && !r.street_words.empty()) {
        std::string street;
        for (const auto& w : r.street_words)
          if (!street_type(w)) {
            street = w;
            break;
          }
        if (!street.empty()) put("a\x1f" + r.insee + '\x1f' + r.street_number + '\x1f' + street);
      }
      for (const auto& t : r.phones) put("t\x1f" + t);
      for (const auto& m : r.emails) put("e\x1f" + m);
      if (!r.pivot.empty()) put("p\x1f" + r.pivot);
      if (!r.web_host.empty()) put("w\x1f" + r.web_host);
    }
    for (const auto& [k, list] : blocks) {
      if (list.size() < 2 || list.size() > options.max_block) continue;
      for (std::size_t x = 0; x < list.size(); ++x)
        for (std::size_t y = x + 1; y < list.size(); ++y) {
          const std::size_t a = std::min(list[x], list[y]), b = std::max(list[x], list[y]);
          if (a == b) continue;
          // Beyond a commune's reach, two records are not one place unless they share a commune.
          const auto& ra = records[a];
          const auto& rb = records[b];
          if (ra.insee != rb.insee && ra.has_position && rb.has_position &&
              territory::distance_km(ra.latitude, ra.longitude, rb.latitude, rb.longitude) >
                  options.candidate_km)
            continue;
          candidates.emplace_back(a, b);
        }
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  }

  // Decisions.
  std::set<std::pair<std::size_t, std::size_t>> separate, force;
  for (const auto& d : decisions) {
    auto a = index.find(key_of(d.source_a, d.id_a));
    auto b = index.find(key_of(d.source_b, d.id_b));
    if (a == index.end() || b == index.end()) continue;
    auto pair = std::make_pair(std::min(a->second, b->second), std::max(a->second, b->second));
    (d.decision == "separer" ? separate : force).insert(pair);
  }

  struct Scored {
    double score;
    std::size_t i, j;
  };
  std::vector<Scored> pairs;
  std::unordered_map<std::uint64_t, double> score_of;
  score_of.reserve(candidates.size());
  auto pair_key = [](std::size_t i, std::size_t j) {
    return (static_cast<std::uint64_t>(std::min(i, j)) << 32) | static_cast<std::uint64_t>(std::max(i, j));
  };
  for (const auto& [i, j] : candidates) {
    const double s = score_pair(records[i], records[j], stats).score;
    score_of[pair_key(i, j)] = s;
    if (s >= options.threshold) pairs.push_back({s, i, j});
  }
  if (counts) {
    counts->candidate_pairs = static_cast<std::int64_t>(candidates.size());
    counts->matched_pairs = static_cast<std::int64_t>(pairs.size());
  }
  std::sort(pairs.begin(), pairs.end(), [](const Scored& x, const Scored& y) {
    return x.score != y.score ? x.score > y.score : std::tie(x.i, x.j) < std::tie(y.i, y.j);
  });

  // Clusters as member lists; cluster_of maps a record to its list.
  std::vector<std::size_t> cluster_of(n);
  std::iota(cluster_of.begin(), cluster_of.end(), 0);
  std::vector<std::vector<std::size_t>> members(n);
  for (std::size_t i = 0; i < n; ++i) members[i] = {i};
  auto pair_score = [&](std::size_t i, std::size_t j) {
    auto it = score_of.find(pair_key(i, j));
    if (it != score_of.end()) return it->second;
    return score_pair(records[i], records[j], stats).score;
  };
  auto join = [&](std::size_t i, std::size_t j, bool forced) {
    std::size_t ci = cluster_of[i], cj = cluster_of[j];
    if (ci == cj) return;
    // Average link with a veto: the records of the two clusters must match on average, and no
    // two of them may be plainly different places (a bus and a site, a library and a town hall).
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t x : members[ci])
      for (std::size_t y : members[cj]) {
        auto p = std::make_pair(std::min(x, y), std::max(x, y));
        if (separate.count(p)) return;
        if (forced || force.count(p)) continue;
        const double sc = pair_score(x, y);
        if (sc < options.veto) return;
        sum += sc;
        ++n;
      }
    if (!forced && n > 0 && sum / static_cast<double>(n) < options.floor) return;
    if (members[ci].size() < members[cj].size()) std::swap(ci, cj);
    for (std::size_t y : members[cj]) {
      cluster_of[y] = ci;
      members[ci].push_back(y);
    }
    members[cj].clear();
  };
  for (const auto& [i, j] : force) join(i, j, true);
  for (const auto& p : pairs) join(p.i, p.j, false);

  std::vector<std::vector<std::size_t>> out;
  for (auto& m : members)
    if (m.size() >= 2) {
      std::sort(m.begin(), m.end());
      out.push_back(std::move(m));
    }
  std::sort(out.begin(), out.end());
  return out;
}

MergedPlace merge_cluster(const std::vector<const store::StoredPlace*>& input) {
  std::vector<const store::StoredPlace*> members(input);
  std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
    return std::tie(a->source, a->id) < std::tie(b->source, b->id);
  });
  MergedPlace m;
  const std::string anchor = key_of(members.front()->source, members.front()->id);
  char hex[24];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(anchor.data(), anchor.size())));
  m.id = std::string("fusion-") + hex;

  // Members by preference: the freshest record, then the most complete, then the key order.
  std::vector<std::size_t> order(members.size());
  std::iota(order.begin(), order.end(), 0);
  auto filled = [](const place::Place& p) {
    return std::count_if(p.values.begin(), p.values.end(), [](const std::string& v) { return !v.empty(); });
  };
  // A date_maj on or after the day the record was stored is the harvest's own date (a source
  // without dates, dated by its file), not the publisher's: it does not make a record fresh.
  auto freshness = [](const store::StoredPlace& p) -> std::string {
    const std::string& date = p.place[Field::kDateMaj];
    if (p.updated_at.size() >= 10 && date >= p.updated_at.substr(0, 10)) return {};
    return date;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    const std::string fx = freshness(*members[x]), fy = freshness(*members[y]);
    if (fx != fy) return fx > fy;
    return filled(members[x]->place) > filled(members[y]->place);
  });

  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  auto take = [&](Field f, std::size_t member) {
    m.place[f] = members[member]->place[f];
    fields[std::string(place::name(f))] = member;
  };
  // The location comes whole from one member: the best one with a published position, else
  // the best one with an address.
  static constexpr Field kLocation[] = {Field::kAdresse,   Field::kComplementAdresse,
                                        Field::kCodePostal, Field::kCodeInsee,
                                        Field::kCommune,    Field::kLatitude,
                                        Field::kLongitude};
  std::size_t where = order.front();
  for (std::size_t k : order)
    if (members[k]->place.has(Field::kLatitude)) {
      where = k;
      break;
    }
  for (Field f : kLocation)
    if (members[where]->place.has(f)) take(f, where);
  for (const auto& spec : place::all_fields()) {
    const Field f = spec.field;
    if (f == Field::kId || f == Field::kSource ||
        std::find(std::begin(kLocation), std::end(kLocation), f) != std::end(kLocation))
      continue;
    for (std::size_t k : order)
      if (members[k]->place.has(f)) {
        take(f, k);
        break;
      }
  }
  m.place[Field::kId] = m.id;
  std::vector<std::string> sources;
  for (const auto* p : members) {
    std::string s = p->place.has(Field::kSource) ? p->place[Field::kSource] : p->source;
    if (std::find(sources.begin(), sources.end(), s) == sources.end()) sources.push_back(s);
  }
  std::string joined;
  for (const auto& s : sources) joined += (joined.empty() ? "" : ", ") + s;
  m.place[Field::kSource] = joined;

  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto* p : members)
    list.push_back({{"source", p->source}, {"id", p->id}, {"date_maj", p->place[Field::kDateMaj]}});
  m.provenance = nlohmann::ordered_json{{"membres", list}, {"champs", fields}}.dump();
  return m;
}


bool parse_record_key(const std::string& key, std::string& source, std::string& id) {
  auto colon = key.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == key.size()) return false;
  source = key.substr(0, colon);
  id = key.substr(colon + 1);
  return true;
}

DedupReport deduplicate(store::Store& store, const DedupOptions& options) {
  DedupReport report;
  std::vector<store::StoredPlace> places;
  store::Status st = store.scan([&](const store::StoredPlace& p) {
    if (p.source != store::kFusionSource) places.push_back(p);
  });
  if (!st.ok) {
    report.error = st.message;
    return report;
  }
  std::vector<MatchRecord> records;
  records.reserve(places.size());
  for (const auto& p : places) records.push_back(match_record(p));
  report.records = static_cast<std::int64_t>(records.size());
  MatchStats stats(records);
  ClusterCounts counts;
  auto clusters = cluster_records(records, stats, store.merge_decisions(), options, &counts);
  report.candidate_pairs = counts.candidate_pairs;
  report.matched_pairs = counts.matched_pairs;
  report.clusters = static_cast<std::int64_t>(clusters.size());

  std::vector<store::StoredPlace> merged;
  merged.reserve(clusters.size());
  for (const auto& c : clusters) {
    report.clustered_records += static_cast<std::int64_t>(c.size());
    std::vector<const store::StoredPlace*> members;
    for (std::size_t i : c) members.push_back(&places[i]);
    MergedPlace m = merge_cluster(members);
    store::StoredPlace sp;
    sp.source = std::string(store::kFusionSource);
    sp.id = m.id;
    sp.place = std::move(m.place);
    sp.raw = std::move(m.provenance);
    sp.raw_format = "json";
    merged.push_back(std::move(sp));
  }
  std::sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) { return a.id < b.id; });

  auto run = store.begin_run(store::kFusionSource, "(dédoublonnage)", st);
  if (!run) {
    report.error = st.message;
    return report;
  }
  std::vector<store::Outcome> outcomes;
  for (std::size_t at = 0; at < merged.size(); at += 5000) {
    std::span<const store::StoredPlace> batch(merged.data() + at, std::min<std::size_t>(5000, merged.size() - at));
    st = store.upsert(*run, batch, outcomes);
    if (!st.ok) break;
    for (auto o : outcomes) {
      report.added += o == store::Outcome::kAdded;
      report.updated += o == store::Outcome::kUpdated;
      report.unchanged += o == store::Outcome::kUnchanged;
    }
  }
  if (st.ok) {
    std::vector<std::string> keep;
    keep.reserve(merged.size());
    for (const auto& m : merged) keep.push_back(m.id);
    std::sort(keep.begin(), keep.end());
    keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
    st = store.withdraw_missing(*run, store::kFusionSource, keep, false, report.withdrawn);
  }
  store::RunCounts run_counts{report.records, report.added, report.updated, report.unchanged, 0, 0};
  store.finish_run(*run, run_counts, st.ok ? "termine" : "echec");
  store.annotate_run(*run, report.withdrawn,
                     st.ok ? std::to_string(report.clusters) + " lieux fusionnés à partir de " +
                                 std::to_string(report.clustered_records) + " enregistrements"
                           : st.message);
  if (!st.ok) report.error = st.message;
  return report;
}

bool dedup_due(store::Store& store) {
  const std::string changed = store.last_change_at_outside(store::kFusionSource);
  if (changed.empty()) return false;  // no source has ever changed anything
  // The newest finished deduplication (runs newest first; killed ones never finish).
  for (std::size_t limit = 16;; limit *= 4) {
    auto runs = store.runs_of(store::kFusionSource, limit);
    for (const auto& r : runs)
      if (r.status == "termine") return changed > r.started_at;
    if (runs.size() < limit) return true;
  }
}

}  // namespace maillage::federation
