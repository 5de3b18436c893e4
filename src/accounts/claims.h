// Claims to manage a place and the moderation of the public's reports: the rules the pages call
// (who decides is checked by the caller with accounts::can_decide_claim / can_moderate).
#pragma once

#include <string>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "place/place.h"

namespace maillage::accounts {

// The domains a place names: its websites' hosts (without "www.") and its e-mail addresses'
// domains, lower-cased, each once.
std::set<std::string> place_domains(std::string_view site_web, std::string_view courriels);

// Whether the domain of an account's address approves its claim on a place at once (issue 19:
// one mailbox @france-services.gouv.fr obtained three places). Only the place's own domain does:
// that of its own website (exactly, or with "www."), named by no other place of the directory,
// and neither a webmail nor a national or network domain. Anything else goes to a coordinator.
enum class DomainVerdict { kApproves, kNoDomain, kWebmail, kNational, kNotItsWebsite, kShared };
// `uses`: how many places of the directory name the domain (place_domains), this one included.
DomainVerdict claim_domain_verdict(std::string_view email, std::string_view site_web,
                                   std::size_t uses);
// "domaine partagé par plusieurs lieux", ... (French, for the console and the audit trail).
std::string_view verdict_label(DomainVerdict verdict);
// The lower-cased domain of an address; "" when none.
std::string email_domain(std::string_view email);

enum class ClaimOutcome { kAlreadyManager, kAlreadyPending, kPending, kApproved };

// Files `by`'s claim on `place` (at `scope`): approved at once (and the place granted) when
// claim_domain_verdict approves, otherwise pending for a coordinator. Either way
// the people who decide claims there are told by e-mail (claim_deciders). Audited. Fails with
// the store's message.
// `domain_uses`: how many places of the directory name the domain of `by`'s address.
std::optional<ClaimOutcome> claim_place(Service& service, const Principal& by, const PlaceScope& scope,
                                        const place::Place& place, std::string_view message,
                                        std::size_t domain_uses, std::string& error);

// Who decides a claim on a place at `scope`: the active coordinators whose territory covers it,
// or the active administrators where there is none.
std::vector<store::Account> claim_deciders(Service& service, const PlaceScope& scope);

// Accepts (grants the place) or refuses (a reason is required) a pending claim; audited, the
// person is told by e-mail. Fails when the claim was already decided.
Result decide_claim(Service& service, const Principal& by, const store::Claim& claim, bool accept,
                    std::string_view reason, std::string_view place_name);

// Marks a report handled ("accepte") or rejected (a reason is required); audited, the person who
// left an address is told. Fails when the report was already decided.
Result decide_report(Service& service, const Principal& by, const store::StoredReport& report,
                     bool accept, std::string_view reason, std::string_view place_name);

}  // namespace maillage::accounts
