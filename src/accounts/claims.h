// Claims to manage a place and the moderation of the public's reports: the rules the pages call
// (who decides is checked by the caller with accounts::can_decide_claim / can_moderate).
#pragma once

#include <string>
#include <optional>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "place/place.h"

namespace maillage::accounts {

// True when the e-mail's domain is the place's own (its website's host, or the domain of one of
// its e-mail addresses), and not a shared webmail domain.
bool domain_matches(std::string_view email, const place::Place& place);

enum class ClaimOutcome { kAlreadyManager, kAlreadyPending, kPending, kApproved };

// Files `by`'s claim on `place` (at `scope`): approved at once (and the place granted) when the
// account's e-mail domain is the place's own, otherwise pending for a coordinator. Either way
// the people who decide claims there are told by e-mail (claim_deciders). Audited. Fails with
// the store's message.
std::optional<ClaimOutcome> claim_place(Service& service, const Principal& by, const PlaceScope& scope,
                                        const place::Place& place, std::string_view message,
                                        std::string& error);

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
