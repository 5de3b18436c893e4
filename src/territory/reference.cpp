#include "territory/reference.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>

#include "common/data_dir.h"
#include "common/utf8.h"
#include "territory/flat_index.h"
#include "territory/name_key.h"
#include "territory/tsv_file.h"
#include "text/fold.h"

namespace maillage::territory {
namespace {

constexpr std::array<std::string_view, 4> kTypes = {"commune", "arrondissement", "commune_deleguee",
                                                    "commune_associee"};

int type_rank(std::string_view type) {
  for (std::size_t i = 0; i < kTypes.size(); ++i)
    if (kTypes[i] == type) return static_cast<int>(i);
  return -1;
}

constexpr std::uint32_t kInseeSlots = 102 * 1000;  // départements 00-99, 2A, 2B × 1000
constexpr std::uint32_t kPostalSlots = 100000;
constexpr std::uint32_t kPrefixBase = 39;  // a-z, 0-9, space, other byte, end of key
constexpr std::uint32_t kPrefixSlots = kPrefixBase * kPrefixBase * kPrefixBase;
using detail::kNoEntry;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// "75056" → 75056, "2A004" → 100004, "2B033" → 101033; kNoEntry when not an INSEE code.
std::uint32_t insee_slot(std::string_view code) {
  if (code.size() != 5 || !is_digit(code[2]) || !is_digit(code[3]) || !is_digit(code[4]))
    return kNoEntry;
  std::uint32_t dep;
  if (is_digit(code[0]) && is_digit(code[1])) {
    dep = static_cast<std::uint32_t>((code[0] - '0') * 10 + (code[1] - '0'));
  } else if (code[0] == '2' && (code[1] == 'A' || code[1] == 'B')) {
    dep = code[1] == 'A' ? 100 : 101;
  } else {
    return kNoEntry;
  }
  return dep * 1000 +
         static_cast<std::uint32_t>((code[2] - '0') * 100 + (code[3] - '0') * 10 + (code[4] - '0'));
}

// A normalised postal code (five digits) as a number; kNoEntry otherwise.
std::uint32_t postal_slot(std::string_view cp) {
  if (cp.size() != 5) return kNoEntry;
  std::uint32_t value = 0;
  for (char c : cp) {
    if (!is_digit(c)) return kNoEntry;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return value;
}

// The first three bytes of a fold key as a number below kPrefixSlots.
std::uint32_t prefix_slot(std::string_view key) {
  std::uint32_t slot = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    std::uint32_t digit = 38;
    if (i < key.size()) {
      const char c = key[i];
      digit = c >= 'a' && c <= 'z' ? static_cast<std::uint32_t>(c - 'a')
              : is_digit(c)        ? 26 + static_cast<std::uint32_t>(c - '0')
              : c == ' '           ? 36
                                   : 37;
    }
    slot = slot * kPrefixBase + digit;
  }
  return slot;
}

template <class Number>
bool parse_number(std::string_view text, Number& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

std::vector<std::string> split_postal_codes(std::string_view text) {
  std::vector<std::string> codes;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t bar = std::min(text.find('|', start), text.size());
    if (bar > start) codes.emplace_back(text.substr(start, bar - start));
    start = bar + 1;
  }
  std::sort(codes.begin(), codes.end());
  return codes;
}

// Parses one communes.tsv row into `c`; a French message when a field is invalid.
detail::TsvRowResult parse_commune(const std::vector<std::string_view>& f, Commune& c) {
  c.code_insee = f[0];
  c.nom = f[1];
  c.type = f[2];
  c.parent = f[3];
  c.departement = f[4];
  c.region = f[5];
  c.codes_postaux = split_postal_codes(f[6]);
  c.epci = f[10];
  c.epci_nom = f[11];
  if (insee_slot(c.code_insee) == kNoEntry) return "code_insee « " + c.code_insee + " » invalide";
  if (c.nom.empty()) return "nom vide";
  if (type_rank(c.type) < 0) return "type « " + c.type + " » inconnu";
  if ((c.type == "commune") != c.parent.empty())
    return "parent « " + c.parent + " » incohérent avec le type " + c.type;
  if (!parse_number(f[7], c.latitude) || !parse_number(f[8], c.longitude) ||
      !(c.latitude >= -90 && c.latitude <= 90) || !(c.longitude >= -180 && c.longitude <= 180))
    return "coordonnées « " + std::string(f[7]) + " " + std::string(f[8]) + " » invalides";
  if (f[9].empty()) {
    c.population = -1;
  } else if (!parse_number(f[9], c.population) || c.population < 0) {
    return "population « " + std::string(f[9]) + " » invalide";
  }
  return {};
}

// "1000" (a leading zero lost in a spreadsheet) → "01000"; anything but 4 or 5 digits → "".
std::string normalize_postal_code(std::string_view cp) {
  cp = utf8::trim(cp);
  if (cp.size() != 4 && cp.size() != 5) return {};
  for (char c : cp)
    if (c < '0' || c > '9') return {};
  return cp.size() == 4 ? "0" + std::string(cp) : std::string(cp);
}

// Whether a postal code is one the post office uses in département `dep`.
bool departement_serves_postal_code(std::string_view dep, std::string_view cp) {
  if (cp.starts_with("20")) return dep == "2A" || dep == "2B";
  if (cp.starts_with("97") || cp.starts_with("98")) {
    if (dep == cp.substr(0, 3)) return true;
    // Saint-Barthélemy (97133) and Saint-Martin (97150) kept Guadeloupe's postal codes.
    return cp.starts_with("971") && (dep == "977" || dep == "978");
  }
  return dep == cp.substr(0, 2);
}

}  // namespace

// Outside the anonymous namespace: Reference::Index's members use it (a unity build compiles
// this file as an included one, where GCC rejects that with -Wsubobject-linkage).
namespace reference_detail {
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
template <class Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;
}  // namespace reference_detail
using reference_detail::StringMap;

namespace {

// text::fold_key of every name, on up to four threads: folding (ICU) is the largest part of the
// loading time. Falls back to the calling thread when threads cannot be started.
std::vector<std::string> fold_names(const std::vector<Commune>& communes) {
  const std::size_t n = communes.size();
  std::vector<std::string> folded(n);
  const std::size_t workers = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
  const std::size_t chunk = (n + workers - 1) / workers;
  const auto fold_chunk = [&](std::size_t w) {
    for (std::size_t i = w * chunk; i < std::min(n, (w + 1) * chunk); ++i)
      folded[i] = text::fold_key(communes[i].nom);
  };
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < workers; ++w) {
    try {
      threads.emplace_back(fold_chunk, w);
    } catch (const std::system_error&) {
      fold_chunk(w);
    }
  }
  fold_chunk(0);
  for (std::thread& t : threads) t.join();
  return folded;
}

}  // namespace

