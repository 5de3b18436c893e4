// Loading and checking mapping profiles (TOML, read with toml++). Every problem is collected as
// a Diagnostic naming the file, the line, the key and the rule; toml++'s exceptions stay here.
#include "federation/profile.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "place/vocabulary.h"
#include "text/fold.h"

namespace maillage::federation {
namespace {

constexpr std::string_view kDayNames[7] = {"lundi", "mardi",    "mercredi", "jeudi",
                                           "vendredi", "samedi", "dimanche"};

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  LoadedProfile load(std::string_view text) {
    LoadedProfile out;
    toml::table root;
    try {
      root = toml::parse(text, file_);
    } catch (const toml::parse_error& e) {
      error(static_cast<std::int64_t>(e.source().begin.line), "", "profil.syntaxe",
            "le fichier n'est pas du TOML valide : " + std::string(e.description()) + ".");
      out.errors = std::move(errors_);
      return out;
    }
    Profile p;
    p.path = file_;
    read_header(root, p);
    read_fields(root, p);
    for (auto&& [k, v] : root) {
      if (k.str() != "profil" && k.str() != "champs")
        error(line_of(v), std::string(k.str()), "profil.cle_inconnue",
              "clé inconnue ; un profil a deux sections : [profil] et [champs].");
    }
    out.errors = std::move(errors_);
    if (out.errors.empty()) out.profile = std::move(p);
    return out;
  }

 private:
  static std::int64_t line_of(const toml::node& n) {
    return static_cast<std::int64_t>(n.source().begin.line);
  }

  void error(std::int64_t line, std::string key, std::string rule, std::string message,
             std::string value = {}) {
    Diagnostic d;
    d.severity = Severity::kError;
    d.file = file_;
    d.line = line;
    d.field = std::move(key);
    d.value = std::move(value);
    d.rule = std::move(rule);
    d.message = std::move(message);
    errors_.push_back(std::move(d));
  }

  // A string, or an error naming the key.
  std::optional<std::string> string_of(const toml::node& n, const std::string& key) {
    if (auto s = n.as_string()) return s->get();
    error(line_of(n), key, "profil.type", "une chaîne de caractères entre guillemets est attendue.");
    return std::nullopt;
  }

  // A string or an array of strings.
  std::vector<std::string> strings_of(const toml::node& n, const std::string& key) {
    std::vector<std::string> out;
    if (auto s = n.as_string()) {
      out.push_back(s->get());
    } else if (auto a = n.as_array()) {
      for (const auto& e : *a)
        if (auto v = string_of(e, key)) out.push_back(*v);
    } else {
      error(line_of(n), key, "profil.type",
            "une chaîne ou une liste de chaînes (\"a\" ou [\"a\", \"b\"]) est attendue.");
    }
    return out;
  }

  void read_header(const toml::table& root, Profile& p) {
    const toml::node* node = root.get("profil");
    if (!node || !node->is_table()) {
      error(1, "profil", "profil.requis",
            "la section [profil] manque (nom, description, format, encodage).");
      return;
    }
    for (auto&& [k, v] : *node->as_table()) {
      std::string key = "profil." + std::string(k.str());
      if (k.str() == "nom") {
        if (auto s = string_of(v, key)) p.name = *s;
      } else if (k.str() == "description") {
        if (auto s = string_of(v, key)) p.description = *s;
      } else if (k.str() == "base") {
        if (auto s = string_of(v, key)) p.base = *s;
      } else if (k.str() == "licence") {
        if (auto s = string_of(v, key)) p.licence = *s;
      } else if (k.str() == "format") {
        auto s = string_of(v, key);
        if (!s) continue;
        if (*s == "csv") p.format = SourceFormat::kCsv;
        else if (*s == "json") p.format = SourceFormat::kJson;
        else if (*s == "geojson") p.format = SourceFormat::kGeoJson;
        else if (*s == "auto") p.format = SourceFormat::kAuto;
        else error(line_of(v), key, "profil.format", "format inconnu ; valeurs possibles : csv, json, geojson, auto.", *s);
      } else if (k.str() == "encodage") {
        auto s = string_of(v, key);
        if (!s) continue;
        std::string f = text::fold(*s);
        if (f == "utf-8" || f == "utf8") p.encoding = SourceEncoding::kUtf8;
        else if (f == "windows-1252" || f == "cp1252" || f == "latin-1" || f == "iso-8859-1")
          p.encoding = SourceEncoding::kWindows1252;
        else error(line_of(v), key, "profil.encodage", "encodage inconnu ; valeurs possibles : utf-8, windows-1252.", *s);
      } else if (k.str() == "vides") {
        p.empty_markers = strings_of(v, key);
      } else {
        error(line_of(v), key, "profil.cle_inconnue",
              "clé inconnue dans [profil] ; clés possibles : nom, description, licence, format, "
              "encodage, vides, base.");
      }
    }
    if (p.name.empty())
      error(line_of(*node), "profil.nom", "profil.requis", "le profil doit avoir un nom (profil.nom).");
  }

