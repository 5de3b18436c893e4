// The web layer's pieces without HTTP: the opening sentence and week table, the single table of
// plain-language labels, QR codes, the validation of error reports.
#include <gtest/gtest.h>

#include "hours/civil.h"
#include "hours/zone.h"
#include "place/vocabulary.h"
#include "web/labels.h"
#include "web/opening.h"
#include "web/qr.h"
#include "web/report.h"

namespace maillage::web {
namespace {

std::int64_t paris(int y, int m, int d, int hh, int mm) {
  auto zone = hours::Zone::load("Europe/Paris");
  return zone->from_wall_compatible(hours::days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60);
}

place::Place with_hours(const std::string& hours, const std::string& insee = "16015") {
  place::Place p;
  p[place::Field::kHoraires] = hours;
  p[place::Field::kCodeInsee] = insee;
  return p;
}

OpeningView describe(const place::Place& p, std::int64_t now, bool with_week) {
  return describe_opening(p, std::nullopt, now, with_week);
}

TEST(WebOpening, OpenNowSaysWhenItCloses) {
  // Wednesday 14 May 2025, 10:30.
  auto v = describe(with_hours("Mo-Fr 09:00-12:00,14:00-17:00"), paris(2025, 5, 14, 10, 30), false);
  EXPECT_EQ(v.state, OpenState::kOpen);
  EXPECT_EQ(v.status, "Ouvert maintenant");
  EXPECT_EQ(v.next_change, "ferme à 12:00");
  EXPECT_TRUE(v.week.empty());
}

TEST(WebOpening, ClosedSaysWhenItOpens) {
  auto hours = with_hours("Mo-Fr 09:00-12:00,14:00-17:00");
  EXPECT_EQ(describe(hours, paris(2025, 5, 14, 12, 30), false).next_change, "ouvre à 14:00");
  EXPECT_EQ(describe(hours, paris(2025, 5, 14, 18, 0), false).next_change, "ouvre demain à 09:00");
  auto saturday = describe(hours, paris(2025, 5, 17, 11, 0), false);
  EXPECT_EQ(saturday.state, OpenState::kClosed);
  EXPECT_EQ(saturday.status, "Fermé maintenant");
  EXPECT_EQ(saturday.next_change, "ouvre lundi à 09:00");
  auto summer = describe(with_hours("Sep-Jun Mo 09:00-12:00"), paris(2025, 7, 2, 10, 0), false);
  EXPECT_EQ(summer.next_change, "ouvre le 1er septembre à 09:00");
}

TEST(WebOpening, WeekTableNamesDaysAndHolidays) {
  // The week of Monday 14 July 2025 (Fête nationale), asked on Wednesday.
  auto v = describe(with_hours("Mo-Fr 09:00-17:00; PH off"), paris(2025, 7, 16, 10, 0), true);
  ASSERT_EQ(v.week.size(), 7u);
  EXPECT_EQ(v.week[0].day_name, "Lundi");
  EXPECT_EQ(v.week[0].date, "14 juillet");
  EXPECT_EQ(v.week[0].hours, "Fermé");
  EXPECT_FALSE(v.week[0].holiday.empty());
  EXPECT_EQ(v.week[1].hours, "09:00 – 17:00");
  EXPECT_TRUE(v.week[2].today);
  EXPECT_FALSE(v.week[1].today);
  EXPECT_EQ(v.week[6].day_name, "Dimanche");
  EXPECT_TRUE(v.week[6].closed);
}

// Hours without PH: closed on public holidays, and the page says so (with this week's holiday).
TEST(WebOpening, PublicHolidaysAreClosedUnlessTheHoursSayOtherwise) {
  // Wednesday 23 December 2026; Christmas is on Friday.
  const std::int64_t christmas_week = paris(2026, 12, 23, 10, 0);
  auto v = describe(with_hours("Mo-Fr 09:00-17:00", "75056"), christmas_week, true);
  ASSERT_EQ(v.week.size(), 7u);
  EXPECT_EQ(v.week[4].holiday, "Noël");
  EXPECT_EQ(v.week[4].hours, "Fermé");
  EXPECT_EQ(v.week[3].hours, "09:00 – 17:00");
  EXPECT_EQ(v.holiday_rule,
            "Jours fériés : fermé (sauf mention contraire) — vendredi 25 décembre : Noël");
  auto christmas =
      describe(with_hours("Mo-Fr 09:00-17:00", "75056"), paris(2026, 12, 25, 10, 0), false);
  EXPECT_EQ(christmas.status, "Fermé maintenant");
  EXPECT_EQ(christmas.next_change, "ouvre lundi à 09:00");
  // "Ouvert maintenant" on Thursday says when it closes for the holiday.
  auto thursday =
      describe(with_hours("Mo-Fr 09:00-17:00", "75056"), paris(2026, 12, 24, 16, 0), false);
  EXPECT_EQ(thursday.next_change, "ferme à 17:00");
  // The hours mention PH: as written, no rule line.
  auto ph =
      describe(with_hours("Mo-Fr 09:00-17:00; PH 10:00-12:00", "75056"), christmas_week, true);
  EXPECT_EQ(ph.week[4].hours, "10:00 – 12:00");
  EXPECT_TRUE(ph.holiday_rule.empty());
  // The source says its hours apply on holidays.
  auto as_written =
      describe_opening(with_hours("Mo-Fr 09:00-17:00", "75056"), std::nullopt,
                       paris(2026, 12, 25, 10, 0), true, hours::HolidayRule::kAsOtherDays);
  EXPECT_EQ(as_written.status, "Ouvert maintenant");
  EXPECT_EQ(as_written.week[4].hours, "09:00 – 17:00");
  EXPECT_TRUE(as_written.holiday_rule.empty());
  // 26 December: a holiday in Strasbourg only; a week without a holiday says the rule alone.
  auto strasbourg =
      describe(with_hours("Mo-Fr 09:00-17:00", "67482"), paris(2025, 12, 26, 10, 0), true);
  EXPECT_EQ(strasbourg.state, OpenState::kClosed);
  EXPECT_EQ(strasbourg.week[4].holiday, "Saint-Étienne");
  EXPECT_NE(strasbourg.holiday_rule.find("aujourd'hui 26 décembre"), std::string::npos);
  EXPECT_EQ(
      describe(with_hours("Mo-Fr 09:00-17:00", "75056"), paris(2025, 12, 26, 10, 0), false).state,
      OpenState::kOpen);
  EXPECT_EQ(describe(with_hours("Mo-Fr 09:00-17:00", "75056"), paris(2026, 12, 2, 10, 0), true)
                .holiday_rule,
            "Jours fériés : fermé (sauf mention contraire)");
}

TEST(WebOpening, UsesThePlacesTimeZone) {
  // 10:30 in Paris is 12:30 in La Réunion (UTC+4 vs UTC+2 in summer).
  auto v = describe(with_hours("Mo-Fr 08:00-12:00", "97411"), paris(2025, 5, 14, 10, 30), false);
  EXPECT_EQ(v.state, OpenState::kClosed);
  EXPECT_EQ(v.next_change, "ouvre demain à 08:00");
}

TEST(WebOpening, UnreadableOrMissingHoursAreNotGuessed) {
  auto none = describe(with_hours(""), 0, true);
  EXPECT_FALSE(none.has_hours);
  EXPECT_EQ(none.status, "Horaires non précisés");
  EXPECT_FALSE(describe(with_hours("horaires variables"), 0, true).has_hours);
  auto unknown = describe(with_hours("Mo-Fr 09:00-17:00 unknown \"sur rendez-vous\""),
                                  paris(2025, 5, 14, 10, 0), false);
  EXPECT_EQ(unknown.state, OpenState::kUnknown);
  EXPECT_EQ(unknown.status, "Sur rendez-vous");
}

TEST(WebOpening, FrenchDates) {
  EXPECT_EQ(french_date("2024-03-05"), "5 mars 2024");
  EXPECT_EQ(french_date("2024-08-01"), "1er août 2024");
  EXPECT_EQ(french_date("2024-13-01"), "2024-13-01");
  EXPECT_EQ(french_date("hier"), "hier");
}

// Every value of the standard's closed lists that the pages filter on has a label of its own.
TEST(WebLabels, EveryStandardValueHasAPlainLabel) {
  namespace v = place::vocabulary;
  struct Case {
    place::Field field;
    std::span<const std::string_view> values;
  };
  const Case cases[] = {{place::Field::kServices, v::kServices},
                        {place::Field::kPublicsSpecifiquementAdresses, v::kPublics},
                        {place::Field::kPriseEnChargeSpecifique, v::kPriseEnCharge},
                        {place::Field::kFraisACharge, v::kFrais},
                        {place::Field::kModalitesAcces, v::kModalitesAcces},
                        {place::Field::kModalitesAccompagnement, v::kModalitesAccompagnement},
                        {place::Field::kDispositifProgrammesNationaux, v::kDispositifs}};
  for (const auto& c : cases) {
    const FilterGroup* group = nullptr;
    for (const auto& g : filter_groups())
      if (g.field == c.field) group = &g;
    ASSERT_NE(group, nullptr);
    EXPECT_EQ(group->param, place::name(c.field));
    EXPECT_EQ(group->values.size(), c.values.size()) << group->param;
    for (auto value : c.values) {
      bool found = false;
      for (const auto& vl : group->values) found |= vl.value == value;
      EXPECT_TRUE(found) << group->param << " : " << value;
    }
  }
  EXPECT_EQ(value_label(place::Field::kServices, "Aide aux démarches administratives"),
            "Être aidé pour mes démarches en ligne (CAF, impôts, santé…)");
  EXPECT_EQ(value_label(place::Field::kItinerance, "Itinérant"), "Lieu itinérant (bus, permanences)");
  EXPECT_EQ(value_label(place::Field::kDispositifProgrammesNationaux, "France Services"), "France Services");
}

TEST(WebQr, DrawsAnSvgWithAnAccessibleName) {
  std::string svg = qr_svg("https://maillage.example.fr/lieux/abc", "Code QR <du lieu>");
  ASSERT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_NE(svg.find("role=\"img\" aria-label=\"Code QR &lt;du lieu&gt;\""), std::string::npos);
  EXPECT_NE(svg.find("<path fill=\"#000\" d=\"M4 4h7v1h-7z"), std::string::npos);  // finder pattern
  EXPECT_EQ(qr_svg("", "x"), "");
  EXPECT_EQ(qr_svg(std::string(3000, 'a'), "x"), "");
}

std::vector<FieldError> check(std::multimap<std::string, std::string> form, store::ErrorReport& out) {
  return validate_report(form, out);
}

TEST(WebReport, ASuggestionNamesAKnownFieldAndAValue) {
  store::ErrorReport out;
  std::string field, value;
  std::multimap<std::string, std::string> form = {{"categorie", "horaires"}, {"message", "Fermé le samedi désormais."},
                                                 {"champ", "horaires"}, {"valeur", " Mo-Fr 09:00-12:00 "}};
  EXPECT_TRUE(validate_report(form, out, field, value).empty());
  EXPECT_EQ(out.suggestion, R"({"champ":"horaires","valeur":"Mo-Fr 09:00-12:00"})");
  form.find("champ")->second = "id";
  auto errors = validate_report(form, out, field, value);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "champ");
  form.find("champ")->second = "telephone";
  form.find("valeur")->second = "";
  errors = validate_report(form, out, field, value);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "valeur");
  form.find("valeur")->second = std::string(501, 'x');
  EXPECT_EQ(validate_report(form, out, field, value).at(0).field, "valeur");
  form.erase("champ");
  form.erase("valeur");
  EXPECT_TRUE(validate_report(form, out, field, value).empty());
  EXPECT_EQ(out.suggestion, "");
}

