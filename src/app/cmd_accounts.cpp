// `maillage comptes`: what an installer does from the server's shell. Read the e-mails waiting in
// the outbox (the first administrator's confirmation link when no SMTP server is configured),
// list accounts, give a role, purge inactive accounts, review the claims approved automatically.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>

#include "accounts/accounts.h"
#include "accounts/claims.h"
#include "app/cli_support.h"
#include "app/commands.h"
#include "search/service.h"
#include "store/accounts.h"
#include "store/store.h"
#include "territory/reference.h"

namespace maillage::app {
namespace {

struct AccountsContext {
  std::unique_ptr<store::AccountStore> store;
  std::unique_ptr<accounts::Service> service;
};

std::optional<AccountsContext> open_accounts(const std::string& db) {
  std::string error;
  AccountsContext c;
  c.store = store::open_account_store(db, error);
  if (!c.store) {
    std::fprintf(stderr, "maillage : %s\n", error.c_str());
    return std::nullopt;
  }
  auto sealer = accounts::Sealer::open(db + ".cle", error);
  if (!sealer) {
    std::fprintf(stderr, "maillage : %s\n", error.c_str());
    return std::nullopt;
  }
  c.service = std::make_unique<accounts::Service>(*c.store, std::move(sealer), accounts::Settings{});
  return c;
}

}  // namespace

void add_accounts_commands(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("comptes", "Comptes : courriels en attente, rôles, purge");
  cmd->require_subcommand(1);
  static std::string db = kDefaultDb;
  auto add_db = [](CLI::App* c) { c->add_option("--db", db, "Base de données")->capture_default_str(); };

  auto* mail = cmd->add_subcommand("courriels", "Affiche les courriels en attente d'envoi, liens compris");
  add_db(mail);
  mail->callback([&exit_code] {
    auto c = open_accounts(db);
    if (!c) return void(exit_code = 1);
    for (const auto& m : c->store->unsent_mail(1000))
      std::printf("À : %s\nObjet : %s\nLe : %s\n\n%s\n----\n", m.recipient.c_str(), m.subject.c_str(),
                  m.created_at.c_str(), c->service->open_body(m).c_str());
  });

  auto* list = cmd->add_subcommand("liste", "Liste les comptes");
  add_db(list);
  list->callback([&exit_code] {
    auto c = open_accounts(db);
    if (!c) return void(exit_code = 1);
    for (const auto& a : c->store->accounts(100000))
      std::printf("%lld\t%s\t%s\t%s\t%s\n", static_cast<long long>(a.id), a.email.c_str(), a.name.c_str(),
                  a.role.c_str(), a.status.c_str());
  });

  static std::string email, role;
  static std::vector<std::string> territories;
  auto* set_role = cmd->add_subcommand("role", "Donne un rôle à un compte (membre, coordinateur, administrateur)");
  add_db(set_role);
  set_role->add_option("courriel", email, "Adresse du compte")->required();
  set_role->add_option("role", role, "Rôle")->required()->check(CLI::IsMember({"membre", "coordinateur", "administrateur"}));
  set_role->add_option("--territoire", territories, "Département (35) ou région (r53) d'un coordinateur");
  set_role->callback([&exit_code] {
    auto c = open_accounts(db);
    if (!c) return void(exit_code = 1);
    auto a = c->store->account_by_email(email);
    if (!a) {
      std::fprintf(stderr, "maillage : aucun compte n'a l'adresse %s.\n", email.c_str());
      return void(exit_code = 1);
    }
    std::vector<store::Territory> ts;
    for (const auto& t : territories)
      ts.push_back(!t.empty() && t[0] == 'r' ? store::Territory{"region", t.substr(1)} : store::Territory{"departement", t});
    // The shell's user acts as an administrator (audited as "console").
    accounts::Principal console;
    console.id = -1;
    console.role = "administrateur";
    auto r = c->service->set_role(console, a->id, role, ts);
    if (!r.ok) {
      std::fprintf(stderr, "maillage : %s\n", r.message.c_str());
      return void(exit_code = 1);
    }
    if (a->status == "a_confirmer") {
      a = c->store->account(a->id);
      a->status = "actif";
      a->confirmed_at = store::utc_now();
      c->store->update_account(*a);
    }
    std::printf("%s : %s\n", email.c_str(), role.c_str());
  });

  // The claims approved at once by their address's domain, each judged again by today's rule
  // (accounts::claim_domain_verdict): those it would no longer approve are marked « à revoir ».
  auto* automatic = cmd->add_subcommand(
      "demandes-automatiques",
      "Liste les demandes de gestion acceptées d'office et celles que la règle actuelle refuserait");
  add_db(automatic);
  automatic->callback([&exit_code] {
    auto c = open_accounts(db);
    if (!c) return void(exit_code = 1);
    const territory::Reference* territory = territory_reference();
    auto places = open_store(db);
    if (!territory || !places) return void(exit_code = 1);
    search::Service service(std::move(places), *territory);
    std::string error;
    if (!service.build(error)) {
      std::fprintf(stderr, "maillage : index impossible : %s\n", error.c_str());
      return void(exit_code = 1);
    }
    std::size_t listed = 0, to_review = 0;
    service.read([&](const search::Index& index) {
      std::map<std::string, std::size_t> uses;  // domain -> places naming it
      index.for_each_visible([&](const search::Document& d) {
        for (const auto& domain : accounts::place_domains(d.place[place::Field::kSiteWeb], d.place[place::Field::kCourriels]))
          ++uses[domain];
      });
      for (const auto& claim : c->store->claims("acceptee", 100000)) {
        if (claim.decided_by != "automatique") continue;
        auto account = c->store->account(claim.account_id);
        const search::Document* doc = index.find(claim.source, claim.place_id);
        const std::string email = account ? account->email : "(compte supprimé)";
        const std::string domain = accounts::email_domain(email);
        auto it = uses.find(domain);
        auto verdict = doc ? accounts::claim_domain_verdict(email, doc->place[place::Field::kSiteWeb],
                                                            it == uses.end() ? 0 : it->second)
                           : accounts::DomainVerdict::kNotItsWebsite;
        const bool still = verdict == accounts::DomainVerdict::kApproves;
        to_review += !still;
        ++listed;
        std::printf("%s\t%s\t%s:%s\t%s\t%s%s\n", claim.decided_at.substr(0, 10).c_str(), email.c_str(),
                    claim.source.c_str(), claim.place_id.c_str(),
                    doc ? std::string(doc->place[place::Field::kNom]).c_str() : "(lieu retiré)",
                    still ? "valable" : "à revoir : ",
                    still ? "" : std::string(accounts::verdict_label(verdict)).c_str());
      }
      return 0;
    });
    std::printf("%zu demande(s) acceptée(s) d'office, %zu à revoir\n", listed, to_review);
  });

  auto* purge = cmd->add_subcommand("purger", "Efface les comptes inactifs et les jetons expirés");
  add_db(purge);
  purge->callback([&exit_code] {
    auto c = open_accounts(db);
    if (!c) return void(exit_code = 1);
    std::printf("%zu compte(s) effacé(s)\n", c->service->purge(store::utc_now()));
  });
}

}  // namespace maillage::app
