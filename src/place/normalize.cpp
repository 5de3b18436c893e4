#include "place/normalize.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <unordered_map>

#include "common/encoding.h"
#include "common/utf8.h"
#include "place/value_rules.h"
#include "place/vocabulary.h"
#include "territory/geo.h"
#include "text/fold.h"
#include "territory/reference.h"

namespace maillage::place {
namespace {

using vocabulary::LegacyTarget;

// Dates of update before this one are taken for a system's zero date (web/labels.h: known_date).
constexpr std::string_view kFirstPlausibleDate = "1990-01-01";

// Values longer than this are not data but accidents (or attacks): the field is dropped.
constexpr std::size_t kMaxFieldBytes = 32 * 1024;

Field target_field(LegacyTarget t) {
  switch (t) {
    case LegacyTarget::kServices: return Field::kServices;
    case LegacyTarget::kPublics: return Field::kPublicsSpecifiquementAdresses;
    case LegacyTarget::kPriseEnCharge: return Field::kPriseEnChargeSpecifique;
    case LegacyTarget::kFrais: return Field::kFraisACharge;
    case LegacyTarget::kDispositifs: return Field::kDispositifProgrammesNationaux;
    case LegacyTarget::kFormationsLabels: return Field::kFormationsLabels;
    case LegacyTarget::kAutresFormationsLabels: return Field::kAutresFormationsLabels;
    case LegacyTarget::kModalitesAccompagnement: return Field::kModalitesAccompagnement;
    case LegacyTarget::kNone: break;
  }
  return Field::kId;  // unreachable for mapped values
}

// The v0.1 vocabulary that may appear in a column (by its v1 or v0.1 name).
std::string_view legacy_family(std::string_view column) {
  if (column == "services") return "services";
  if (column == "publics_accueillis" || column == "publics_specifiquement_adresses" ||
      column == "prise_en_charge_specifique")
    return "publics_accueillis";
  if (column == "conditions_acces" || column == "frais_a_charge") return "conditions_acces";
  if (column == "labels_nationaux" || column == "dispositif_programmes_nationaux" ||
      column == "formations_labels")
    return "labels_nationaux";
  if (column == "modalites_accompagnement") return "modalites_accompagnement";
  return {};
}

std::optional<Field> renamed_legacy_column(std::string_view column) {
  if (column == "courriel") return Field::kCourriels;
  if (column == "labels_autres") return Field::kAutresFormationsLabels;
  if (column == "accessibilite") return Field::kFicheAccesLibre;
  if (column == "publics_accueillis") return Field::kPublicsSpecifiquementAdresses;
  if (column == "conditions_acces") return Field::kFraisACharge;
  if (column == "labels_nationaux") return Field::kDispositifProgrammesNationaux;
  return std::nullopt;
}

// Leading articles are often dropped ("Mont-Dore" for "Le Mont-Dore").
std::string without_article(std::string key) {
  for (std::string_view a : {"le ", "la ", "les ", "l "})
    if (key.rfind(a, 0) == 0) return key.substr(a.size());
  return key;
}

// A current commune of a département with its name's key, without_article(fold_key(nom)).
struct NamedCommune {
  const territory::Commune* commune;
  std::string key;
};

// The current communes of each département, built once per reference.
const std::vector<NamedCommune>& communes_of_departement(const territory::Reference& ref,
                                                         std::string_view dep) {
  using Index = std::unordered_map<std::string, std::vector<NamedCommune>>;
  static std::mutex mutex;
  static std::unordered_map<const territory::Reference*, Index> indexes;
  static const std::vector<NamedCommune> kNone;
  std::lock_guard lock(mutex);
  auto [it, fresh] = indexes.try_emplace(&ref);
  if (fresh)
    for (const auto& c : ref.communes())
      if (c.parent.empty())
        it->second[c.departement].push_back({&c, without_article(text::fold_key(c.nom))});
  auto found = it->second.find(std::string(dep));
  return found == it->second.end() ? kNone : found->second;
}

class Normalizer {
 public:
  Normalizer(const RawRecord& raw, const NormalizeContext& ctx) : raw_(raw), ctx_(ctx) {}

