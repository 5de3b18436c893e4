#include "territory/place_query.h"

#include <algorithm>
#include <array>
#include <bit>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "common/utf8.h"
#include "territory/name_key.h"
#include "text/fold.h"

namespace maillage::territory {
namespace {
// A named namespace inside the anonymous one: in a unity build this file shares a translation
// unit with reference.cpp and name_key.cpp, whose helpers have the same short names.
namespace placeq {

constexpr std::size_t kMaxAlternatives = 5;
constexpr std::size_t kMaxTypedBytes = 200;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool digits_only(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

std::vector<std::string_view> words_of(std::string_view key) {
  std::vector<std::string_view> words;
  for (std::size_t start = 0; start < key.size();) {
    const std::size_t end = std::min(key.find(' ', start), key.size());
    if (end > start) words.push_back(key.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

std::string join_words(const std::vector<std::string_view>& words, std::size_t from,
                       std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (!out.empty()) out += ' ';
    out += words[i];
  }
  return out;
}

// Communes and arrondissements first, then délégués, then associés.
int type_order(const Commune& c) {
  if (c.type == "commune" || c.type == "arrondissement") return 0;
  return c.type == "commune_deleguee" ? 1 : 2;
}

// Optimal-string-alignment distance (Damerau-Levenshtein with adjacent transpositions, each
// substring edited once), or max + 1 as soon as it must exceed `max`.
int bounded_distance(std::string_view a, std::string_view b, int max) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max) return max + 1;
  std::array<std::vector<int>, 3> rows;
  for (auto& r : rows) r.assign(static_cast<std::size_t>(m) + 1, 0);
  for (int j = 0; j <= m; ++j) rows[1][static_cast<std::size_t>(j)] = j;
  for (int i = 1; i <= n; ++i) {
    std::vector<int>& before = rows[(static_cast<std::size_t>(i) + 2) % 3];  // row i - 2
    std::vector<int>& prev = rows[static_cast<std::size_t>(i) % 3];          // row i - 1
    std::vector<int>& cur = rows[(static_cast<std::size_t>(i) + 1) % 3];     // row i
    cur[0] = i;
    int row_min = i;
    for (int j = 1; j <= m; ++j) {
      const auto uj = static_cast<std::size_t>(j);
      const int cost = a[static_cast<std::size_t>(i - 1)] == b[uj - 1] ? 0 : 1;
      int d = std::min({prev[uj] + 1, cur[uj - 1] + 1, prev[uj - 1] + cost});
      if (i > 1 && j > 1 && a[static_cast<std::size_t>(i - 1)] == b[uj - 2] &&
          a[static_cast<std::size_t>(i - 2)] == b[uj - 1])
        d = std::min(d, before[uj - 2] + 1);
      cur[uj] = d;
      row_min = std::min(row_min, d);
    }
    if (row_min > max) return max + 1;
  }
  return rows[(static_cast<std::size_t>(n) + 1) % 3][static_cast<std::size_t>(m)];
}

// The characters a key holds, one bit each (a-z, 0-9, others together): an edit changes at
// most two bits, so half the bits that differ is a lower bound of the distance.
std::uint64_t character_mask(std::string_view key) {
  std::uint64_t mask = 0;
  for (char c : key) {
    const int bit = c >= 'a' && c <= 'z' ? c - 'a' : is_digit(c) ? 26 + (c - '0') : 36;
    mask |= std::uint64_t{1} << bit;
  }
  return mask;
}

// The distance allowed between a typed name key of `size` bytes and a commune's.
int allowed_distance(std::size_t size) {
  return size < 4 ? 0 : size <= 6 ? 1 : 2;
}

// A rough French phonetic key of a name key, so that "bordo" meets "bordeaux" and "ajacio"
// "ajaccio": eau/au → o, ph → f, qu → k, c → k or s, soft g, y → i, z → s, silent h, ai/ei → e,
// doubled letters once, silent endings (e, s, x, t, d) dropped from each word.
std::string phonetic_key(std::string_view key) {
  std::string out;
  for (std::string_view word : words_of(key)) {
    std::string w;
    for (std::size_t i = 0; i < word.size(); ++i) {
      const std::string_view rest = word.substr(i);
      const char next = i + 1 < word.size() ? word[i + 1] : '\0';
      if (rest.starts_with("eau")) {
        w += 'o';
        i += 2;
      } else if (rest.starts_with("au")) {
        w += 'o';
        ++i;
      } else if (rest.starts_with("ph")) {
        w += 'f';
        ++i;
      } else if (rest.starts_with("qu")) {
        w += 'k';
        ++i;
      } else if (rest.starts_with("ai") || rest.starts_with("ei")) {
        w += 'e';
        ++i;
      } else if (word[i] == 'c') {
        w += next == 'e' || next == 'i' || next == 'y' ? 's' : 'k';
      } else if (word[i] == 'g' && (next == 'e' || next == 'i')) {
        w += 'j';
      } else if (word[i] == 'y') {
        w += 'i';
      } else if (word[i] == 'z') {
        w += 's';
      } else if (word[i] == 'h') {
        continue;
      } else {
        w += word[i];
      }
    }
    w.erase(std::unique(w.begin(), w.end()), w.end());
    while (w.size() > 3 && (w.back() == 'e' || w.back() == 's' || w.back() == 'x' ||
                            w.back() == 't' || w.back() == 'd'))
      w.pop_back();
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

bool is_street_word(std::string_view w) {
  static constexpr std::array<std::string_view, 34> kWords = {
      "rue",     "avenue",    "av",     "ave",         "bd",       "boulevard", "bld",
      "place",   "pl",        "chemin", "ch",          "allee",    "allees",    "impasse",
      "imp",     "route",     "rte",    "quai",        "cours",    "square",    "passage",
      "voie",    "residence", "hameau", "lieu",        "chaussee", "faubourg",  "fbg",
      "sentier", "esplanade", "parvis", "lotissement", "cite",     "ruelle"};
  return std::find(kWords.begin(), kWords.end(), w) != kWords.end();
}

// "12", "12b", "3bis", "12 bis": a house number.
bool is_house_number(std::string_view w) {
  std::size_t digits = 0;
  while (digits < w.size() && is_digit(w[digits])) ++digits;
  if (digits == 0 || digits > 4) return false;
  const std::string_view rest = w.substr(digits);
  return rest.empty() || rest == "b" || rest == "bis" || rest == "t" || rest == "ter" ||
         rest == "q" || rest == "quater" || rest == "a" || rest == "c";
}

bool is_linking_word(std::string_view w) {
  static constexpr std::array<std::string_view, 13> kWords = {
      "de", "du", "des", "d", "la", "le", "les", "l", "a", "au", "aux", "en", "et"};
  return std::find(kWords.begin(), kWords.end(), w) != kWords.end();
}

}  // namespace placeq
}  // namespace

bool looks_like_street_address(std::string_view text) {
  const std::string key = text::fold_key(text);
  const std::vector<std::string_view> words = placeq::words_of(key);
  for (std::size_t i = 0; i + 1 < words.size(); ++i)
    if (placeq::is_street_word(words[i])) return true;
  if (words.size() >= 3 && placeq::is_house_number(words[0])) {
    // "69003 Lyon 3e": a postal code, not a house number.
    return !(words[0].size() == 5 && placeq::digits_only(words[0]));
  }
  return false;
}

std::string around(std::string_view label) {
  const std::string key = text::fold_key(label.substr(0, std::min<std::size_t>(label.size(), 8)));
  const auto starts = [&](std::string_view article) {
    return key.starts_with(article) && label.size() > article.size() &&
           (label[article.size()] == ' ');
  };
  if (starts("le")) return "autour du " + std::string(label.substr(3));
  if (starts("les")) return "autour des " + std::string(label.substr(4));
  const char first = key.empty() ? 'x' : key[0];
  if (first >= '0' && first <= '9') return "autour du " + std::string(label);  // an address
  const bool vowel =
      first == 'a' || first == 'e' || first == 'i' || first == 'o' || first == 'u' || first == 'y';
  return (vowel ? "autour d'" : "autour de ") + std::string(label);
}

struct PlaceResolver::Tables {
  // Name keys (detail::commune_name_key) → entries, best first (type, then population).
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_name;
  // Keys of names without their qualifier ("Château-Chinon" for "Château-Chinon (Ville)").
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_base_name;
  // Every key of by_name, grouped by size (for the near names), and by phonetic key.
  struct SizedKey {
    const std::string* key;
    std::uint64_t characters;  // placeq::character_mask
  };
  std::vector<std::vector<SizedKey>> keys_by_size;
  std::unordered_map<std::string, std::vector<const std::string*>> keys_by_sound;
  // Folded département names ("la reunion", "reunion", "seine saint denis") → code.
  std::unordered_map<std::string, std::string> departement_by_name;
  enum class LabelForm : std::uint8_t { kName, kDepartement, kInsee, kNone };
  std::vector<LabelForm> label_form;  // per entry; kNone: not resolvable by name (a délégué
                                      // named like its commune)
};

namespace {
namespace placeq {

std::vector<std::string> departement_codes(const Reference& ref) {
  std::vector<std::string> codes;
  const auto add = [&](std::string code) {
    if (!ref.departement_name(code).empty()) codes.push_back(std::move(code));
  };
  for (int n = 1; n <= 99; ++n) add((n < 10 ? "0" : "") + std::to_string(n));
  add("2A");
  add("2B");
  for (int n = 971; n <= 989; ++n) add(std::to_string(n));
  return codes;
}

}  // namespace placeq
}  // namespace

PlaceResolver::PlaceResolver(const Reference& reference) : reference_(&reference) {
  auto t = std::make_unique<Tables>();
  const std::vector<Commune>& all = reference.communes();
  const auto n = static_cast<std::uint32_t>(all.size());
  t->label_form.assign(n, Tables::LabelForm::kNone);
  for (std::uint32_t i = 0; i < n; ++i) {
    const Commune& c = all[i];
    if (!c.parent.empty()) {
      const Commune* parent = reference.by_insee(c.parent);
      if (parent != nullptr && text::fold_key(parent->nom) == text::fold_key(c.nom)) continue;
    }
    t->label_form[i] = Tables::LabelForm::kName;
    t->by_name[detail::commune_name_key(c.nom)].push_back(i);
    if (std::string base = detail::commune_base_key(c.nom); !base.empty())
      t->by_base_name[base].push_back(i);
  }
  const auto better = [&](std::uint32_t a, std::uint32_t b) {
    if (placeq::type_order(all[a]) != placeq::type_order(all[b]))
      return placeq::type_order(all[a]) < placeq::type_order(all[b]);
    if (all[a].population != all[b].population) return all[a].population > all[b].population;
    return a < b;
  };
  for (auto* map : {&t->by_name, &t->by_base_name})
    for (auto& [key, list] : *map) std::sort(list.begin(), list.end(), better);
  // Labels: the name alone when it is the only one; else with the département for the first of
  // its département, with the INSEE code for the others.
  for (const auto& [key, list] : t->by_name) {
    const bool alone = list.size() == 1 && !t->by_base_name.count(key);
    for (std::size_t k = 0; k < list.size(); ++k) {
      bool first_of_departement = true;
      for (std::size_t j = 0; j < k; ++j)
        first_of_departement &= all[list[j]].departement != all[list[k]].departement;
      t->label_form[list[k]] = alone                  ? Tables::LabelForm::kName
                               : first_of_departement ? Tables::LabelForm::kDepartement
                                                      : Tables::LabelForm::kInsee;
    }
  }
  for (const auto& [key, list] : t->by_name) {
    if (t->keys_by_size.size() <= key.size()) t->keys_by_size.resize(key.size() + 1);
    t->keys_by_size[key.size()].push_back({&key, placeq::character_mask(key)});
    t->keys_by_sound[placeq::phonetic_key(key)].push_back(&key);
  }
  for (const std::string& code : placeq::departement_codes(reference)) {
    const std::string name = text::fold_key(reference.departement_name(code));
    t->departement_by_name[name] = code;
    for (std::string_view article : {"la ", "le ", "les ", "l "})
      if (name.starts_with(article)) t->departement_by_name[name.substr(article.size())] = code;
  }
  tables_ = std::move(t);
}

PlaceResolver::~PlaceResolver() = default;

const PlaceResolver& PlaceResolver::of(const Reference& reference) {
  struct Entry {
    const Reference* reference;
    const Commune* first;
    std::size_t size;
    std::unique_ptr<const PlaceResolver> resolver;
  };
  static std::mutex mutex;
  static std::vector<Entry> entries;  // a replaced entry is kept: a caller may still hold it
  const Commune* first = reference.communes().empty() ? nullptr : reference.communes().data();
  // Built under the lock: the first requests of a server arrive together, and one build (about
  // 100 ms) serves them all.
  std::lock_guard lock(mutex);
  for (auto it = entries.rbegin(); it != entries.rend(); ++it)
    if (it->reference == &reference && it->first == first && it->size == reference.size())
      return *it->resolver;
  entries.push_back(
      {&reference, first, reference.size(), std::make_unique<const PlaceResolver>(reference)});
  return *entries.back().resolver;
}

std::string PlaceResolver::label(const Commune& commune) const {
  const auto i = static_cast<std::size_t>(&commune - reference_->communes().data());
  switch (tables_->label_form[i]) {
    case Tables::LabelForm::kDepartement:
      return commune.nom + " (" + commune.departement + ")";
    case Tables::LabelForm::kInsee:
      return commune.nom + " (" + commune.code_insee + ")";
    case Tables::LabelForm::kName:
      return commune.nom;
    case Tables::LabelForm::kNone:
      break;
  }
  // A délégué named like its commune: its code designates the commune, so say the commune's.
  const Commune* parent = reference_->by_insee(commune.parent);
  return parent != nullptr && parent != &commune ? label(*parent) : commune.nom;
}

std::string PlaceResolver::label_with_departement(const Commune& commune) const {
  std::string l = label(commune);
  if (l.size() > commune.nom.size()) return l;  // already qualified
  return l + " (" + commune.departement + ")";
}

std::vector<const Commune*> PlaceResolver::postal_code_entries(std::string_view postal_code) const {
  std::vector<const Commune*> entries = reference_->by_postal_code(postal_code);
  const auto order = [](const Commune* c) {
    return c->type == "arrondissement" ? 0 : c->type == "commune" ? 1 : 2;
  };
  // by_postal_code() lists by type then population: only the arrondissements move up.
  std::stable_sort(entries.begin(), entries.end(),
                   [&](const Commune* a, const Commune* b) { return order(a) < order(b); });
  return entries;
}

class PlaceResolver::Run {
 public:
  Run(const PlaceResolver& resolver, std::string_view typed)
      : resolver_(resolver),
        ref_(*resolver.reference_),
        tables_(*resolver.tables_),
        typed_(utf8::trim(typed)) {}

  PlaceMatch resolve() {
    if (typed_.empty() || typed_.size() > placeq::kMaxTypedBytes || !utf8::is_valid(typed_))
      return nothing_matches();
    if (placeq::digits_only(typed_) && (typed_.size() == 4 || typed_.size() == 5)) {
      std::vector<const Commune*> entries = resolver_.postal_code_entries(typed_);
      if (!entries.empty())
        return from_postal_code(
            entries, PlaceBasis::kPostalCode,
            typed_.size() == 4 ? "0" + std::string(typed_) : std::string(typed_));
    }
    if (typed_.size() == 5 && placeq::is_digit(typed_[2]) && placeq::is_digit(typed_[4]))
      if (const Commune* c = ref_.by_insee(placeq::upper(typed_)))
        return from_entries({c}, PlaceBasis::kInseeCode, typed_);
    if (placeq::digits_only(typed_)) return nothing_matches();
    const std::string key = detail::commune_name_key(typed_);
    if (key.empty()) return nothing_matches();
    // "Marseille (13)" before "Marseille 13" (the 13e arrondissement's key).
    if (typed_.back() == ')')
      if (std::optional<PlaceMatch> m = with_qualifier(key, true)) return std::move(*m);
    if (const auto* list = named(key))
      return from_entries(entries_of(*list), PlaceBasis::kName, typed_);
    if (std::optional<PlaceMatch> m = with_qualifier(key, false)) return std::move(*m);
    if (looks_like_street_address(typed_)) {
      if (std::optional<PlaceMatch> m = from_address(key)) return std::move(*m);
      PlaceMatch m = nothing_matches();
      m.error.back() = ' ';
      m.error += ": ajoutez le code postal ou la commune de l'adresse.";
      return m;
    }
    return near(key, nullptr, typed_);
  }

 private:
  // What follows a name to tell homonyms apart: a département (by code or name), or a code that
  // is the INSEE or a postal code of the entry.
  struct Qualifier {
    enum class Kind { kDepartement, kCode } kind = Kind::kDepartement;
    std::string value;  // département code, or five characters
  };
  struct Split {
    std::string name;  // as typed, or a fold key
    Qualifier qualifier;
  };
  struct Candidate {
    const Commune* commune;
    int distance;  // edits; 1 for a name that sounds the same; 3 for the beginning of a name
  };

  const std::vector<std::uint32_t>* named(const std::string& key) const {
    if (auto it = tables_.by_name.find(key); it != tables_.by_name.end()) return &it->second;
    if (auto it = tables_.by_base_name.find(key); it != tables_.by_base_name.end())
      return &it->second;
    return nullptr;
  }

  std::vector<const Commune*> entries_of(const std::vector<std::uint32_t>& list) const {
    std::vector<const Commune*> out;
    out.reserve(list.size());
    for (std::uint32_t i : list) out.push_back(&ref_.communes()[i]);
    return out;
  }

  PlaceChoice choice(const Commune* c, bool with_departement = false) const {
    return {c, with_departement ? resolver_.label_with_departement(*c) : resolver_.label(*c)};
  }

  PlaceMatch nothing_matches() const {
    PlaceMatch m;
    m.error = "aucune commune ne correspond à « " + std::string(typed_) + " ».";
    return m;
  }

  // The first of `entries` (best first), the others as alternatives.
  PlaceMatch from_entries(const std::vector<const Commune*>& entries, PlaceBasis basis,
                          std::string_view name) const {
    PlaceMatch m;
    m.basis = basis;
    m.commune = entries.front();
    m.label = resolver_.label(*m.commune);
    for (std::size_t k = 1; k < entries.size() && m.alternatives.size() < placeq::kMaxAlternatives;
         ++k)
      m.alternatives.push_back(choice(entries[k]));
    m.status = entries.size() > 1 ? PlaceStatus::kSeveral : PlaceStatus::kFound;
    if (m.status == PlaceStatus::kSeveral)
      m.note = "Plusieurs communes s'appellent « " + std::string(name) +
               " » : la plus peuplée a été choisie.";
    if (basis == PlaceBasis::kAddress) address_note(m);
    return m;
  }

  static void address_note(PlaceMatch& m) {
    m.note = "Adresse non localisée : recherche autour de sa commune.";
  }

  // The entries of a postal code (PlaceResolver::postal_code_entries order): the first, and the
  // other communes as alternatives (not the city of an arrondissement, nor the délégués of a
  // commune of the list).
  PlaceMatch from_postal_code(const std::vector<const Commune*>& entries, PlaceBasis basis,
                              std::string_view postal_code) const {
    PlaceMatch m;
    m.basis = basis;
    m.commune = entries.front();
    m.label = resolver_.label(*m.commune);
    for (std::size_t k = 1; k < entries.size(); ++k) {
      const Commune* c = entries[k];
      if (c->code_insee == m.commune->parent) continue;
      if (!c->parent.empty() && std::any_of(entries.begin(), entries.end(), [&](const Commune* o) {
            return o->code_insee == c->parent;
          }))
        continue;
      if (m.alternatives.size() < placeq::kMaxAlternatives) m.alternatives.push_back(choice(c));
    }
    m.status = m.alternatives.empty() ? PlaceStatus::kFound : PlaceStatus::kSeveral;
    if (m.status == PlaceStatus::kSeveral)
      m.note = "Le code postal " + std::string(postal_code) +
               " est celui de plusieurs communes : la plus peuplée a été choisie.";
    if (basis == PlaceBasis::kAddress) address_note(m);
    return m;
  }

  // The municipal arrondissement of city `c` that has `postal_code`, or `c`.
  const Commune* district_of(const Commune* c, std::string_view postal_code) const {
    if (c->type != "commune") return c;
    for (const Commune* e : ref_.by_postal_code(postal_code))
      if (e->type == "arrondissement" && e->parent == c->code_insee) return e;
    return c;
  }

  // A département or a code of an entry, or nullopt.
  std::optional<Qualifier> qualifier_of(std::string_view text) const {
    text = utf8::trim(text);
    std::string code = placeq::upper(text);
    if (code.size() == 1 && placeq::is_digit(code[0])) code.insert(0, "0");
    if (code.size() <= 3 && !ref_.departement_name(code).empty())
      return Qualifier{Qualifier::Kind::kDepartement, code};
    if (code.size() == 5 && placeq::is_digit(code[0]) &&
        std::all_of(code.begin() + 2, code.end(), placeq::is_digit))
      return Qualifier{Qualifier::Kind::kCode, code};
    const std::string key = text::fold_key(text);
    if (auto it = tables_.departement_by_name.find(key); it != tables_.departement_by_name.end())
      return Qualifier{Qualifier::Kind::kDepartement, it->second};
    return std::nullopt;
  }

  bool qualifies(const Commune& c, const Qualifier& q) const {
    if (q.kind == Qualifier::Kind::kDepartement) return c.departement == q.value;
    return c.code_insee == q.value || ref_.has_postal_code(c, q.value);
  }

  // The ways of reading the text as a name and a qualifier; only "Name (qualifier)" when
  // `parenthesised_only`.
  std::vector<Split> splits(const std::string& key, bool parenthesised_only) const {
    std::vector<Split> out;
    const auto add = [&](std::string_view name, std::string_view qualifier) {
      if (utf8::trim(name).empty()) return;
      if (auto q = qualifier_of(qualifier)) out.push_back({std::string(utf8::trim(name)), *q});
    };
    if (typed_.back() == ')')
      if (const std::size_t open = typed_.rfind('('); open != std::string_view::npos)
        add(typed_.substr(0, open), typed_.substr(open + 1, typed_.size() - open - 2));
    if (parenthesised_only) return out;
    if (const std::size_t comma = typed_.rfind(','); comma != std::string_view::npos)
      add(typed_.substr(0, comma), typed_.substr(comma + 1));
    const std::vector<std::string_view> words = placeq::words_of(key);
    if (words.size() >= 2) {
      add(placeq::join_words(words, 0, words.size() - 1), words.back());
      if (words.front().size() == 5 && placeq::digits_only(words.front()))
        add(placeq::join_words(words, 1, words.size()), words.front());
    }
    for (const auto& [name, code] : tables_.departement_by_name)
      if (key.size() > name.size() + 1 && key.ends_with(name) &&
          key[key.size() - name.size() - 1] == ' ')
        out.push_back(
            {key.substr(0, key.size() - name.size() - 1), {Qualifier::Kind::kDepartement, code}});
    return out;
  }

  std::string qualifier_text(const Qualifier& q) const {
    if (q.kind == Qualifier::Kind::kCode) return "avec le code " + q.value;
    return "dans le département " + q.value + " (" + std::string(ref_.departement_name(q.value)) +
           ")";
  }

  std::optional<PlaceMatch> with_qualifier(const std::string& key, bool parenthesised_only) const {
    const std::vector<Split> all = splits(key, parenthesised_only);
    const Split* misplaced = nullptr;  // a known name, not there
    std::vector<const Commune*> elsewhere;
    for (const Split& s : all) {
      const auto* list = named(detail::commune_name_key(s.name));
      if (list == nullptr) continue;
      std::vector<const Commune*> there;
      for (const Commune* c : entries_of(*list))
        if (qualifies(*c, s.qualifier)) there.push_back(c);
      if (!there.empty()) {
        if (s.qualifier.kind == Qualifier::Kind::kCode)
          there.front() = district_of(there.front(), s.qualifier.value);
        return from_entries(there, PlaceBasis::kName, s.name);
      }
      if (misplaced == nullptr) {
        misplaced = &s;
        elsewhere = entries_of(*list);
      }
    }
    if (misplaced != nullptr) {
      PlaceMatch m;
      m.basis = PlaceBasis::kName;
      for (const Commune* c : elsewhere)
        if (m.alternatives.size() < placeq::kMaxAlternatives)
          m.alternatives.push_back(choice(c, true));
      // A name read from the folded text is shown as the entries spell it.
      const bool folded = misplaced->name == text::fold_key(misplaced->name);
      m.error = "aucune commune « " + (folded ? elsewhere.front()->nom : misplaced->name) + " » " +
                qualifier_text(misplaced->qualifier) + "." + did_you_mean(m.alternatives);
      return m;
    }
    for (const Split& s : all) {
      PlaceMatch m = near(detail::commune_name_key(s.name), &s.qualifier, typed_);
      if (m.status != PlaceStatus::kUnknown || !m.alternatives.empty()) return m;
    }
    return std::nullopt;
  }

  // The commune of a street address: its postal code (with the name after it), else its last
  // words when they are a name.
  std::optional<PlaceMatch> from_address(const std::string& key) const {
    const std::vector<std::string_view> words = placeq::words_of(key);
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (words[i].size() != 5 || !placeq::digits_only(words[i])) continue;
      std::vector<const Commune*> entries = resolver_.postal_code_entries(words[i]);
      if (entries.empty()) continue;
      const std::string rest = placeq::join_words(words, i + 1, words.size());
      if (const Commune* c = rest.empty() ? nullptr : ref_.resolve(words[i], rest))
        return from_entries({district_of(c, words[i])}, PlaceBasis::kAddress, rest);
      return from_postal_code(entries, PlaceBasis::kAddress, words[i]);
    }
    // "Le Mans, 3 rue de la Gare": the words before the number or the street.
    for (std::size_t size = std::min<std::size_t>(6, words.size() - 1); size >= 1; --size) {
      if (!placeq::is_house_number(words[size]) && !placeq::is_street_word(words[size])) continue;
      const std::string name = placeq::join_words(words, 0, size);
      if (const auto* list = named(detail::commune_name_key(name)))
        return from_entries(entries_of(*list), PlaceBasis::kAddress, name);
    }
    for (std::size_t size = std::min<std::size_t>(6, words.size() - 1); size >= 1; --size) {
      const std::size_t start = words.size() - size;
      if (placeq::is_linking_word(words[start - 1]) || placeq::digits_only(words[start])) continue;
      const std::string name = placeq::join_words(words, start, words.size());
      if (const auto* list = named(detail::commune_name_key(name)))
        return from_entries(entries_of(*list), PlaceBasis::kAddress, name);
    }
    return std::nullopt;
  }

  static std::string did_you_mean(const std::vector<PlaceChoice>& suggestions) {
    if (suggestions.empty()) return {};
    std::string out = " Vouliez-vous dire : ";
    for (std::size_t k = 0; k < suggestions.size(); ++k) {
      if (k > 0) out += k + 1 == suggestions.size() ? " ou " : ", ";
      out += suggestions[k].label;
    }
    return out + " ?";
  }

  // Names near `key` (restricted by `qualifier` when not null), best first.
  std::vector<Candidate> near_names(const std::string& key, const Qualifier* qualifier,
                                    std::string_view typed) const {
    std::vector<Candidate> found;
    const auto add = [&](const std::string& name_key, int distance) {
      for (std::uint32_t i : tables_.by_name.at(name_key)) {
        const Commune& c = ref_.communes()[i];
        if (qualifier == nullptr || qualifies(c, *qualifier)) found.push_back({&c, distance});
      }
    };
    const int max = placeq::allowed_distance(key.size());
    if (max > 0) {
      const std::size_t low = key.size() - static_cast<std::size_t>(max);
      const std::uint64_t characters = placeq::character_mask(key);
      for (std::size_t size = low; size <= key.size() + static_cast<std::size_t>(max); ++size) {
        if (size >= tables_.keys_by_size.size()) break;
        for (const Tables::SizedKey& k : tables_.keys_by_size[size]) {
          if (std::popcount(characters ^ k.characters) > 2 * max) continue;
          if (int d = placeq::bounded_distance(key, *k.key, max); d <= max) add(*k.key, d);
        }
      }
    }
    if (const std::string sound = placeq::phonetic_key(key); sound.size() >= 3)
      if (auto it = tables_.keys_by_sound.find(sound); it != tables_.keys_by_sound.end())
        for (const std::string* name_key : it->second) add(*name_key, 1);
    if (found.empty() && key.size() >= 3) {
      const std::string departement =
          qualifier != nullptr && qualifier->kind == Qualifier::Kind::kDepartement
              ? qualifier->value
              : std::string();
      for (const Commune* c : ref_.search_by_name(typed, 6, departement))
        if (qualifier == nullptr || qualifies(*c, *qualifier)) found.push_back({c, 3});
    }
    std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
      if (a.commune != b.commune) return a.commune < b.commune;
      return a.distance < b.distance;
    });
    found.erase(
        std::unique(found.begin(), found.end(),
                    [](const Candidate& a, const Candidate& b) { return a.commune == b.commune; }),
        found.end());
    std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
      if (a.distance != b.distance) return a.distance < b.distance;
      if (placeq::type_order(*a.commune) != placeq::type_order(*b.commune))
        return placeq::type_order(*a.commune) < placeq::type_order(*b.commune);
      if (a.commune->population != b.commune->population)
        return a.commune->population > b.commune->population;
      return a.commune->code_insee < b.commune->code_insee;
    });
    return found;
  }

  // Whether the best candidate stands out: one edit away (or two in a long name, or the
  // beginning of a name of four letters or more), and ten times as populated as every other.
  static bool stands_out(const std::vector<Candidate>& found, std::size_t key_size) {
    const Candidate& best = found.front();
    const bool near_enough = best.distance <= 1 || (best.distance == 2 && key_size >= 7) ||
                             (best.distance == 3 && key_size >= 4);
    if (!near_enough || best.commune->population < 1000) return false;
    for (std::size_t k = 1; k < found.size(); ++k)
      if (found[k].commune->population * 10 > best.commune->population) return false;
    return true;
  }

  PlaceMatch near(const std::string& key, const Qualifier* qualifier,
                  std::string_view typed) const {
    const std::vector<Candidate> found = near_names(key, qualifier, typed);
    if (found.empty()) return nothing_matches();
    PlaceMatch m;
    m.basis = PlaceBasis::kNearName;
    const bool correct = stands_out(found, key.size());
    for (std::size_t k = correct ? 1 : 0;
         k < found.size() && m.alternatives.size() < placeq::kMaxAlternatives; ++k)
      m.alternatives.push_back(choice(found[k].commune, true));
    if (correct) {
      m.status = PlaceStatus::kCorrected;
      m.commune = found.front().commune;
      m.label = resolver_.label(*m.commune);
      m.note = "« " + std::string(typed_) + " » compris comme " + m.label + ".";
    } else {
      m.error = "aucune commune ne s'appelle « " + std::string(typed_) + " »." +
                did_you_mean(m.alternatives);
    }
    return m;
  }

  const PlaceResolver& resolver_;
  const Reference& ref_;
  const Tables& tables_;
  std::string_view typed_;
};

PlaceMatch PlaceResolver::resolve(std::string_view typed) const {
  return Run(*this, typed).resolve();
}

}  // namespace maillage::territory
