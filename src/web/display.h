// What the pages print of a place's values beyond the labels of closed lists (web/labels.h):
// phone numbers, dates of update, distances to approximate positions. Pure functions,
// thread-safe; the values given are the normalised ones of the standard (place/place.h).
#pragma once

#include <string>
#include <string_view>

namespace maillage::web {

// A phone number as a person reads it, and the link that dials it. Numbers of the French
// numbering plan (+33, and the overseas départements +590, +594, +596, +262) are written in the
// national form by pairs ("01 23 45 67 89", "05 90 12 34 56"); the collectivities with a
// country code of their own (+687 New Caledonia, +689, +508, +681, +269) keep it, their local
// digits by pairs ("+687 27 12 34"), since they are dialled so from everywhere else. The link
// is `tel:` with the E.164 form. What is not one phone number is shown as given, without link.
// Pure, thread-safe.
struct PhoneDisplay {
  std::string text;
  std::string tel_uri;  // empty when `text` is not a number
};
PhoneDisplay phone_display(std::string_view value);

// A publisher's date of update in words ("5 mars 2024"), or empty when it is unknown: none
// given, or a system's zero date rather than a publisher's (before 1990: « 1er janvier 1970 »).
// Pure, thread-safe.
std::string known_date(std::string_view iso_date);

// What a result row says after the address about a distance to an approximate position (a
// place without coordinates, placed at its commune's centre): "dans la commune" under 1 km
// (the point searched is near that centre), else "à ~3 km" (whole kilometres). An exact
// distance is french_distance's ("à 300 m"). Pure, thread-safe.
std::string approximate_distance(double km);

}  // namespace maillage::web