  NormalizeResult run() {
    for (const auto& [column, value] : raw_.fields)
      if (column == "id") id_ = std::string(utf8::trim(value));
    for (const auto& [column, value] : raw_.fields) take_column(column, value);
    finish_multi_values();
    check_required();
    if (rejected_) {
      result_.accepted = false;
      return std::move(result_);
    }
    check_territory();
    check_coordinates();
    check_dates();
    if (!place().has(Field::kSource) && !ctx_.import_source.empty())
      place()[Field::kSource] = std::string(ctx_.import_source);
    result_.accepted = true;
    return std::move(result_);
  }

 private:
  Place& place() { return result_.place; }

  void report(Severity severity, std::string_view field, std::string_view value,
              std::string rule, std::string message) {
    Diagnostic d;
    d.severity = severity;
    d.file = std::string(ctx_.file);
    d.line = raw_.line;
    d.record_id = id_;
    d.field = std::string(field);
    d.value = shorten_for_display(std::string(value), 200);
    d.rule = std::move(rule);
    d.message = std::move(message);
    if (severity == Severity::kError) rejected_ = true;
    result_.diagnostics.push_back(std::move(d));
  }
  void error(Field f, std::string_view value, std::string rule, std::string message) {
    report(Severity::kError, name(f), value, std::move(rule), std::move(message));
  }
  // A broken field: an error when the field is required, else a warning (field left out).
  void broken(Field f, std::string_view value, std::string rule, std::string message) {
    if (spec(f).required) {
      error(f, value, std::move(rule), std::move(message));
    } else {
      report(Severity::kWarning, name(f), value, std::move(rule),
             std::move(message) + " ; le champ est ignoré.");
    }
  }
  void notice(Field f, std::string_view value, std::string rule, std::string message) {
    report(Severity::kNotice, name(f), value, std::move(rule), std::move(message));
  }

  // Makes a raw value clean UTF-8 text: decodes Windows-1252 when it is not UTF-8, removes
  // control characters. Returns false when the value must be dropped.
  bool clean(std::string_view column, std::string_view value, std::string& out) {
    if (value.size() > kMaxFieldBytes) {
      auto f = field_by_name(column);
      std::string msg = "la valeur fait " + std::to_string(value.size()) +
                        " octets, plus que la limite de " + std::to_string(kMaxFieldBytes);
      if (f && spec(*f).required) {
        report(Severity::kError, column, value.substr(0, 60), "champ.taille", msg);
      } else {
        report(Severity::kWarning, column, value.substr(0, 60), "champ.taille",
               msg + " ; le champ est ignoré.");
      }
      return false;
    }
    if (utf8::is_valid(value)) {
      out.assign(value);
    } else {
      out = encoding::windows1252_to_utf8(value);
      report(Severity::kNotice, column, out, "champ.encodage",
             "le texte n'est pas en UTF-8 ; il a été lu comme du Windows-1252 (vérifiez les "
             "accents).");
    }
    if (utf8::has_control_chars(out)) {
      std::string kept;
      for (char c : out) {
        auto u = static_cast<unsigned char>(c);
        if ((u >= 0x20 && u != 0x7F) || c == '\t' || c == '\n' || c == '\r') kept += c;
      }
      out.swap(kept);
      report(Severity::kNotice, column, out, "champ.controle",
             "des caractères de contrôle invisibles ont été retirés.");
    }
    return true;
  }

  void take_column(const std::string& column, const std::string& value) {
    std::string v;
    if (utf8::trim(value).empty()) return;
    if (!clean(column, value, v)) return;
    if (utf8::trim(v).empty()) return;
    auto f = field_by_name(column);
    auto renamed = renamed_legacy_column(column);
    if (!f && !renamed) return;  // other columns: reported once per file by the reader
    if (!without_html(column, f ? *f : *renamed, v)) return;
    if (!f) {
      if (!vocabulary::legacy_mappings(column).empty()) {
        take_enum_values(*renamed, column, v);
      } else {
        take_field(*renamed, column, v);
      }
      return;
    }
    take_field(*f, column, v);
  }

  // Text a source wrote as HTML is read as plain text, with a warning naming what was read;
  // false when nothing is left.
  bool without_html(std::string_view column, Field f, std::string& v) {
    auto plain = rules::plain_text(v, f == Field::kPresentationDetail);
    if (!plain.corrected) return true;
    report(Severity::kWarning, column, v, "champ.html",
           "le texte contient du HTML (balises ou entités comme &nbsp;) ; il a été lu comme « " +
               shorten_for_display(plain.value, 120) + " ».");
    v = std::move(plain.value);
    return !utf8::trim(v).empty();
  }