  void read_fields(const toml::table& root, Profile& p) {
    const toml::node* node = root.get("champs");
    if (!node || !node->is_table()) {
      error(1, "champs", "profil.requis", "la section [champs] manque : elle dit d'où vient chaque champ du standard.");
      return;
    }
    std::vector<std::optional<FieldMapping>> by_field(place::kFieldCount);
    for (auto&& [k, v] : *node->as_table()) {
      std::string key = "champs." + std::string(k.str());
      auto field = place::field_by_name(k.str());
      if (!field) {
        error(line_of(v), key, "profil.champ_inconnu",
              "« " + std::string(k.str()) + " » n'est pas un champ du standard v1.0.2 (voir "
              "data/standard/FIELDS.md).");
        continue;
      }
      FieldMapping m;
      m.field = *field;
      m.key = key;
      m.line = line_of(v);
      if (auto t = v.as_table()) {
        read_mapping(*t, m);
      } else {
        error(m.line, key, "profil.type",
              "une table est attendue, par exemple { colonne = \"nom_de_colonne\" }.");
        continue;
      }
      by_field[static_cast<std::size_t>(*field)] = std::move(m);
    }
    for (auto& m : by_field)
      if (m) p.fields.push_back(std::move(*m));
  }

  void read_mapping(const toml::table& t, FieldMapping& m) {
    int sources = 0;
    for (auto&& [k, v] : t) {
      std::string name(k.str());
      std::string key = m.key + "." + name;
      if (name == "colonne") {
        if (auto s = string_of(v, key)) m.columns = {*s};
        ++sources;
      } else if (name == "colonnes") {
        m.columns = strings_of(v, key);
        ++sources;
      } else if (name == "constante") {
        m.constant = strings_of(v, key);
        ++sources;
      } else if (name == "hachage") {
        m.hash_columns = strings_of(v, key);
        ++sources;
      } else if (name == "jours") {
        read_days(v, key, m);
        ++sources;
      } else if (name == "joindre") {
        if (auto s = string_of(v, key)) m.join = *s;
      } else if (name == "premiere_non_vide") {
        auto b = v.value<bool>();
        if (!b) error(line_of(v), key, "profil.type", "true ou false est attendu.");
        else m.first_non_empty = *b;
      } else if (name == "motif") {
        read_pattern(v, key, m);
      } else if (name == "decouper") {
        if (auto s = string_of(v, key)) m.split = *s;
      } else if (name == "partie") {
        auto i = v.value<std::int64_t>();
        if (!i || *i < 1 || *i > 100)
          error(line_of(v), key, "profil.partie", "un entier de 1 à 100 est attendu (1 : la première partie).");
        else m.part = static_cast<int>(*i);
      } else if (name == "separateur") {
        if (auto s = string_of(v, key)) m.value_separator = *s;
      } else if (name == "valeurs") {
        read_value_table(v, key, m);
      } else if (name == "regles") {
        read_rules(v, key, m);
      } else if (name == "comparaison") {
        auto s = string_of(v, key);
        if (s && *s == "egal") m.match = MatchMode::kEqual;
        else if (s && *s == "contient") m.match = MatchMode::kContains;
        else if (s) error(line_of(v), key, "profil.comparaison", "valeurs possibles : egal, contient.", *s);
      } else if (name == "autres") {
        auto s = string_of(v, key);
        if (s && *s == "signaler") m.unmatched = Unmatched::kReport;
        else if (s && *s == "ignorer") m.unmatched = Unmatched::kDrop;
        else if (s && *s == "garder") m.unmatched = Unmatched::kKeep;
        else if (s) error(line_of(v), key, "profil.autres", "valeurs possibles : signaler, ignorer, garder.", *s);
      } else if (name == "format") {
        auto s = string_of(v, key);
        if (s && *s == "osm") m.hours = HoursMode::kOsm;
        else if (s && *s == "texte") m.hours = HoursMode::kFreeText;
        else if (s && *s == "jours") m.hours = HoursMode::kDays;
        else if (s) error(line_of(v), key, "profil.format", "formats d'horaires possibles : osm, texte, jours.", *s);
      } else if (name == "interpreter") {
        auto b = v.value<bool>();
        if (!b) error(line_of(v), key, "profil.type", "true ou false est attendu.");
        else m.read_date = *b;
      } else if (name == "projection") {
        auto s = string_of(v, key);
        if (s && *s == "lambert93") m.projection = Projection::kLambert93;
        else if (s) error(line_of(v), key, "profil.projection", "projection inconnue ; valeur possible : lambert93.", *s);
      } else if (name == "defaut") {
        if (auto s = string_of(v, key)) m.default_value = *s;
      } else if (name == "prefixe") {
        if (auto s = string_of(v, key)) m.prefix = *s;
      } else {
        error(line_of(v), key, "profil.cle_inconnue",
              "clé inconnue ; voir docs/federation.md pour les opérations possibles.");
      }
    }
    check_mapping(sources, m);
  }

