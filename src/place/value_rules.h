// Pure normalisers for single field values. Each returns the normalised value, or nullopt when
// the value cannot be made valid; `corrected` tells when the output differs from the input in
// more than surrounding white space (the caller reports it).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillage::place::rules {

struct Normalised {
  std::string value;
  bool corrected = false;
};

// SIRET/RNA/RIDET: spaces and dots removed; must match ^[a-zA-Z0-9]{9,14}$.
std::optional<Normalised> pivot(std::string_view raw);

// Five digits; a four-digit code (leading zero lost by a spreadsheet) is padded.
std::optional<Normalised> code_postal(std::string_view raw);

// ^([013-9]\d|2[AB1-9])\d{3}$, upper-cased; a four-digit code is padded.
std::optional<Normalised> code_insee(std::string_view raw);

// A decimal number, '.' or ',' as decimal separator.
std::optional<double> number(std::string_view raw);

// ISO date YYYY-MM-DD that exists in the calendar; also accepts a date-time (truncated) and
// DD/MM/YYYY (converted), both reported as corrected.
std::optional<Normalised> date(std::string_view raw);

// A French phone number in the standard's international form (+33…, +590…, +687… ; 6 to 9
// digits after the prefix). National forms ("01 23 45 67 89", "0590 …", "(0)"), "0033…", and
// the local six- or eight-digit numbers of New Caledonia, Wallis-et-Futuna, Saint-Pierre-et-
// Miquelon and French Polynesia (given the place's département code) are converted.
// When several numbers are given, the first is kept and `several` is set.
struct Phone {
  Normalised number;
  bool several = false;
};
std::optional<Phone> telephone(std::string_view raw, std::string_view departement);

// Whether an already-normalised number matches the standard's pattern.
bool matches_phone_pattern(std::string_view number);

// An http(s) URL without spaces; "www.example.fr" gets "https://" (corrected).
std::optional<Normalised> url(std::string_view raw);

// One e-mail address (a "mailto:" prefix is removed).
std::optional<Normalised> email(std::string_view raw);

// Text a source wrote as HTML (a rich-text editor's "<p>Accueil libre<br />sur RDV</p>",
// "&nbsp;", "&amp;", "&eacute;", "&#39;"): tags and comments removed, character references
// decoded, white space collapsed. A <br>, or the end of a paragraph, a list item or a block,
// ends a line: kept as a line break with `keep_lines` (presentation_detail), else written
// ". " (or a space after punctuation). `corrected` is set when a tag or a reference was met; a
// text without any ("R&D", "< 5 ans", "Paris <> Lyon") is returned as it is.
Normalised plain_text(std::string_view raw, bool keep_lines);

// Splits a list written with '|', ';' or ',' (and, when `split_spaces`, white space).
std::vector<std::string_view> split_list(std::string_view raw, bool split_spaces);

}  // namespace maillage::place::rules
