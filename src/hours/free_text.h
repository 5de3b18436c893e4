// Turning French free-text opening hours into opening_hours expressions.
//
//   normalize_free_text("Lundi au vendredi 9h-12h / 14h-17h")
//     -> expression "Mo-Fr 09:00-12:00,14:00-17:00", confidence 1
//   normalize_free_text("9h30-12h (jusqu'en juin 2022)")
//     -> expression "09:30-12:00", remainder {"(jusqu'en juin 2022)"}, confidence < 1
//   normalize_free_text("Pas d'accueil.") -> no expression, reason "aucun horaire reconnu"
//
// Never a silent guess: whatever is not converted is returned in `remainder` and lowers the
// confidence; choices made on the way (merged overlapping slots, a "00:00 - 00:00" placeholder
// dropped) are listed in `notes`. Every expression returned parses (hours/parser.h). Pure
// functions: thread-safe.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace maillage::hours {

struct Normalized {
  std::string expression;               // empty when nothing could be converted
  double confidence = 0;                // 0..1: 1 when every part of the text was understood
  std::vector<std::string> remainder;   // parts of the text left out, as written
  std::vector<std::string> notes;       // French: the choices made
  std::string reason;                   // French, when `expression` is empty
};

// A whole description: days ("lundi au vendredi", "le samedi", "tous les jours", "fermé le
// mercredi"), months ("juillet-août"), time ranges in the many ways people write them ("9h-12h /
// 14h-17h", "9:00 - 12:00", "de 9h à 12h et de 14h à 17h"), "sur rendez-vous".
Normalized normalize_free_text(std::string_view text);

// One day's cell, such as the France Services list's h_lundi column: only time ranges
// ("09:00 - 12:00 / 13:30 - 17:00" -> "09:00-12:00,13:30-17:00").
Normalized normalize_time_ranges(std::string_view text);

// Per-day columns, Monday first (empty cells: closed): the France Services h_lundi..h_samedi.
// Days with the same hours are grouped: "Mo-Fr 09:00-12:00,13:30-17:00; Sa 09:00-12:00".
Normalized normalize_day_columns(const std::array<std::string, 7>& days);

}  // namespace maillage::hours
