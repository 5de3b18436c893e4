// The query table of issue 4: tests/cases/search_queries.tsv, run through search::parse_query
// and Index::search over the bundled real places (data/lieux, loaded once). Each case states
// the expected total, the first public ids in order, the facet counts or the parameter named by
// the error; the expectations come from an independent oracle (see the table's header).
#include <gtest/gtest.h>

#include <optional>
#include <tuple>
#include <httplib.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "search/service.h"
#include "support/bundled_search.h"
#include "support/test_support.h"
#include "territory/reference.h"

namespace maillage::search {
namespace {

struct Case {
  int line = 0;
  std::string name, query, total, top, facets, error, known_failure;
};

std::vector<Case> load_cases() {
  std::ifstream in(testing::repo_dir() / "tests/cases/search_queries.tsv");
  std::vector<Case> out;
  std::vector<std::string> header;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    auto cols = testing::split_tsv(line);
    if (header.empty()) {
      header = cols;
      continue;
    }
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size(); ++i) row[header[i]] = i < cols.size() ? cols[i] : "";
    out.push_back({n, row["name"], row["query"], row["total"], row["top"], row["facets"],
                   row["error"], row["known_failure"]});
  }
  return out;
}

// What one case gives, in the table's notation.
struct Outcome {
  std::string total = "-", top = "-", facets = "-", error = "-";
  std::vector<std::string> order;  // every public id returned, in order
  std::string detail;              // a failure of the paging invariants
};

class SearchQueries : public testing::BundledSearchTest {
 protected:
  // One search; the parameters are parsed as cpp-httplib parses a request's query string.
  static std::pair<std::optional<Query>, QueryError> parse(const httplib::Params& params) {
    return parse_query(params, territory::Reference::bundled());
  }
  static SearchResult run(const Query& q) {
    return service_->read([&](const Index& index) { return index.search(q); });
  }
  static std::string public_id(const Hit& h) {
    return service_->read([&](const Index& index) { return std::string(index.document(h.doc)->public_id); });
  }
  static std::string name_of(const std::string& public_id) {
    return service_->read([&](const Index& index) {
      const auto* d = index.find_public(public_id);
      return d ? std::string(d->place[place::Field::kNom]) : std::string("?");
    });
  }

  static Outcome evaluate(const Case& c, std::size_t top_count) {
    Outcome out;
    httplib::Params params;
    httplib::detail::parse_query_text(c.query, params);
    bool paging = false;
    std::int64_t now = 0;  // _maintenant=YYYY-MM-DDTHH:MMZ: the instant taken as now
    for (auto it = params.begin(); it != params.end();) {
      if (it->first == "curseur" && it->second == "*") {
        paging = true;
        it = params.erase(it);
      } else if (it->first == "_maintenant") {
        auto at = resolve_open_at(it->second.substr(0, it->second.size() - 1), 0);  // UTC
        if (!at || it->second.back() != 'Z') out.detail += " bad _maintenant;";
        now = at ? at->time : 0;
        it = params.erase(it);
      } else {
        ++it;
      }
    }
    std::optional<Query> query;
    QueryError error;
    std::tie(query, error) = parse(params);
    if (!query) {
      out.error = error.parameter;
      if (error.message.empty()) out.detail = "empty error message";
      return out;
    }
    query->now = now;
    if (!now && (query->open_weekdays || query->open_at == "maintenant"))
      out.detail += " ouvert=maintenant and ouvert_jour need _maintenant= to be reproducible;";
    SearchResult first = run(*query);
    if (first.error) {
      out.error = first.error->parameter;
      return out;
    }
    out.total = std::to_string(first.total);
    out.facets = facet_text(*query, first);
    if (paging) {
      out.order = page_through(*query, query->limit, out.detail);
      auto big = page_through(*query, 1000, out.detail);
      if (out.order != big)
        out.detail += " pages of " + std::to_string(query->limit) + " differ from pages of 1000;";
      std::set<std::string> unique(out.order.begin(), out.order.end());
      if (unique.size() != out.order.size()) out.detail += " duplicates across pages;";
      if (out.order.size() != first.total) out.detail += " pages do not add up to the total;";
    } else {
      for (const auto& h : first.hits) {
        out.order.push_back(public_id(h));
        if (query->open_at && h.open != std::optional<bool>(true))
          out.detail += " " + out.order.back() + " is not open at " + *query->open_at + ";";
      }
      if (first.hits.size() != std::min<std::uint64_t>(first.total, query->limit))
        out.detail += " page size is not min(total, limite);";
    }
    std::string top;
    for (std::size_t i = 0; i < std::min(top_count, out.order.size()); ++i)
      top += (i ? "," : "") + out.order[i];
    out.top = top.empty() ? "-" : top;
    return out;
  }

