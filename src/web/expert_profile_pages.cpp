// A person's own expert profile (docs/experts.md): GET/POST /compte/expert to write it and to
// publish or withdraw it (publishing asks for explicit consent), GET/POST
// /compte/expert/supprimer to delete it. There is no account id in these URLs: a person can
// only ever reach their own profile.
#include <httplib.h>

#include <algorithm>

#include "accounts/experts.h"
#include "common/utf8.h"
#include "territory/reference.h"
#include "web/csrf.h"
#include "web/forms.h"
#include "web/pages.h"

namespace maillage::web {
namespace {

constexpr const char* kPublishConsent =
    "J'accepte que ce profil (nom ou pseudonyme, domaines, étiquettes, statut, commune, "
    "départements, langues, disponibilités, lieux) soit visible de tous sur maillage, et que l'on "
    "puisse m'écrire par un formulaire de contact qui ne montre jamais mon adresse de courriel. "
    "Je peux retirer mon profil à tout moment en décochant cette case.";

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : separator) + i;
  return out;
}

// What a person typed in the field of a linked place: a public id, or the address of its page
// (".../lieux/<id>", percent-encoded), from which the id is taken.
std::string expert_place_id(std::string item) {
  auto at = item.find("/lieux/");
  if (at == std::string::npos) return item;
  item = item.substr(at + 7);
  item = item.substr(0, item.find_first_of("/?#"));
  auto hex = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
  };
  std::string out;
  for (std::size_t i = 0; i < item.size(); ++i) {
    if (item[i] == '%' && i + 2 < item.size() && hex(item[i + 1]) >= 0 && hex(item[i + 2]) >= 0) {
      out += static_cast<char>(hex(item[i + 1]) * 16 + hex(item[i + 2]));
      i += 2;
    } else {
      out += item[i];
    }
  }
  return out;
}

// The form's values, as typed (kept when the form comes back with errors).
struct ProfileInput {
  accounts::ExpertProfile profile;
  std::string commune_text, tags_text, departements_text, languages_text, places_text;
  bool publish = false;
};

ProfileInput input_of(const accounts::ExpertProfile& p, bool published, Pages& pages) {
  ProfileInput in;
  in.profile = p;
  in.commune_text = accounts::commune_input(p.commune, pages.services.territory);
  in.tags_text = joined(p.tags, ", ");
  in.departements_text = joined(p.departements, ", ");
  in.languages_text = joined(p.languages, ", ");
  in.places_text = joined(p.places, "\n");
  in.publish = published;
  return in;
}

