#include "web/place_form.h"

#include <algorithm>
#include <ctime>
#include <set>

#include "common/utf8.h"
#include "hours/civil.h"
#include "hours/evaluator.h"
#include "hours/free_text.h"
#include "hours/holidays.h"
#include "hours/parser.h"
#include "hours/zone.h"
#include "place/vocabulary.h"
#include "text/fold.h"
#include "web/forms.h"
#include "web/labels.h"
#include "web/opening.h"

namespace maillage::web {
namespace {

using place::Field;

constexpr std::string_view kUnknownPivot = "00000000000000";

enum class Kind { kText, kLongText, kLines, kChoices, kTypes, kWeek };

// A field as the manager reads it. The help texts are the standard's descriptions (schema
// v1.0.2) in plain words, without its column names or its "separated by |".
struct FieldText {
  Field field;
  Kind kind;
  std::string_view label;
  std::string_view help;
  std::string_view section;  // opens a section when not empty
};

constexpr FieldText kForm[] = {
    {Field::kNom, Kind::kText, "Nom du lieu", "Le nom que le public connaît.", "Le lieu"},
    {Field::kTypologie, Kind::kTypes, "Type de lieu",
     "Le type de structure du lieu. Vous pouvez en cocher plusieurs.", ""},
    {Field::kPresentationResume, Kind::kLongText, "Présentation courte",
     "Une courte description du lieu, 280 caractères au plus. Elle apparaît dans les résultats de "
     "recherche.",
     ""},
    {Field::kPresentationDetail, Kind::kLongText, "Présentation détaillée",
     "Tout ce qui aide une personne à venir : par exemple si des aidants se déplacent.", ""},
    {Field::kItinerance, Kind::kChoices, "Le lieu est-il fixe ou itinérant ?",
     "Un lieu itinérant se déplace : bus numérique, camion connecté, permanences dans plusieurs "
     "communes.",
     ""},
    {Field::kAdresse, Kind::kText, "Adresse (numéro et voie)",
     "Par exemple « 12 rue de la Paix ». Le site adresse.data.gouv.fr aide à trouver l'adresse "
     "exacte.",
     "Adresse"},
    {Field::kComplementAdresse, Kind::kText, "Complément d'adresse",
     "Ce qui aide à trouver l'entrée : étage, bâtiment, lieu-dit.", ""},
    {Field::kCodePostal, Kind::kText, "Code postal", "5 chiffres, par exemple 16000.", ""},
    {Field::kCommune, Kind::kText, "Commune", "", ""},
    {Field::kCodeInsee, Kind::kText, "Code officiel de la commune (code INSEE)",
     "Facultatif. 5 caractères, différent du code postal (par exemple 16015 pour Angoulême).", ""},
    {Field::kLatitude, Kind::kText, "Latitude",
     "La position du lieu sur la carte (GPS), par exemple 45.6484. Vous pouvez la copier depuis "
     "adresse.data.gouv.fr.",
     ""},
    {Field::kLongitude, Kind::kText, "Longitude", "Par exemple 0.1562.", ""},
    {Field::kHoraires, Kind::kWeek, "Horaires d'ouverture",
     "Les jours fériés, le lieu est indiqué fermé sauf si vous écrivez le contraire (par exemple "
     "« jours fériés 9h-12h »).",
     "Horaires"},
    {Field::kTelephone, Kind::kText, "Téléphone",
     "Le numéro où le public joint le lieu, par exemple 05 45 00 00 00.", "Contact"},
    {Field::kCourriels, Kind::kLines, "Courriel du lieu",
     "L'adresse de contact du lieu, pas une adresse personnelle. Une adresse par ligne.", ""},
    {Field::kSiteWeb, Kind::kLines, "Site internet ou réseaux sociaux",
     "Un lien par ligne, commençant par https://.", ""},
    {Field::kPriseRdv, Kind::kText, "Prendre rendez-vous en ligne (lien)",
     "Le lien vers la page où l'on prend rendez-vous avec les aidants du lieu, par exemple sur "
     "rdv-solidarites.fr.",
     ""},
    {Field::kServices, Kind::kChoices, "Ce que le lieu aide à faire",
     "Les accompagnements proposés par le lieu.", "Ce que le lieu propose"},
    {Field::kPublicsSpecifiquementAdresses, Kind::kChoices, "Publics accueillis exclusivement",
     "Un lieu accueille tout le monde par défaut : ne cochez que si le lieu est réservé à certains "
     "publics.",
     ""},
    {Field::kPriseEnChargeSpecifique, Kind::kChoices, "Accueil adapté",
     "Les besoins particuliers que le lieu sait accompagner.", ""},
    {Field::kModalitesAccompagnement, Kind::kChoices, "Comment les personnes sont aidées", "", ""},
    {Field::kModalitesAcces, Kind::kChoices, "Comment être reçu",
     "Ce qu'une personne doit faire pour être reçue.", ""},
    {Field::kFraisACharge, Kind::kChoices, "Tarif", "Les conditions financières de l'accueil.", ""},
    {Field::kDispositifProgrammesNationaux, Kind::kChoices, "Réseaux et programmes nationaux",
     "Les programmes nationaux dont le lieu fait partie.", "Réseaux, labels, accessibilité"},
    {Field::kFormationsLabels, Kind::kChoices, "Formations et labels",
     "Les formations suivies et les labels obtenus par le lieu.", ""},
    {Field::kAutresFormationsLabels, Kind::kText, "Autres formations ou labels",
     "Une formation ou un label absent de la liste ci-dessus.", ""},
    {Field::kFicheAccesLibre, Kind::kText, "Fiche d'accessibilité (Acceslibre)",
     "Le lien vers la fiche du lieu sur acceslibre.beta.gouv.fr, le service public qui décrit "
     "l'accessibilité des établissements (entrée, stationnement, accueil).",
     ""},
    {Field::kPivot, Kind::kText, "Numéro SIRET ou RNA",
     "Facultatif. Le numéro SIRET de la structure (14 chiffres), ou son numéro RNA si c'est une "
     "association (W suivi de 9 chiffres) : il relie la fiche aux répertoires officiels. Vous le "
     "trouvez sur annuaire-entreprises.data.gouv.fr.",
     "Identification"},
};

// Plain names of the fields a manager does not edit (for the history).
constexpr std::pair<Field, std::string_view> kOtherLabels[] = {
    {Field::kId, "Identifiant dans la source"},
    {Field::kSource, "Source"},
    {Field::kDateMaj, "Date de mise à jour"},
    {Field::kStructureParente, "Structure parente"},
};

// Where the pages' labels (written for the public: "Seul avec une personne qui m'aide") do not
// suit a manager, the standard's own value, already plain, is shown.
bool label_for_public_only(Field f) {
  return f == Field::kServices || f == Field::kModalitesAccompagnement ||
         f == Field::kDispositifProgrammesNationaux;
}

// The usual types of places of digital mediation, shown first; the others are behind a
// disclosure.
constexpr std::string_view kUsualTypes[] = {"RFS", "BIB",  "EPN", "TIERS_LIEUX", "FABLAB",
                                            "ASSO", "CS", "CSC", "CCAS",        "MUNI",
                                            "MJC", "MQ", "EVS", "PIMMS",       "LA_POSTE"};

const FieldText* text_of(Field f) {
  for (const auto& t : kForm)
    if (t.field == f) return &t;
  return nullptr;
}

std::string option_label(Field f, std::string_view value) {
  if (f == Field::kTypologie) {
    const auto* t = place::vocabulary::typologie_by_code(value);
    std::string_view label = t ? t->label : value;
    while (!label.empty() && (label.front() == '-' || label.front() == ' ')) label.remove_prefix(1);
    return std::string(label);
  }
  if (label_for_public_only(f)) return std::string(value);
  return std::string(value_label(f, value));
}

// The standard's values of a closed list, in its order (typologie: its codes).
std::vector<std::string_view> closed_values(Field f) {
  std::vector<std::string_view> out;
  if (f == Field::kTypologie) {
    for (const auto& t : place::vocabulary::typologies()) out.push_back(t.code);
  } else {
    for (auto v : place::spec(f).values) out.push_back(v);
  }
  return out;
}

std::string error_of(const std::vector<accounts::Result>& errors, std::string_view name) {
  for (const auto& e : errors)
    if (e.field == name) return e.message;
  return {};
}

std::vector<std::string> all_values(const std::multimap<std::string, std::string>& params,
                                    const std::string& name) {
  std::vector<std::string> out;
  auto [first, last] = params.equal_range(name);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

std::string lines_to_values(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of("\n|", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = utf8::trim(text.substr(start, end - start));
    if (!item.empty() && item != "\r") out += (out.empty() ? "" : "|") + std::string(item);
    start = end + 1;
  }
  return out;
}

std::string values_to_lines(std::string_view joined) {
  std::string out;
  place::for_each_value(joined, [&](std::string_view v) { out += (out.empty() ? "" : "\n") + std::string(v); });
  return out;
}

// "9h", "9h30", "24h".
std::string plain_clock(int minutes) {
  std::string out = std::to_string(minutes / 60) + "h";
  if (minutes % 60) out += (minutes % 60 < 10 ? "0" : "") + std::to_string(minutes % 60);
  return out;
}

std::string folded_cell(std::string_view cell) {
  std::string out;
  for (char c : utf8::trim(cell))
    if (c != ' ') out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

bool closed_cell(std::string_view cell) {
  const std::string f = folded_cell(cell);
  return f.empty() || f == "fermé" || f == "ferme" || f == "-";
}

}  // namespace

std::string_view field_label(Field field) {
  if (const auto* t = text_of(field)) return t->label;
  for (const auto& [f, label] : kOtherLabels)
    if (f == field) return label;
  return place::spec(field).title;
}

std::string display_value(Field field, std::string_view value) {
  const auto& spec = place::spec(field);
  if (!spec.multi && spec.values.empty()) return std::string(value);
  std::string out;
  place::for_each_value(value, [&](std::string_view v) {
    out += (out.empty() ? "" : ", ") + option_label(field, v);
  });
  return out;
}

bool editable(Field f) {
  return f != Field::kId && f != Field::kSource && f != Field::kDateMaj && f != Field::kStructureParente;
}

std::optional<WeekCells> week_cells(std::string_view expression) {
  auto week = typical_week(expression);
  if (!week) return std::nullopt;
  WeekCells cells;
  for (std::size_t d = 0; d < kWeekDays; ++d)
    for (const auto& s : (*week)[d])
      if (s.state == hours::State::kOpen)
        cells[d] += (cells[d].empty() ? "" : ", ") + plain_clock(s.start) + "-" + plain_clock(s.end);
  return cells;
}

std::optional<std::string> hours_from_week(const WeekCells& cells, std::string& error) {
  std::array<std::string, 7> days;
  bool any = false;
  for (std::size_t d = 0; d < kWeekDays; ++d) {
    if (closed_cell(cells[d])) continue;
    hours::Normalized n = hours::normalize_time_ranges(cells[d]);
    if (n.expression.empty() || !n.remainder.empty()) {
      error = week_day_title(d) + " : « " + std::string(utf8::trim(cells[d])) +
              " » n'a pas été compris. Écrivez par exemple « 9h-12h et 14h-17h », ou laissez la "
              "case vide si le lieu est fermé ce jour-là.";
      return std::nullopt;
    }
    days[d] = n.expression;
    any = true;
  }
  if (!any) return std::string();
  hours::Normalized week = hours::normalize_day_columns(days);
  if (week.expression.empty()) {
    error = "Les horaires de la semaine n'ont pas été compris : " + week.reason + ".";
    return std::nullopt;
  }
  return week.expression;
}

bool week_says_it_all(std::string_view expression) {
  if (utf8::trim(expression).empty()) return true;
  auto cells = week_cells(expression);
  if (!cells) return false;
  std::string error;
  auto composed = hours_from_week(*cells, error);
  if (!composed) return false;
  // The same days over a whole year, public holidays included: nothing else in the expression.
  auto a = hours::parse(expression), b = hours::parse(*composed);
  static const std::optional<hours::Zone> zone = hours::Zone::load("Europe/Paris");
  if (!a.ok() || !b.ok() || !zone) return false;
  hours::Place where{&*zone, hours::HolidayRegion::kNational};
  hours::Evaluator ea(std::move(*a.expression), where), eb(std::move(*b.expression), where);
  const std::int64_t today =
      hours::floor_div(static_cast<std::int64_t>(std::time(nullptr)), hours::kSecondsPerDay);
  for (std::int64_t d = today; d < today + 366; ++d) {
    auto x = ea.day(d), y = eb.day(d);
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i].start != y[i].start || x[i].end != y[i].end || x[i].state != y[i].state ||
          x[i].comment != y[i].comment)
        return false;
  }
  return true;
}

List place_form_fields(const place::Place& values, const std::vector<accounts::Result>& errors,
                       const std::map<Field, std::string>& manual_at, const WeekCells* typed) {
  List fields;
  for (const auto& t : kForm) {
    const auto& spec = place::spec(t.field);
    FormField ff;
    ff.name = std::string(spec.name);
    ff.label = std::string(t.label);
    ff.help = std::string(t.help);
    // The pivot is optional for a manager: "00000000000000" is the standard's "unknown".
    ff.required = spec.required && t.field != Field::kPivot;
    ff.error = error_of(errors, ff.name);
    const std::string value =
        t.field == Field::kPivot && values[t.field] == kUnknownPivot ? std::string() : values[t.field];
    std::vector<FormOption> more;  // typologie: the unusual types
    switch (t.kind) {
      case Kind::kText: ff.value = value; break;
      case Kind::kLongText:
      case Kind::kWeek: ff.type = "textarea", ff.value = value; break;
      case Kind::kLines: ff.type = "textarea", ff.value = values_to_lines(value); break;
      case Kind::kChoices:
      case Kind::kTypes: {
        ff.type = "checkboxes";
        std::set<std::string_view> chosen;
        place::for_each_value(value, [&](std::string_view v) { chosen.insert(v); });
        std::vector<std::string_view> order = closed_values(t.field);
        if (t.kind == Kind::kTypes) {
          for (auto code : kUsualTypes)
            ff.options.push_back({std::string(code), option_label(t.field, code), chosen.count(code) > 0});
          for (auto code : order)
            if (std::find(std::begin(kUsualTypes), std::end(kUsualTypes), code) == std::end(kUsualTypes))
              more.push_back({std::string(code), option_label(t.field, code), chosen.count(code) > 0});
          std::sort(more.begin(), more.end(), [](const auto& a, const auto& b) {
            return text::fold(a.label) < text::fold(b.label);
          });
        } else {
          for (auto v : order) ff.options.push_back({std::string(v), option_label(t.field, v), chosen.count(v) > 0});
        }
        break;
      }
    }
    Data d = field_data(ff);
    if (!t.section.empty()) d.set("section", std::string(t.section));
    if (auto m = manual_at.find(t.field); m != manual_at.end()) d.set("manual", m->second);
    if (!more.empty()) {
      List list;
      bool open = false;
      for (std::size_t i = 0; i < more.size(); ++i) {
        Data o;
        o.set("name", ff.name);
        o.set("id", ff.name + "-" + std::to_string(ff.options.size() + i + 1));
        o.set("value", more[i].value);
        o.set("label", more[i].label);
        o.set("selected", more[i].selected);
        open |= more[i].selected;
        list.push_back(o);
      }
      d.set("has_more", true);
      d.set("more_options", list);
      d.set("more_open", open);
      d.set("more_label", "Autres types de lieux (" + std::to_string(more.size()) + ")");
    }
    if (t.kind == Kind::kWeek) {
      d.set("is_field", false);
      d.set("is_week", true);
      d.set("grid_from", value);
      auto cells = week_cells(value);
      List days;
      for (std::size_t day = 0; day < kWeekDays; ++day) {
        Data x;
        x.set("name", "jour_" + std::string(week_day_name(day)));
        x.set("label", week_day_title(day));
        x.set("value", typed ? (*typed)[day] : cells ? (*cells)[day] : std::string());
        days.push_back(x);
      }
      d.set("days", days);
      std::string grid_error = error_of(errors, "jours");
      if (!grid_error.empty()) d.set("grid_error", grid_error);
      if (!value.empty() && !cells)
        d.set("grid_note", "Les horaires actuels n'ont pas pu être lus jour par jour : écrivez-les "
                           "dans la grille ou dans la phrase ci-dessous.");
      else if (!week_says_it_all(value))
        d.set("grid_note", "Ces horaires contiennent des précisions que la grille ne montre pas "
                           "(jours fériés, périodes de l'année, mentions). Si vous changez la grille, "
                           "elle remplace tous les horaires ; sinon, modifiez la phrase.");
      if (!value.empty() && cells) {
        List week;
        for (std::size_t day = 0; day < kWeekDays; ++day) {
          Data w;
          w.set("day_name", week_day_title(day));
          w.set("hours", (*cells)[day].empty() ? "fermé" : (*cells)[day]);
          week.push_back(w);
        }
        d.set("has_week", true);
        d.set("week", week);
      }
    }
    fields.push_back(d);
  }
  return fields;
}

std::optional<WeekCells> read_week(const std::multimap<std::string, std::string>& params) {
  WeekCells cells;
  bool any = false;
  for (std::size_t d = 0; d < kWeekDays; ++d) {
    auto [first, last] = params.equal_range("jour_" + std::string(week_day_name(d)));
    if (first == last) continue;
    any = true;
    cells[d] = std::string(utf8::trim(first->second));
  }
  if (!any) return std::nullopt;
  return cells;
}

bool read_place_form(const std::multimap<std::string, std::string>& params, place::Place& values,
                     std::vector<accounts::Result>& errors) {
  auto single = [&](const std::string& name) {
    auto [first, last] = params.equal_range(name);
    return first != last && std::next(first) == last ? first->second : std::string();
  };
  for (const auto& t : kForm) {
    const std::string name(place::spec(t.field).name);
    switch (t.kind) {
      case Kind::kText:
      case Kind::kLongText:
      case Kind::kWeek:
        values[t.field] = single(name);
        if (t.field == Field::kPivot && utf8::trim(values[t.field]).empty()) values[t.field] = kUnknownPivot;
        break;
      case Kind::kLines: values[t.field] = lines_to_values(single(name)); break;
      case Kind::kChoices:
      case Kind::kTypes: {
        // Checked boxes, one parameter each; a value joined with "|" is read too.
        std::set<std::string> chosen;
        for (const auto& raw : all_values(params, name))
          place::for_each_value(raw, [&](std::string_view v) {
            v = utf8::trim(v);
            if (!v.empty()) chosen.emplace(v);
          });
        // The same values as now keep their order (a form sent unchanged changes nothing).
        std::set<std::string> now;
        place::for_each_value(values[t.field], [&](std::string_view v) { now.emplace(v); });
        const bool same = now == chosen;
        std::string joined;
        for (auto v : closed_values(t.field))
          if (chosen.erase(std::string(v))) joined += (joined.empty() ? "" : "|") + std::string(v);
        if (same) joined = values[t.field];
        if (!chosen.empty())
          errors.push_back(accounts::Result::failure(
              name, std::string(t.label) + " : « " + *chosen.begin() +
                        " » ne fait pas partie des choix proposés."));
        values[t.field] = joined;
        break;
      }
    }
  }
  // The day-by-day editor, when the form has it and it was changed.
  auto typed = read_week(params);
  if (!typed) return false;
  const WeekCells& cells = *typed;
  const std::string grid_from = single("grille_de");
  WeekCells before;
  if (auto read = week_cells(grid_from)) before = *read;
  bool changed = false;
  for (std::size_t d = 0; d < kWeekDays; ++d)
    changed |= folded_cell(cells[d]) != folded_cell(before[d]) &&
               !(closed_cell(cells[d]) && closed_cell(before[d]));
  if (!changed) return false;
  if (utf8::trim(values[Field::kHoraires]) != utf8::trim(grid_from)) {
    errors.push_back(accounts::Result::failure(
        "horaires", "Horaires : vous les avez changés dans la grille et dans la phrase. Gardez l'un "
                    "des deux, puis enregistrez."));
    return false;
  }
  std::string error;
  auto composed = hours_from_week(cells, error);
  if (!composed) {
    errors.push_back(accounts::Result::failure("jours", error));
    return false;
  }
  values[Field::kHoraires] = *composed;
  return true;
}

}  // namespace maillage::web
