#include "place/vocabulary.h"

#include <mutex>
#include <string>
#include <unordered_map>

#include "text/fold.h"

namespace maillage::place::vocabulary {
namespace {

constexpr Typologie kTypologies[] = {
#include "place/typologies.inc"
};

using L = LegacyTarget;

constexpr LegacyMapping kLegacyServices[] = {
    {"Devenir autonome dans les démarches administratives", L::kServices,
     "Aide aux démarches administratives"},
    {"Réaliser des démarches administratives avec un accompagnement", L::kServices,
     "Aide aux démarches administratives"},
    {"Accompagner les démarches de santé", L::kServices, "Aide aux démarches administratives"},
    {"Prendre en main un smartphone ou une tablette", L::kServices,
     "Maîtrise des outils numériques du quotidien"},
    {"Prendre en main un ordinateur", L::kServices, "Maîtrise des outils numériques du quotidien"},
    {"Utiliser le numérique au quotidien", L::kServices,
     "Maîtrise des outils numériques du quotidien"},
    {"Approfondir ma culture numérique", L::kServices, "Compréhension du monde numérique"},
    {"Promouvoir la citoyenneté numérique", L::kServices, "Compréhension du monde numérique"},
    {"Favoriser mon insertion professionnelle", L::kServices,
     "Insertion professionnelle via le numérique"},
    {"Créer et développer mon entreprise", L::kServices,
     "Insertion professionnelle via le numérique"},
    {"Accéder à une connexion internet", L::kServices, "Accès internet et matériel informatique"},
    {"Accéder à du matériel", L::kServices, "Accès internet et matériel informatique"},
    {"S'équiper en matériel informatique", L::kServices,
     "Acquisition de matériel informatique à prix solidaire"},
    {"Créer avec le numérique", L::kServices, "Loisirs et créations numériques"},
    {"Soutenir la parentalité et l'éducation avec le numérique", L::kServices,
     "Parentalité et éducation avec le numérique"},
};

constexpr LegacyMapping kLegacyPublics[] = {
    {"Seniors (+ 65 ans)", L::kPublics, "Seniors"},
    {"Familles/enfants", L::kPublics, "Familles et/ou enfants"},
    {"Adultes", L::kNone, ""},
    {"Jeunes (16-26 ans)", L::kPublics, "Jeunes"},
    {"Uniquement femmes", L::kPublics, "Femmes"},
    {"Public langues étrangères", L::kPriseEnCharge, "Langues étrangères (autres)"},
    {"Déficience visuelle", L::kPriseEnCharge, "Déficience visuelle"},
    {"Surdité", L::kPriseEnCharge, "Surdité"},
    {"Handicaps psychiques : troubles psychiatriques donnant lieu à des atteintes "
     "comportementales",
     L::kPriseEnCharge, "Handicaps mentaux"},
    {"Handicaps mentaux : déficiences limitant les activités d'une personne", L::kPriseEnCharge,
     "Handicaps mentaux"},
    {"Personnes en situation d'illettrisme", L::kPriseEnCharge, "Illettrisme"},
};

constexpr LegacyMapping kLegacyConditions[] = {
    {"Gratuit : Je peux accéder gratuitement au lieu et à ses services", L::kFrais, "Gratuit"},
    {"Gratuit sous condition : La gratuité est conditionnée à des critères (situation familiale, "
     "convention avec un organisme social...)",
     L::kFrais, "Gratuit sous condition"},
    {"Payant : L'accès au lieu et/ou à ses services est payant", L::kFrais, "Payant"},
    {"Adhésion : L'accès au lieu et/ou à ses services nécessite d'y adhérer", L::kFrais, "Payant"},
    {"Accepte le Pass numérique : Il est possible d'utiliser un Pass numérique pour accéder au "
     "lieu",
     L::kAutresFormationsLabels, "Pass numérique"},
};

constexpr LegacyMapping kLegacyLabels[] = {
    {"France Services", L::kDispositifs, "France Services"},
    {"CNFS", L::kDispositifs, "Conseillers numériques"},
    {"Aidants Connect", L::kDispositifs, "Aidants Connect"},
    {"Grandes écoles du numérique", L::kDispositifs, "Grande école du numérique"},
    {"Point relais CAF", L::kDispositifs, "Point d'accès numérique CAF"},
    {"Point numérique CAF", L::kDispositifs, "Point d'accès numérique CAF"},
    {"Fabriques de Territoire", L::kFormationsLabels, "Fabriques de Territoire"},
    {"APTIC", L::kAutresFormationsLabels, "APTIC"},
    {"Relais pôle emploi", L::kAutresFormationsLabels, "Relais pôle emploi"},
    {"French Tech", L::kAutresFormationsLabels, "French Tech"},
    {"Campus connecté", L::kAutresFormationsLabels, "Campus connecté"},
};

constexpr LegacyMapping kLegacyAccompagnement[] = {
    {"Seul : j'ai accès à du matériel et une connexion", L::kModalitesAccompagnement,
     "En autonomie"},
    {"Avec de l'aide : je suis accompagné seul dans l'usage du numérique",
     L::kModalitesAccompagnement, "Accompagnement individuel"},
    {"Dans un atelier : j'apprends collectivement à utiliser le numérique",
     L::kModalitesAccompagnement, "Dans un atelier collectif"},
    {"A ma place : une personne habilitée fait les démarches à ma place",
     L::kModalitesAccompagnement, "Accompagnement individuel"},
};

// Folded value → canonical value, one table per closed list, built once.
class FoldedIndex {
 public:
  std::optional<std::string_view> find(std::span<const std::string_view> list,
                                       const std::string& folded) {
    std::call_once(once_, [this] { build(); });
    auto it = tables_.find(list.data());
    if (it == tables_.end()) return std::nullopt;
    auto v = it->second.find(folded);
    if (v == it->second.end()) return std::nullopt;
    return v->second;
  }

 private:
  void add(std::span<const std::string_view> list) {
    auto& table = tables_[list.data()];
    for (auto v : list) table.emplace(text::fold_key(v), v);
  }
  void build() {
    add(kItinerance);
    add(kServices);
    add(kPublics);
    add(kPriseEnCharge);
    add(kFrais);
    add(kDispositifs);
    add(kFormationsLabels);
    add(kModalitesAcces);
    add(kModalitesAccompagnement);
  }
  std::once_flag once_;
  std::unordered_map<const std::string_view*, std::unordered_map<std::string, std::string_view>>
      tables_;
};

FoldedIndex& folded_index() {
  static FoldedIndex index;
  return index;
}

}  // namespace

std::span<const Typologie> typologies() { return kTypologies; }

const Typologie* typologie_by_code(std::string_view code) {
  for (const auto& t : kTypologies)
    if (t.code == code) return &t;
  return nullptr;
}

std::optional<Match> match_value(std::span<const std::string_view> list, std::string_view value) {
  for (auto v : list)
    if (v == value) return Match{v, true};
  auto found = folded_index().find(list, text::fold_key(value));
  if (!found) return std::nullopt;
  return Match{*found, false};
}

std::span<const LegacyMapping> legacy_mappings(std::string_view column) {
  if (column == "services") return kLegacyServices;
  if (column == "publics_accueillis") return kLegacyPublics;
  if (column == "conditions_acces") return kLegacyConditions;
  if (column == "labels_nationaux") return kLegacyLabels;
  if (column == "modalites_accompagnement") return kLegacyAccompagnement;
  return {};
}

}  // namespace maillage::place::vocabulary