  void read_days(const toml::node& v, const std::string& key, FieldMapping& m) {
    auto t = v.as_table();
    if (!t) {
      error(line_of(v), key, "profil.jours",
            "une table des jours est attendue : { lundi = \"h_lundi\", mardi = \"h_mardi\", ... }.");
      return;
    }
    for (auto&& [k, day] : *t) {
      std::string dkey = key + "." + std::string(k.str());
      int d = 0;
      while (d < 7 && kDayNames[d] != k.str()) ++d;
      if (d == 7) {
        error(line_of(day), dkey, "profil.jours", "jour inconnu ; jours possibles : lundi … dimanche.");
        continue;
      }
      if (auto s = day.as_string()) {
        m.days[d].slots.push_back({s->get()});
        continue;
      }
      auto slots = day.as_array();
      if (!slots) {
        error(line_of(day), dkey, "profil.jours",
              "une colonne, ou une liste de créneaux (colonnes, ou paires [ouverture, fermeture]) est attendue.");
        continue;
      }
      for (const auto& slot : *slots) {
        if (auto s = slot.as_string()) {
          m.days[d].slots.push_back({s->get()});
        } else if (auto pair = slot.as_array(); pair && pair->size() == 2) {
          auto cols = strings_of(slot, dkey);
          if (cols.size() == 2) m.days[d].slots.push_back(cols);
        } else {
          error(line_of(slot), dkey, "profil.jours",
                "un créneau est une colonne (\"lundi matin\") ou une paire [ouverture, fermeture].");
        }
      }
    }
    if (m.hours == HoursMode::kNone) m.hours = HoursMode::kDays;
  }

