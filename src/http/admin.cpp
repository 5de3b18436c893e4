#include "http/admin.h"
#include "http/router.h"

#include <httplib.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "federation/dedup.h"
#include "federation/harvest.h"
#include "federation/registry.h"

namespace maillage::http {
namespace {

using nlohmann::ordered_json;

void reply_error(httplib::Response& res, int status, std::string_view code, std::string message,
                 std::string_view field = {}) {
  ordered_json body = {{"erreur", {{"code", code}, {"message", std::move(message)}}}};
  if (!field.empty()) body["erreur"]["champ"] = field;
  res.status = status;
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

void reply(httplib::Response& res, int status, const ordered_json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

std::array<unsigned char, 32> hash_of(std::string_view token) {
  std::array<unsigned char, 32> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return h;
}

// True when the request carries the administrators' token; otherwise answers 401/404.
bool authorised(const AdminConfig& config, const httplib::Request& req, httplib::Response& res) {
  if (!config.token_hash) {
    reply_error(res, 404, "introuvable", "l'API d'administration n'est pas activée sur ce serveur.");
    return false;
  }
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() > kBearer.size() && header.compare(0, kBearer.size(), kBearer) == 0) {
    const auto h = hash_of(std::string_view(header).substr(kBearer.size()));
    if (sodium_memcmp(h.data(), config.token_hash->data(), h.size()) == 0) return true;
  }
  res.set_header("WWW-Authenticate", "Bearer realm=\"maillage-admin\"");
  reply_error(res, 401, "non_authentifie",
              "jeton d'administration absent ou invalide (en-tête Authorization: Bearer …).");
  return false;
}

// A source definition from a JSON body; `base` gives the values of the fields left out.
std::optional<store::SourceDefinition> definition_from(const std::string& body,
                                                       store::SourceDefinition base,
                                                       httplib::Response& res) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) {
    reply_error(res, 400, "corps_invalide", "le corps de la requête doit être un objet JSON.");
    return std::nullopt;
  }
  static const std::pair<const char*, std::string store::SourceDefinition::*> kText[] = {
      {"nom", &store::SourceDefinition::name},
      {"adresse", &store::SourceDefinition::location},
      {"editeur", &store::SourceDefinition::publisher},
      {"format", &store::SourceDefinition::format},
      {"profil", &store::SourceDefinition::profile},
      {"licence", &store::SourceDefinition::licence},
      {"attribution", &store::SourceDefinition::attribution}};
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    bool known = false;
    for (const auto& [name, member] : kText) {
      if (key != name) continue;
      known = true;
      if (!it->is_string()) {
        reply_error(res, 400, "champ_invalide", "« " + key + " » doit être une chaîne.", key);
        return std::nullopt;
      }
      base.*member = it->get<std::string>();
    }
    if (key == "frequence_heures") {
      known = true;
      if (!it->is_number_integer()) {
        reply_error(res, 400, "champ_invalide", "« frequence_heures » doit être un entier.", key);
        return std::nullopt;
      }
      base.schedule_hours = it->get<std::int64_t>();
    } else if (key == "active") {
      known = true;
      if (!it->is_boolean()) {
        reply_error(res, 400, "champ_invalide", "« active » doit être true ou false.", key);
        return std::nullopt;
      }
      base.enabled = it->get<bool>();
    }
    if (!known) {
      reply_error(res, 400, "champ_inconnu", "champ « " + key + " » inconnu.", key);
      return std::nullopt;
    }
  }
  return base;
}

ordered_json dedup_json(const federation::DedupReport& d) {
  return {{"lieux_fusionnes", d.clusters},
          {"enregistrements_fusionnes", d.clustered_records},
          {"ajoutes", d.added},
          {"modifies", d.updated},
          {"retires", d.withdrawn},
          {"erreur", d.error}};
}

}  // namespace

std::optional<std::array<unsigned char, 32>> admin_token_hash(const std::string& token,
                                                              std::string& error) {
  if (token.size() < 32) {
    error = "le jeton d'administration doit compter au moins 32 caractères.";
    return std::nullopt;
  }
  if (sodium_init() < 0) {
    error = "libsodium ne s'initialise pas.";
    return std::nullopt;
  }
  return hash_of(token);
}

