// `maillage sources add|list|show|enable|disable|remove|load`, `maillage harvest`,
// `maillage dedup`, `maillage merge`: the registry of harvested sources, harvesting, and the
// merging of duplicates (docs/federation.md).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "app/cli_support.h"
#include "app/commands.h"
#include "federation/dedup.h"
#include "federation/harvest.h"
#include "federation/registry.h"

namespace maillage::app {
namespace {

using nlohmann::ordered_json;


void print_harvest(const federation::HarvestReport& r) {
  const auto& i = r.import;
  if (r.status == "erreur") {
    std::printf("%s : ÉCHEC — %s\n", r.source.c_str(), r.message.c_str());
    return;
  }
  if (r.status == "inchangee") {
    std::printf("%s : inchangée (%s)\n", r.source.c_str(), r.message.c_str());
    return;
  }
  std::printf("%s : %lld lus, %lld ajoutés, %lld modifiés, %lld inchangés, %lld rejetés, "
              "%lld retirés, %lld avertissements\n",
              r.source.c_str(), static_cast<long long>(i.read), static_cast<long long>(i.added),
              static_cast<long long>(i.updated), static_cast<long long>(i.unchanged),
              static_cast<long long>(i.rejected), static_cast<long long>(r.withdrawn),
              static_cast<long long>(i.warnings));
  if (!r.message.empty()) std::printf("  attention : %s\n", r.message.c_str());
}

void print_dedup(const federation::DedupReport& d) {
  if (!d.error.empty()) {
    std::printf("dédoublonnage : ÉCHEC — %s\n", d.error.c_str());
    return;
  }
  std::printf("dédoublonnage : %lld enregistrements, %lld paires candidates, %lld paires "
              "retenues, %lld lieux fusionnés (%lld enregistrements) ; %lld ajoutés, %lld "
              "modifiés, %lld inchangés, %lld retirés\n",
              static_cast<long long>(d.records), static_cast<long long>(d.candidate_pairs),
              static_cast<long long>(d.matched_pairs), static_cast<long long>(d.clusters),
              static_cast<long long>(d.clustered_records), static_cast<long long>(d.added),
              static_cast<long long>(d.updated), static_cast<long long>(d.unchanged),
              static_cast<long long>(d.withdrawn));
}

struct SourceArgs {
  std::string db = kDefaultDb;
  store::SourceDefinition def;
  bool disabled = false;
  bool json = false;
  std::string file;
};

int add_source(const SourceArgs& a) {
  store::SourceDefinition d = a.def;
  d.enabled = !a.disabled;
  auto errors = federation::check_definition(d, data_dir() / "profils");
  if (!errors.empty()) {
    for (const auto& e : errors) std::fprintf(stderr, "maillage : %s\n", e.c_str());
    return 2;
  }
  auto store = open_store(a.db);
  if (!store) return 1;
  if (auto s = store->put_source(d, false); !s.ok) {
    std::fprintf(stderr, "maillage : %s\n", s.message.c_str());
    return 1;
  }
  std::printf("source « %s » ajoutée (moissonnée toutes les %lld h)\n", d.name.c_str(),
              static_cast<long long>(d.schedule_hours));
  return 0;
}

int list_sources(const SourceArgs& a) {
  auto store = open_store(a.db);
  if (!store) return 1;
  auto list = store->list_sources();
  if (a.json) {
    ordered_json out = ordered_json::array();
    for (const auto& e : list) out.push_back(federation::source_to_json(e));
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  if (list.empty()) std::printf("aucune source (maillage sources add NOM ADRESSE)\n");
  for (const auto& e : list)
    std::printf("%-40s %-9s %-20s %6lld lieux  %s%s\n", e.definition.name.c_str(),
                e.definition.enabled ? "active" : "inactive", e.state.status.c_str(),
                static_cast<long long>(e.active_places), e.definition.location.c_str(),
                e.state.last_error.empty() ? "" : ("  — " + e.state.last_error).c_str());
  return 0;
}

int show_source(const SourceArgs& a) {
  auto store = open_store(a.db);
  if (!store) return 1;
  auto e = store->get_source(a.def.name);
  if (!e) {
    std::fprintf(stderr, "maillage : la source « %s » n'existe pas.\n", a.def.name.c_str());
    return 1;
  }
  ordered_json out = federation::source_to_json(*e);
  out["historique"] = federation::runs_to_json(store->runs_of(a.def.name, 20));
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

int set_enabled(const SourceArgs& a, bool enabled) {
  auto store = open_store(a.db);
  if (!store) return 1;
  auto e = store->get_source(a.def.name);
  if (!e) {
    std::fprintf(stderr, "maillage : la source « %s » n'existe pas.\n", a.def.name.c_str());
    return 1;
  }
  e->definition.enabled = enabled;
  if (auto s = store->put_source(e->definition, true); !s.ok) {
    std::fprintf(stderr, "maillage : %s\n", s.message.c_str());
    return 1;
  }
  std::printf("source « %s » %s\n", a.def.name.c_str(), enabled ? "activée" : "désactivée");
  return 0;
}

int remove_source(const SourceArgs& a) {
  auto store = open_store(a.db);
  if (!store) return 1;
  std::int64_t withdrawn = 0;
  if (auto s = store->remove_source(a.def.name, withdrawn); !s.ok) {
    std::fprintf(stderr, "maillage : %s\n", s.message.c_str());
    return 1;
  }
  std::printf("source « %s » retirée du registre ; %lld lieux retirés (conservés dans "
              "l'historique)\n",
              a.def.name.c_str(), static_cast<long long>(withdrawn));
  return 0;
}

int load_sources(const SourceArgs& a) {
  auto registry = federation::load_registry(a.file, data_dir() / "profils");
  if (!registry.errors.empty()) {
    for (const auto& d : registry.errors)
      std::fprintf(stderr, "%s (règle %s)\n", d.to_french().c_str(), d.rule.c_str());
    return 2;
  }
  auto store = open_store(a.db);
  if (!store) return 1;
  int added = 0, updated = 0;
  for (const auto& d : registry.sources) {
    const bool exists = store->get_source(d.name).has_value();
    if (auto s = store->put_source(d, exists); !s.ok) {
      std::fprintf(stderr, "maillage : %s\n", s.message.c_str());
      return 1;
    }
    ++(exists ? updated : added);
  }
  std::printf("%d sources ajoutées, %d mises à jour\n", added, updated);
  return 0;
}

struct HarvestArgs {
  std::string db = kDefaultDb;
  std::vector<std::string> sources;
  bool force = false, accept = false, no_dedup = false, due_only = false;
};

int run_harvest(const HarvestArgs& a) {
  auto store = open_store(a.db);
  if (!store) return 1;
  std::vector<store::SourceEntry> todo;
  if (!a.sources.empty()) {
    for (const auto& name : a.sources) {
      auto e = store->get_source(name);
      if (!e) {
        std::fprintf(stderr, "maillage : la source « %s » n'existe pas.\n", name.c_str());
        return 1;
      }
      todo.push_back(std::move(*e));
    }
  } else if (a.due_only) {
    todo = federation::due_sources(*store, std::chrono::system_clock::now());
  } else {
    for (auto& e : store->list_sources())
      if (e.definition.enabled) todo.push_back(std::move(e));
  }
  if (todo.empty()) std::printf("aucune source à moissonner\n");
  int status = 0;
  bool changed = false;
  for (const auto& e : todo) {
    ProgressBar bar(e.definition.name);
    federation::HarvestOptions options;
    options.force = a.force;
    options.accept_withdrawals = a.accept;
    options.base_dir = data_dir();
    options.on_progress = [&bar](double f) { bar.update(f); };
    auto r = federation::harvest(*store, territory_reference(), e, options);
    bar.update(1.0);
    print_harvest(r);
    if (r.status == "erreur") status = 1;
    changed |= r.import.added + r.import.updated + r.withdrawn > 0;
  }
  // Also when an earlier harvest or deduplication was interrupted (federation::dedup_due).
  if (!a.no_dedup && (changed || federation::dedup_due(*store))) print_dedup(federation::deduplicate(*store));
  return status;
}

struct MergeArgs {
  std::string db = kDefaultDb;
  std::string a, b, reason, actor = "ligne-de-commande";
  bool remove = false;
};

int run_merge_decision(const MergeArgs& m, const std::string& decision) {
  store::MergeDecision d;
  if (!federation::parse_record_key(m.a, d.source_a, d.id_a) || !federation::parse_record_key(m.b, d.source_b, d.id_b)) {
    std::fprintf(stderr, "maillage : désignez chaque lieu par SOURCE:ID (par exemple "
                         "france-services:1234).\n");
    return 2;
  }
  auto store = open_store(m.db);
  if (!store) return 1;
  for (const auto& [s, i] : {std::pair{d.source_a, d.id_a}, std::pair{d.source_b, d.id_b}})
    if (!store->get(s, i)) {
      std::fprintf(stderr, "maillage : aucun lieu %s:%s dans la base.\n", s.c_str(), i.c_str());
      return 1;
    }
  store::Status s;
  if (m.remove) {
    s = store->remove_merge_decision(d.source_a, d.id_a, d.source_b, d.id_b);
  } else {
    d.decision = decision;
    d.actor = m.actor;
    d.reason = m.reason;
    s = store->put_merge_decision(d);
  }
  if (!s.ok) {
    std::fprintf(stderr, "maillage : %s\n", s.message.c_str());
    return 1;
  }
  print_dedup(federation::deduplicate(*store));
  return 0;
}

}  // namespace

void add_federation_commands(CLI::App& app, int& exit_code) {
  auto* sources = app.add_subcommand("sources", "Registre des sources moissonnées");
  sources->require_subcommand(1);
  auto add_db = [](CLI::App* c, std::string& db) {
    c->add_option("--db", db, "Base SQLite")->capture_default_str();
  };

  auto add = std::make_shared<SourceArgs>();
  auto* c_add = sources->add_subcommand("add", "Ajoute une source");
  add_db(c_add, add->db);
  c_add->add_option("nom", add->def.name, "Nom de la source (a-z, 0-9, - _ .)")->required();
  c_add->add_option("adresse", add->def.location, "URL http(s) ou chemin du fichier")->required();
  c_add->add_option("--editeur", add->def.publisher, "Éditeur de la source");
  c_add->add_option("--format", add->def.format, "auto, csv, json ou geojson")->capture_default_str();
  c_add->add_option("--profil", add->def.profile, "Profil de correspondance (data/profils)");
  c_add->add_option("--licence", add->def.licence, "Licence des données");
  c_add->add_option("--attribution", add->def.attribution, "Mention d'attribution");
  c_add->add_option("--frequence", add->def.schedule_hours, "Heures entre deux moissons")
      ->capture_default_str();
  c_add->add_flag("--inactive", add->disabled, "Enregistrée mais pas moissonnée");
  c_add->callback([add, &exit_code] { exit_code = add_source(*add); });

  auto list = std::make_shared<SourceArgs>();
  auto* c_list = sources->add_subcommand("list", "Liste les sources et leur état");
  add_db(c_list, list->db);
  c_list->add_flag("--json", list->json, "Sortie JSON");
  c_list->callback([list, &exit_code] { exit_code = list_sources(*list); });

  auto show = std::make_shared<SourceArgs>();
  auto* c_show = sources->add_subcommand("show", "Une source, son état et l'historique de ses moissons");
  add_db(c_show, show->db);
  c_show->add_option("nom", show->def.name, "Nom de la source")->required();
  c_show->callback([show, &exit_code] { exit_code = show_source(*show); });

  for (bool enable : {true, false}) {
    auto args = std::make_shared<SourceArgs>();
    auto* c = sources->add_subcommand(enable ? "enable" : "disable",
                                      enable ? "Réactive une source" : "Désactive une source");
    add_db(c, args->db);
    c->add_option("nom", args->def.name, "Nom de la source")->required();
    c->callback([args, enable, &exit_code] { exit_code = set_enabled(*args, enable); });
  }

  auto rm = std::make_shared<SourceArgs>();
  auto* c_rm = sources->add_subcommand("remove", "Retire une source du registre (ses lieux sont retirés, l'historique conservé)");
  add_db(c_rm, rm->db);
  c_rm->add_option("nom", rm->def.name, "Nom de la source")->required();
  c_rm->callback([rm, &exit_code] { exit_code = remove_source(*rm); });

  auto load = std::make_shared<SourceArgs>();
  auto* c_load = sources->add_subcommand("load", "Ajoute ou met à jour les sources d'un fichier registre TOML");
  add_db(c_load, load->db);
  c_load->add_option("fichier", load->file, "Fichier registre (voir data/sources.toml)")->required();
  c_load->callback([load, &exit_code] { exit_code = load_sources(*load); });

  auto h = std::make_shared<HarvestArgs>();
  auto* c_h = app.add_subcommand("harvest", "Moissonne les sources du registre puis dédoublonne");
  add_db(c_h, h->db);
  c_h->add_option("--source", h->sources, "Seulement cette source (répétable)");
  c_h->add_flag("--dues", h->due_only, "Seulement les sources dont la fréquence est échue");
  c_h->add_flag("--force", h->force, "Relit tout, même une source inchangée");
  c_h->add_flag("--accepter-retraits", h->accept,
                "Applique des retraits suspendus (plus de 30 % des lieux d'une source)");
  c_h->add_flag("--sans-dedoublonnage", h->no_dedup, "Ne fusionne pas les doublons ensuite");
  c_h->callback([h, &exit_code] { exit_code = run_harvest(*h); });

  auto dd = std::make_shared<std::string>(kDefaultDb);
  auto* c_dd = app.add_subcommand("dedup", "Fusionne les lieux publiés par plusieurs sources");
  add_db(c_dd, *dd);
  c_dd->callback([dd, &exit_code] {
    auto store = open_store(*dd);
    if (!store) {
      exit_code = 1;
      return;
    }
    auto r = federation::deduplicate(*store);
    print_dedup(r);
    exit_code = r.error.empty() ? 0 : 1;
  });

  for (const char* verb : {"fusionner", "separer"}) {
    auto m = std::make_shared<MergeArgs>();
    const std::string decision = verb;
    auto* c = app.add_subcommand(
        decision == "fusionner" ? "merge" : "split",
        decision == "fusionner"
            ? "Force la fusion de deux lieux (SOURCE:ID SOURCE:ID) ; décision conservée à chaque moisson"
            : "Sépare deux lieux fusionnés à tort (SOURCE:ID SOURCE:ID) ; décision conservée");
    add_db(c, m->db);
    c->add_option("a", m->a, "Premier lieu, SOURCE:ID")->required();
    c->add_option("b", m->b, "Second lieu, SOURCE:ID")->required();
    c->add_option("--motif", m->reason, "Motif de la décision");
    c->add_option("--auteur", m->actor, "Auteur de la décision")->capture_default_str();
    c->add_flag("--annuler", m->remove, "Annule la décision sur ces deux lieux");
    c->callback([m, decision, &exit_code] { exit_code = run_merge_decision(*m, decision); });
  }
}

}  // namespace maillage::app