  // Stores a single-valued text field; when the field already has a value (a v1 and a v0.1
  // column for the same field), the first one read wins.
  void set_text(Field f, std::string value) {
    if (!place().has(f)) {
      place()[f] = std::move(value);
    } else if (place()[f] != value) {
      report(Severity::kWarning, name(f), value, "champ.deux_colonnes",
             "deux colonnes donnent ce champ (en version 1 et en version 0.1) ; « " + place()[f] +
                 " », lu en premier, est gardé, « " + shorten_for_display(value, 80) +
                 " » est ignoré.");
    }
  }

  void take_field(Field f, std::string_view column, const std::string& v) {
    const auto& s = spec(f);
    if (!s.values.empty()) return take_enum_values(f, column, v);
    switch (f) {
      case Field::kPivot: return take_rule(f, v, rules::pivot(v), "pivot.motif",
          "« " + v + " » n'est pas un SIRET, RNA ou RIDET : 9 à 14 lettres ou chiffres attendus "
          "(00000000000000 si inconnu)");
      case Field::kCodePostal: return take_postal_code(v);
      case Field::kCodeInsee: return take_rule(f, v, rules::code_insee(v), "code_insee.motif",
          "« " + v + " » n'est pas un code INSEE de commune (5 caractères, 2A/2B pour la Corse)");
      case Field::kDateMaj: return take_rule(f, v, rules::date(v), "date_maj.format",
          "« " + v + " » n'est pas une date valide au format AAAA-MM-JJ");
      case Field::kLatitude:
      case Field::kLongitude: return take_number(f, v);
      case Field::kTypologie: return take_typologie(v);
      case Field::kTelephone: return take_phone(v);
      case Field::kCourriels: return take_list(f, v, false);
      case Field::kSiteWeb: return take_list(f, v, true);
      case Field::kFicheAccesLibre:
      case Field::kPriseRdv: return take_rule(f, v, rules::url(v), std::string(name(f)) + ".format",
          "« " + shorten_for_display(v, 80) + " » n'est pas une adresse web (http:// ou https://)");
      case Field::kPresentationResume: return take_resume(v);
      case Field::kPresentationDetail: {
        std::string text(utf8::trim(v));
        std::erase(text, '\r');
        return set_text(f, std::move(text));
      }
      case Field::kAutresFormationsLabels: {
        std::string text = utf8::collapse_spaces(v);
        if (column != name(f)) {  // v0.1 labels_autres: ';'-separated
          std::replace(text.begin(), text.end(), ';', ',');
        }
        if (place().has(f)) {
          place()[f] += ", " + text;
        } else {
          place()[f] = std::move(text);
        }
        return;
      }
      default: return set_text(f, utf8::collapse_spaces(v));
    }
  }

  void take_rule(Field f, std::string_view v, std::optional<rules::Normalised> n, std::string rule,
                 std::string message) {
    if (!n) return broken(f, v, std::move(rule), std::move(message));
    if (n->corrected)
      notice(f, v, std::string(name(f)) + ".corrige",
             "« " + std::string(v) + " » a été corrigé en « " + n->value + " ».");
    set_text(f, std::move(n->value));
  }

  // A four-digit code is padded only when the result is the postal code of the named commune
  // (a leading zero lost by a spreadsheet), not when a digit is missing elsewhere.
  void take_postal_code(const std::string& v) {
    auto n = rules::code_postal(v);
    if (n && n->corrected && ctx_.territory) {
      std::string commune;
      for (const auto& [column, value] : raw_.fields)
        if (column == "commune") commune = value;
      if (!ctx_.territory->resolve(n->value, commune)) n.reset();
    }
    take_rule(Field::kCodePostal, v, std::move(n), "code_postal.motif",
              "« " + v + " » n'est pas un code postal : 5 chiffres attendus");
  }

  void take_number(Field f, std::string_view v) {
    auto n = rules::number(v);
    if (!n) {
      return broken(f, v, std::string(name(f)) + ".nombre",
                    "« " + std::string(v) + " » n'est pas un nombre décimal");
    }
    if (v.find(',') != std::string_view::npos)
      notice(f, v, std::string(name(f)) + ".virgule",
             "« " + std::string(v) + " » est écrit avec une virgule décimale ; lu comme " +
                 format_number(*n) + ".");
    (f == Field::kLatitude ? lat_ : lon_) = *n;
  }

