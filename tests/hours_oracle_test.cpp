// Agreement with opening_hours.js, the reference implementation, on state and next change.
//
// tests/cases/hours_oracle.tsv holds the oracle's answers (made by tools/hours_oracle.mjs: every
// distinct `horaires` value of ../shared/data and generated expressions, over places and
// instants). This test evaluates each row with maillage's engine, requires at least 99.5 %
// agreement, and requires every disagreement to be listed with its explanation in
// tests/cases/hours_oracle_disagreements.tsv (and every listed one to still occur).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "hours/evaluator.h"
#include "hours/parser.h"
#include "hours_test_support.h"

namespace maillage::hours {
namespace {

struct OracleRow {
  int line = 0;
  std::string expr_escaped, expr, insee, tz, at, state, next_change;
  int mode = 0;
  double lat = 0, lon = 0;
};

std::vector<OracleRow> read_oracle() {
  std::vector<OracleRow> rows;
  for (const auto& r : testing::read_cases(testing::case_path("hours_oracle.tsv"))) {
    if (r.fields.size() != 9) ADD_FAILURE() << "hours_oracle.tsv line " << r.line << ": 9 columns expected";
    if (r.fields.size() != 9) continue;
    OracleRow row;
    row.line = r.line;
    row.expr_escaped = r.fields[0];
    row.expr = testing::unescape(r.fields[0]);
    row.mode = std::stoi(r.fields[1]);
    row.insee = r.fields[2];
    row.tz = r.fields[3];
    row.lat = std::stod(r.fields[4]);
    row.lon = std::stod(r.fields[5]);
    row.at = r.fields[6];
    row.state = r.fields[7];
    row.next_change = r.fields[8];
    rows.push_back(std::move(row));
  }
  return rows;
}

// Listed disagreements: expr (escaped as in the oracle table), insee, at ("*": every instant),
// explanation.
struct Listed {
  std::string explanation;
  bool seen = false;
};

std::map<std::string, Listed> read_disagreements() {
  std::map<std::string, Listed> listed;
  for (const auto& r : testing::read_cases(testing::case_path("hours_oracle_disagreements.tsv"))) {
    if (r.fields.size() < 4 || r.fields[3].empty()) {
      ADD_FAILURE() << "hours_oracle_disagreements.tsv line " << r.line << ": expr, insee, at, explanation";
      continue;
    }
    listed[r.fields[0] + '\t' + r.fields[1] + '\t' + r.fields[2]] = {r.fields[3], false};
  }
  return listed;
}

class Engine {
 public:
  // Our answer for a row, in the oracle's vocabulary: "REJECT", or state and next change.
  std::pair<std::string, std::string> answer(const OracleRow& row) {
    ParseOptions options;
    options.allow_points_in_time = row.mode == 2;
    const ParseResult parsed = parse(row.expr, options);
    if (!parsed.ok()) return {"REJECT", "-"};
    if (row.at == "-") return {"ACCEPT", "-"};
    const Zone& zone = zone_for(row.tz);
    Place place{&zone, holiday_region_for_insee(row.insee), row.lat, row.lon};
    const std::string key = row.expr + '\n' + std::to_string(row.mode) + '\n' + row.insee;
    auto it = evaluators_.find(key);
    if (it == evaluators_.end()) it = evaluators_.emplace(key, Evaluator(*parsed.expression, place)).first;
    const auto instant = parse_local_minutes(row.at, zone);
    if (!instant) return {"BAD-INSTANT", "-"};
    const Status s = it->second.at(*instant);
    return {std::string(to_string(s.state)), s.next_change ? format_local_minutes(zone, *s.next_change) : "-"};
  }

 private:
  const Zone& zone_for(const std::string& name) {
    auto it = zones_.find(name);
    if (it == zones_.end()) it = zones_.emplace(name, *Zone::load(name)).first;
    return it->second;
  }
  std::map<std::string, Zone> zones_;
  std::map<std::string, Evaluator> evaluators_;
};

TEST(HoursOracle, AgreesWithOpeningHoursJs) {
  const std::vector<OracleRow> rows = read_oracle();
  ASSERT_GT(rows.size(), 10000u) << "run: node tools/hours_oracle.mjs";
  std::map<std::string, Listed> listed = read_disagreements();
  Engine engine;
  std::size_t agree = 0;
  std::vector<std::string> unlisted;
  std::map<std::string, int> by_explanation;
  for (const OracleRow& row : rows) {
    const auto [state, next] = engine.answer(row);
    const bool same = row.state == "REJECT" ? state == "REJECT" : (state == row.state && next == row.next_change);
    if (same) {
      ++agree;
      continue;
    }
    const std::string exact = row.expr_escaped + '\t' + row.insee + '\t' + row.at;
    const std::string any = row.expr_escaped + '\t' + row.insee + "\t*";
    auto it = listed.find(exact);
    if (it == listed.end()) it = listed.find(any);
    if (it == listed.end()) {
      unlisted.push_back(exact + "\toracle " + row.state + " " + row.next_change + " / maillage " + state + " " + next);
      continue;
    }
    it->second.seen = true;
    ++by_explanation[it->second.explanation.substr(0, it->second.explanation.find(':'))];
  }
  const double rate = static_cast<double>(agree) / static_cast<double>(rows.size());
  std::ostringstream summary;
  summary << "agreement with opening_hours.js: " << agree << " / " << rows.size() << " = " << 100.0 * rate << " %";
  for (const auto& [why, n] : by_explanation) summary << "\n  " << n << " × " << why;
  std::printf("%s\n", summary.str().c_str());
  EXPECT_GE(rate, 0.995) << summary.str();
  std::string list;
  for (const std::string& u : unlisted) list += u + "\n";
  if (!unlisted.empty()) std::printf("unlisted disagreements:\n%s", list.c_str());
  EXPECT_TRUE(unlisted.empty()) << unlisted.size() << " disagreements not listed in hours_oracle_disagreements.tsv (printed above)";
  for (const auto& [key, entry] : listed)
    EXPECT_TRUE(entry.seen) << "listed disagreement no longer occurs (remove it): " << key;
}

}  // namespace
}  // namespace maillage::hours
