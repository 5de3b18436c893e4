#include "accounts/experts.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/utf8.h"
#include "territory/geo.h"
#include "territory/reference.h"
#include "text/fold.h"
#include "text/tokenize.h"

namespace maillage::accounts {
namespace {

// An e-mail address inside a public text ("écrivez à nom@exemple.fr"): people are reached
// through the relay form only, so the profile must not publish one.
bool looks_like_email(std::string_view s) {
  for (std::size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
    if (at == 0 || s[at - 1] == ' ') continue;
    std::size_t end = s.find_first_of(" \t\n", at);
    std::string_view domain = s.substr(at + 1, end == std::string_view::npos ? end : end - at - 1);
    auto dot = domain.find('.');
    if (dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size()) return true;
  }
  return false;
}

// Trimmed, collapsed text; false when it is not readable text.
bool clean_text(std::string& s) {
  if (!utf8::is_valid(s) || utf8::has_control_chars(s)) return false;
  s = utf8::collapse_spaces(s);
  return true;
}

void drop_duplicates_by_key(std::vector<std::string>& items) {
  std::vector<std::string> seen, kept;
  for (auto& item : items) {
    std::string key = text::fold_key(item);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    kept.push_back(std::move(item));
  }
  items = std::move(kept);
}

std::string_view canonical_language(std::string_view name) {
  static const std::pair<std::string_view, std::string_view> kAliases[] = {
      {"lsf", "langue des signes française"},
      {"langue des signes", "langue des signes française"},
      {"farsi", "persan"},
      {"mandarin", "chinois"},
      {"tamazight", "berbère"},
      {"pashto", "pachto"},
      {"urdu", "ourdou"},
      {"creole", "créole haïtien"}};
  std::string key = text::fold_key(name);
  for (auto l : expert_languages())
    if (text::fold_key(l) == key) return l;
  for (const auto& [alias, language] : kAliases)
    if (key == alias) return language;
  return {};
}

// "2a" → "2A", "1" → "01"; the code unchanged otherwise.
std::string departement_spelling(std::string code) {
  for (char& c : code)
    if (c == 'a' || c == 'b') c = static_cast<char>(c - 'a' + 'A');
  if (code.size() == 1 && code[0] >= '1' && code[0] <= '9') code = "0" + code;
  return code;
}

std::string list_of(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "« " : ", « ") + i + " »";
  return out;
}

void check_name(ExpertProfile& p, std::vector<Result>& errors) {
  if (!clean_text(p.name))
    return errors.push_back(Result::failure("nom", "Le nom contient des caractères illisibles."));
  if (p.name.empty())
    return errors.push_back(Result::failure("nom", "Indiquez votre nom ou un pseudonyme."));
  if (utf8::length(p.name) > kExpertNameMax)
    return errors.push_back(Result::failure("nom", "Le nom dépasse 100 caractères."));
  if (looks_like_email(p.name))
    errors.push_back(Result::failure(
        "nom",
        "N'indiquez pas d'adresse de courriel : on vous écrit par le formulaire de contact."));
}

void check_domains(ExpertProfile& p, std::vector<Result>& errors) {
  std::vector<std::string> kept, unknown;
  for (auto& d : p.domains) {
    std::string code(utf8::trim(d));
    if (expert_domain_label(code).empty())
      unknown.push_back(code.substr(0, utf8::floor_boundary(code, 60)));
    else if (std::find(kept.begin(), kept.end(), code) == kept.end())
      kept.push_back(code);
  }
  p.domains = std::move(kept);
  if (!unknown.empty())
    return errors.push_back(Result::failure(
        "domaines", "Domaine inconnu : " + list_of(unknown) + ". Choisissez dans la liste."));
  if (p.domains.empty())
    errors.push_back(Result::failure("domaines", "Choisissez au moins un domaine d'expertise."));
}

void check_tags(ExpertProfile& p, std::vector<Result>& errors) {
  std::vector<std::string> kept;
  for (auto& t : p.tags) {
    if (!clean_text(t))
      return errors.push_back(
          Result::failure("etiquettes", "Une étiquette contient des caractères illisibles."));
    if (t.empty()) continue;
    if (utf8::length(t) > kExpertTagMax)
      return errors.push_back(Result::failure(
          "etiquettes", "L'étiquette « " + t.substr(0, utf8::floor_boundary(t, 60)) +
                            "… » dépasse 40 caractères."));
    if (looks_like_email(t))
      return errors.push_back(Result::failure(
          "etiquettes", "N'indiquez pas d'adresse de courriel dans les étiquettes."));
    kept.push_back(std::move(t));
  }
  drop_duplicates_by_key(kept);
  p.tags = std::move(kept);
  if (p.tags.size() > kExpertTagsMax)
    errors.push_back(Result::failure("etiquettes", "10 étiquettes au plus."));
}

void check_departements(ExpertProfile& p, const territory::Reference& territory,
                        std::vector<Result>& errors) {
  std::vector<std::string> kept, unknown;
  for (auto& d : p.departements) {
    std::string code = departement_spelling(std::string(utf8::trim(d)));
    if (code.empty()) continue;
    if (territory.departement_name(code).empty())
      unknown.push_back(code.substr(0, utf8::floor_boundary(code, 20)));
    else if (std::find(kept.begin(), kept.end(), code) == kept.end())
      kept.push_back(code);
  }
  p.departements = std::move(kept);
  if (!unknown.empty())
    return errors.push_back(Result::failure(
        "departements",
        "Code de département inconnu : " + list_of(unknown) + " (exemples : 35, 2A, 974)."));
  if (p.departements.size() > kExpertDepartementsMax)
    errors.push_back(Result::failure("departements", "20 départements au plus."));
}

void check_places(ExpertProfile& p, std::vector<Result>& errors) {
  std::vector<std::string> kept;
  for (auto& id : p.places) {
    std::string s(utf8::trim(id));
    if (s.empty()) continue;
    if (!utf8::is_valid(s) || utf8::has_control_chars(s) || s.size() > kExpertPlaceIdMax ||
        s.find('/') != std::string::npos)
      return errors.push_back(
          Result::failure("lieux", "Un identifiant de lieu n'est pas valable."));
    if (std::find(kept.begin(), kept.end(), s) == kept.end()) kept.push_back(std::move(s));
  }
  p.places = std::move(kept);
  if (p.places.size() > kExpertPlacesMax)
    errors.push_back(Result::failure("lieux", "20 lieux au plus."));
}

void check_languages(ExpertProfile& p, std::vector<Result>& errors) {
  std::vector<std::string> kept, unknown;
  for (auto& l : p.languages) {
    std::string s(utf8::trim(l));
    if (s.empty()) continue;
    if (!utf8::is_valid(s))
      return errors.push_back(
          Result::failure("langues", "Une langue contient des caractères illisibles."));
    auto canonical = canonical_language(s);
    if (canonical.empty())
      unknown.push_back(s.substr(0, utf8::floor_boundary(s, 40)));
    else if (std::find(kept.begin(), kept.end(), canonical) == kept.end())
      kept.emplace_back(canonical);
  }
  p.languages = std::move(kept);
  if (!unknown.empty())
    return errors.push_back(Result::failure(
        "langues", "Langue inconnue : " + list_of(unknown) +
                       ". Écrivez son nom en français (exemples : anglais, arabe, wolof)."));
  if (p.languages.size() > kExpertLanguagesMax)
    errors.push_back(Result::failure("langues", "10 langues au plus."));
}

void check_rest(ExpertProfile& p, const territory::Reference& territory,
                std::vector<Result>& errors) {
  if (p.kind != "benevole" && p.kind != "professionnel")
    errors.push_back(
        Result::failure("statut", "Indiquez si vous aidez en bénévole ou en professionnel."));
  if (!clean_text(p.availability))
    errors.push_back(Result::failure("disponibilites",
                                     "Les disponibilités contiennent des caractères illisibles."));
  else if (utf8::length(p.availability) > kExpertAvailabilityMax)
    errors.push_back(
        Result::failure("disponibilites", "Les disponibilités dépassent 200 caractères."));
  else if (looks_like_email(p.availability))
    errors.push_back(Result::failure(
        "disponibilites",
        "N'indiquez pas d'adresse de courriel : on vous écrit par le formulaire de contact."));
  p.commune = std::string(utf8::trim(p.commune));
  if (p.commune.empty())
    errors.push_back(Result::failure("commune", "Indiquez la commune d'où vous aidez."));
  else if (p.commune.size() != 5 || !territory.by_insee(p.commune))
    errors.push_back(Result::failure("commune", "Cette commune est inconnue."));
}

void add_words(std::vector<std::string>& words, std::string_view text) {
  for (const auto& t : text::tokenize(text)) {
    if (t.folded.empty()) continue;
    words.push_back(t.folded);
    if (!t.stem.empty() && t.stem != t.folded) words.push_back(t.stem);
  }
}

// True when some word starts with `prefix` (words sorted).
bool has_prefix(const std::vector<std::string>& words, const std::string& prefix) {
  auto it = std::lower_bound(words.begin(), words.end(), prefix);
  return it != words.end() && it->compare(0, prefix.size(), prefix) == 0;
}

Expert make_expert(std::int64_t id, ExpertProfile profile, const territory::Reference& territory) {
  Expert e;
  e.id = id;
  e.commune = profile.commune.empty() ? nullptr : territory.by_insee(profile.commune);
  e.name_key = text::fold_key(profile.name);
  add_words(e.words, profile.name);
  for (const auto& d : profile.domains) add_words(e.words, expert_domain_label(d));
  for (const auto& t : profile.tags) add_words(e.words, t);
  for (const auto& l : profile.languages) add_words(e.words, l);
  add_words(e.words, profile.availability);
  add_words(e.words, expert_kind_label(profile.kind));
  if (e.commune) add_words(e.words, e.commune->nom);
  std::sort(e.words.begin(), e.words.end());
  e.words.erase(std::unique(e.words.begin(), e.words.end()), e.words.end());
  e.profile = std::move(profile);
  return e;
}

bool text_matches(const Expert& e, const std::vector<text::Token>& tokens) {
  for (const auto& t : tokens)
    if (!has_prefix(e.words, t.folded) && (t.stem.empty() || !has_prefix(e.words, t.stem)))
      return false;
  return true;
}

}  // namespace

