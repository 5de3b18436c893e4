#include "web/labels.h"

#include <array>

namespace maillage::web {
namespace {

using place::Field;

// Every value of the standard's lists (place/vocabulary.h) must appear here: labels_test checks.
constexpr ValueLabel kServices[] = {
    {"Aide aux démarches administratives", "Être aidé pour mes démarches en ligne (CAF, impôts, santé…)"},
    {"Maîtrise des outils numériques du quotidien", "Apprendre à utiliser un ordinateur, une tablette ou un téléphone"},
    {"Insertion professionnelle via le numérique", "Chercher un emploi ou une formation avec le numérique"},
    {"Utilisation sécurisée du numérique", "Me protéger en ligne (arnaques, mots de passe, données)"},
    {"Parentalité et éducation avec le numérique", "Accompagner mes enfants dans leurs usages du numérique"},
    {"Loisirs et créations numériques", "Loisirs et création (photo, vidéo, impression 3D…)"},
    {"Compréhension du monde numérique", "Comprendre le numérique et ses enjeux"},
    {"Accès internet et matériel informatique", "Utiliser un ordinateur et internet sur place"},
    {"Acquisition de matériel informatique à prix solidaire", "Acheter un ordinateur ou un téléphone à petit prix"},
};

constexpr ValueLabel kPublics[] = {
    {"Jeunes", "Jeunes"},
    {"Étudiants", "Étudiants"},
    {"Familles et/ou enfants", "Familles et enfants"},
    {"Seniors", "Personnes âgées"},
    {"Femmes", "Femmes"},
};

constexpr ValueLabel kPriseEnCharge[] = {
    {"Surdité", "Personnes sourdes ou malentendantes"},
    {"Déficience visuelle", "Personnes aveugles ou malvoyantes"},
    {"Handicaps moteurs", "Personnes en situation de handicap moteur"},
    {"Handicaps mentaux", "Personnes en situation de handicap mental"},
    {"Illettrisme", "Personnes qui ont du mal à lire ou à écrire"},
    {"Langues étrangères (anglais)", "Accueil en anglais"},
    {"Langues étrangères (autres)", "Accueil dans d'autres langues"},
};

constexpr ValueLabel kFrais[] = {
    {"Gratuit", "Gratuit"},
    {"Gratuit sous condition", "Gratuit sous condition"},
    {"Payant", "Payant"},
};

constexpr ValueLabel kModalitesAcces[] = {
    {"Se présenter", "Sans rendez-vous, sur place"},
    {"Téléphoner", "En téléphonant"},
    {"Contacter par mail", "En écrivant un courriel"},
    {"Prendre un RDV en ligne", "En prenant rendez-vous en ligne"},
    {"Envoyer un mail avec une fiche de prescription", "Sur orientation d'un professionnel (fiche de prescription)"},
    {"Ce lieu n'accueille pas de public", "Ce lieu n'accueille pas de public"},
};

constexpr ValueLabel kModalitesAccompagnement[] = {
    {"Accompagnement individuel", "Seul avec une personne qui m'aide"},
    {"Dans un atelier collectif", "En atelier, en groupe"},
    {"En autonomie", "En autonomie, avec le matériel sur place"},
    {"À distance", "À distance (téléphone, visio)"},
};

constexpr ValueLabel kItinerance[] = {
    {"Fixe", "Lieu fixe"},
    {"Itinérant", "Lieu itinérant (bus, permanences)"},
};

// France Services, Conseillers numériques and Aidants Connect first: the ones people ask for.
constexpr ValueLabel kDispositifs[] = {
    {"France Services", "France Services"},
    {"Conseillers numériques", "Conseillers numériques"},
    {"Aidants Connect", "Aidants Connect (démarches faites à ma place, en sécurité)"},
    {"Point d'accès numérique CAF", "Point numérique CAF"},
    {"Bibliothèques numérique de référence", "Bibliothèque numérique de référence"},
    {"Emmaüs Connect", "Emmaüs Connect"},
    {"Relais numérique (Emmaüs Connect)", "Relais numérique Emmaüs Connect"},
    {"La Croix Rouge", "Croix-Rouge"},
    {"Promeneurs du net", "Promeneurs du Net (pour les jeunes)"},
    {"Certification PIX", "Pix (certifier mes compétences numériques)"},
    {"Grande école du numérique", "Grande école du numérique (formations)"},
};

constexpr FilterGroup kGroups[] = {
    {Field::kServices, "services", "Quel besoin ?", kServices},
    {Field::kPublicsSpecifiquementAdresses, "publics_specifiquement_adresses", "Pour qui ?",
     kPublics},
    {Field::kPriseEnChargeSpecifique, "prise_en_charge_specifique", "Accueil adapté",
     kPriseEnCharge},
    {Field::kFraisACharge, "frais_a_charge", "Tarif", kFrais},
    {Field::kModalitesAcces, "modalites_acces", "Comment être reçu ?", kModalitesAcces},
    {Field::kModalitesAccompagnement, "modalites_accompagnement", "Comment être aidé ?",
     kModalitesAccompagnement},
    {Field::kDispositifProgrammesNationaux, "dispositif_programmes_nationaux", "Réseau national",
     kDispositifs},
};

}  // namespace

std::span<const FilterGroup> filter_groups() { return kGroups; }

std::string_view value_label(place::Field field, std::string_view value) {
  std::span<const ValueLabel> table;
  if (field == Field::kItinerance) {
    table = kItinerance;
  } else {
    for (const auto& g : kGroups)
      if (g.field == field) table = g.values;
  }
  for (const auto& v : table)
    if (v.value == value) return v.label;
  return value;
}

}  // namespace maillage::web