struct Reference::Index {
  struct Departement {
    std::string nom, region;
  };
  std::vector<std::uint8_t> rank;            // position of the type in kTypes: commune first
  std::vector<std::uint32_t> parent;         // index of the parent entry, or kNoEntry
  std::vector<std::uint32_t> by_code;        // insee_slot → preferred entry of that code
  detail::SlotLists by_postal_code;          // postal_slot → entries, in by_postal_code() order
  std::string key_arena;                     // every name key, concatenated; the views point here
  std::vector<std::string_view> fold_keys;   // text::fold_key(nom) of each entry
  detail::KeyTable first_with_key;           // detail::commune_name_key → first entry with it
  std::vector<std::uint32_t> next_same_key;  // chains the entries that share a name key
  std::vector<std::pair<std::string, std::uint32_t>> base_keys;  // commune_base_key; a handful
  detail::SlotLists by_key_start;  // prefix_slot of the fold key → entries
  StringMap<Departement> departements;
  StringMap<std::string> regions;

  // Builds every table from `communes` (sorted or not); false and a French message in `error`
  // when a parent is missing.
  bool build(const std::vector<Commune>& communes, const std::string& file_name,
             std::string* error);
  void build_name_keys(const std::vector<Commune>& communes);

  std::vector<std::uint32_t> named(std::string_view key) const {
    std::vector<std::uint32_t> found;
    if (key.empty()) return found;
    for (std::uint32_t i = first_with_key.find(key); i != kNoEntry; i = next_same_key[i])
      found.push_back(i);
    for (const auto& [base, i] : base_keys)
      if (base == key) found.push_back(i);
    return found;
  }
};

