#include "search/evaluation.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "common/utf8.h"
#include "search/index.h"
#include "search/query.h"

namespace maillage::search {
namespace {

constexpr double kNearKm = 30;

double dcg(const std::vector<int>& grades, std::size_t k) {
  double sum = 0;
  for (std::size_t i = 0; i < grades.size() && i < k; ++i)
    sum += (std::pow(2.0, grades[i]) - 1) / std::log2(static_cast<double>(i) + 2);
  return sum;
}

}  // namespace

std::optional<std::vector<JudgedQuery>> load_judged_queries(const std::filesystem::path& path,
                                                            std::string* error) {
  auto fail = [&](std::string message) -> std::optional<std::vector<JudgedQuery>> {
    if (error) *error = path.filename().string() + ", " + std::move(message);
    return std::nullopt;
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("fichier illisible ou absent");
  std::vector<JudgedQuery> out;
  std::map<std::string, std::size_t> column;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    for (auto cell : utf8::split(line, '\t')) cells.emplace_back(cell);
    if (column.empty()) {
      for (std::size_t c = 0; c < cells.size(); ++c) column[cells[c]] = c;
      for (const char* name : {"id", "q", "ou", "types", "pertinents", "nb_pertinents_30km"})
        if (!column.count(name)) return fail("ligne 1 : colonne « " + std::string(name) + " » absente");
      continue;
    }
    if (cells.size() != column.size())
      return fail("ligne " + std::to_string(n) + " : " + std::to_string(cells.size()) +
                  " colonnes au lieu de " + std::to_string(column.size()));
    JudgedQuery j;
    j.line = n;
    j.id = cells[column["id"]];
    j.q = cells[column["q"]];
    j.ou = cells[column["ou"]];
    j.types = cells[column["types"]];
    for (const auto piece : utf8::split(cells[column["pertinents"]], ',')) {
      const std::string item(piece);
      if (item.empty()) continue;
      const auto colon = item.rfind(':');
      if (colon == std::string::npos || colon + 2 != item.size() ||
          (item[colon + 1] != '1' && item[colon + 1] != '2'))
        return fail("ligne " + std::to_string(n) + ", colonne pertinents : « " + item +
                    " » n'est pas de la forme id:note (note 1 ou 2)");
      j.grades[item.substr(0, colon)] = item[colon + 1] - '0';
    }
    const std::string& count = cells[column["nb_pertinents_30km"]];
    j.relevant_30km = count.empty() ? 0 : static_cast<std::size_t>(std::stoul(count));
    out.push_back(std::move(j));
  }
  return out;
}

Figures evaluate(const Index& index, const territory::Reference& territory,
                 const std::vector<JudgedQuery>& cases) {
  Figures f;
  std::size_t zero = 0, honest = 0, success = 0;
  double p3 = 0, ndcg = 0;
  for (const auto& c : cases) {
    QueryOutcome o;
    o.id = c.id;
    std::multimap<std::string, std::string> params = {{"naturel", "oui"}, {"limite", "10"}};
    if (!c.q.empty()) params.emplace("q", c.q);
    if (!c.ou.empty()) params.emplace("autour", c.ou);
    auto [query, error] = parse_query(params, territory);
    SearchResult r;
    if (query) {
      r = index.search(*query);
    } else {
      o.error = error.parameter + " : " + error.message;
    }
    o.total = r.total;
    for (const auto& h : r.hits) {
      const Document* d = index.document(h.doc);
      o.top.emplace_back(d ? std::string(d->public_id) : std::string());
      auto g = c.grades.find(o.top.back());
      o.top_grades.push_back(g == c.grades.end() ? 0 : g->second);
    }
    ++f.queries;
    if (c.relevant_30km > 0) {
      ++f.judged;
      const auto hits3 = std::count_if(o.top_grades.begin(),
                                       o.top_grades.begin() + std::min<std::size_t>(3, o.top_grades.size()),
                                       [](int g) { return g > 0; });
      o.precision_at_3 = static_cast<double>(hits3) / 3;
      o.success_at_3 = hits3 > 0;
      std::vector<int> ideal;
      for (const auto& [id, g] : c.grades) ideal.push_back(g);
      std::sort(ideal.rbegin(), ideal.rend());
      const double best = dcg(ideal, 10);
      o.ndcg_at_10 = best > 0 ? dcg(o.top_grades, 10) / best : 0;
      p3 += o.precision_at_3;
      ndcg += o.ndcg_at_10;
      success += o.success_at_3;
      zero += r.total == 0;
    } else {
      ++f.nothing_near;
      o.honest = r.total == 0 || (query && query->point && r.complete_nearby == 0) ||
                 (!r.hits.empty() && r.hits.front().distance_km > kNearKm);
      honest += o.honest;
    }
    f.outcomes.push_back(std::move(o));
  }
  if (f.judged) {
    const double n = static_cast<double>(f.judged);
    f.precision_at_3 = p3 / n;
    f.ndcg_at_10 = ndcg / n;
    f.success_at_3 = static_cast<double>(success) / n;
    f.zero_result_rate = static_cast<double>(zero) / n;
  }
  if (f.nothing_near) f.honest_rate = static_cast<double>(honest) / static_cast<double>(f.nothing_near);
  return f;
}

}  // namespace maillage::search