const std::vector<ExpertDomain>& expert_domains() {
  static const std::vector<ExpertDomain> kDomains = {
      {"demarches_en_ligne", "Démarches administratives en ligne"},
      {"prise_en_main_ordinateur", "Prise en main d'un ordinateur"},
      {"smartphone_tablette", "Smartphone et tablette"},
      {"securite_vie_privee", "Sécurité et vie privée"},
      {"accessibilite_numerique", "Accessibilité numérique"},
      {"fabrication_numerique", "Fabrication numérique (FabLab)"},
      {"parentalite_numerique", "Parentalité et numérique"},
      {"insertion_professionnelle", "Insertion professionnelle et numérique"},
      {"logiciels_libres", "Logiciels libres"},
      {"bureautique", "Bureautique"},
      {"creation_contenus", "Création de contenus"},
      {"donnees_open_data", "Données et open data"},
  };
  return kDomains;
}

std::string_view expert_domain_label(std::string_view code) {
  for (const auto& d : expert_domains())
    if (d.code == code) return d.label;
  return {};
}

const std::vector<std::string_view>& expert_languages() {
  static const std::vector<std::string_view> kLanguages = {"français",
                                                           "anglais",
                                                           "arabe",
                                                           "espagnol",
                                                           "portugais",
                                                           "italien",
                                                           "allemand",
                                                           "néerlandais",
                                                           "turc",
                                                           "roumain",
                                                           "polonais",
                                                           "russe",
                                                           "ukrainien",
                                                           "bulgare",
                                                           "serbe",
                                                           "croate",
                                                           "albanais",
                                                           "grec",
                                                           "arménien",
                                                           "géorgien",
                                                           "tchétchène",
                                                           "persan",
                                                           "dari",
                                                           "pachto",
                                                           "ourdou",
                                                           "hindi",
                                                           "bengali",
                                                           "tamoul",
                                                           "chinois",
                                                           "vietnamien",
                                                           "khmer",
                                                           "lao",
                                                           "japonais",
                                                           "coréen",
                                                           "tagalog",
                                                           "kurde",
                                                           "berbère",
                                                           "kabyle",
                                                           "hébreu",
                                                           "amharique",
                                                           "tigrigna",
                                                           "somali",
                                                           "swahili",
                                                           "lingala",
                                                           "bambara",
                                                           "soninké",
                                                           "peul",
                                                           "wolof",
                                                           "malgache",
                                                           "comorien",
                                                           "shimaoré",
                                                           "créole haïtien",
                                                           "créole guadeloupéen",
                                                           "créole martiniquais",
                                                           "créole guyanais",
                                                           "créole réunionnais",
                                                           "tahitien",
                                                           "breton",
                                                           "basque",
                                                           "catalan",
                                                           "corse",
                                                           "occitan",
                                                           "alsacien",
                                                           "langue des signes française"};
  return kLanguages;
}