  // Every result, following curseur_suivant `limit` at a time.
  static std::vector<std::string> page_through(Query q, std::size_t limit, std::string& detail) {
    q.limit = limit;
    q.cursor.clear();
    std::vector<std::string> ids;
    for (int pages = 0; pages < 5000; ++pages) {
      auto r = run(q);
      if (r.error) {
        detail += " page " + std::to_string(pages) + ": " + r.error->message + ";";
        break;
      }
      for (const auto& h : r.hits) ids.push_back(public_id(h));
      if (r.next_cursor.empty()) break;
      q.cursor = r.next_cursor;
    }
    return ids;
  }

  static std::string facet_text(const Query& q, const SearchResult& r) {
    if (q.facets.empty()) return "-";
    std::string out;
    for (const auto& field : q.facets) {
      auto it = r.facets.find(field);
      if (it == r.facets.end()) continue;
      for (const auto& [value, n] : it->second)  // std::map: byte order, as in the table
        out += (out.empty() ? "" : ";") + field + "=" + value + ":" + std::to_string(n);
    }
    return out.empty() ? "-" : out;
  }
};

std::size_t count_ids(const std::string& top) {
  if (top == "-" || top.empty()) return 0;
  return static_cast<std::size_t>(std::count(top.begin(), top.end(), ',')) + 1;
}

TEST_F(SearchQueries, EveryCaseOfTheTable) {
  auto cases = load_cases();
  ASSERT_GE(cases.size(), 70u);
  std::ostringstream failures;
  int failed = 0, known = 0;
  for (const auto& c : cases) {
    Outcome got = evaluate(c, count_ids(c.top));
    std::ostringstream why;
    if (got.error != c.error) why << "\n    error: expected " << c.error << ", got " << got.error;
    if (got.total != c.total) why << "\n    total: expected " << c.total << ", got " << got.total;
    if (got.top != c.top) {
      why << "\n    top: expected " << c.top << "\n         got      " << got.top;
      std::stringstream ids(got.top);
      for (std::string id; std::getline(ids, id, ',');)
        why << "\n           " << id << " = " << name_of(id);
    }
    if (got.facets != c.facets)
      why << "\n    facets: expected " << c.facets << "\n            got      " << got.facets;
    if (!got.detail.empty()) why << "\n   " << got.detail;
    bool ok = why.str().empty();
    bool marked = !c.known_failure.empty() && c.known_failure != "-";
    if (marked) ++known;
    if (ok && marked) {
      ++failed;
      failures << "line " << c.line << " " << c.name << " [" << c.query
               << "]: marked as a known failure (" << c.known_failure
               << ") but passes: remove the mark\n";
    } else if (!ok && !marked) {
      ++failed;
      failures << "line " << c.line << " " << c.name << " [" << c.query << "]" << why.str() << "\n";
    }
  }
  EXPECT_EQ(failed, 0) << failed << " of " << cases.size() << " cases fail (" << known
                       << " known failures not counted):\n"
                       << failures.str();
}

// The table covers what issue 4 asks for: every filter field, every sort, every error.
TEST(SearchQueryTable, CoversEveryParameter) {
  auto cases = load_cases();
  std::set<std::string> names, params_seen, error_params;
  for (const auto& c : cases) {
    EXPECT_TRUE(names.insert(c.name).second) << "duplicate case name " << c.name;
    httplib::Params params;
    httplib::detail::parse_query_text(c.query, params);
    for (const auto& [k, v] : params) params_seen.insert(c.error == "-" ? k : "");
    if (c.error != "-") error_params.insert(c.error);
  }
  for (const auto& f : filter_fields())
    EXPECT_TRUE(params_seen.count(f)) << "no valid case filters on " << f;
  for (const char* p : {"q", "lat", "lon", "rayon_km", "bbox", "autour", "ouvert", "ouvert_le",
                        "ouvert_jour", "tri", "limite", "curseur", "facettes"})
    EXPECT_TRUE(params_seen.count(p)) << "no valid case uses " << p;
  // The closed lists share one check (services stands for them); the other filters have their own.
  for (const char* p :
       {"q",          "lat",         "lon",      "rayon_km", "bbox",      "autour",
        "tri",        "limite",      "curseur",  "facettes", "format",    "ouvert",
        "ouvert_le",  "ouvert_jour", "doublons", "services", "typologie", "code_postal",
        "code_insee", "departement", "region"})
    EXPECT_TRUE(error_params.count(p)) << "no error case for " << p;
}

}  // namespace
}  // namespace maillage::search