  void take_typologie(std::string_view v) {
    note_separator(Field::kTypologie, "typologie", v, ";,");
    for (auto piece : rules::split_list(v, false)) {
      std::string code(piece);
      std::string upper = code;
      for (char& c : upper)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (const auto* t = vocabulary::typologie_by_code(code)) {
        add_multi(Field::kTypologie, std::string(t->code));
      } else if (const auto* tu = vocabulary::typologie_by_code(upper)) {
        notice(Field::kTypologie, piece, "typologie.corrige",
               "« " + code + " » a été lu comme le code « " + std::string(tu->code) + " ».");
        add_multi(Field::kTypologie, std::string(tu->code));
      } else {
        report(Severity::kWarning, "typologie", piece, "typologie.valeur",
               "« " + code + " » n'est pas un code de typologie de data·inclusion (ex. EPN, BIB, "
               "TIERS_LIEUX, ASSO) ; la valeur est ignorée.");
      }
    }
  }

  void take_phone(std::string_view v) {
    std::string_view dep = departement_hint();
    auto p = rules::telephone(v, dep);
    if (!p) {
      return broken(Field::kTelephone, v, "telephone.motif",
                    "« " + std::string(v) + " » n'est pas un numéro de téléphone français "
                    "(format attendu : +33 suivi de 9 chiffres, ou indicatif d'outre-mer)");
    }
    if (p->several)
      notice(Field::kTelephone, v, "telephone.plusieurs",
             "plusieurs numéros donnés ; seul le premier est gardé (" + p->number.value + ").");
    else if (p->number.corrected)
      notice(Field::kTelephone, v, "telephone.corrige",
             "« " + std::string(v) + " » a été écrit au format international « " +
                 p->number.value + " ».");
    set_text(Field::kTelephone, std::move(p->number.value));
  }

  std::string_view departement_hint() {
    for (const auto& [column, value] : raw_.fields) {
      if (column == "code_insee" && value.size() >= 3) return departement_from(value);
    }
    for (const auto& [column, value] : raw_.fields) {
      if (column == "code_postal" && value.size() >= 3) return departement_from(value);
    }
    return {};
  }
  static std::string_view departement_from(std::string_view code) {
    code = utf8::trim(code);
    if (code.size() >= 3 && (code.substr(0, 2) == "97" || code.substr(0, 2) == "98"))
      return code.substr(0, 3);
    return code.substr(0, 2);
  }

  void take_list(Field f, std::string_view v, bool is_url) {
    note_separator(f, name(f), v, ";,");
    for (auto piece : rules::split_list(v, !is_url || v.find(' ') != std::string_view::npos)) {
      auto n = is_url ? rules::url(piece) : rules::email(piece);
      if (!n) {
        report(Severity::kWarning, name(f), piece, std::string(name(f)) + ".format",
               is_url ? "« " + std::string(piece) + " » n'est pas une adresse web (http:// ou "
                            "https://) ; la valeur est ignorée."
                      : "« " + std::string(piece) + " » n'est pas une adresse de courriel ; la "
                            "valeur est ignorée.");
        continue;
      }
      if (n->corrected)
        notice(f, piece, std::string(name(f)) + ".corrige",
               "« " + std::string(piece) + " » a été corrigé en « " + n->value + " ».");
      add_multi(f, std::move(n->value));
    }
  }

  void take_resume(std::string_view v) {
    std::string text = utf8::collapse_spaces(v);
    std::size_t len = utf8::length(text);
    if (len <= spec(Field::kPresentationResume).max_length) return set_text(Field::kPresentationResume, std::move(text));
    report(Severity::kWarning, "presentation_resume", text, "presentation_resume.longueur",
           "le résumé fait " + std::to_string(len) +
               " caractères, plus que les 280 permis ; il est ignoré" +
               (place().has(Field::kPresentationDetail) || has_column("presentation_detail")
                    ? "."
                    : " et placé dans presentation_detail."));
    if (!has_column("presentation_detail")) set_text(Field::kPresentationDetail, std::move(text));
  }

  // Values of a multi-valued field separated otherwise than by '|' in a v1 file ("A;B"): read
  // as a list, with a notice. A v0.1 file (one with a v0.1 column) separates by ';' itself.
  void note_separator(Field f, std::string_view column, std::string_view v,
                      std::string_view separators) {
    if (v.find_first_of(separators) == std::string_view::npos || column != name(f) || legacy_file())
      return;
    std::string used;
    for (char c : separators)
      if (v.find(c) != std::string_view::npos)
        used += std::string(used.empty() ? "" : " et ") + "« " + c + " »";
    notice(f, v, std::string(name(f)) + ".separateur",
           "les valeurs sont séparées par " + used +
               " au lieu de « | » ; elles ont été lues une à une.");
  }

