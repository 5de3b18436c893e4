// `maillage hours check|eval|intervals|normalize`: the opening-hours engine on the command line.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "app/cli_support.h"
#include "app/commands.h"
#include "hours/evaluator.h"
#include "hours/free_text.h"
#include "hours/parser.h"
#include "hours/printer.h"
#include "territory/reference.h"
#include "territory/time_zone.h"

namespace maillage::app {
namespace {

using json = nlohmann::ordered_json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Where and when an expression is evaluated: the options shared by eval, eval --batch and
// intervals.
struct PlaceArgs {
  std::string tz, insee;
  std::optional<double> lat, lon;
};

void add_place_options(CLI::App* cmd, PlaceArgs& place) {
  cmd->add_option("--tz", place.tz, "fuseau horaire IANA (par défaut : celui du code INSEE, sinon Europe/Paris)");
  cmd->add_option("--insee", place.insee, "code INSEE de la commune : jours fériés, fuseau et coordonnées");
  cmd->add_option("--lat", place.lat, "latitude, pour sunrise, sunset, dawn et dusk");
  cmd->add_option("--lon", place.lon, "longitude");
}

// Zones by name, loaded once per run.
class Zones {
 public:
  const hours::Zone* get(const std::string& name, std::string& error) {
    auto it = zones_.find(name);
    if (it == zones_.end()) {
      std::optional<hours::Zone> z = hours::Zone::load(name, &error);
      if (!z) return nullptr;
      it = zones_.emplace(name, std::move(*z)).first;
    }
    return &it->second;
  }

