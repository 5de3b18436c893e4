#include "federation/registry.h"

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace maillage::federation {
namespace {

Diagnostic registry_error(const std::string& file, std::int64_t line, std::string key,
                          std::string rule, std::string message) {
  Diagnostic d;
  d.severity = Severity::kError;
  d.file = file;
  d.line = line;
  d.field = std::move(key);
  d.rule = std::move(rule);
  d.message = std::move(message);
  return d;
}

}  // namespace

Registry load_registry(const std::filesystem::path& file,
                       const std::filesystem::path& profiles_dir) {
  Registry out;
  const std::string name = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    out.errors.push_back(registry_error(name, 0, "", "registre.fichier", "fichier illisible."));
    return out;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  toml::table root;
  try {
    root = toml::parse(buffer.str(), name);
  } catch (const toml::parse_error& e) {
    out.errors.push_back(registry_error(name, static_cast<std::int64_t>(e.source().begin.line), "",
                                        "registre.syntaxe",
                                        "le fichier n'est pas du TOML valide : " +
                                            std::string(e.description()) + "."));
    return out;
  }
  for (auto&& [k, v] : root)
    if (k.str() != "source")
      out.errors.push_back(registry_error(name, static_cast<std::int64_t>(v.source().begin.line),
                                          std::string(k.str()), "registre.cle_inconnue",
                                          "clé inconnue ; un registre est une liste de [[source]]."));
  const toml::array* list = root["source"].as_array();
  if (!list) {
    if (out.errors.empty())
      out.errors.push_back(registry_error(name, 1, "source", "registre.vide",
                                          "aucune source : ajoutez des tables [[source]]."));
    return out;
  }
  std::set<std::string> names;
  for (const auto& node : *list) {
    const auto* t = node.as_table();
    const auto line = static_cast<std::int64_t>(node.source().begin.line);
    if (!t) {
      out.errors.push_back(registry_error(name, line, "source", "registre.type",
                                          "chaque source est une table [[source]]."));
      continue;
    }
    store::SourceDefinition d;
    bool ok = true;
    auto text = [&](std::string_view key, std::string& into, bool required) {
      const toml::node* n = t->get(key);
      if (!n) {
        if (required) {
          out.errors.push_back(registry_error(name, line, std::string(key), "registre.requis",
                                              "la clé « " + std::string(key) + " » est obligatoire."));
          ok = false;
        }
        return;
      }
      if (auto s = n->as_string()) {
        into = s->get();
      } else {
        out.errors.push_back(registry_error(name, static_cast<std::int64_t>(n->source().begin.line),
                                            std::string(key), "registre.type",
                                            "une chaîne de caractères entre guillemets est attendue."));
        ok = false;
      }
    };
    text("nom", d.name, true);
    text("adresse", d.location, true);
    text("editeur", d.publisher, false);
    text("format", d.format, false);
    text("profil", d.profile, false);
    text("licence", d.licence, false);
    text("attribution", d.attribution, false);
    if (const toml::node* n = t->get("frequence_heures")) {
      if (auto i = n->as_integer()) {
        d.schedule_hours = i->get();
      } else {
        out.errors.push_back(registry_error(name, line, "frequence_heures", "registre.type",
                                            "un nombre entier d'heures est attendu."));
        ok = false;
      }
    }
    if (const toml::node* n = t->get("active")) {
      if (auto b = n->as_boolean()) {
        d.enabled = b->get();
      } else {
        out.errors.push_back(registry_error(name, line, "active", "registre.type",
                                            "true ou false est attendu."));
        ok = false;
      }
    }
    std::string holidays = "ferme";
    text("jours_feries", holidays, false);
    if (holidays != "ferme" && holidays != "comme_les_autres_jours") {
      out.errors.push_back(registry_error(name, line, "jours_feries", "registre.valeur",
                                          "« ferme » ou « comme_les_autres_jours » est attendu."));
      ok = false;
    }
    for (auto&& [k, v] : *t) {
      static const std::set<std::string_view> known = {
          "nom",     "adresse",     "editeur",          "format", "profil",
          "licence", "attribution", "frequence_heures", "active", "jours_feries"};
      if (!known.count(k.str()))
        out.errors.push_back(registry_error(name, static_cast<std::int64_t>(v.source().begin.line),
                                            std::string(k.str()), "registre.cle_inconnue",
                                            "clé inconnue dans [[source]]."));
    }
    if (!ok) continue;
    for (auto& e : check_definition(d, profiles_dir))
      out.errors.push_back(registry_error(name, line, d.name, "registre.source", std::move(e)));
    if (!names.insert(d.name).second)
      out.errors.push_back(registry_error(name, line, "nom", "registre.doublon",
                                          "la source « " + d.name + " » est déjà déclarée plus haut."));
    if (holidays == "comme_les_autres_jours") out.holidays_as_other_days.push_back(d.name);
    out.sources.push_back(std::move(d));
  }
  return out;
}

nlohmann::ordered_json source_to_json(const store::SourceEntry& e) {
  const auto& d = e.definition;
  const auto& s = e.state;
  return {{"nom", d.name},
          {"editeur", d.publisher},
          {"adresse", d.location},
          {"format", d.format},
          {"profil", d.profile},
          {"licence", d.licence},
          {"attribution", d.attribution},
          {"frequence_heures", d.schedule_hours},
          {"active", d.enabled},
          {"creee_le", e.created_at},
          {"lieux_actifs", e.active_places},
          {"etat",
           {{"statut", s.status},
            {"derniere_tentative", s.last_attempt_at},
            {"dernier_succes", s.last_success_at},
            {"derniere_erreur", s.last_error},
            {"echecs_consecutifs", s.failures},
            {"etag", s.etag},
            {"last_modified", s.last_modified}}}};
}

nlohmann::ordered_json runs_to_json(const std::vector<store::ImportRun>& runs) {
  nlohmann::ordered_json history = nlohmann::ordered_json::array();
  for (const auto& r : runs)
    history.push_back({{"debut", r.started_at},
                       {"fin", r.finished_at},
                       {"statut", r.status},
                       {"lus", r.counts.read},
                       {"ajoutes", r.counts.added},
                       {"modifies", r.counts.updated},
                       {"inchanges", r.counts.unchanged},
                       {"rejetes", r.counts.rejected},
                       {"retires", r.withdrawn},
                       {"avertissements", r.counts.warnings},
                       {"message", r.message}});
  return history;
}

BootstrapReport bootstrap_if_empty(store::Store& store, const territory::Reference* territory,
                                   const std::filesystem::path& registry_file,
                                   const std::filesystem::path& data_dir, bool deduplicate_after) {
  BootstrapReport report;
  if (store.count_active() > 0 || !store.runs(1).empty() || !store.list_sources().empty())
    return report;
  Registry registry = load_registry(registry_file, data_dir / "profils");
  if (!registry.errors.empty()) {
    report.errors = std::move(registry.errors);
    return report;
  }
  report.done = true;
  for (const auto& d : registry.sources) {
    if (store::Status s = store.put_source(d, false); !s.ok) {
      report.errors.push_back(registry_error(registry_file.string(), 0, d.name, "registre.source", s.message));
      continue;
    }
    auto entry = store.get_source(d.name);
    if (!entry || !d.enabled) continue;
    HarvestOptions options;
    options.base_dir = data_dir;
    report.harvests.push_back(harvest(store, territory, *entry, options));
  }
  if (deduplicate_after) report.dedup = deduplicate(store);
  return report;
}

}  // namespace maillage::federation
