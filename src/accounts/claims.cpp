#include "accounts/claims.h"

#include "common/utf8.h"

namespace maillage::accounts {
namespace {

std::string lower(std::string_view in) {
  std::string s(in);
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string place_target(const std::string& source, const std::string& id) {
  return "lieu:" + source + ":" + id;
}

// The host of a website address, lower-cased, without "www." nor a trailing dot.
std::string website_host(std::string_view url) {
  std::string host = lower(utf8::trim(url));
  auto scheme = host.find("://");
  if (scheme != std::string::npos) host = host.substr(scheme + 3);
  host = host.substr(0, host.find_first_of("/:?#"));
  if (auto at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  if (host.rfind("www.", 0) == 0) host = host.substr(4);
  while (!host.empty() && host.back() == '.') host.pop_back();
  return host;
}

// Mailboxes anyone can open.
constexpr std::string_view kWebmail[] = {
    "gmail.com",      "googlemail.com",   "yahoo.fr",     "yahoo.com",       "ymail.com",
    "hotmail.fr",     "hotmail.com",      "outlook.fr",   "outlook.com",     "live.fr",
    "live.com",       "msn.com",          "orange.fr",    "wanadoo.fr",      "free.fr",
    "sfr.fr",         "neuf.fr",          "laposte.net",  "bbox.fr",         "aol.com",
    "aol.fr",         "icloud.com",       "me.com",       "protonmail.com",  "proton.me",
    "gmx.fr",         "gmx.com",          "gmx.net",      "yandex.com",      "mail.com",
    "zoho.com",       "numericable.fr",   "club-internet.fr", "tutanota.com", "netcourrier.com",
};

// National bodies and networks (and every domain under gouv.fr): their addresses serve many
// places, whatever the directory holds.
constexpr std::string_view kNational[] = {
    "conseiller-numerique.fr", "france-services.fr", "franceservices.fr", "laposte.fr",
    "caf.fr",          "msa.fr",          "ameli.fr",        "assurance-maladie.fr",
    "pole-emploi.fr",  "francetravail.fr", "emmaus-connect.org", "croix-rouge.fr",
    "mairie.fr",       "lesbibliotheques.fr",
};

bool is_or_under(std::string_view domain, std::string_view suffix) {
  return domain == suffix || (domain.size() > suffix.size() + 1 && domain.ends_with(suffix) &&
                              domain[domain.size() - suffix.size() - 1] == '.');
}

}  // namespace

std::string email_domain(std::string_view email) {
  auto at = email.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string domain = lower(utf8::trim(email.substr(at + 1)));
  while (!domain.empty() && domain.back() == '.') domain.pop_back();
  return domain;
}

std::set<std::string> place_domains(std::string_view site_web, std::string_view courriels) {
  std::set<std::string> out;
  place::for_each_value(site_web, [&](std::string_view w) {
    if (auto host = website_host(w); !host.empty()) out.insert(host);
  });
  place::for_each_value(courriels, [&](std::string_view e) {
    if (auto domain = email_domain(e); !domain.empty()) out.insert(domain);
  });
  return out;
}

DomainVerdict claim_domain_verdict(std::string_view email, std::string_view site_web,
                                   std::size_t uses) {
  const std::string domain = email_domain(email);
  if (domain.find('.') == std::string::npos) return DomainVerdict::kNoDomain;
  for (auto w : kWebmail)
    if (domain == w) return DomainVerdict::kWebmail;
  if (is_or_under(domain, "gouv.fr")) return DomainVerdict::kNational;
  for (auto n : kNational)
    if (is_or_under(domain, n)) return DomainVerdict::kNational;
  // The place's own website, exactly: an e-mail domain alone proves nothing (many places write
  // a network's address), nor does a parent domain (a town's, for its library's subdomain).
  bool own = false;
  place::for_each_value(site_web, [&](std::string_view w) { own |= website_host(w) == domain; });
  if (!own) return DomainVerdict::kNotItsWebsite;
  if (uses != 1) return DomainVerdict::kShared;
  return DomainVerdict::kApproves;
}

std::string_view verdict_label(DomainVerdict verdict) {
  switch (verdict) {
    case DomainVerdict::kApproves: return "domaine du site du lieu, propre à ce lieu";
    case DomainVerdict::kNoDomain: return "adresse sans domaine";
    case DomainVerdict::kWebmail: return "messagerie ouverte à tous";
    case DomainVerdict::kNational: return "domaine national ou d'un réseau";
    case DomainVerdict::kNotItsWebsite: return "pas le domaine du site du lieu";
    case DomainVerdict::kShared: return "domaine partagé par plusieurs lieux";
  }
  return "";
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
                                        std::size_t domain_uses, std::string& error) {
  auto& store = service.store();
  const PlaceKey& key = scope.key;
  if (by.places.count(key)) return ClaimOutcome::kAlreadyManager;
  for (const auto& c : store.claims_of(by.id))
    if (c.status == "en_attente" && c.source == key.first && c.place_id == key.second)
      return ClaimOutcome::kAlreadyPending;
  const DomainVerdict verdict = claim_domain_verdict(by.email, place[place::Field::kSiteWeb], domain_uses);
  const bool automatic = verdict == DomainVerdict::kApproves;
  store::Claim c{0, by.id, key.first, key.second, std::string(message),
                 automatic ? "acceptee" : "en_attente", "", automatic ? store::utc_now() : "",
                 automatic ? "automatique" : "", automatic ? std::string(verdict_label(verdict)) : ""};
  store::Status st;
  if (!store.add_claim(c, st)) {
    error = st.message;
    return std::nullopt;
  }
  store.audit({0, "", by.actor(), "demande_gestion", place_target(key.first, key.second), "",
               automatic ? "acceptee (domaine)" : "en_attente (" + std::string(verdict_label(verdict)) + ")"});
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
                   "site internet du lieu, qu'aucun autre lieu n'utilise. Si ce n'est pas normal, "
                   "dites-le aux administrateurs de maillage.\n"
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