// Hours in plain French are stored as opening_hours; hours that cannot be understood are refused.
TEST(WebReport, SuggestedHoursInPlainFrenchBecomeOpeningHours) {
  store::ErrorReport out;
  std::string field, value;
  std::multimap<std::string, std::string> form = {
      {"categorie", "horaires"},
      {"message", "Les horaires ont changé."},
      {"champ", "horaires"},
      {"valeur", "du lundi au vendredi 9h-12h et 14h-17h"}};
  EXPECT_TRUE(validate_report(form, out, field, value).empty());
  EXPECT_EQ(out.suggestion, R"({"champ":"horaires","valeur":"Mo-Fr 09:00-12:00,14:00-17:00"})");
  EXPECT_EQ(value, "du lundi au vendredi 9h-12h et 14h-17h");  // shown again as typed
  auto preview = suggested_hours_preview(form);
  ASSERT_TRUE(preview);
  EXPECT_EQ(preview->expression, "Mo-Fr 09:00-12:00,14:00-17:00");
  ASSERT_EQ(preview->days.size(), 7u);
  EXPECT_EQ(preview->days[0], "lundi : 9 h – 12 h, 14 h – 17 h");
  EXPECT_EQ(preview->days[6], "dimanche : fermé");
  EXPECT_TRUE(suggested_hours_need_confirmation(form));
  form.emplace("confirmer_horaires", "Mo-Fr 09:00-12:00,14:00-17:00");
  EXPECT_FALSE(suggested_hours_need_confirmation(form));
  // Clean opening_hours: nothing to confirm.
  form.find("valeur")->second = "Mo-Fr 09:00-12:00";
  EXPECT_FALSE(suggested_hours_preview(form));
  EXPECT_FALSE(suggested_hours_need_confirmation(form));
  // Not understood, or understood only in part: refused, naming the field.
  for (const char* bad :
       {"quand ça leur chante", "du lundi au vendredi 9h-12h (sauf vacances scolaires)"}) {
    form.find("valeur")->second = bad;
    auto errors = validate_report(form, out, field, value);
    ASSERT_EQ(errors.size(), 1u) << bad;
    EXPECT_EQ(errors[0].field, "valeur");
    EXPECT_EQ(errors[0].message.rfind("Horaires d'ouverture : « ", 0), 0u) << errors[0].message;
    EXPECT_FALSE(suggested_hours_need_confirmation(form)) << bad;
  }
}