 private:
  std::map<std::string, hours::Zone> zones_;
};

// Resolves the place; on failure returns false with a French message.
bool make_place(const PlaceArgs& args, const hours::Expression& expression, Zones& zones, hours::Place& place,
                std::string& error) {
  const std::string tz = !args.tz.empty() ? args.tz : std::string(territory::time_zone_for_insee(args.insee));
  place.zone = zones.get(tz, error);
  if (place.zone == nullptr) return false;
  place.holidays = hours::holiday_region_for_insee(args.insee);
  place.latitude = args.lat;
  place.longitude = args.lon;
  if ((!place.latitude || !place.longitude) && !args.insee.empty() && expression.uses_solar_events()) {
    if (const territory::Commune* c = territory_reference()->by_insee(args.insee)) {
      place.latitude = c->latitude;
      place.longitude = c->longitude;
    }
  }
  if (place.latitude && (*place.latitude < -90 || *place.latitude > 90)) {
    error = "latitude hors de [-90, 90]";
    return false;
  }
  if (place.longitude && (*place.longitude < -180 || *place.longitude > 180)) {
    error = "longitude hors de [-180, 180]";
    return false;
  }
  return true;
}

json status_json(const hours::Status& s, const hours::Zone& zone) {
  json out;
  out["state"] = std::string(hours::to_string(s.state));
  out["comment"] = s.comment.empty() ? json(nullptr) : json(s.comment);
  out["next_change"] = s.next_change ? json(hours::format_local_minutes(zone, *s.next_change)) : json(nullptr);
  return out;
}

// One evaluation; returns the result object, or {"error": ...}.
json evaluate_one(const std::string& text, const std::string& at, const PlaceArgs& args, Zones& zones) {
  const hours::ParseResult parsed = hours::parse(text);
  if (!parsed.ok()) return json{{"error", parsed.error->to_french()}};
  hours::Place place;
  std::string error;
  if (!make_place(args, *parsed.expression, zones, place, error)) return json{{"error", error}};
  const std::optional<std::int64_t> instant = hours::parse_local_minutes(at, *place.zone);
  if (!instant) return json{{"error", "date et heure invalides : « " + at + " » (attendu : AAAA-MM-JJTHH:MM)"}};
  hours::Evaluator evaluator(*parsed.expression, place);
  return status_json(evaluator.at(*instant), *place.zone);
}

std::string optional_string(const json& line, const char* key) {
  const auto it = line.find(key);
  if (it == line.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::optional<double> optional_number(const json& line, const char* key) {
  const auto it = line.find(key);
  if (it == line.end()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    try {
      return std::stod(it->get<std::string>());
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

int run_batch(const PlaceArgs& defaults) {
  Zones zones;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    json result;
    const json input = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (input.is_discarded() || !input.is_object()) {
      result = json{{"error", "ligne JSON illisible"}};
    } else {
      PlaceArgs args = defaults;
      if (input.contains("tz")) args.tz = optional_string(input, "tz");
      if (input.contains("insee")) args.insee = optional_string(input, "insee");
      if (auto v = optional_number(input, "lat")) args.lat = v;
      if (auto v = optional_number(input, "lon")) args.lon = v;
      const auto expr = input.find("expr");
      if (expr == input.end() || !expr->is_string()) {
        result = json{{"error", "champ « expr » manquant"}};
      } else {
        result = evaluate_one(expr->get<std::string>(), optional_string(input, "at"), args, zones);
      }
    }
    std::cout << dump(result) << '\n';
  }
  std::cout.flush();
  return 0;
}

void print_caret(const std::string& text, const hours::Problem& p) {
  std::fprintf(stderr, "  %s\n  %*s^\n", text.c_str(), static_cast<int>(p.column - 1), "");
}

int run_check(const std::string& text, bool as_json) {
  const hours::ParseResult r = hours::parse(text);
  if (as_json) {
    json out;
    out["valid"] = r.ok();
    if (r.ok()) out["normalized"] = hours::to_string(*r.expression);
    else out["error"] = {{"position", r.error->column}, {"code", r.error->code}, {"message", r.error->message}};
    json warnings = json::array();
    for (const auto& w : r.warnings)
      warnings.push_back({{"position", w.column}, {"code", w.code}, {"message", w.message}});
    out["warnings"] = warnings;
    std::cout << dump(out) << '\n';
    return r.ok() ? 0 : 1;
  }
  if (!r.ok()) {
    std::printf("%s\n", r.error->to_french().c_str());
    print_caret(text, *r.error);
    return 1;
  }
  std::printf("%s\n", hours::to_string(*r.expression).c_str());
  for (const auto& w : r.warnings) std::fprintf(stderr, "attention, %s\n", w.to_french().c_str());
  return 0;
}

int run_intervals(const std::string& text, const std::string& from, const std::string& to, const PlaceArgs& args,
                  bool as_json) {
  const hours::ParseResult parsed = hours::parse(text);
  if (!parsed.ok()) {
    std::printf("%s\n", parsed.error->to_french().c_str());
    return 1;
  }
  Zones zones;
  hours::Place place;
  std::string error;
  if (!make_place(args, *parsed.expression, zones, place, error)) {
    std::fprintf(stderr, "maillage : %s\n", error.c_str());
    return 2;
  }
  const auto begin = hours::parse_local_minutes(from, *place.zone);
  const auto end = hours::parse_local_minutes(to, *place.zone);
  if (!begin || !end) {
    std::fprintf(stderr, "maillage : --from et --to s'écrivent AAAA-MM-JJTHH:MM\n");
    return 2;
  }
  if (*end - *begin > 400 * hours::kSecondsPerDay) {
    std::fprintf(stderr, "maillage : période trop longue (400 jours au plus)\n");
    return 2;
  }
  hours::Evaluator evaluator(*parsed.expression, place);
  json list = json::array();
  for (const hours::Interval& i : evaluator.intervals(*begin, *end)) {
    const std::string a = hours::format_local_minutes(*place.zone, i.from);
    const std::string b = hours::format_local_minutes(*place.zone, i.to);
    if (as_json) {
      list.push_back({{"from", a}, {"to", b}, {"state", std::string(hours::to_string(i.state))},
                      {"comment", i.comment.empty() ? json(nullptr) : json(i.comment)}});
    } else {
      std::printf("%s\t%s\t%s%s%s\n", a.c_str(), b.c_str(), std::string(hours::to_string(i.state)).c_str(),
                  i.comment.empty() ? "" : "\t", i.comment.c_str());
    }
  }
  if (as_json) std::cout << dump(list) << '\n';
  return 0;
}

int run_normalize(const std::string& text, bool as_json) {
  const hours::Normalized n = hours::normalize_free_text(text);
  if (as_json) {
    json out;
    out["expression"] = n.expression.empty() ? json(nullptr) : json(n.expression);
    out["confidence"] = n.confidence;
    out["remainder"] = n.remainder;
    out["notes"] = n.notes;
    if (n.expression.empty()) out["reason"] = n.reason;
    std::cout << dump(out) << '\n';
    return n.expression.empty() ? 1 : 0;
  }
  if (n.expression.empty()) {
    std::printf("%s\n", n.reason.c_str());
    return 1;
  }
  std::printf("%s\n", n.expression.c_str());
  std::fprintf(stderr, "confiance : %.2f\n", n.confidence);
  for (const std::string& r : n.remainder) std::fprintf(stderr, "non converti : « %s »\n", r.c_str());
  for (const std::string& note : n.notes) std::fprintf(stderr, "remarque : %s\n", note.c_str());
  return 0;
}

}  // namespace

void add_hours_commands(CLI::App& app, int& exit_code) {
  CLI::App* hours = app.add_subcommand("hours", "horaires d'ouverture OpenStreetMap : vérifier, évaluer, normaliser");
  hours->require_subcommand(1);

  struct Args {
    std::string expression, at, from, to, text;
    bool json = false, batch = false;
    PlaceArgs place;
  };
  auto args = std::make_shared<Args>();

  CLI::App* check = hours->add_subcommand("check", "vérifie une expression et affiche sa forme normalisée");
  check->add_option("expression", args->expression, "expression opening_hours")->required();
  check->add_flag("--json", args->json, "résultat en JSON (forme normalisée, erreur, avertissements)");
  check->callback([args, &exit_code] { exit_code = run_check(args->expression, args->json); });

  CLI::App* eval = hours->add_subcommand("eval", "état (open, closed, unknown) à un instant, et prochain changement");
  eval->add_option("expression", args->expression, "expression opening_hours");
  eval->add_option("--at", args->at, "instant local AAAA-MM-JJTHH:MM");
  eval->add_flag("--batch", args->batch, "lit des lignes JSON {\"expr\",\"at\",\"tz\",\"insee\"} sur l'entrée standard");
  add_place_options(eval, args->place);
  eval->callback([args, &exit_code] {
    if (args->batch) {
      exit_code = run_batch(args->place);
      return;
    }
    if (args->expression.empty() || args->at.empty()) {
      std::fprintf(stderr, "maillage hours eval : EXPRESSION et --at sont requis (ou --batch)\n");
      exit_code = 2;
      return;
    }
    Zones zones;
    const json result = evaluate_one(args->expression, args->at, args->place, zones);
    std::cout << dump(result) << '\n';
    exit_code = result.contains("error") ? 1 : 0;
  });

  CLI::App* intervals = hours->add_subcommand("intervals", "intervalles ouverts ou incertains d'une période");
  intervals->add_option("expression", args->expression, "expression opening_hours")->required();
  intervals->add_option("--from", args->from, "début, AAAA-MM-JJTHH:MM")->required();
  intervals->add_option("--to", args->to, "fin, AAAA-MM-JJTHH:MM")->required();
  intervals->add_flag("--json", args->json, "résultat en JSON");
  add_place_options(intervals, args->place);
  intervals->callback([args, &exit_code] {
    exit_code = run_intervals(args->expression, args->from, args->to, args->place, args->json);
  });

  CLI::App* normalize = hours->add_subcommand("normalize", "convertit des horaires en texte libre français en opening_hours");
  normalize->add_option("text", args->text, "horaires en texte libre")->required();
  normalize->add_flag("--json", args->json, "résultat en JSON (expression, confiance, reste non converti)");
  normalize->callback([args, &exit_code] { exit_code = run_normalize(args->text, args->json); });
}

}  // namespace maillage::app