void add_admin_routes(http::Router& server, std::shared_ptr<AdminConfig> config) {
  // One administrative write at a time: a harvest and a decision never interleave.
  auto write_mutex = std::make_shared<std::mutex>();

  auto with_store = [config](httplib::Response& res) -> std::unique_ptr<store::Store> {
    auto s = config->open_store();
    if (!s) reply_error(res, 500, "base", "la base ne s'ouvre pas.");
    return s;
  };

  server.Get("/api/v1/admin/sources", [config, with_store](const httplib::Request& req, httplib::Response& res) {
    if (!authorised(*config, req, res)) return;
    auto store = with_store(res);
    if (!store) return;
    ordered_json list = ordered_json::array();
    for (const auto& e : store->list_sources()) {
      auto j = federation::source_to_json(e);
      j["historique"] = federation::runs_to_json(store->runs_of(e.definition.name, 5));
      list.push_back(std::move(j));
    }
    reply(res, 200, {{"sources", std::move(list)}});
  });

  server.Post("/api/v1/admin/sources", [config, with_store, write_mutex](const httplib::Request& req,
                                                                        httplib::Response& res) {
    if (!authorised(*config, req, res)) return;
    auto def = definition_from(req.body, {}, res);
    if (!def) return;
    auto errors = federation::check_definition(*def, config->data_dir / "profils");
    if (!errors.empty()) return reply_error(res, 400, "source_invalide", errors.front());
    std::lock_guard lock(*write_mutex);
    auto store = with_store(res);
    if (!store) return;
    if (auto st = store->put_source(*def, false); !st.ok) return reply_error(res, 409, "conflit", st.message);
    reply(res, 201, federation::source_to_json(*store->get_source(def->name)));
  });

  server.Patch(R"(/api/v1/admin/sources/([a-z0-9][a-z0-9._-]*))",
               [config, with_store, write_mutex](const httplib::Request& req, httplib::Response& res) {
                 if (!authorised(*config, req, res)) return;
                 std::lock_guard lock(*write_mutex);
                 auto store = with_store(res);
                 if (!store) return;
                 auto current = store->get_source(req.matches[1].str());
                 if (!current) return reply_error(res, 404, "introuvable", "aucune source de ce nom.");
                 auto def = definition_from(req.body, current->definition, res);
                 if (!def) return;
                 if (def->name != current->definition.name)
                   return reply_error(res, 400, "champ_invalide", "le nom d'une source ne change pas.", "nom");
                 auto errors = federation::check_definition(*def, config->data_dir / "profils");
                 if (!errors.empty()) return reply_error(res, 400, "source_invalide", errors.front());
                 if (auto st = store->put_source(*def, true); !st.ok)
                   return reply_error(res, 500, "base", st.message);
                 reply(res, 200, federation::source_to_json(*store->get_source(def->name)));
               });

  server.Delete(R"(/api/v1/admin/sources/([a-z0-9][a-z0-9._-]*))",
                [config, with_store, write_mutex](const httplib::Request& req, httplib::Response& res) {
                  if (!authorised(*config, req, res)) return;
                  std::lock_guard lock(*write_mutex);
                  auto store = with_store(res);
                  if (!store) return;
                  std::int64_t withdrawn = 0;
                  if (auto st = store->remove_source(req.matches[1].str(), withdrawn); !st.ok)
                    return reply_error(res, 404, "introuvable", st.message);
                  ordered_json body = {{"retires", withdrawn}};
                  if (config->deduplicate) body["dedoublonnage"] = dedup_json(federation::deduplicate(*store));
                  reply(res, 200, body);
                });

  server.Post(R"(/api/v1/admin/sources/([a-z0-9][a-z0-9._-]*)/moisson)",
              [config, with_store, write_mutex](const httplib::Request& req, httplib::Response& res) {
                if (!authorised(*config, req, res)) return;
                std::lock_guard lock(*write_mutex);
                auto store = with_store(res);
                if (!store) return;
                auto entry = store->get_source(req.matches[1].str());
                if (!entry) return reply_error(res, 404, "introuvable", "aucune source de ce nom.");
                federation::HarvestOptions options;
                options.base_dir = config->data_dir;
                options.force = req.get_param_value("force") == "1";
                options.accept_withdrawals = req.get_param_value("accepter_retraits") == "1";
                auto r = federation::harvest(*store, config->territory, *entry, options);
                ordered_json body = {{"source", r.source},
                                     {"statut", r.status},
                                     {"message", r.message},
                                     {"statut_http", r.http_status},
                                     {"lus", r.import.read},
                                     {"ajoutes", r.import.added},
                                     {"modifies", r.import.updated},
                                     {"inchanges", r.import.unchanged},
                                     {"rejetes", r.import.rejected},
                                     {"retires", r.withdrawn},
                                     {"retraits_suspendus", r.withheld}};
                if (config->deduplicate && r.import.added + r.import.updated + r.withdrawn > 0)
                  body["dedoublonnage"] = dedup_json(federation::deduplicate(*store));
                reply(res, r.status == "erreur" ? 502 : 200, body);
              });

  // {"a": "source:id", "b": "source:id", "decision": "separer" | "fusionner" | "annuler", "motif": "…"}
  server.Post("/api/v1/admin/doublons", [config, with_store, write_mutex](const httplib::Request& req,
                                                                         httplib::Response& res) {
    if (!authorised(*config, req, res)) return;
    auto j = nlohmann::json::parse(req.body, nullptr, false);
    store::MergeDecision d;
    const auto text = [&](const char* key) {
      return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
    };
    if (!federation::parse_record_key(text("a"), d.source_a, d.id_a) || !federation::parse_record_key(text("b"), d.source_b, d.id_b))
      return reply_error(res, 400, "champ_invalide", "« a » et « b » désignent chacun un lieu par SOURCE:ID.", "a");
    const std::string decision = text("decision");
    if (decision != "separer" && decision != "fusionner" && decision != "annuler")
      return reply_error(res, 400, "champ_invalide", "« decision » vaut separer, fusionner ou annuler.", "decision");
    std::lock_guard lock(*write_mutex);
    auto store = with_store(res);
    if (!store) return;
    for (const auto& [s, i] : {std::pair{d.source_a, d.id_a}, std::pair{d.source_b, d.id_b}})
      if (!store->get(s, i)) return reply_error(res, 404, "introuvable", "aucun lieu " + s + ":" + i + ".");
    store::Status st;
    if (decision == "annuler") {
      st = store->remove_merge_decision(d.source_a, d.id_a, d.source_b, d.id_b);
      if (!st.ok) return reply_error(res, 404, "introuvable", st.message);
    } else {
      d.decision = decision;
      d.actor = "api-admin";
      d.reason = text("motif");
      st = store->put_merge_decision(d);
      if (!st.ok) return reply_error(res, 500, "base", st.message);
    }
    reply(res, 200, {{"decision", decision}, {"dedoublonnage", dedup_json(federation::deduplicate(*store))}});
  });
}

}  // namespace maillage::http
