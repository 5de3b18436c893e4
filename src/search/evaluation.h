// Measuring the natural search against a judged query set (tests/cases/natural_queries.tsv,
// built by tools/judge_natural_queries.py with the method of docs/recherche-naturelle.md).
// Each case is a need as typed ("impots en ligne") and a place ("Lyon"), with the places a
// judge found relevant within 30 km: grade 2 within 10 km, 1 within 10-30 km.
//
// Pure apart from the index it reads; the index must not change meanwhile (hold the service's
// read lock). Failures to read the case file are values (a French message with the line).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace maillage::territory {
class Reference;
}

namespace maillage::search {

class Index;

struct JudgedQuery {
  std::string id, q, ou, types;
  std::unordered_map<std::string, int> grades;  // public id → grade (1 or 2)
  std::size_t relevant_30km = 0;                // every relevant place within 30 km
  std::size_t line = 0;
};

std::optional<std::vector<JudgedQuery>> load_judged_queries(const std::filesystem::path& path,
                                                            std::string* error);

struct QueryOutcome {
  std::string id;
  std::vector<std::string> top;  // the first public ids answered (at most 10)
  std::vector<int> top_grades;
  std::uint64_t total = 0;
  double precision_at_3 = 0, ndcg_at_10 = 0;
  bool success_at_3 = false;  // a relevant place in the first three
  bool honest = false;        // nothing relevant within 30 km: the search said nothing nearby
  std::string error;          // the query's parameter error, if any
};

struct Figures {
  std::size_t queries = 0;
  std::size_t judged = 0;    // with a relevant place within 30 km
  std::size_t nothing_near = 0;  // without
  double precision_at_3 = 0, ndcg_at_10 = 0, success_at_3 = 0;
  double zero_result_rate = 0;   // of the judged queries, those answered with nothing
  double honest_rate = 0;        // of the others, those told plainly that nothing is near
  std::vector<QueryOutcome> outcomes;
};

// Runs every case as the web page does (q, autour, naturel=oui, 10 results) and measures.
Figures evaluate(const Index& index, const territory::Reference& territory,
                 const std::vector<JudgedQuery>& cases);

}  // namespace maillage::search
