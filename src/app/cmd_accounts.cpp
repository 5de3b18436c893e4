// `maillage comptes`: what an installer does from the server's shell. Read the e-mails waiting in
// the outbox (the first administrator's confirmation link when no SMTP server is configured),
// list accounts, give a role, purge inactive accounts.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "accounts/accounts.h"
#include "app/cli_support.h"
#include "app/commands.h"
#include "store/accounts.h"

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

  auto* purge = cmd->add_subcommand("purger", "Efface les comptes inactifs et les jetons expirés");
  add_db(purge);
  purge->callback([&exit_code] {
    auto c = open_accounts(db);
    if (!c) return void(exit_code = 1);
    std::printf("%zu compte(s) effacé(s)\n", c->service->purge(store::utc_now()));
  });
}

}  // namespace maillage::app