  bool legacy_file() {
    if (!legacy_file_) {
      legacy_file_ = false;
      for (const auto& [c, v] : raw_.fields) {
        auto kind = classify_column(c);
        if (kind == ColumnKind::kLegacyMapped && !field_by_name(c)) *legacy_file_ = true;
        if (kind == ColumnKind::kLegacyIgnored) *legacy_file_ = true;
      }
    }
    return *legacy_file_;
  }

  bool has_column(std::string_view column) const {
    for (const auto& [c, v] : raw_.fields)
      if (c == column && !utf8::trim(v).empty()) return true;
    return false;
  }

  // A multi-valued closed-list column, in its v1 or v0.1 form (values separated by '|' or ';').
  void take_enum_values(Field f, std::string_view column, std::string_view v) {
    note_separator(f, column, v, ";");
    std::string_view family = legacy_family(column);
    auto legacy = vocabulary::legacy_mappings(family);
    auto pieces = split_enum(v);
    // A closed list has at most a dozen values: beyond that the field is garbage, reported once
    // (and not value by value, which would let one record produce megabytes of diagnostics).
    constexpr std::size_t kMaxPieces = 64;
    if (pieces.size() > kMaxPieces) {
      report(Severity::kWarning, name(f), v.substr(0, 100), std::string(name(f)) + ".valeur",
             std::to_string(pieces.size()) + " valeurs pour " + std::string(name(f)) +
                 ", bien plus que la liste permise (" + allowed_values(f) +
                 ") ; le champ est ignoré.");
      return;
    }
    for (auto piece : pieces) {
      if (auto m = vocabulary::match_value(spec(f).values, piece)) {
        if (!m->exact)
          notice(f, piece, std::string(name(f)) + ".corrige",
                 "« " + std::string(piece) + " » a été lu comme « " + std::string(m->canonical) +
                     " ».");
        add_multi(f, std::string(m->canonical));
        continue;
      }
      if (take_legacy_value(f, legacy, piece)) continue;
      report(Severity::kWarning, name(f), piece, std::string(name(f)) + ".valeur",
             "« " + std::string(piece) + " » n'est pas une valeur permise de " +
                 std::string(name(f)) + " (" + allowed_values(f) + ") ; la valeur est ignorée.");
    }
  }

  // A value of the v0.1 vocabulary, mapped to its v1 value (notice) or, without one, left out
  // (warning); `f` is the field of the column it was read in.
  bool take_legacy_value(Field f, std::span<const vocabulary::LegacyMapping> legacy,
                         std::string_view v) {
    const vocabulary::LegacyMapping* found = nullptr;
    for (const auto& m : legacy)
      if (m.legacy_value == v) found = &m;
    if (!found) {
      std::string key = text::fold_key(v);
      for (const auto& m : legacy)
        if (text::fold_key(m.legacy_value) == key) found = &m;
    }
    if (!found) return false;
    if (found->target == LegacyTarget::kNone) {
      report(Severity::kWarning, name(f), v, std::string(name(f)) + ".sans_equivalent",
             "« " + std::string(v) +
                 " » (version 0.1 du standard) n'a pas d'équivalent dans la "
                 "version 1.0.2 ; valeur ignorée.");
      return true;
    }
    Field target = target_field(found->target);
    notice(target, v, std::string(name(target)) + ".v0_1",
           "« " + std::string(v) + " » (version 0.1 du standard) a été lu comme « " +
               std::string(found->v1_value) + " » (version 1.0.2)" +
               (target != f ? ", dans le champ " + std::string(name(target)) : std::string()) +
               ".");
    if (found->target == LegacyTarget::kAutresFormationsLabels) {
      std::string& other = place()[target];
      if (other.find(found->v1_value) == std::string::npos)
        other += (other.empty() ? "" : ", ") + std::string(found->v1_value);
    } else {
      add_multi(target, std::string(found->v1_value));
    }
    return true;
  }

  static std::vector<std::string_view> split_enum(std::string_view v) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= v.size(); ++i) {
      if (i < v.size() && v[i] != '|' && v[i] != ';') continue;
      std::string_view piece = utf8::trim(v.substr(start, i - start));
      if (!piece.empty()) out.push_back(piece);
      start = i + 1;
    }
    return out;
  }

