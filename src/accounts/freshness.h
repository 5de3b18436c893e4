// Freshness of the directory (issue 7): a place not confirmed for six months is stale. Its last
// confirmation is the later of its record's date_maj (the source's own update date, a manager's
// edit) and a manager's "still correct". Coordinators see their territory's stale, unclaimed,
// reported and incomplete places (web: /espace/tableau-de-bord, CSV export); managers get a
// reminder e-mail for their stale places, at most once a month.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accounts/accounts.h"
#include "place/place.h"

namespace maillage::accounts {

inline constexpr int kStaleDays = 183;

// YYYY-MM-DD of the last confirmation; "" when neither date is known.
std::string last_confirmation(std::string_view date_maj, std::string_view confirmed_at);
// YYYY-MM-DD kStaleDays before today (UTC).
std::string stale_before();
// The fields a useful record has and this one lacks, most useful first (French labels).
std::vector<std::string> missing_fields(const place::Place& place);

struct PlaceFreshness {
  PlaceKey key;
  std::string public_id, name, commune, code_postal, departement;
  std::string last_confirmed;  // YYYY-MM-DD or ""
  bool stale = false, managed = false;
  int open_reports = 0;
  std::vector<std::string> missing;
};

// The dashboard's CSV (UTF-8, comma-separated, RFC 4180 quoting; French column names).
std::string freshness_csv(const std::vector<PlaceFreshness>& places);

// What a reminder needs to know of a managed place (from the store of places).
struct PlaceSummary {
  std::string name, date_maj;
  bool active = false;
};

// Queues a reminder to the managers of every managed place that is stale and was not reminded
// in the last 30 days; returns how many places were reminded.
std::size_t send_reminders(Service& service,
                           const std::function<PlaceSummary(const PlaceKey&)>& lookup);

}  // namespace maillage::accounts
