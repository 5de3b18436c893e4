// The closed value lists of the standard v1.0.2, the typologie codes, and the mapping of the
// v0.1.x vocabulary to v1. Values are spelled exactly as in data/standard/schema-v1.0.2.json.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace maillage::place::vocabulary {

inline constexpr std::array<std::string_view, 2> kItinerance = {"Itinérant", "Fixe"};

inline constexpr std::array<std::string_view, 9> kServices = {
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
};

inline constexpr std::array<std::string_view, 5> kPublics = {
    "Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes"};

inline constexpr std::array<std::string_view, 7> kPriseEnCharge = {
    "Surdité",           "Handicaps moteurs",           "Handicaps mentaux",
    "Illettrisme",       "Langues étrangères (anglais)", "Langues étrangères (autres)",
    "Déficience visuelle"};

inline constexpr std::array<std::string_view, 3> kFrais = {"Gratuit", "Gratuit sous condition",
                                                           "Payant"};

inline constexpr std::array<std::string_view, 11> kDispositifs = {
    "Aidants Connect",
    "Bibliothèques numérique de référence",
    "Certification PIX",
    "Conseillers numériques",
    "Emmaüs Connect",
    "France Services",
    "Grande école du numérique",
    "La Croix Rouge",
    "Point d'accès numérique CAF",
    "Promeneurs du net",
    "Relais numérique (Emmaüs Connect)",
};

// "Étapes numériques(La Poste)" is the schema's spelling (no space); the spaced spelling used
// elsewhere is accepted on input through the folded comparison and written as the schema's.
inline constexpr std::array<std::string_view, 10> kFormationsLabels = {
    "Formé à « Mon Espace Santé »",
    "Formé à « DUPLEX » (illettrisme)",
    "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
    "Collectif ressources et acteurs réemploi (Normandie)",
    "Étapes numériques(La Poste)",
    "Fabriques de Territoire",
    "Les Éclaireurs du numérique (Drôme)",
    "Mes Papiers (Métropole de Lyon)",
    "ORDI 3.0",
    "SUD LABS (PACA)",
};

inline constexpr std::array<std::string_view, 6> kModalitesAcces = {
    "Se présenter",
    "Téléphoner",
    "Contacter par mail",
    "Prendre un RDV en ligne",
    "Ce lieu n'accueille pas de public",
    "Envoyer un mail avec une fiche de prescription",
};

inline constexpr std::array<std::string_view, 4> kModalitesAccompagnement = {
    "En autonomie", "Accompagnement individuel", "Dans un atelier collectif", "À distance"};

struct Typologie {
  std::string_view code;
  std::string_view label;
};
// The data·inclusion typologie codes (data/standard/typologies.tsv).
std::span<const Typologie> typologies();
const Typologie* typologie_by_code(std::string_view code);

// The canonical value of a closed list that `value` designates: exact match first, then a
// case-, accent-, space- and apostrophe-insensitive match. nullopt when none.
struct Match {
  std::string_view canonical;
  bool exact;
};
std::optional<Match> match_value(std::span<const std::string_view> list, std::string_view value);

// ---- The v0.1.x vocabulary (data/standard/schema-v0.1.1.json) and its v1 meaning. ----

enum class LegacyTarget {
  kServices, kPublics, kPriseEnCharge, kFrais, kDispositifs, kFormationsLabels,
  kAutresFormationsLabels, kModalitesAccompagnement, kNone,
};

// One v0.1 value and what it becomes in v1; a value may feed two v1 fields (kNone = dropped,
// with a notice: it has no v1 equivalent).
struct LegacyMapping {
  std::string_view legacy_value;
  LegacyTarget target;
  std::string_view v1_value;
};

// The mappings of a v0.1 multi-valued column: "services", "publics_accueillis",
// "conditions_acces", "labels_nationaux", "modalites_accompagnement". Empty span otherwise.
std::span<const LegacyMapping> legacy_mappings(std::string_view v01_column);

}  // namespace maillage::place::vocabulary