  static std::string allowed_values(Field f) {
    std::string out;
    for (auto v : spec(f).values) {
      if (!out.empty()) out += ", ";
      out += v;
    }
    return out;
  }

  void add_multi(Field f, std::string value) {
    auto& values = multi_[static_cast<std::size_t>(f)];
    if (std::find(values.begin(), values.end(), value) == values.end())
      values.push_back(std::move(value));
  }

  void finish_multi_values() {
    for (std::size_t i = 0; i < kFieldCount; ++i) {
      if (multi_[i].empty()) continue;
      std::string joined;
      for (const auto& v : multi_[i]) {
        if (!joined.empty()) joined += kMultiSeparator;
        joined += v;
      }
      result_.place.values[i] = std::move(joined);
    }
  }

  void check_required() {
    for (const auto& s : all_fields()) {
      if (!s.required || place().has(s.field)) continue;
      if (has_column(s.name)) continue;  // its own error (pattern, date, size) was reported
      if (s.field == Field::kDateMaj && raw_.date_unknown) {
        notice(Field::kDateMaj, "", "date_maj.inconnue",
               "la source ne date pas ce lieu : sa date de mise à jour est inconnue (les exports "
               "au standard écrivent à sa place le jour où maillage a enregistré la fiche).");
        continue;
      }
      error(s.field, "", std::string(s.name) + ".requis",
            "le champ obligatoire " + std::string(s.name) + " (" + std::string(s.title) +
                ") est vide ou absent");
    }
  }

  void check_territory();
  void check_coordinates();
  const territory::Commune* only_commune_with(const std::string& cp) const;
  const territory::Commune* only_commune_named(const std::string& name, const std::string& cp) const;
  void deduce_commune();
  void report_postal_code_of_other_commune(const territory::Commune& named);
  void check_dates() {
    // 1970-01-01 and its like are a system's zero date (an empty timestamp), not a publisher's.
    if (place().has(Field::kDateMaj) && place()[Field::kDateMaj] < kFirstPlausibleDate)
      report(Severity::kWarning, "date_maj", place()[Field::kDateMaj], "date_maj.improbable",
             "la date de mise à jour " + place()[Field::kDateMaj] +
                 " est antérieure à 1990 : sans doute la date zéro d'un logiciel ; elle est gardée "
                 "(le standard exige une date) mais les pages diront « date de mise à jour "
                 "inconnue ».");
    if (ctx_.today.empty() || !place().has(Field::kDateMaj)) return;
    if (place()[Field::kDateMaj] > ctx_.today)
      report(Severity::kWarning, "date_maj", place()[Field::kDateMaj], "date_maj.futur",
             "la date de mise à jour " + place()[Field::kDateMaj] +
                 " est dans le futur ; elle est gardée, vérifiez-la.");
  }

  const RawRecord& raw_;
  const NormalizeContext& ctx_;
  NormalizeResult result_;
  std::string id_;
  bool rejected_ = false;
  std::optional<double> lat_, lon_;
  std::optional<bool> legacy_file_;  // the record has a v0.1 column
  std::array<std::vector<std::string>, kFieldCount> multi_;
  const territory::Commune* commune_ = nullptr;
};

void Normalizer::check_territory() {
  const auto* ref = ctx_.territory;
  if (!ref) return;
  Place& p = place();
  const std::string& cp = p[Field::kCodePostal];
  const std::string& name_ = p[Field::kCommune];
  if (p.has(Field::kCodeInsee)) {
    const std::string insee = p[Field::kCodeInsee];
    commune_ = ref->by_insee(insee);
    if (!commune_) {
      report(Severity::kWarning, "code_insee", insee, "code_insee.inconnu",
             "le code INSEE " + insee + " ne correspond à aucune commune connue ; le champ est "
             "ignoré.");
      p[Field::kCodeInsee].clear();
    } else {
      if (!ref->has_postal_code(*commune_, cp)) {
        // The postal code and the name may agree on another commune: then the INSEE code is
        // the wrong one (a homonym in another département is the usual mistake).
        const territory::Commune* other = ref->resolve(cp, name_);
        if (other && other != commune_) {
          report(Severity::kWarning, "code_insee", insee, "code_insee.remplace",
                 "le code INSEE " + insee + " désigne " + commune_->nom + " (" +
                     commune_->departement + "), qui n'a pas le code postal " + cp +
                     " ; il est remplacé par " + other->code_insee + " (" + other->nom +
                     "), la commune de ce nom qui a ce code postal.");
          p[Field::kCodeInsee] = other->code_insee;
          commune_ = other;
          return;
        }
      }
      if (!ref->has_postal_code(*commune_, cp))
        report(Severity::kWarning, "code_insee", insee, "code_insee.code_postal",
               "la commune " + insee + " (" + commune_->nom + ") n'a pas le code postal " + cp +
                   " ; vérifiez le code INSEE et le code postal.");
      if (!ref->name_matches(*commune_, name_))
        report(Severity::kWarning, "code_insee", insee, "code_insee.commune",
               "le code INSEE " + insee + " désigne " + commune_->nom + ", pas « " + name_ +
                   " » ; vérifiez le code INSEE et la commune.");
      return;
    }
  }
  deduce_commune();
}