Reference::Reference() = default;
Reference::Reference(Reference&&) noexcept = default;
Reference& Reference::operator=(Reference&&) noexcept = default;
Reference::~Reference() = default;

std::optional<Reference> Reference::load(const std::filesystem::path& dir, std::string* error) {
  Reference ref;
  auto index = std::make_unique<Index>();
  ref.communes_.reserve(40000);
  const bool ok =
      detail::read_tsv(
          dir / "communes.tsv",
          {"code_insee", "nom", "type", "parent", "departement", "region", "codes_postaux",
           "latitude", "longitude", "population", "epci", "epci_nom"},
          [&](const std::vector<std::string_view>& f) {
            return parse_commune(f, ref.communes_.emplace_back());
          },
          error) &&
      detail::read_tsv(
          dir / "departements.tsv", {"code", "nom", "region"},
          [&](const std::vector<std::string_view>& f) {
            index->departements.emplace(std::string(f[0]),
                                        Index::Departement{std::string(f[1]), std::string(f[2])});
            return detail::TsvRowResult();
          },
          error) &&
      detail::read_tsv(
          dir / "regions.tsv", {"code", "nom"},
          [&](const std::vector<std::string_view>& f) {
            index->regions.emplace(std::string(f[0]), std::string(f[1]));
            return detail::TsvRowResult();
          },
          error) &&
      index->build(ref.communes_, (dir / "communes.tsv").string(), error);
  if (!ok) return std::nullopt;
  ref.index_ = std::move(index);
  return ref;
}

bool Reference::Index::build(const std::vector<Commune>& communes, const std::string& file_name,
                             std::string* error) {
  const auto n = static_cast<std::uint32_t>(communes.size());
  if (n == 0) {
    if (error != nullptr) *error = file_name + " : aucune commune";
    return false;
  }
  rank.resize(n);
  by_code.assign(kInseeSlots, kNoEntry);
  for (std::uint32_t i = 0; i < n; ++i) {
    rank[i] = static_cast<std::uint8_t>(type_rank(communes[i].type));
    const std::uint32_t slot = insee_slot(communes[i].code_insee);  // checked when parsed
    if (by_code[slot] == kNoEntry || rank[i] < rank[by_code[slot]]) by_code[slot] = i;
  }

  parent.assign(n, kNoEntry);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> postal_pairs;
  postal_pairs.reserve(n + n / 4);
  for (std::uint32_t i = 0; i < n; ++i) {
    const Commune& c = communes[i];
    for (const std::string& cp : c.codes_postaux)
      if (const std::uint32_t slot = postal_slot(cp); slot != kNoEntry)
        postal_pairs.emplace_back(slot, i);
    if (c.parent.empty()) continue;
    const std::uint32_t slot = insee_slot(c.parent);
    const std::uint32_t p = slot == kNoEntry ? kNoEntry : by_code[slot];
    if (p == kNoEntry || rank[p] != 0) {
      if (error != nullptr)
        *error = file_name + " : " + c.code_insee + " (" + c.nom + ") a pour parent « " + c.parent +
                 " », qui n'est pas une commune du fichier";
      return false;
    }
    parent[i] = p;
  }
  by_postal_code = detail::SlotLists(kPostalSlots, postal_pairs);
  for (std::uint32_t slot = 0; slot < kPostalSlots; ++slot) {
    std::span<std::uint32_t> list = by_postal_code.mutable_list(slot);
    if (list.size() < 2) continue;
    std::sort(list.begin(), list.end(), [&](std::uint32_t a, std::uint32_t b) {
      if (rank[a] != rank[b]) return rank[a] < rank[b];
      if (communes[a].population != communes[b].population)
        return communes[a].population > communes[b].population;
      return a < b;
    });
  }
  build_name_keys(communes);
  return true;
}

