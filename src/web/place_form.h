// The form a place manager fills (issue 18), and how people read a field of the standard.
//
// People never see the standard's column names or codes: each editable field has a plain label
// and a help text adapted from the standard's own description (schema v1.0.2), grouped in
// sections; closed lists are checkboxes with plain labels; the type of place is a labelled
// choice (the usual types first, the others behind a disclosure); lists of addresses and links
// are one per line; the week of hours is an editor, one cell per day in plain French
// ("9h-12h et 14h-17h"), beside the hours in one sentence. What the form sends is read back into
// the standard's values (place::Place), then goes through the importer's rules as before.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "place/place.h"
#include "web/opening.h"
#include "web/templates.h"

namespace maillage::web {

// The plain label of a field ("Téléphone", "Horaires d'ouverture"): every page that names a
// field to a person (history, report queue, place page, edit form) says this, never the
// standard's column name.
std::string_view field_label(place::Field field);

// A field's value as people read it: closed values by their label (typologie codes by their
// name), several values joined with ", ".
std::string display_value(place::Field field, std::string_view value);

// The standard's fields a manager edits (everything but identifiers and the source's own).
bool editable(place::Field field);

// ---- the week of hours ----

inline constexpr std::size_t kWeekDays = 7;
using WeekCells = std::array<std::string, kWeekDays>;  // Monday first; "" = closed

// The open ranges of each day of a week of `expression` without public holidays (the first
// such week from now), in the form people write and the editor reads back: "9h-12h, 14h-17h",
// "9h30-12h", "" when closed. Null when the expression does not parse.
std::optional<WeekCells> week_cells(std::string_view expression);

// The hours written day by day, as opening_hours ("Mo-Fr 09:00-12:00,14:00-17:00; Sa
// 09:00-12:00"; "" when every day is closed). A cell that is not understood whole is refused:
// `error` names the day and gives an example, in French.
std::optional<std::string> hours_from_week(const WeekCells& cells, std::string& error);

// True when the week cells say everything `expression` says (no months, holidays, comments,
// "on request"... that a change of the grid would drop).
bool week_says_it_all(std::string_view expression);

// ---- the form ----

// The form's fields for `values`, in sections, with their errors (field name, French message)
// and the dates of the fields the place keeps itself (`manual_at`, field -> "3 mars 2025").
// `typed`, when given, are the day cells as the person typed them (shown back with an error).
List place_form_fields(const place::Place& values, const std::vector<accounts::Result>& errors,
                       const std::map<place::Field, std::string>& manual_at,
                       const WeekCells* typed = nullptr);

// The day cells of the editor as sent (jour_lundi..jour_dimanche); null when the form has none.
std::optional<WeekCells> read_week(const std::multimap<std::string, std::string>& params);

// Reads the form's parameters into `values` (the current record, changed where the form says):
// checkbox groups (only the standard's values; others are errors), lists one per line, and the
// hours, from the day-by-day editor when it was changed, from the sentence otherwise. Returns
// true when the hours came from the editor (to be shown back as a week before saving).
bool read_place_form(const std::multimap<std::string, std::string>& params, place::Place& values,
                     std::vector<accounts::Result>& errors);

}  // namespace maillage::web