// No usable INSEE code: the commune is deduced from the postal code and the name.
void Normalizer::deduce_commune() {
  const auto* ref = ctx_.territory;
  Place& p = place();
  const std::string& cp = p[Field::kCodePostal];
  const std::string& name_ = p[Field::kCommune];
  commune_ = ref->resolve(cp, name_);
  if (commune_ && !ref->has_postal_code(*commune_, cp)) {
    report_postal_code_of_other_commune(*commune_);
  } else if (commune_) {
    p[Field::kCodeInsee] = commune_->code_insee;
    notice(Field::kCodeInsee, commune_->code_insee, "code_insee.complete",
           "code INSEE déduit du code postal " + cp + " et de la commune « " + name_ + " » : " +
               commune_->code_insee + ".");
  } else if (const territory::Commune* named = only_commune_named(name_, cp)) {
    // The name designates one commune of the postal code's département, which has other
    // postal codes: the postal code is the likelier mistake (a territory's generic code).
    commune_ = named;
    p[Field::kCodeInsee] = named->code_insee;
    if (ctx_.territory->has_postal_code(*named, cp)) {  // only the article differed
      notice(Field::kCodeInsee, named->code_insee, "code_insee.complete",
             "code INSEE déduit du code postal " + cp + " et de la commune « " + name_ + " » : " +
                 named->code_insee + ".");
      return;
    }
    report_postal_code_of_other_commune(*named);
  } else if (const territory::Commune* only = only_commune_with(cp)) {
    // A locality or a district ("Montfavet", "Puyricard") under the postal code of a single
    // commune: the place is in that commune.
    commune_ = only;
    p[Field::kCodeInsee] = only->code_insee;
    report(Severity::kWarning, "commune", name_, "commune.localite",
           "« " + name_ + " » n'est pas un nom de commune ; le code postal " + cp +
               " n'appartient qu'à une commune, " + only->nom + " : code INSEE " +
               only->code_insee + " retenu. Indiquez le nom de la commune dans « commune ».");
  } else {
    report(Severity::kWarning, "commune", name_, "commune.introuvable",
           "aucune commune « " + name_ + " » n'a le code postal " + cp +
               " ; le code INSEE n'a pas pu être déduit.");
  }
}

void Normalizer::report_postal_code_of_other_commune(const territory::Commune& named) {
  Place& p = place();
  const std::string& cp = p[Field::kCodePostal];
  commune_ = &named;
  p[Field::kCodeInsee] = named.code_insee;
  std::string codes;
  for (const auto& c : named.codes_postaux) codes += (codes.empty() ? "" : ", ") + c;
  report(Severity::kWarning, "code_postal", cp, "code_postal.commune",
         "le code postal " + cp + " n'est pas celui de " + named.nom + " (" + codes +
             ") ; code INSEE " + named.code_insee + " retenu d'après le nom de la commune.");
}

const territory::Commune* Normalizer::only_commune_named(const std::string& name,
                                                          const std::string& cp) const {
  if (cp.size() != 5) return nullptr;
  std::string_view dep = territory::departement_of(cp);
  if (cp.compare(0, 2, "20") == 0) return nullptr;  // Corse: 2A/2B, postal codes 20xxx
  const std::string wanted = without_article(text::fold_key(name));
  const territory::Commune* found = nullptr;
  for (const auto& [commune, key] : communes_of_departement(*ctx_.territory, dep)) {
    const auto& c = *commune;
    if (key != wanted && !ctx_.territory->name_matches(c, name)) continue;
    if (found) return nullptr;
    found = &c;
  }
  return found;
}

