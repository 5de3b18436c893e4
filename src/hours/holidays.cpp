#include "hours/holidays.h"

#include <algorithm>

#include "hours/civil.h"

namespace maillage::hours {

HolidayRegion holiday_region_for_insee(std::string_view code) {
  const std::string_view dep2 = code.substr(0, 2);
  if (dep2 == "57" || dep2 == "67" || dep2 == "68") return HolidayRegion::kAlsaceMoselle;
  const std::string_view dep3 = code.substr(0, 3);
  if (dep3 == "971") return HolidayRegion::kGuadeloupe;
  if (dep3 == "972") return HolidayRegion::kMartinique;
  if (dep3 == "973") return HolidayRegion::kGuyane;
  if (dep3 == "974") return HolidayRegion::kReunion;
  if (dep3 == "976") return HolidayRegion::kMayotte;
  if (dep3 == "977") return HolidayRegion::kSaintBarthelemy;
  if (dep3 == "978") return HolidayRegion::kSaintMartin;
  if (dep3 == "986") return HolidayRegion::kWallisFutuna;
  if (dep3 == "987") return HolidayRegion::kPolynesie;
  if (dep3 == "988") return HolidayRegion::kNouvelleCaledonie;
  return HolidayRegion::kNational;
}

std::vector<PublicHoliday> public_holidays(int year, HolidayRegion region) {
  std::vector<PublicHoliday> days;
  days.reserve(16);
  auto fixed = [&](int month, int day, std::string_view name) {
    days.push_back({days_from_civil(year, month, day), name});
  };
  const std::int64_t easter = easter_sunday(year);
  fixed(1, 1, "Jour de l'an");
  days.push_back({easter + 1, "Lundi de Pâques"});
  fixed(5, 1, "Fête du Travail");
  fixed(5, 8, "Victoire 1945");
  days.push_back({easter + 39, "Ascension"});
  days.push_back({easter + 50, "Lundi de Pentecôte"});
  fixed(7, 14, "Fête nationale");
  fixed(8, 15, "Assomption");
  fixed(11, 1, "Toussaint");
  fixed(11, 11, "Armistice 1918");
  fixed(12, 25, "Noël");
  switch (region) {
    case HolidayRegion::kAlsaceMoselle:
      days.push_back({easter - 2, "Vendredi saint"});
      fixed(12, 26, "Saint-Étienne");
      break;
    case HolidayRegion::kMayotte: fixed(4, 27, "Abolition de l'esclavage"); break;
    case HolidayRegion::kMartinique: fixed(5, 22, "Abolition de l'esclavage"); break;
    case HolidayRegion::kGuadeloupe: fixed(5, 27, "Abolition de l'esclavage"); break;
    case HolidayRegion::kSaintMartin:
      // 27 May (as Guadeloupe, décret n° 2012-553) until the 28 May date applied from 2018.
      fixed(5, year >= 2018 ? 28 : 27, "Abolition de l'esclavage");
      break;
    case HolidayRegion::kGuyane: fixed(6, 10, "Abolition de l'esclavage"); break;
    case HolidayRegion::kSaintBarthelemy:
      // 9 October since décret n° 2012-553; 27 May before, as a former commune of Guadeloupe.
      if (year >= 2012) fixed(10, 9, "Abolition de l'esclavage");
      else fixed(5, 27, "Abolition de l'esclavage");
      break;
    case HolidayRegion::kReunion: fixed(12, 20, "Abolition de l'esclavage"); break;
    case HolidayRegion::kNouvelleCaledonie: fixed(9, 24, "Fête de la citoyenneté"); break;
    case HolidayRegion::kPolynesie:
      fixed(3, 5, "Arrivée de l'Évangile");
      days.push_back({easter - 2, "Vendredi saint"});
      if (year <= 2024) fixed(6, 29, "Fête de l'autonomie");
      else fixed(11, 20, "Matāri'i i ni'a");
      break;
    case HolidayRegion::kWallisFutuna:
      fixed(4, 28, "Saint Pierre Chanel");
      fixed(7, 29, "Fête du Territoire");
      break;
    case HolidayRegion::kNational: break;
  }
  // Two holidays can share a day (Ascension on 1 or 8 May): keep the first name.
  std::stable_sort(days.begin(), days.end(),
                   [](const PublicHoliday& a, const PublicHoliday& b) { return a.day < b.day; });
  days.erase(std::unique(days.begin(), days.end(),
                         [](const PublicHoliday& a, const PublicHoliday& b) { return a.day == b.day; }),
             days.end());
  return days;
}

const PublicHoliday* HolidayCalendar::holiday_on(std::int64_t day) {
  const int year = civil_from_days(day).year;
  if (!cached_ || year != cached_year_) {
    cache_ = public_holidays(year, region_);
    cached_year_ = year;
    cached_ = true;
  }
  const auto it = std::lower_bound(cache_.begin(), cache_.end(), day,
                                   [](const PublicHoliday& h, std::int64_t d) { return h.day < d; });
  return it != cache_.end() && it->day == day ? &*it : nullptr;
}

}  // namespace maillage::hours
