// French public holidays ("jours fériés") of a place, for any year.
//
// National (Code du travail, art. L3133-1): 1 January, Easter Monday, 1 May, 8 May, Ascension
// (Easter + 39), Whit Monday (Easter + 50), 14 July, 15 August, 1 November, 11 November,
// 25 December.
// Alsace-Moselle (départements 57, 67, 68; Code du travail, art. L3134-13): also Good Friday and
// 26 December.
// Abolition of slavery (loi n° 83-550 du 30 juin 1983, décret n° 83-1003 du 23 novembre 1983 as
// amended by décret n° 2012-553): Mayotte 27 April, Martinique 22 May, Guadeloupe 27 May,
// Saint-Martin 28 May (27 May before 2018), Guyane 10 June, Saint-Barthélemy 9 October (27 May
// before 2012), La Réunion 20 December.
// Collectivities with their own labour law: Nouvelle-Calédonie also 24 September (Fête de la
// citoyenneté); Polynésie française also 5 March (Arrivée de l'Évangile), Good Friday, and
// 29 June (Fête de l'autonomie) until 2024, replaced from 2025 by 20 November (Matāri'i i
// ni'a); Wallis-et-Futuna also 28 April (Saint Pierre Chanel) and 29 July (Fête du
// Territoire). Saint-Pierre-et-Miquelon (975) has the national list. Sources and the
// differences with opening_hours.js are in docs/hours.md.
//
// Pure functions of their arguments: thread-safe, no state.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace maillage::hours {

enum class HolidayRegion : std::uint8_t {
  kNational,  // metropolitan France (except Alsace-Moselle), Corse, Saint-Pierre-et-Miquelon
  kAlsaceMoselle,
  kGuadeloupe,
  kMartinique,
  kGuyane,
  kReunion,
  kMayotte,
  kSaintBarthelemy,
  kSaintMartin,
  kNouvelleCaledonie,
  kPolynesie,
  kWallisFutuna,
};

// The region whose holidays apply to a commune, from its INSEE code ("57463", "97411",
// "97701"). Unknown or empty codes give kNational.
HolidayRegion holiday_region_for_insee(std::string_view code_insee);

struct PublicHoliday {
  std::int64_t day = 0;    // day number (hours/civil.h)
  std::string_view name;   // French: "Lundi de Pâques"
};

// The public holidays of `year` in `region`, sorted by day.
std::vector<PublicHoliday> public_holidays(int year, HolidayRegion region);

// A small per-region cache of public_holidays() by year, for the evaluator. Not thread-safe: one
// per thread (it is cheap to build).
class HolidayCalendar {
 public:
  explicit HolidayCalendar(HolidayRegion region) : region_(region) {}

  HolidayRegion region() const { return region_; }
  // The holiday on `day`, or nullptr.
  const PublicHoliday* holiday_on(std::int64_t day);

 private:
  HolidayRegion region_;
  int cached_year_ = 0;
  bool cached_ = false;
  std::vector<PublicHoliday> cache_;
};

}  // namespace maillage::hours