FormPage profile_form(const ProfileInput& in, bool exists, bool published, std::int64_t account) {
  const auto& p = in.profile;
  FormPage f;
  f.title = "Mon profil d'expert";
  f.action = "/compte/expert";
  f.submit = "Enregistrer mon profil";
  f.intro = {
      "Vous aidez les autres avec le numérique, en bénévole ou dans votre métier ? Décrivez ce que "
      "vous savez faire et où vous intervenez. Votre adresse de courriel n'est jamais publiée : "
      "on vous écrit par un formulaire de contact, et le message vous arrive par courriel."};
  FormField domains{
      "domaines", "Domaines d'expertise", "Un au moins", "checkboxes", "", "", "", true, 0, {}};
  for (const auto& d : accounts::expert_domains())
    domains.options.push_back(
        {std::string(d.code), std::string(d.label),
         std::find(p.domains.begin(), p.domains.end(), d.code) != p.domains.end()});
  FormField kind{"statut", "Vous aidez", "", "radios", "", "", "", true, 0, {}};
  kind.options = {{"benevole", "En bénévole", p.kind == "benevole"},
                  {"professionnel", "Dans mon métier (professionnel)", p.kind == "professionnel"}};
  auto text = [](const char* name, const char* label, const char* help, const char* type,
                 const std::string& value, bool required, int maxlength) {
    FormField field;
    field.name = name;
    field.label = label;
    field.help = help;
    field.type = type;
    field.value = value;
    field.required = required;
    field.maxlength = maxlength;
    return field;
  };
  FormField name =
      text("nom", "Nom ou pseudonyme", "Affiché publiquement", "text", p.name, true, 100);
  name.autocomplete = "nickname";
  FormField commune =
      text("commune", "Commune d'où vous aidez",
           "Nom ou code postal, exemple : 35000 Rennes. Le centre de la commune vous "
           "place sur la carte ; aucune adresse n'est publiée.",
           "text", in.commune_text, true, 100);
  commune.autocomplete = "address-level2";
  f.fields = {
      name,
      domains,
      text("etiquettes", "Étiquettes",
           "Facultatif. Vos mots, séparés par des virgules : 10 au plus, de 40 caractères au plus. "
           "Exemple : impôts, visio, Pix",
           "text", in.tags_text, false, 450),
      kind,
      commune,
      text("departements", "Autres départements où vous intervenez",
           "Facultatif. Codes séparés par des virgules, 20 au plus. Exemple : 35, 56, 22", "text",
           in.departements_text, false, 200),
      text("langues", "Langues parlées",
           "Facultatif. En français, séparées par des virgules, 10 au plus. Exemple : français, "
           "anglais, arabe",
           "text", in.languages_text, false, 400),
      text("disponibilites", "Disponibilités",
           "Facultatif, 200 caractères au plus. Exemple : le mercredi après-midi, en visio le soir",
           "textarea", p.availability, false, 200),
      text("lieux", "Lieux où vous intervenez",
           "Facultatif, 20 au plus. Un par ligne : l'adresse de la fiche du lieu sur maillage, ou "
           "son identifiant",
           "textarea", in.places_text, false, 7000),
      text("publier", "Publier mon profil dans l'annuaire des experts", kPublishConsent, "checkbox",
           in.publish ? "oui" : "", false, 0)};
  f.links = {{"/compte", "Revenir à mon compte"}};
  if (published)
    f.links.insert(f.links.begin(),
                   std::pair<std::string, std::string>("/experts/" + std::to_string(account),
                                                       "Voir mon profil public"));
  if (exists) f.links.push_back({"/compte/expert/supprimer", "Supprimer mon profil d'expert"});
  return f;
}

// Reads the form into a profile; errors about what cannot even be read (commune, lists too long).
ProfileInput read_profile_form(Pages& pages, const httplib::Request& req,
                               std::vector<accounts::Result>& errors) {
  ProfileInput in;
  auto& p = in.profile;
  p.name = form(req, "nom");
  auto [first, last] = req.params.equal_range("domaines");
  for (auto it = first; it != last && p.domains.size() <= accounts::expert_domains().size(); ++it)
    p.domains.push_back(it->second);
  p.kind = form(req, "statut");
  p.availability = form(req, "disponibilites");
  in.tags_text = form(req, "etiquettes");
  in.departements_text = form(req, "departements");
  in.languages_text = form(req, "langues");
  in.places_text = form(req, "lieux");
  in.commune_text = form(req, "commune");
  in.publish = form(req, "publier") == "oui";
  for (auto* text : {&in.tags_text, &in.departements_text, &in.languages_text, &in.places_text,
                     &in.commune_text})
    if (text->size() > 8000) *text = text->substr(0, utf8::floor_boundary(*text, 8000));
  p.tags = accounts::split_list(in.tags_text, accounts::kExpertTagsMax);
  p.departements = accounts::split_list(in.departements_text, accounts::kExpertDepartementsMax);
  p.languages = accounts::split_list(in.languages_text, accounts::kExpertLanguagesMax);
  for (auto& item : accounts::split_list(in.places_text, accounts::kExpertPlacesMax))
    p.places.push_back(expert_place_id(item));
  std::string error;
  if (const auto* c =
          accounts::resolve_commune_input(in.commune_text, pages.services.territory, error))
    p.commune = c->code_insee;
  else
    errors.push_back(accounts::Result::failure("commune", error));
  return in;
}

void drop_duplicate_field_errors(std::vector<accounts::Result>& errors) {
  std::vector<accounts::Result> kept;
  for (auto& e : errors) {
    bool seen = false;
    for (const auto& k : kept) seen |= k.field == e.field;
    if (!seen) kept.push_back(std::move(e));
  }
  errors = std::move(kept);
}

}  // namespace