  void read_pattern(const toml::node& v, const std::string& key, FieldMapping& m) {
    auto s = string_of(v, key);
    if (!s) return;
    m.pattern_text = *s;
    try {
      m.pattern = std::make_shared<const std::regex>(*s, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      error(line_of(v), key, "profil.motif", "expression régulière invalide (" + std::string(e.what()) + ").", *s);
    }
  }

  void add_rule(std::vector<std::string> terms, std::vector<std::string> except,
                std::vector<std::string> targets, FieldMapping& m) {
    ValueRule r;
    for (const auto& t : terms) r.folded_terms.push_back(text::fold(t));
    for (const auto& t : except) r.folded_except.push_back(text::fold(t));
    r.terms = std::move(terms);
    r.except = std::move(except);
    r.targets = std::move(targets);
    m.rules.push_back(std::move(r));
  }

  // valeurs = { "code source" = "valeur du standard", "autre" = ["a", "b"] }
  void read_value_table(const toml::node& v, const std::string& key, FieldMapping& m) {
    auto t = v.as_table();
    if (!t) {
      error(line_of(v), key, "profil.type", "une table { \"valeur source\" = \"valeur du standard\" } est attendue.");
      return;
    }
    for (auto&& [k, target] : *t) {
      std::string tkey = key + ".\"" + std::string(k.str()) + "\"";
      auto targets = strings_of(target, tkey);
      check_targets(targets, line_of(target), tkey, m.field);
      add_rule({std::string(k.str())}, {}, std::move(targets), m);
    }
  }

  // [[champs.X.regles]] si = [...], sauf = [...], alors = "..." | [...]
  void read_rules(const toml::node& v, const std::string& key, FieldMapping& m) {
    auto a = v.as_array();
    if (!a) {
      error(line_of(v), key, "profil.type", "une liste de règles [[" + key + "]] est attendue.");
      return;
    }
    std::size_t i = 0;
    for (const auto& e : *a) {
      std::string rkey = key + "[" + std::to_string(++i) + "]";
      auto t = e.as_table();
      if (!t) {
        error(line_of(e), rkey, "profil.type", "une règle est une table { si = [...], alors = \"...\" }.");
        continue;
      }
      std::vector<std::string> terms, except, targets, columns;
      for (auto&& [k, rv] : *t) {
        std::string n(k.str());
        if (n == "colonnes") columns = strings_of(rv, rkey + ".colonnes");
        else if (n == "si") terms = strings_of(rv, rkey + ".si");
        else if (n == "sauf") except = strings_of(rv, rkey + ".sauf");
        else if (n == "alors") targets = strings_of(rv, rkey + ".alors");
        else error(line_of(rv), rkey + "." + n, "profil.cle_inconnue", "clés possibles d'une règle : colonnes, si, sauf, alors.");
      }
      if ((terms.empty() && columns.empty()) || targets.empty())
        error(line_of(e), rkey, "profil.regle",
              "une règle a besoin de « alors » (valeurs du standard) et de « si » (termes) ou de "
              "« colonnes » (toute valeur de ces colonnes).");
      for (const auto& c : columns)
        if (std::find(m.columns.begin(), m.columns.end(), c) == m.columns.end())
          error(line_of(e), rkey + ".colonnes", "profil.regle",
                "la colonne « " + c + " » de la règle doit aussi être dans les colonnes du champ.", c);
      check_targets(targets, line_of(e), rkey + ".alors", m.field);
      add_rule(std::move(terms), std::move(except), std::move(targets), m);
      m.rules.back().columns = std::move(columns);
    }
  }

  // A value written into a closed-list field must be one of its values.
  void check_targets(const std::vector<std::string>& targets, std::int64_t line,
                     const std::string& key, place::Field field) {
    const auto& spec = place::spec(field);
    for (const auto& t : targets) {
      if (field == place::Field::kTypologie) {
        if (!place::vocabulary::typologie_by_code(t))
          error(line, key, "profil.valeur_cible",
                "« " + t + " » n'est pas un code de typologie de data·inclusion "
                "(data/standard/typologies.tsv).", t);
      } else if (!spec.values.empty() && !place::vocabulary::match_value(spec.values, t)) {
        std::string list;
        for (auto v : spec.values) list += (list.empty() ? "" : " ; ") + std::string(v);
        error(line, key, "profil.valeur_cible",
              "« " + t + " » n'est pas une valeur du champ " + std::string(spec.name) +
                  " ; valeurs du standard : " + list + ".", t);
      }
    }
  }

  void check_mapping(int sources, FieldMapping& m) {
    bool only_default = sources == 0 && !m.default_value.empty();
    if (sources != 1 && !only_default) {
      error(m.line, m.key, "profil.source_valeur",
            sources == 0 ? "le champ n'a pas de source : il faut une de colonne, colonnes, constante, "
                           "hachage, jours ou, seul, defaut."
                         : "le champ a plusieurs sources ; il en faut une seule parmi colonne, "
                           "colonnes, constante, hachage et jours.");
    }
    if (!m.constant.empty()) check_targets(m.constant, m.line, m.key + ".constante", m.field);
    if (m.hours != HoursMode::kNone && m.field != place::Field::kHoraires)
      error(m.line, m.key, "profil.horaires", "format et jours ne s'appliquent qu'au champ horaires.");
    if (m.field == place::Field::kHoraires && m.hours == HoursMode::kNone && m.constant.empty())
      m.hours = HoursMode::kOsm;
    if (m.hours == HoursMode::kDays) {
      bool any = false;
      for (const auto& d : m.days) any |= !d.slots.empty();
      if (!any) error(m.line, m.key, "profil.jours", "le format « jours » demande la table jours = { lundi = ..., ... }.");
    }
    if (m.read_date && m.field != place::Field::kDateMaj)
      error(m.line, m.key, "profil.interpreter", "interpreter ne s'applique qu'au champ date_maj.");
    // "date-du-fichier", the former spelling, dated records by their file's modification date
    // (a checkout's date in a fresh clone): it now means an unknown date too.
    if (m.default_value == "inconnue" || m.default_value == "date-du-fichier") {
      if (m.field != place::Field::kDateMaj)
        error(m.line, m.key, "profil.defaut",
              "« " + m.default_value + " » ne s'applique qu'au champ date_maj.");
      m.default_is_unknown_date = true;
      m.default_value.clear();
    }
    if (!m.default_value.empty()) check_targets({m.default_value}, m.line, m.key + ".defaut", m.field);
    if (m.part > 0 && m.split.empty())
      error(m.line, m.key, "profil.partie", "partie demande decouper (le texte qui sépare les parties).");
    if (!m.split.empty() && m.part == 0)
      error(m.line, m.key, "profil.partie", "decouper demande partie (le numéro de la partie gardée, à partir de 1).");
    if (m.projection != Projection::kNone &&
        (m.columns.size() != 2 ||
         (m.field != place::Field::kLatitude && m.field != place::Field::kLongitude)))
      error(m.line, m.key, "profil.projection",
            "une projection s'applique à latitude ou longitude, avec colonnes = [\"x\", \"y\"].");
    if (m.hash_columns.empty() == false && m.field != place::Field::kId)
      error(m.line, m.key, "profil.hachage", "hachage ne s'applique qu'au champ id.");
  }

  std::string file_;
  Diagnostics errors_;
};

}  // namespace

LoadedProfile parse_profile(std::string_view text, const std::string& display_name) {
  return Loader(display_name).load(text);
}

namespace {

LoadedProfile load_profile_at_depth(const std::filesystem::path& path, int depth);

// Completes `child` with what its base profile says and it does not.
void apply_base(const std::filesystem::path& path, int depth, LoadedProfile& child) {
  Profile& p = *child.profile;
  auto base_path = path.parent_path() / (p.base + ".toml");
  LoadedProfile base;
  if (depth >= 4) {
    Diagnostic d;
    d.file = path.string();
    d.field = "profil.base";
    d.rule = "profil.base";
    d.message = "trop de profils de base en chaîne (4 au plus) ; une boucle ?";
    base.errors.push_back(std::move(d));
  } else {
    base = load_profile_at_depth(base_path, depth + 1);
  }
  if (!base.profile) {
    for (auto& e : base.errors) child.errors.push_back(std::move(e));
    child.profile.reset();
    return;
  }
  Profile merged = std::move(*base.profile);
  std::vector<FieldMapping> fields;
  for (auto& bf : merged.fields) {
    bool overridden = false;
    for (const auto& cf : p.fields) overridden |= cf.field == bf.field;
    if (!overridden) fields.push_back(std::move(bf));
  }
  for (auto& cf : p.fields) fields.push_back(std::move(cf));
  std::sort(fields.begin(), fields.end(),
            [](const FieldMapping& a, const FieldMapping& b) { return a.field < b.field; });
  merged.fields = std::move(fields);
  merged.name = p.name;
  merged.path = p.path;
  merged.base = p.base;
  if (!p.description.empty()) merged.description = p.description;
  if (!p.licence.empty()) merged.licence = p.licence;
  child.profile = std::move(merged);
}

LoadedProfile load_profile_at_depth(const std::filesystem::path& path, int depth) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadedProfile out;
    Diagnostic d;
    d.file = path.string();
    d.rule = "profil.fichier";
    d.message = "impossible de lire le profil (fichier absent ou illisible).";
    out.errors.push_back(std::move(d));
    return out;
  }
  std::ostringstream text;
  text << in.rdbuf();
  LoadedProfile loaded = parse_profile(text.str(), path.string());
  if (loaded.profile && !loaded.profile->base.empty()) apply_base(path, depth, loaded);
  return loaded;
}

}  // namespace

LoadedProfile load_profile(const std::filesystem::path& path) { return load_profile_at_depth(path, 0); }

std::filesystem::path resolve_profile(const std::string& name_or_file,
                                      const std::filesystem::path& profiles_dir,
                                      std::string& error) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(name_or_file, ec)) return name_or_file;
  bool plain_name = name_or_file.find('/') == std::string::npos && !name_or_file.empty();
  if (plain_name) {
    auto candidate = profiles_dir / (name_or_file + ".toml");
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
  }
  error = "profil « " + name_or_file + " » introuvable : ni un fichier, ni un profil de " +
          profiles_dir.string() + " (nom sans extension, par exemple france-services).";
  return {};
}

}  // namespace maillage::federation
