// The 32 fields of the national standard of digital-mediation places, v1.0.2
// (data/standard/schema-v1.0.2.json), spelled exactly as the standard spells them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace maillage::place {

enum class Field : std::uint8_t {
  kId, kPivot, kNom, kCommune, kCodePostal, kCodeInsee, kAdresse, kComplementAdresse,
  kLatitude, kLongitude, kTypologie, kTelephone, kCourriels, kSiteWeb, kHoraires,
  kPresentationResume, kPresentationDetail, kSource, kItinerance, kStructureParente, kDateMaj,
  kServices, kPublicsSpecifiquementAdresses, kPriseEnChargeSpecifique, kFraisACharge,
  kDispositifProgrammesNationaux, kFormationsLabels, kAutresFormationsLabels, kModalitesAcces,
  kModalitesAccompagnement, kFicheAccesLibre, kPriseRdv,
};
inline constexpr std::size_t kFieldCount = 32;

enum class FieldType : std::uint8_t { kString, kNumber, kDate };

struct FieldSpec {
  Field field;
  std::string_view name;         // the standard's column name
  std::string_view title;        // the standard's French title
  FieldType type;
  bool required;
  bool multi;                    // several values joined with '|'
  std::size_t max_length;        // in code points; 0 = no limit
  std::span<const std::string_view> values;  // closed list (empty = free)
};

// Every field, in the standard's column order. Index with static_cast<size_t>(Field).
std::span<const FieldSpec, kFieldCount> all_fields();
inline const FieldSpec& spec(Field f) { return all_fields()[static_cast<std::size_t>(f)]; }
inline std::string_view name(Field f) { return spec(f).name; }

// The v1 field of a column name, exact match (the standard's spelling).
std::optional<Field> field_by_name(std::string_view column);

// Separator between the values of a multi-valued field in v1 CSV.
inline constexpr char kMultiSeparator = '|';

}  // namespace maillage::place
