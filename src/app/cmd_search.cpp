// maillage recherche-naturelle: the natural search measured against the judged query set
// (docs/recherche-naturelle.md).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "app/cli_support.h"
#include "app/commands.h"
#include "federation/registry.h"
#include "search/evaluation.h"
#include "search/service.h"
#include "store/store.h"
#include "territory/reference.h"

namespace maillage::app {
namespace {

struct EvaluateArgs {
  std::string db = kDefaultDb;
  std::string cases;
  bool details = false;
};

int run_evaluate(const EvaluateArgs& args) {
  const territory::Reference* territory = territory_reference();
  if (!territory) return 1;
  std::string error;
  const auto cases = search::load_judged_queries(
      args.cases.empty() ? data_dir() / ".." / "tests/cases/natural_queries.tsv"
                         : std::filesystem::path(args.cases),
      &error);
  if (!cases) {
    std::fprintf(stderr, "maillage : jeu de requêtes illisible : %s\n", error.c_str());
    return 1;
  }
  auto store = open_store(args.db);
  if (!store) return 1;
  // An empty database gets the bundled data, as `serve` does on its first start.
  auto boot = federation::bootstrap_if_empty(*store, territory, data_dir() / "sources.toml",
                                             data_dir(), true);
  if (!boot.errors.empty()) {
    std::fprintf(stderr, "maillage : données par défaut : %s\n", boot.errors.front().to_french().c_str());
    return 1;
  }
  search::Service service(std::move(store), *territory);
  if (!service.build(error)) {
    std::fprintf(stderr, "maillage : index impossible : %s\n", error.c_str());
    return 1;
  }
  const auto f = service.read(
      [&](const search::Index& index) { return search::evaluate(index, *territory, *cases); });
  if (args.details) {
    for (const auto& o : f.outcomes) {
      std::printf("%-40s total %6llu  P@3 %.2f  nDCG@10 %.2f  %s", o.id.c_str(),
                  static_cast<unsigned long long>(o.total), o.precision_at_3, o.ndcg_at_10,
                  o.error.c_str());
      for (std::size_t i = 0; i < o.top.size() && i < 3; ++i)
        std::printf(" %s(%d)", o.top[i].c_str(), o.top_grades[i]);
      std::printf("\n");
    }
  }
  std::printf("requêtes : %zu (avec un lieu pertinent à moins de 30 km : %zu ; sans : %zu)\n",
              f.queries, f.judged, f.nothing_near);
  std::printf("precision@3 : %.3f\n", f.precision_at_3);
  std::printf("nDCG@10 : %.3f\n", f.ndcg_at_10);
  std::printf("succes@3 : %.3f\n", f.success_at_3);
  std::printf("taux de zero resultat : %.3f\n", f.zero_result_rate);
  std::printf("honnetete (rien a moins de 30 km) : %.3f\n", f.honest_rate);
  return 0;
}

}  // namespace

void add_search_commands(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<EvaluateArgs>();
  auto* cmd = app.add_subcommand(
      "recherche-naturelle",
      "Mesure la recherche en langage courant sur le jeu de requêtes jugées "
      "(précision à 3, nDCG à 10, taux de zéro résultat)");
  cmd->add_option("--db", args->db, "Base SQLite (vide : les données fournies y sont chargées)")
      ->capture_default_str();
  cmd->add_option("--cas", args->cases,
                  "Jeu de requêtes jugées (par défaut : tests/cases/natural_queries.tsv)");
  cmd->add_flag("--details", args->details, "Une ligne par requête : ses trois premiers lieux");
  cmd->callback([args, &exit_code] { exit_code = run_evaluate(*args); });
}

}  // namespace maillage::app