void Reference::Index::build_name_keys(const std::vector<Commune>& communes) {
  const auto n = static_cast<std::uint32_t>(communes.size());
  // Every key into the arena first (as offsets: the arena may still grow), then the views.
  struct Span {
    std::uint32_t offset = 0, size = 0;
  };
  std::vector<Span> fold_spans(n), name_spans(n);
  key_arena.reserve(std::size_t{n} * 24);
  const std::vector<std::string> folded_names = fold_names(communes);
  const auto append = [&](std::string_view key) {
    const Span span{static_cast<std::uint32_t>(key_arena.size()),
                    static_cast<std::uint32_t>(key.size())};
    key_arena += key;
    return span;
  };
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::string& nom = communes[i].nom;
    const bool qualified = !nom.empty() && nom.back() == ')';
    if (i > 0 && !qualified && nom == communes[i - 1].nom) {  // a délégué named like its commune
      fold_spans[i] = fold_spans[i - 1];
      name_spans[i] = name_spans[i - 1];
      continue;
    }
    const std::string& folded = folded_names[i];
    fold_spans[i] = append(folded);
    if (qualified) {
      name_spans[i] = append(detail::commune_name_key(nom));
      if (std::string base = detail::commune_base_key(nom); !base.empty())
        base_keys.emplace_back(std::move(base), i);
    } else if (std::optional<std::string> key = detail::rewrite_folded_name(folded)) {
      name_spans[i] = append(*key);
    } else {
      name_spans[i] = fold_spans[i];
    }
  }
  const std::string_view arena = key_arena;
  fold_keys.resize(n);
  next_same_key.assign(n, kNoEntry);
  first_with_key = detail::KeyTable(n);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> prefix_pairs(n);
  // Backwards, so that each chain lists its entries in file order.
  for (std::uint32_t i = n; i-- > 0;) {
    fold_keys[i] = arena.substr(fold_spans[i].offset, fold_spans[i].size);
    std::uint32_t& first =
        first_with_key.try_emplace(arena.substr(name_spans[i].offset, name_spans[i].size), i);
    if (first != i) {
      next_same_key[i] = first;
      first = i;
    }
    prefix_pairs[i] = {prefix_slot(fold_keys[i]), i};
  }
  by_key_start = detail::SlotLists(kPrefixSlots, prefix_pairs);
}

const Reference& Reference::bundled() {
  static const Reference instance = [] {
    const std::filesystem::path dir = common::bundled_data_dir("territoire");
    std::string error;
    std::optional<Reference> loaded = load(dir, &error);
    if (!loaded) {
      std::fprintf(stderr,
                   "maillage : le référentiel des communes (%s) est introuvable ou invalide : %s\n"
                   "Définir MAILLAGE_DATA_DIR vers le dossier data du dépôt, ou reconstruire avec "
                   "« node tools/build_territory.mjs ».\n",
                   dir.string().c_str(), error.c_str());
      std::abort();
    }
    return std::move(*loaded);
  }();
  return instance;
}

const Commune* Reference::by_insee(std::string_view code) const {
  const std::uint32_t slot = insee_slot(code);
  if (slot == kNoEntry) return nullptr;
  const std::uint32_t i = index_->by_code[slot];
  return i == kNoEntry ? nullptr : &communes_[i];
}

std::vector<const Commune*> Reference::by_postal_code(std::string_view cp) const {
  std::vector<const Commune*> out;
  for (std::uint32_t i : index_->by_postal_code[postal_slot(normalize_postal_code(cp))])
    out.push_back(&communes_[i]);
  return out;
}

std::uint32_t Reference::index_of(const Commune& commune) const {
  assert(!communes_.empty() && &commune >= communes_.data() &&
         &commune < communes_.data() + communes_.size() && "Commune from another Reference");
  return static_cast<std::uint32_t>(&commune - communes_.data());
}

bool Reference::has_postal_code(const Commune& commune, std::string_view cp) const {
  const std::string code = normalize_postal_code(cp);
  if (code.empty()) return false;
  if (std::binary_search(commune.codes_postaux.begin(), commune.codes_postaux.end(), code))
    return true;
  const std::uint32_t parent = index_->parent[index_of(commune)];
  if (parent == kNoEntry) return false;
  const auto& codes = communes_[parent].codes_postaux;
  return std::binary_search(codes.begin(), codes.end(), code);
}