const territory::Commune* Normalizer::only_commune_with(const std::string& cp) const {
  const territory::Commune* only = nullptr;
  for (const auto* c : ctx_.territory->by_postal_code(cp)) {
    const territory::Commune* top = c;
    if (!c->parent.empty()) top = ctx_.territory->by_insee(c->parent);
    if (!top) continue;
    if (only && only != top) return nullptr;
    only = top;
  }
  return only;
}

void Normalizer::check_coordinates() {
  Place& p = place();
  std::string shown_raw = (lat_ ? format_number(*lat_) : std::string()) + ", " +
                         (lon_ ? format_number(*lon_) : std::string());
  auto drop = [&](std::string rule, std::string message) {
    report(Severity::kWarning, "latitude", shown_raw, std::move(rule), std::move(message));
    lat_.reset();
    lon_.reset();
  };
  if (lat_.has_value() != lon_.has_value()) {
    drop("coordonnees.incompletes",
         "seule une des deux coordonnées (latitude, longitude) est donnée ; elles sont ignorées.");
  }
  if (lat_ && lon_) {
    double lat = *lat_, lon = *lon_;
    std::string shown = place::format_number(lat) + ", " + place::format_number(lon);
    if (lat == 0 && lon == 0) {
      drop("coordonnees.zero", "les coordonnées 0, 0 ne désignent pas un lieu ; elles sont ignorées.");
    } else {
      auto area = territory::locate(lat, lon);
      if (!area && territory::locate(lon, lat)) {
        std::swap(lat, lon);
        area = territory::locate(lat, lon);
        report(Severity::kNotice, "latitude", shown, "coordonnees.inversees",
               "latitude et longitude étaient inversées (" + shown + ") ; elles ont été remises "
               "dans l'ordre.");
      }
      if (!area) {
        drop("coordonnees.hors_france",
             "le point (" + shown + ") n'est pas en France (métropole ou outre-mer) ; les "
             "coordonnées sont ignorées.");
      } else if (commune_) {
        auto expected = territory::area_of_insee(commune_->code_insee);
        auto by_postal_code = territory::area_of_insee(p[Field::kCodePostal]);
        if (expected && *expected != *area && by_postal_code == area) {
          // The point and the postal code agree: the INSEE code is the odd one out.
          report(Severity::kWarning, "code_insee", p[Field::kCodeInsee], "code_insee.territoire",
                 "le code INSEE " + p[Field::kCodeInsee] + " désigne " + commune_->nom + " (" +
                     std::string(territory::area_name(*expected)) +
                     "), alors que le code postal et les coordonnées sont en " +
                     std::string(territory::area_name(*area)) + " ; le code INSEE est ignoré.");
          p[Field::kCodeInsee].clear();
          deduce_commune();
          if (commune_ && territory::area_of_insee(commune_->code_insee) != area) {
            p[Field::kCodeInsee].clear();
            commune_ = nullptr;
          }
        } else if (expected && *expected != *area) {
          drop("coordonnees.territoire",
               "le point (" + shown + ") est en " + std::string(territory::area_name(*area)) +
                   " mais la commune est en " + std::string(territory::area_name(*expected)) +
                   " ; les coordonnées sont ignorées.");
        }
      }
      if (lat_) {
        lat_ = lat;
        lon_ = lon;
      }
    }
  }
  if (lat_ && lon_) {
    p[Field::kLatitude] = format_number(*lat_);
    p[Field::kLongitude] = format_number(*lon_);
    return;
  }
  if (commune_) {
    result_.approx_position = std::make_pair(commune_->latitude, commune_->longitude);
    report(Severity::kNotice, "latitude", "", "coordonnees.approximatives",
           "pas de coordonnées utilisables : le lieu est placé au centre de la commune " +
               commune_->nom + " (position approximative).");
  }
}

}  // namespace

NormalizeResult normalize(const RawRecord& raw, const NormalizeContext& ctx) {
  return Normalizer(raw, ctx).run();
}

ColumnKind classify_column(std::string_view column) {
  if (field_by_name(column)) return ColumnKind::kStandard;
  if (renamed_legacy_column(column) || !vocabulary::legacy_mappings(column).empty())
    return ColumnKind::kLegacyMapped;
  if (column == "cle_ban") return ColumnKind::kLegacyIgnored;
  return ColumnKind::kUnknown;
}

}  // namespace maillage::place