TEST(WebReport, ValidReportIsTrimmedAndKept) {
  store::ErrorReport r;
  auto errors = check({{"categorie", "horaires"}, {"message", "  Fermé le mercredi après-midi.  "},
                       {"courriel", " marie@example.fr "}}, r);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(r.category, "horaires");
  EXPECT_EQ(r.message, "Fermé le mercredi après-midi.");
  EXPECT_EQ(r.contact, "marie@example.fr");
}

TEST(WebReport, EveryFieldIsBounded) {
  struct Case {
    std::multimap<std::string, std::string> form;
    std::string field;
  };
  std::string base_message = "Le numéro de téléphone a changé.";
  const Case cases[] = {
      {{{"categorie", ""}, {"message", base_message}}, "categorie"},
      {{{"categorie", "DROP TABLE"}, {"message", base_message}}, "categorie"},
      {{{"categorie", "autre"}, {"message", "court"}}, "message"},
      {{{"categorie", "autre"}, {"message", "         é         "}}, "message"},
      {{{"categorie", "autre"}, {"message", std::string(2001, 'a')}}, "message"},
      {{{"categorie", "autre"}, {"message", std::string(100000, 'a')}}, "message"},
      {{{"categorie", "autre"}, {"message", "invalide \xff\xfe en UTF-8"}}, "message"},
      {{{"categorie", "autre"}, {"message", "un caractère \x01 de contrôle"}}, "message"},
      {{{"categorie", "autre"}, {"message", base_message}, {"courriel", "marie"}}, "courriel"},
      {{{"categorie", "autre"}, {"message", base_message}, {"courriel", "a@b"}}, "courriel"},
      {{{"categorie", "autre"}, {"message", base_message}, {"courriel", "a b@c.fr"}}, "courriel"},
      {{{"categorie", "autre"}, {"message", base_message}, {"courriel", std::string(250, 'a') + "@c.fr"}}, "courriel"},
      {{{"categorie", "autre"}, {"message", base_message}, {"courriel", "a@c.fr\r\nBcc: x@y.fr"}}, "courriel"},
      {{{"categorie", "autre"}, {"categorie", "horaires"}, {"message", base_message}}, "formulaire"},
  };
  for (const auto& c : cases) {
    store::ErrorReport r;
    auto errors = check(c.form, r);
    ASSERT_FALSE(errors.empty()) << c.field;
    bool named = false;
    for (const auto& e : errors) named |= e.field == c.field;
    EXPECT_TRUE(named) << c.field << " : " << errors.front().message;
  }
  store::ErrorReport r;
  EXPECT_TRUE(check({{"categorie", "autre"}, {"message", std::string(2000, 'a')}}, r).empty());
  EXPECT_TRUE(check({{"categorie", "ferme"}, {"message", "Première ligne\nDeuxième ligne"}}, r).empty());
}

}  // namespace
}  // namespace maillage::web
