// Runs tests/cases/invalid_records.tsv: one case per validation rule, each a change to the
// official valid example, with the exact field, rule and outcome expected.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "exchange/importer.h"
#include "place/codec.h"
#include "store/store.h"
#include "support/test_support.h"
#include "territory/reference.h"

namespace maillage {
namespace {

using testing::TempDir;

struct Case {
  std::string name, expect, field, rule;
  std::vector<std::pair<std::string, std::string>> changes;
  std::vector<std::pair<std::string, std::string>> expected_values;
  int copies = 1;
};

std::string unescape(const std::string& v) {
  if (v == "<vide>") return "";
  if (v.rfind("<repeat:", 0) == 0) {
    auto colon = v.find(':', 8);
    int n = std::stoi(v.substr(8, colon - 8));
    std::string unit = v.substr(colon + 1, v.size() - colon - 2);
    std::string out;
    for (int i = 0; i < n; ++i) out += unit;
    return out;
  }
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 3 < v.size() + 0 && v[i + 1] == 'x') {
      out += static_cast<char>(std::stoi(v.substr(i + 2, 2), nullptr, 16));
      i += 3;
    } else {
      out += v[i];
    }
  }
  return out;
}

std::vector<Case> load_cases() {
  std::ifstream in(testing::repo_dir() / "tests/cases/invalid_records.tsv");
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto cols = testing::split_tsv(line);
    Case c{cols.at(0), cols.at(1), cols.at(2), cols.at(3), {}, {}, 1};
    for (std::size_t i = 4; i < cols.size(); ++i) {
      const std::string& ch = cols[i];
      if (ch.rfind("@copies=", 0) == 0) {
        c.copies = std::stoi(ch.substr(8));
      } else if (ch.rfind("=>", 0) == 0) {
        auto eq = ch.find('=', 2);
        c.expected_values.emplace_back(ch.substr(2, eq - 2), ch.substr(eq + 1));
      } else {
        auto eq = ch.find('=');
        c.changes.emplace_back(ch.substr(0, eq), ch.substr(eq + 1));
      }
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

// Parses the one-record official example into ordered (column, value) pairs.
std::vector<std::pair<std::string, std::string>> base_record() {
  auto opened = place::open_file(testing::repo_dir() / "data/standard/exemple-valide.csv");
  place::RawRecord raw;
  EXPECT_TRUE(opened.reader && opened.reader->next(raw));
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& col : opened.reader->columns()) {
    std::string value;
    for (const auto& [k, v] : raw.fields)
      if (k == col) value = v;
    fields.emplace_back(col, value);
  }
  return fields;
}

std::string csv_quote(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string build_csv(const Case& c) {
  auto fields = base_record();
  for (const auto& change : c.changes) {
    const std::string& col = change.first;
    const std::string& raw_value = change.second;
    auto it = std::find_if(fields.begin(), fields.end(), [&](auto& f) { return f.first == col; });
    if (raw_value == "<absent>") {
      if (it != fields.end()) fields.erase(it);
    } else if (it != fields.end()) {
      it->second = unescape(raw_value);
    } else {
      fields.emplace_back(col, unescape(raw_value));
    }
  }
  std::string header, row;
  for (const auto& [k, v] : fields) {
    header += (header.empty() ? "" : ",") + csv_quote(k);
    row += (row.empty() ? "" : ",") + csv_quote(v);
  }
  std::string csv = header + "\n";
  for (int i = 0; i < c.copies; ++i) csv += row + "\n";
  return csv;
}

const char* severity_for(const std::string& expect) {
  if (expect == "rejet") return "erreur";
  if (expect == "avertissement") return "avertissement";
  return "remarque";
}

TEST(ValidationCases, TableHasOneCasePerRuleAndAtLeastForty) {
  auto cases = load_cases();
  EXPECT_GE(cases.size(), 40u);
  std::set<std::string> rules;
  for (const auto& c : cases) rules.insert(c.rule);
  EXPECT_GE(rules.size(), 40u);
}

TEST(ValidationCases, EveryCaseGivesTheExpectedFieldRuleAndOutcome) {
  const auto& territory = territory::Reference::bundled();
  for (const auto& c : load_cases()) {
    SCOPED_TRACE("cas « " + c.name + " »");
    TempDir dir;
    std::string error;
    auto store = store::open_sqlite(dir / "t.db", error);
    ASSERT_TRUE(store) << error;
    exchange::Options options;
    options.source = "cas";
    options.today = "2026-11-28";
    auto report = exchange::import_bytes(build_csv(c), "cas.csv", store.get(), &territory, options);
    ASSERT_TRUE(report.ok()) << report.fatal;
    const Diagnostic* found = nullptr;
    for (const auto& d : report.diagnostics)
      if (d.rule == c.rule && d.field == c.field) found = &d;
    if (c.expect == "accepte") {
      EXPECT_EQ(found, nullptr) << "règle inattendue : " << (found ? found->message : "");
      EXPECT_EQ(report.rejected, 0);
    } else {
      ASSERT_NE(found, nullptr) << "aucun diagnostic " << c.rule << " sur " << c.field;
      EXPECT_STREQ(severity_name(found->severity), severity_for(c.expect)) << found->message;
      EXPECT_FALSE(found->message.empty());
      // Every record-level diagnostic names its line (file-level ones, about columns, do not).
      if (c.rule.rfind("colonne.", 0) != 0) {
        EXPECT_GT(found->line, 0);
      }
      EXPECT_EQ(report.rejected, c.expect == "rejet" ? 1 : 0);
    }
    auto stored = store->get("cas", "structure-1");
    for (const auto& [field, value] : c.expected_values) {
      ASSERT_TRUE(stored.has_value());
      auto f = place::field_by_name(field);
      ASSERT_TRUE(f.has_value()) << field;
      EXPECT_EQ(stored->place[*f], value) << field;
    }
  }
}

}  // namespace
}  // namespace maillage
