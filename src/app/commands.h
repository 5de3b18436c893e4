// The subcommands of the `maillage` program. Each family registers its subcommands on the CLI11
// application; a subcommand's callback stores the process exit status in `exit_code`.
#pragma once

namespace CLI {
class App;
}

namespace maillage::app {

void add_data_commands(CLI::App& app, int& exit_code);   // import, validate, export
void add_serve_command(CLI::App& app, int& exit_code);   // serve
void add_hours_commands(CLI::App& app, int& exit_code);  // hours check|eval|intervals|normalize
// sources add|list|show|enable|disable|remove|load, harvest, dedup, merge, split
void add_federation_commands(CLI::App& app, int& exit_code);
// comptes courriels|liste|role|purger
void add_accounts_commands(CLI::App& app, int& exit_code);
// recherche-naturelle (the natural search measured on the judged query set)
void add_search_commands(CLI::App& app, int& exit_code);

}  // namespace maillage::app