void expert_profile_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  auto row = pages.services.accounts->store().expert(p.id);
  accounts::ExpertProfile profile;
  if (row) {
    if (auto stored = accounts::expert_from_json(row->profile)) profile = *stored;
  } else {
    profile.name = p.name;
    profile.languages = {"français"};
  }
  bool published = row && row->published;
  FormPage f = profile_form(input_of(profile, published, pages), row.has_value(), published, p.id);
  if (req.has_param("enregistre"))
    f.notice =
        published
            ? "Votre profil est enregistré et publié dans l'annuaire des experts."
            : "Votre profil est enregistré. Il n'est pas publié : personne d'autre ne le voit.";
  if (req.has_param("supprime")) f.notice = "Votre profil d'expert est supprimé.";
  render_form(pages, req, res, f);
}

void expert_profile_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  if (!allow_write(pages, p, req, res)) return;
  auto& store = pages.services.accounts->store();
  auto row = store.expert(p.id);
  std::vector<accounts::Result> errors;
  ProfileInput in = read_profile_form(pages, req, errors);
  for (auto& e : accounts::validate(in.profile, pages.services.territory))
    errors.push_back(std::move(e));
  for (const auto& id : in.profile.places)
    if (!find_place(pages, id)) {
      errors.push_back(accounts::Result::failure(
          "lieux", "Aucun lieu de l'annuaire n'a l'identifiant « " + id + " »."));
      break;
    }
  if (!errors.empty()) {
    drop_duplicate_field_errors(errors);
    bool published = row && row->published;
    FormPage f = profile_form(in, row.has_value(), published, p.id);
    f.errors = std::move(errors);
    return render_form(pages, req, res, f, 400);
  }
  store::ExpertRow updated;
  updated.account_id = p.id;
  updated.profile = accounts::expert_to_json(in.profile);
  updated.published = in.publish;
  // The date of the consent in force: kept while the profile stays published, cleared when the
  // person withdraws it.
  updated.consent_at =
      in.publish ? (row && row->published ? row->consent_at : store::utc_now()) : "";
  if (auto st = store.put_expert(updated); !st.ok)
    return send_message(*pages.site, res, 500, "Profil non enregistré", st.message);
  std::string action = !row ? "profil_expert_cree" : "profil_expert_modifie";
  if (in.publish && !(row && row->published)) action = "profil_expert_publie";
  if (!in.publish && row && row->published) action = "profil_expert_retire";
  store.audit({0, "", p.actor(), action, "compte:" + std::to_string(p.id), "", ""});
  redirect(res, "/compte/expert?enregistre=1");
}

void expert_delete_page(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  FormPage f;
  f.title = "Supprimer mon profil d'expert";
  f.action = "/compte/expert/supprimer";
  f.submit = "Supprimer mon profil";
  f.cancel_url = "/compte/expert";
  if (!pages.services.accounts->store().expert(p.id)) {
    f.show_form = false;
    f.intro = {"Vous n'avez pas de profil d'expert."};
    f.links = {{"/compte/expert", "Créer mon profil d'expert"}};
  } else {
    f.intro = {
        "Votre profil d'expert sera effacé et retiré de l'annuaire. Votre compte reste ouvert."};
  }
  render_form(pages, req, res, f);
}

void expert_delete_submit(Pages& pages, const httplib::Request& req, httplib::Response& res) {
  if (!csrf_valid(req)) return expired_form(pages, res);
  auto p = who(pages, req);
  if (!require_login(pages, req, res, p)) return;
  if (!allow_write(pages, p, req, res)) return;
  auto& store = pages.services.accounts->store();
  if (store.expert(p.id)) {
    if (auto st = store.delete_expert(p.id); !st.ok)
      return send_message(*pages.site, res, 500, "Profil non supprimé", st.message);
    store.audit(
        {0, "", p.actor(), "profil_expert_supprime", "compte:" + std::to_string(p.id), "", ""});
  }
  redirect(res, "/compte/expert?supprime=1");
}

}  // namespace maillage::web