std::string_view expert_kind_label(std::string_view kind) {
  if (kind == "benevole") return "Bénévole";
  if (kind == "professionnel") return "Professionnel";
  return {};
}

std::string expert_to_json(const ExpertProfile& p) {
  nlohmann::json j = {{"nom", p.name},
                      {"domaines", p.domains},
                      {"etiquettes", p.tags},
                      {"departements", p.departements},
                      {"lieux", p.places},
                      {"statut", p.kind},
                      {"disponibilites", p.availability},
                      {"langues", p.languages},
                      {"commune", p.commune}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<ExpertProfile> expert_from_json(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  ExpertProfile p;
  auto read_text = [&](const char* key, std::string& out) {
    if (!j.contains(key)) return true;
    if (!j[key].is_string()) return false;
    out = j[key].get<std::string>();
    return true;
  };
  auto read_list = [&](const char* key, std::vector<std::string>& out) {
    if (!j.contains(key)) return true;
    if (!j[key].is_array()) return false;
    for (const auto& v : j[key]) {
      if (!v.is_string()) return false;
      out.push_back(v.get<std::string>());
    }
    return true;
  };
  bool ok = read_text("nom", p.name) && read_list("domaines", p.domains) &&
            read_list("etiquettes", p.tags) && read_list("departements", p.departements) &&
            read_list("lieux", p.places) && read_text("statut", p.kind) &&
            read_text("disponibilites", p.availability) && read_list("langues", p.languages) &&
            read_text("commune", p.commune);
  if (!ok) return std::nullopt;
  return p;
}

std::vector<Result> validate(ExpertProfile& profile, const territory::Reference& territory) {
  std::vector<Result> errors;
  check_name(profile, errors);
  check_domains(profile, errors);
  check_tags(profile, errors);
  check_departements(profile, territory, errors);
  check_places(profile, errors);
  check_languages(profile, errors);
  check_rest(profile, territory, errors);
  return errors;
}

std::vector<std::string> split_list(std::string_view text, std::size_t limit) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size() && out.size() <= limit) {
    auto end = text.find_first_of(",;\n", start);
    std::string_view item =
        utf8::trim(text.substr(start, end == std::string_view::npos ? end : end - start));
    // A line break typed in a textarea arrives as CR LF.
    while (!item.empty() && item.back() == '\r') item = utf8::trim(item.substr(0, item.size() - 1));
    if (!item.empty()) out.emplace_back(item);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

const territory::Commune* resolve_commune_input(std::string_view input,
                                                const territory::Reference& territory,
                                                std::string& error) {
  if (!utf8::is_valid(input) || utf8::has_control_chars(input)) {
    error = "La commune contient des caractères illisibles.";
    return nullptr;
  }
  std::string text = utf8::collapse_spaces(input);
  if (text.empty()) {
    error = "Indiquez la commune d'où vous aidez.";
    return nullptr;
  }
  if (utf8::length(text) > 100) {
    error = "La commune dépasse 100 caractères.";
    return nullptr;
  }
  auto is_code = [](std::string_view s) {
    return s.size() == 5 && std::all_of(s.begin(), s.end(), [](char c) {
             return (c >= '0' && c <= '9') || c == 'A' || c == 'B' || c == 'a' || c == 'b';
           });
  };
  if (is_code(text)) {
    std::vector<const territory::Commune*> communes;
    for (const auto* c : territory.by_postal_code(text))
      if (c->type == "commune") communes.push_back(c);
    if (communes.size() == 1) return communes.front();
    if (communes.size() > 1) {
      error = "Plusieurs communes ont le code postal " + text +
              " : ajoutez le nom, par exemple « " + text + " " + communes.front()->nom + " ».";
      return nullptr;
    }
    std::string code = text;
    for (char& c : code)
      if (c == 'a' || c == 'b') c = static_cast<char>(c - 'a' + 'A');
    if (const auto* c = territory.by_insee(code)) return c;
    error = "Aucune commune n'a le code « " + text + " ».";
    return nullptr;
  }
  std::string_view cp, name = text;
  if (text.size() > 6 && is_code(std::string_view(text).substr(0, 5)) && text[5] == ' ') {
    cp = std::string_view(text).substr(0, 5);
    name = std::string_view(text).substr(6);
  }
  if (const auto* c = territory.resolve(cp, name)) return c;
  auto similar = territory.search_by_name(name, 3);
  if (similar.empty()) {
    error = "Aucune commune ne s'appelle « " + std::string(name) + " ».";
  } else {
    std::string examples;
    for (const auto* c : similar)
      examples +=
          (examples.empty() ? "« " : ", « ") + commune_input(c->code_insee, territory) + " »";
    error = "Précisez la commune avec son code postal, par exemple " + examples + ".";
  }
  return nullptr;
}

std::string commune_input(std::string_view code_insee, const territory::Reference& territory) {
  const auto* c = territory.by_insee(code_insee);
  if (!c) return {};
  const auto* codes = &c->codes_postaux;
  if (codes->empty() && !c->parent.empty())
    if (const auto* parent = territory.by_insee(c->parent)) codes = &parent->codes_postaux;
  return codes->empty() ? c->nom : codes->front() + " " + c->nom;
}

ExpertDirectory::ExpertDirectory(const std::vector<store::ExpertRow>& rows,
                                 const territory::Reference& territory) {
  for (const auto& row : rows) {
    if (!row.published) continue;
    auto profile = expert_from_json(row.profile);
    if (!profile) continue;
    experts_.push_back(make_expert(row.account_id, std::move(*profile), territory));
  }
  std::sort(experts_.begin(), experts_.end(),
            [](const Expert& a, const Expert& b) { return a.id < b.id; });
}

const Expert* ExpertDirectory::find(std::int64_t id) const {
  auto it = std::lower_bound(experts_.begin(), experts_.end(), id,
                             [](const Expert& e, std::int64_t v) { return e.id < v; });
  return it != experts_.end() && it->id == id ? &*it : nullptr;
}

std::vector<ExpertHit> ExpertDirectory::search(const ExpertQuery& q) const {
  std::vector<text::Token> tokens;
  for (auto& t : text::tokenize(q.text))
    if (!t.stop_word && !t.folded.empty()) tokens.push_back(std::move(t));
  std::vector<ExpertHit> hits;
  for (const auto& e : experts_) {
    const auto& p = e.profile;
    if (!q.domain.empty() &&
        std::find(p.domains.begin(), p.domains.end(), q.domain) == p.domains.end())
      continue;
    if (!q.departement.empty() &&
        std::find(p.departements.begin(), p.departements.end(), q.departement) ==
            p.departements.end() &&
        !(e.commune && e.commune->departement == q.departement))
      continue;
    if (!tokens.empty() && !text_matches(e, tokens)) continue;
    ExpertHit hit{&e, -1};
    if (q.has_point && e.commune)
      hit.distance_km = territory::distance_km(q.latitude, q.longitude, e.commune->latitude,
                                               e.commune->longitude);
    if (q.radius_km && (!q.has_point || hit.distance_km < 0 || hit.distance_km > *q.radius_km))
      continue;
    hits.push_back(hit);
  }
  std::sort(hits.begin(), hits.end(), [](const ExpertHit& a, const ExpertHit& b) {
    bool a_far = a.distance_km < 0, b_far = b.distance_km < 0;
    if (a_far != b_far) return b_far;
    if (a.distance_km != b.distance_km) return a.distance_km < b.distance_km;
    if (a.expert->name_key != b.expert->name_key) return a.expert->name_key < b.expert->name_key;
    return a.expert->id < b.expert->id;
  });
  return hits;
}

}  // namespace maillage::accounts
