// Mapping profiles: a declarative description, one TOML file per source format, of how the
// columns of a source (France Services list, a regional hub's export, a city's CSV...) become
// the fields of the national standard. A new source format needs a profile, not code.
// The format is documented with examples in docs/federation.md; data/profils/ holds one profile
// per source of the shared real data.
//
//   auto loaded = federation::load_profile("data/profils/france-services.toml");
//   if (!loaded.profile) for (auto& e : loaded.errors) puts(e.to_french().c_str());
//
// Loading checks everything that can be checked without the data (field names of the standard,
// known keys, one value source per field, regular expressions, hours columns, targets of value
// maps against the standard's closed lists): a profile that loads cannot fail at run time except
// on the data itself. Errors are values (Diagnostic: file, line, key, rule, French message);
// nothing throws. A loaded Profile is immutable and may be shared between threads.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "place/fields.h"

namespace maillage::federation {

enum class SourceFormat { kAuto, kCsv, kJson, kGeoJson };
enum class SourceEncoding { kUtf8, kWindows1252 };

// How a source value is compared with the terms of a value map: equal after folding case,
// accents and spaces (the default), or contained in the source value (folded the same way).
enum class MatchMode { kEqual, kContains };

// What happens to a source value that no rule of a value map matches: left out with a notice
// (the default), left out silently, or kept as written (the normaliser then checks it).
enum class Unmatched { kReport, kDrop, kKeep };

// How the text of an `horaires` mapping is read.
enum class HoursMode {
  kNone,      // not an hours mapping
  kOsm,       // already an opening_hours expression; free text is tried when it does not parse
  kFreeText,  // French free text for the whole week (hours::normalize_free_text)
  kDays,      // per-day columns (hours::normalize_day_columns)
};

enum class Projection { kNone, kLambert93 };

// One rule of a value map: when a source value matches one of `terms` (and none of `except`),
// every value of `targets` is produced.
struct ValueRule {
  std::vector<std::string> columns;   // colonnes: only values of these columns (default: all)
  std::vector<std::string> terms;     // as written in the profile; empty: any non-empty value
  std::vector<std::string> except;
  std::vector<std::string> targets;   // standard values (checked at load time for closed lists)
  std::vector<std::string> folded_terms, folded_except;  // text::fold of the above
};

// A day of per-day hours: its slots, each read from one column ("09:00 - 12:00 / 14:00 - 17:00",
// "8h30-12h") or from two columns (opening time, closing time) joined as "open-close".
struct DaySlots {
  std::vector<std::vector<std::string>> slots;
};

// How one standard field is produced. Exactly one value source: `columns`, `constant`,
// `hash_columns` or `days`. Then, in this order: `pattern`, `split`/`part`, value map, hours,
// date reading, projection, `default_value`, `prefix`.
struct FieldMapping {
  place::Field field;
  std::string key;   // "champs.services": names the mapping in diagnostics
  std::int64_t line = 0;  // line of the mapping in the profile file

  std::vector<std::string> columns;        // colonne / colonnes (JSON: "a.b" reads a nested key)
  std::string join = " ";                  // joindre: between the values of several columns
  bool first_non_empty = false;            // premiere_non_vide: the first column with a value
  std::vector<std::string> constant;       // constante (several values: a multi-valued field)
  std::vector<std::string> hash_columns;   // hachage: stable id from these columns
  std::array<DaySlots, 7> days;            // jours (Monday first)

  std::string pattern_text;                // motif: keep the first capture group (or the match),
                                           // searched in the first 1,000 bytes of the value
  std::shared_ptr<const std::regex> pattern;
  std::string split;                       // decouper: split the value on this text...
  int part = 0;                            // partie: ...and keep this 1-based part
  std::string value_separator;             // separateur: a cell holds several values
  std::vector<ValueRule> rules;            // valeurs / regles
  MatchMode match = MatchMode::kEqual;     // comparaison
  Unmatched unmatched = Unmatched::kReport;  // autres
  HoursMode hours = HoursMode::kNone;      // horaires: format
  bool read_date = false;                  // date_maj: interpreter ("Décembre 2019", "juil-22"...)
  Projection projection = Projection::kNone;
  std::string default_value;               // defaut (for date_maj, "inconnue" is allowed)
  bool default_is_unknown_date = false;    // date_maj: the source gives no date
  std::string prefix;                      // prefixe: prepended to a non-empty result
};

struct Profile {
  std::string name;         // profil.nom
  std::string description;  // profil.description
  std::string licence;      // profil.licence (informative)
  std::string path;         // the file it was loaded from, for diagnostics
  std::string base;         // profil.base: a profile of the same folder this one extends
  SourceFormat format = SourceFormat::kAuto;
  SourceEncoding encoding = SourceEncoding::kUtf8;
  std::vector<std::string> empty_markers;  // vides: cell values that mean "no value" ("-", "NC")
  std::vector<FieldMapping> fields;        // in the standard's order
};

struct LoadedProfile {
  std::optional<Profile> profile;  // set when the profile is valid
  Diagnostics errors;              // every problem found (all at once, not only the first)
};

// Loads and checks a profile file. A profile with `base = "other"` in [profil] starts from
// other.toml (same folder): its [profil] keys and [champs] apply unless this file sets them.
LoadedProfile load_profile(const std::filesystem::path& path);

// The same, from text in memory (tests); `display_name` names it in diagnostics.
LoadedProfile parse_profile(std::string_view text, const std::string& display_name);

// Finds a profile given on the command line: an existing file, else `<profiles_dir>/NAME.toml`.
// Empty path (and `error` set, in French) when there is neither.
std::filesystem::path resolve_profile(const std::string& name_or_file,
                                      const std::filesystem::path& profiles_dir,
                                      std::string& error);

}  // namespace maillage::federation
