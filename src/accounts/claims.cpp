#include "accounts/claims.h"

namespace maillage::accounts {
namespace {

std::string domain_of_email(std::string_view e) {
  auto at = e.rfind('@');
  return at == std::string_view::npos ? "" : std::string(e.substr(at + 1));
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string place_target(const std::string& source, const std::string& id) {
  return "lieu:" + source + ":" + id;
}

}  // namespace

bool domain_matches(std::string_view email, const place::Place& place) {
  using place::Field;
  static const char* kShared[] = {"gmail.com", "yahoo.fr", "yahoo.com", "hotmail.fr", "hotmail.com",
                                  "outlook.fr", "outlook.com", "orange.fr", "free.fr", "laposte.net",
                                  "sfr.fr", "wanadoo.fr", "live.fr", "icloud.com", "protonmail.com"};
  std::string domain = lower(domain_of_email(email));
  if (domain.empty()) return false;
  for (const char* s : kShared)
    if (domain == s) return false;
  for (auto e : place::split_values(place[Field::kCourriels]))
    if (lower(domain_of_email(e)) == domain) return true;
  for (auto w : place::split_values(place[Field::kSiteWeb])) {
    std::string host = lower(std::string(w));
    auto scheme = host.find("://");
    if (scheme != std::string::npos) host = host.substr(scheme + 3);
    host = host.substr(0, host.find_first_of("/:?#"));
    if (host.rfind("www.", 0) == 0) host = host.substr(4);
    if (host == domain || (host.size() > domain.size() + 1 &&
                           host.compare(host.size() - domain.size() - 1, std::string::npos, "." + domain) == 0))
      return true;
  }
  return false;
}

std::vector<store::Account> claim_deciders(Service& service, const PlaceScope& scope) {
  auto& store = service.store();
  std::vector<store::Account> coordinators, admins;
  for (auto& a : store.accounts(100000)) {
    if (a.status != "actif") continue;
    if (a.role == "administrateur") admins.push_back(a);
    if (a.role != "coordinateur") continue;
    Principal p;
    p.id = a.id;
    p.role = a.role;
    p.territories = store.territories(a.id);
    if (covers(p, scope)) coordinators.push_back(std::move(a));
  }
  return coordinators.empty() ? admins : coordinators;
}

std::optional<ClaimOutcome> claim_place(Service& service, const Principal& by, const PlaceScope& scope,
                                        const place::Place& place, std::string_view message,
                                        std::string& error) {
  auto& store = service.store();
  const PlaceKey& key = scope.key;
  if (by.places.count(key)) return ClaimOutcome::kAlreadyManager;
  for (const auto& c : store.claims_of(by.id))
    if (c.status == "en_attente" && c.source == key.first && c.place_id == key.second)
      return ClaimOutcome::kAlreadyPending;
  const bool automatic = domain_matches(by.email, place);
  store::Claim c{0, by.id, key.first, key.second, std::string(message),
                 automatic ? "acceptee" : "en_attente", "", automatic ? store::utc_now() : "",
                 automatic ? "automatique" : "", automatic ? "domaine de courriel du lieu" : ""};
  store::Status st;
  if (!store.add_claim(c, st)) {
    error = st.message;
    return std::nullopt;
  }
  store.audit({0, "", by.actor(), "demande_gestion", place_target(key.first, key.second), "",
               automatic ? "acceptee (domaine)" : "en_attente"});
  if (automatic) service.grant_place("automatique", by.id, key);
  // The coordinators (or administrators) are told, a pending claim to decide, an automatic one
  // to check.
  const std::string where = place[place::Field::kCommune].empty()
                                ? std::string()
                                : " (" + std::string(place[place::Field::kCommune]) + ")";
  const std::string text =
      "Bonjour,\n\n" + by.name + " <" + by.email + "> " +
      (automatic ? "gère désormais la fiche « " : "demande à gérer la fiche « ") +
      std::string(place[place::Field::kNom]) + " »" + where + ".\n" +
      (message.empty() ? std::string() : "Son message : « " + std::string(message) + " »\n") +
      (automatic ? "La demande a été acceptée d'office : l'adresse de son compte est au domaine du "
                   "lieu. Si ce n'est pas normal, dites-le aux administrateurs de maillage.\n"
                 : "Pour l'accepter ou la refuser : " + service.settings().public_url +
                       "/espace/demandes\n");
  for (const auto& a : claim_deciders(service, scope))
    if (a.id != by.id)
      service.queue_mail(a.email, automatic ? "Une fiche a un nouveau gestionnaire"
                                            : "Une demande de gestion à traiter",
                         text);
  return automatic ? ClaimOutcome::kApproved : ClaimOutcome::kPending;
}

Result decide_claim(Service& service, const Principal& by, const store::Claim& claim, bool accept,
                    std::string_view reason, std::string_view place_name) {
  auto& store = service.store();
  if (!accept && reason.empty())
    return Result::failure("motif", "Indiquez le motif du refus : il est envoyé à la personne.");
  if (auto st = store.decide_claim(claim.id, accept ? "acceptee" : "refusee", by.actor(), reason); !st.ok)
    return Result::failure("", st.message);
  store.audit({0, "", by.actor(), accept ? "demande_acceptee" : "demande_refusee",
               place_target(claim.source, claim.place_id), "", "compte:" + std::to_string(claim.account_id)});
  if (accept) service.grant_place(by.actor(), claim.account_id, {claim.source, claim.place_id});
  if (auto a = store.account(claim.account_id))
    service.queue_mail(a->email, accept ? "Vous gérez maintenant une fiche" : "Votre demande n'a pas été acceptée",
                       "Bonjour,\n\nVotre demande pour la fiche « " + std::string(place_name) + " » a été " +
                           (accept ? std::string("acceptée.") : "refusée : " + std::string(reason)) + "\n");
  return Result::success();
}

Result decide_report(Service& service, const Principal& by, const store::StoredReport& report,
                     bool accept, std::string_view reason, std::string_view place_name) {
  auto& store = service.store();
  if (!accept && reason.empty())
    return Result::failure("motif", "Indiquez pourquoi le signalement est rejeté.");
  if (auto st = store.decide_report(report.id, accept ? "accepte" : "rejete", by.actor(), reason); !st.ok)
    return Result::failure("", st.message);
  store.audit({0, "", by.actor(), accept ? "signalement_accepte" : "signalement_rejete",
               place_target(report.source, report.place_id), "", std::string(reason)});
  if (!report.contact.empty())
    service.queue_mail(report.contact, "Votre signalement sur maillage",
                       "Bonjour,\n\nMerci pour votre signalement sur la fiche « " + std::string(place_name) + " ». " +
                           (accept ? std::string("La fiche a été corrigée.") : "Il n'a pas été retenu : " + std::string(reason)) +
                           "\n");
  return Result::success();
}

}  // namespace maillage::accounts
