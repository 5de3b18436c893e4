#include "place/fields.h"

#include "place/vocabulary.h"

namespace maillage::place {
namespace {

using F = Field;
using T = FieldType;

constexpr std::array<FieldSpec, kFieldCount> kFields = {{
    {F::kId, "id", "Identifiant unique local du lieu", T::kString, true, false, 0, {}},
    {F::kPivot, "pivot", "SIRET ou RNA ou RIDET", T::kString, true, false, 0, {}},
    {F::kNom, "nom", "Nom", T::kString, true, false, 0, {}},
    {F::kCommune, "commune", "Commune", T::kString, true, false, 0, {}},
    {F::kCodePostal, "code_postal", "Code postal", T::kString, true, false, 0, {}},
    {F::kCodeInsee, "code_insee", "Code INSEE", T::kString, false, false, 0, {}},
    {F::kAdresse, "adresse", "Adresse", T::kString, true, false, 0, {}},
    {F::kComplementAdresse, "complement_adresse", "Complément d'adresse", T::kString, false, false, 0, {}},
    {F::kLatitude, "latitude", "Latitude", T::kNumber, false, false, 0, {}},
    {F::kLongitude, "longitude", "Longitude", T::kNumber, false, false, 0, {}},
    {F::kTypologie, "typologie", "Typologie", T::kString, false, true, 0, {}},
    {F::kTelephone, "telephone", "Numéro de téléphone", T::kString, false, false, 0, {}},
    {F::kCourriels, "courriels", "Courriel(s)", T::kString, false, true, 0, {}},
    {F::kSiteWeb, "site_web", "Site web", T::kString, false, true, 0, {}},
    {F::kHoraires, "horaires", "Horaires", T::kString, false, false, 0, {}},
    {F::kPresentationResume, "presentation_resume", "Présentation résumé", T::kString, false, false, 280, {}},
    {F::kPresentationDetail, "presentation_detail", "Présentation détaillée", T::kString, false, false, 0, {}},
    {F::kSource, "source", "Structure collectant la donnée", T::kString, false, false, 0, {}},
    {F::kItinerance, "itinerance", "Itinérance", T::kString, false, true, 0, vocabulary::kItinerance},
    {F::kStructureParente, "structure_parente", "Structure parente", T::kString, false, false, 0, {}},
    {F::kDateMaj, "date_maj", "Date de mise à jour", T::kDate, true, false, 0, {}},
    {F::kServices, "services", "Services", T::kString, false, true, 0, vocabulary::kServices},
    {F::kPublicsSpecifiquementAdresses, "publics_specifiquement_adresses",
     "Publics spécifiquement adressés", T::kString, false, true, 0, vocabulary::kPublics},
    {F::kPriseEnChargeSpecifique, "prise_en_charge_specifique", "Prise en charge spécifique",
     T::kString, false, true, 0, vocabulary::kPriseEnCharge},
    {F::kFraisACharge, "frais_a_charge", "Frais à charge", T::kString, false, true, 0,
     vocabulary::kFrais},
    {F::kDispositifProgrammesNationaux, "dispositif_programmes_nationaux",
     "Dispositifs et programmes nationaux", T::kString, false, true, 0, vocabulary::kDispositifs},
    {F::kFormationsLabels, "formations_labels", "Formations et labels", T::kString, false, true, 0,
     vocabulary::kFormationsLabels},
    {F::kAutresFormationsLabels, "autres_formations_labels", "Autres formations et labels",
     T::kString, false, false, 0, {}},
    {F::kModalitesAcces, "modalites_acces", "Modalités d'accès", T::kString, false, true, 0,
     vocabulary::kModalitesAcces},
    {F::kModalitesAccompagnement, "modalites_accompagnement", "Modalités d'accompagnement",
     T::kString, false, true, 0, vocabulary::kModalitesAccompagnement},
    {F::kFicheAccesLibre, "fiche_acces_libre", "Fiche Accès libre", T::kString, false, false, 0, {}},
    {F::kPriseRdv, "prise_rdv", "Prise de rdv", T::kString, false, false, 0, {}},
}};

}  // namespace

std::span<const FieldSpec, kFieldCount> all_fields() { return kFields; }

std::optional<Field> field_by_name(std::string_view column) {
  for (const auto& f : kFields)
    if (f.name == column) return f.field;
  return std::nullopt;
}

}  // namespace maillage::place
