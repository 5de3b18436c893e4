// maillage: the federated directory of digital-mediation places. One program, many subcommands.
#include <CLI/CLI.hpp>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"maillage — annuaire fédéré des lieux de médiation numérique"};
  app.set_version_flag("--version", std::string(MAILLAGE_VERSION));
  app.require_subcommand(1);
  int exit_code = 0;
  maillage::app::add_data_commands(app, exit_code);
  maillage::app::add_serve_command(app, exit_code);
  // Further command families register here, one line each.
  maillage::app::add_hours_commands(app, exit_code);
  maillage::app::add_federation_commands(app, exit_code);
  maillage::app::add_accounts_commands(app, exit_code);
  maillage::app::add_search_commands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