const Commune* Reference::pick_one(const std::vector<std::uint32_t>& candidates) const {
  const Commune* found = nullptr;
  for (std::uint32_t i : candidates) {
    const std::uint32_t parent = index_->parent[i];
    if (parent != kNoEntry &&
        std::find(candidates.begin(), candidates.end(), parent) != candidates.end())
      continue;  // the commune itself is a candidate: its délégué of the same name is not
    if (found != nullptr && found != &communes_[i]) return nullptr;
    found = &communes_[i];
  }
  return found;
}

const Commune* Reference::resolve(std::string_view code_postal,
                                  std::string_view commune_name) const {
  const std::vector<std::uint32_t> candidates =
      index_->named(detail::commune_name_key(commune_name));
  if (candidates.empty()) return nullptr;
  const std::string cp = normalize_postal_code(code_postal);
  if (cp.empty()) return pick_one(candidates);
  std::vector<std::uint32_t> subset;
  for (std::uint32_t i : candidates)
    if (has_postal_code(communes_[i], cp)) subset.push_back(i);
  if (!subset.empty()) return pick_one(subset);
  for (std::uint32_t i : candidates)
    if (departement_serves_postal_code(communes_[i].departement, cp)) subset.push_back(i);
  return pick_one(subset);
}

bool Reference::name_matches(const Commune& commune, std::string_view name) const {
  const std::uint32_t self = index_of(commune);
  const std::vector<std::uint32_t>& parent = index_->parent;
  for (std::uint32_t i : index_->named(detail::commune_name_key(name))) {
    if (i == self || parent[i] == self || parent[self] == i) return true;
  }
  return false;
}

std::vector<const Commune*> Reference::search_by_name(std::string_view prefix, std::size_t limit,
                                                      std::string_view departement) const {
  const Index& x = *index_;
  std::vector<std::uint32_t> found;
  const auto consider = [&](std::uint32_t i, std::string_view p) {
    if (!x.fold_keys[i].starts_with(p)) return;
    if (!departement.empty() && communes_[i].departement != departement) return;
    const std::uint32_t parent = x.parent[i];
    if (parent != kNoEntry && x.fold_keys[i] == x.fold_keys[parent]) return;  // "Annecy" twice
    found.push_back(i);
  };
  for (const std::string& p : detail::search_prefixes(prefix)) {
    if (p.size() >= 3) {
      for (std::uint32_t i : x.by_key_start[prefix_slot(p)]) consider(i, p);
    } else {
      for (std::uint32_t i = 0; i < communes_.size(); ++i) consider(i, p);
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  const auto better = [&](std::uint32_t a, std::uint32_t b) {
    if (communes_[a].population != communes_[b].population)
      return communes_[a].population > communes_[b].population;
    if (x.fold_keys[a] != x.fold_keys[b]) return x.fold_keys[a] < x.fold_keys[b];
    return a < b;
  };
  const std::size_t count = std::min(limit, found.size());
  std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(count), found.end(),
                    better);
  std::vector<const Commune*> out;
  out.reserve(count);
  for (std::size_t k = 0; k < count; ++k) out.push_back(&communes_[found[k]]);
  return out;
}

std::string_view Reference::departement_name(std::string_view code) const {
  auto it = index_->departements.find(code);
  return it == index_->departements.end() ? std::string_view() : std::string_view(it->second.nom);
}

std::string_view Reference::departement_region(std::string_view code) const {
  auto it = index_->departements.find(code);
  return it == index_->departements.end() ? std::string_view()
                                          : std::string_view(it->second.region);
}

std::string_view Reference::region_name(std::string_view code) const {
  auto it = index_->regions.find(code);
  return it == index_->regions.end() ? std::string_view() : std::string_view(it->second);
}

std::string_view departement_of(std::string_view code_insee) {
  if (code_insee.size() != 5) return {};
  if (code_insee.starts_with("97") || code_insee.starts_with("98")) return code_insee.substr(0, 3);
  return code_insee.substr(0, 2);
}

}  // namespace maillage::territory
