// The place manager's form without HTTP: labels and help for every editable field, closed lists
// read back from checkboxes, lists one per line, the pivot optional, and the week editor (the
// days read from opening_hours and written back, on the France Services list's real hours).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "hours/free_text.h"
#include "place/fields.h"
#include "place/reader.h"
#include "support/test_support.h"
#include "web/place_form.h"

namespace maillage::web {
namespace {

using place::Field;
using Params = std::multimap<std::string, std::string>;

TEST(PlaceForm, EveryEditableFieldHasAPlainLabelAndNoColumnName) {
  std::set<std::string_view> labels;
  for (const auto& s : place::all_fields()) {
    const std::string_view label = field_label(s.field);
    EXPECT_FALSE(label.empty()) << s.name;
    EXPECT_EQ(label.find(s.name), std::string_view::npos) << s.name << ": " << label;
    EXPECT_TRUE(labels.insert(label).second) << "two fields read the same: " << label;
  }
  // Every editable field is in the form, once.
  place::Place empty;
  List fields = place_form_fields(empty, {}, {});
  std::size_t editable_count = 0;
  for (const auto& s : place::all_fields()) editable_count += editable(s.field);
  EXPECT_EQ(fields.size(), editable_count);
}

TEST(PlaceForm, ClosedValuesAreShownByTheirLabels) {
  EXPECT_EQ(display_value(Field::kTypologie, "BIB|RFS"), "Bibliothèque / Médiathèque, Réseau France Services");
  EXPECT_EQ(display_value(Field::kPriseEnChargeSpecifique, "Surdité"), "Personnes sourdes ou malentendantes");
  EXPECT_EQ(display_value(Field::kNom, "Le | lieu"), "Le | lieu") << "a free text is shown as it is";
}

TEST(PlaceForm, CheckboxesAreReadBackInTheStandardsOrderAndForeignValuesRefused) {
  place::Place p;
  std::vector<accounts::Result> errors;
  Params form = {{"nom", "La Source"},
                 {"services", "Accès internet et matériel informatique"},
                 {"services", "Aide aux démarches administratives"},
                 {"typologie", "TIERS_LIEUX"},
                 {"typologie", "BIB|EPN"},
                 {"courriels", "contact@lasource.fr\r\n\r\n  accueil@lasource.fr  "},
                 {"pivot", ""}};
  EXPECT_FALSE(read_place_form(form, p, errors));
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(p[Field::kServices], "Aide aux démarches administratives|Accès internet et matériel informatique");
  EXPECT_EQ(p[Field::kTypologie], "BIB|EPN|TIERS_LIEUX");
  EXPECT_EQ(p[Field::kCourriels], "contact@lasource.fr|accueil@lasource.fr");
  EXPECT_EQ(p[Field::kPivot], "00000000000000") << "an empty pivot is the standard's « unknown »";

  // The same values as the record's keep its order: a form sent unchanged changes nothing.
  place::Place ordered;
  ordered[Field::kServices] = "Accès internet et matériel informatique|Aide aux démarches administratives";
  errors.clear();
  read_place_form(form, ordered, errors);
  EXPECT_EQ(ordered[Field::kServices], "Accès internet et matériel informatique|Aide aux démarches administratives");

  form.emplace("frais_a_charge", "Gratuit pour tous");
  errors.clear();
  read_place_form(form, p, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "frais_a_charge");
  EXPECT_EQ(errors[0].message, "Tarif : « Gratuit pour tous » ne fait pas partie des choix proposés.");
}

TEST(PlaceForm, TheWeekEditorReadsAndWritesHours) {
  auto cells = week_cells("Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:30-12:00");
  ASSERT_TRUE(cells);
  EXPECT_EQ((*cells)[0], "9h-12h, 14h-17h30");
  EXPECT_EQ((*cells)[5], "9h30-12h");
  EXPECT_EQ((*cells)[6], "");
  std::string error;
  EXPECT_EQ(hours_from_week(*cells, error), "Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:30-12:00");
  EXPECT_TRUE(week_says_it_all("Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:30-12:00"));
  // What a week cannot say: holidays, months, comments.
  EXPECT_FALSE(week_says_it_all("Mo-Fr 09:00-12:00; PH off"));
  EXPECT_FALSE(week_says_it_all("Jul-Aug Mo-Fr 09:00-12:00"));
  EXPECT_FALSE(week_says_it_all("Mo-Fr 09:00-12:00 \"sur rendez-vous\""));
  EXPECT_FALSE(week_cells("quand ça leur chante"));

  WeekCells typed = {"9h-12h et 14h-17h", "fermé", "de 9h à 12h", "", "9 h - 12 h / 14 h - 17 h", "", ""};
  EXPECT_EQ(hours_from_week(typed, error), "Mo,Fr 09:00-12:00,14:00-17:00; We 09:00-12:00");
  typed[3] = "le matin";
  EXPECT_FALSE(hours_from_week(typed, error));
  EXPECT_EQ(error, "Jeudi : « le matin » n'a pas été compris. Écrivez par exemple « 9h-12h et 14h-17h », "
                   "ou laissez la case vide si le lieu est fermé ce jour-là.");
  EXPECT_EQ(hours_from_week(WeekCells{}, error), "") << "every day closed: no hours";
}

TEST(PlaceForm, TheEditorWinsOnlyWhenChangedAndNeverBesideAChangedSentence) {
  const std::string before = "Mo-Fr 09:00-12:00";
  auto with_days = [&](std::array<std::string, 7> days, const std::string& sentence) {
    Params form = {{"grille_de", before}, {"horaires", sentence}};
    for (std::size_t d = 0; d < kWeekDays; ++d) form.emplace("jour_" + std::string(week_day_name(d)), days[d]);
    return form;
  };
  place::Place p;
  std::vector<accounts::Result> errors;
  // Unchanged grid: the sentence decides.
  EXPECT_FALSE(read_place_form(with_days({"9h-12h", "9h-12h", "9h-12h", "9h-12h", "9h-12h", "", ""},
                                         "du lundi au samedi 10h-18h"),
                               p, errors));
  EXPECT_EQ(p[Field::kHoraires], "du lundi au samedi 10h-18h");
  EXPECT_TRUE(errors.empty());
  // Changed grid: it gives the hours.
  EXPECT_TRUE(read_place_form(with_days({"9h-12h", "9h-12h", "9h-12h", "9h-12h", "9h-12h", "9h-12h", ""}, before),
                              p, errors));
  EXPECT_EQ(p[Field::kHoraires], "Mo-Sa 09:00-12:00");
  // Both changed: refused, neither guessed.
  EXPECT_FALSE(read_place_form(with_days({"9h-12h", "", "", "", "", "", ""}, "tous les jours 8h-20h"), p, errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "horaires");
}

TEST(PlaceForm, RealFranceServicesHoursSurviveTheEditor) {
  // Every France Services place's hours, read into the editor and written back unchanged, give
  // the same week: the editor never loses an hour of a simple weekly schedule.
  place::OpenedReader opened = place::open_file((testing::shared_dir() / "data/france-services/liste-fs-20240801.csv").string());
  ASSERT_TRUE(opened.reader) << opened.error;
  const std::vector<std::string> names = {"h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi"};
  place::RawRecord record;
  int checked = 0;
  while (opened.reader->next(record)) {
    std::array<std::string, 7> days;
    for (const auto& [column, value] : record.fields)
      for (std::size_t d = 0; d < names.size(); ++d)
        if (column == names[d]) days[d] = value;
    auto n = hours::normalize_day_columns(days);
    if (n.expression.empty()) continue;
    auto cells = week_cells(n.expression);
    ASSERT_TRUE(cells) << n.expression;
    std::string error;
    auto back = hours_from_week(*cells, error);
    ASSERT_TRUE(back) << n.expression << ": " << error;
    if (checked % 10 == 0) {
      EXPECT_TRUE(week_says_it_all(n.expression)) << n.expression;  // a year each
    }
    auto again = week_cells(*back);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *cells) << n.expression << " -> " << *back;
    ++checked;
  }
  EXPECT_GT(checked, 2700);
}

}  // namespace
}  // namespace maillage::web
