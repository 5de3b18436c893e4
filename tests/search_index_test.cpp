// The search index on the real bundled places: text matching (accents, plurals, prefixes,
// typos), filters, facets, geography, paging, and following the change log.
#include <gtest/gtest.h>

#include <optional>
#include <tuple>

#include <set>

#include "search/service.h"
#include "exchange/importer.h"
#include "support/bundled_search.h"
#include "territory/reference.h"

namespace maillage::search {
namespace {

// One database with the bundled dataset, shared by the tests of this file.
class SearchIndexTest : public testing::BundledSearchTest {
 protected:
  static Query parse(std::multimap<std::string, std::string> params) {
    std::optional<Query> q;
    QueryError err;
    std::tie(q, err) = parse_query(params, territory::Reference::bundled());
    EXPECT_TRUE(q.has_value()) << err.parameter << " : " << err.message;
    return q.value_or(Query{});
  }
  static SearchResult run(const Query& q) {
    return service_->read([&](const Index& index) { return index.search(q); });
  }
  static std::string name_of(const Hit& h) {
    return service_->read([&](const Index& index) {
      return std::string(index.document(h.doc)->place[place::Field::kNom]);
    });
  }

};

TEST_F(SearchIndexTest, EveryPlaceIsIndexed) {
  EXPECT_EQ(service_->read([](const Index& i) { return i.size(); }), 2415u);
  EXPECT_EQ(run(parse({})).total, 2415u);
}

TEST_F(SearchIndexTest, AccentsCasePluralsPrefixAndTypos) {
  auto base = run(parse({{"q", "médiathèque"}})).total;
  EXPECT_GT(base, 50u);
  EXPECT_EQ(run(parse({{"q", "MEDIATHEQUE"}})).total, base);
  EXPECT_GE(run(parse({{"q", "médiathèques"}})).total, base);  // stem
  EXPECT_GE(run(parse({{"q", "mediath"}})).total, base);       // prefix of the last word
  EXPECT_GE(run(parse({{"q", "mediatheqeu"}})).total, base);   // a transposition = 1 edit
  EXPECT_EQ(run(parse({{"q", "mdiathqe"}})).total, 0u);        // too far
  // Exact matches in the name come first.
  auto r = run(parse({{"q", "mediatheqeu"}, {"limite", "5"}}));
  ASSERT_FALSE(r.hits.empty());
}

TEST_F(SearchIndexTest, NameMatchesRankBeforeOtherFields) {
  auto r = run(parse({{"q", "france services"}, {"limite", "10"}}));
  ASSERT_GE(r.hits.size(), 10u);
  for (const auto& h : r.hits) {
    std::string name = name_of(h);
    std::string folded;
    for (char c : name) folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_NE(folded.find("france"), std::string::npos) << name;
  }
}

TEST_F(SearchIndexTest, FiltersOrWithinFieldAndAcrossFields) {
  auto gratuit = run(parse({{"frais_a_charge", "Gratuit"}})).total;
  auto payant = run(parse({{"frais_a_charge", "Payant"}})).total;
  auto both = run(parse({{"frais_a_charge", "Gratuit|Payant"}})).total;
  auto both_repeated = run(parse({{"frais_a_charge", "Gratuit"}, {"frais_a_charge", "Payant"}})).total;
  EXPECT_GT(gratuit, 1000u);
  EXPECT_EQ(both, both_repeated);
  EXPECT_LE(both, gratuit + payant);
  EXPECT_GE(both, gratuit);
  auto and_ = run(parse({{"frais_a_charge", "Gratuit"}, {"departement", "13"}})).total;
  EXPECT_LT(and_, gratuit);
  EXPECT_GT(and_, 0u);
}

TEST_F(SearchIndexTest, FacetsAreDisjunctive) {
  auto r = run(parse({{"frais_a_charge", "Gratuit"}, {"facettes", "frais_a_charge,departement"}}));
  // The counts of frais_a_charge ignore its own filter: Payant still has a count.
  EXPECT_GT(r.facets["frais_a_charge"]["Gratuit"], 0u);
  EXPECT_EQ(r.facets["frais_a_charge"]["Gratuit"], r.total);
  EXPECT_GT(r.facets["frais_a_charge"]["Payant"], 0u);
  std::uint64_t sum = 0;
  for (const auto& [dep, n] : r.facets["departement"]) sum += n;
  EXPECT_LE(sum, r.total);
}

TEST_F(SearchIndexTest, RadiusBoundingBoxAndDistanceSort) {
  // Around Marseille.
  auto r = run(parse({{"lat", "43.2965"}, {"lon", "5.3698"}, {"rayon_km", "10"}, {"tri", "distance"},
                      {"limite", "50"}}));
  ASSERT_GT(r.total, 5u);
  double last = 0;
  for (const auto& h : r.hits) {
    EXPECT_LE(h.distance_km, 10.0);
    EXPECT_GE(h.distance_km, last);
    last = h.distance_km;
  }
  auto box = run(parse({{"bbox", "5.2,43.2,5.5,43.4"}})).total;
  EXPECT_GT(box, 0u);
  auto autour = run(parse({{"autour", "Marseille"}, {"rayon_km", "10"}})).total;
  EXPECT_GT(autour, 0u);
}

TEST_F(SearchIndexTest, CursorPagingVisitsEveryResultOnce) {
  for (const char* sort : {"pertinence", "nom", "date_maj"}) {
    std::set<std::uint32_t> seen;
    std::vector<std::uint32_t> paged, whole;
    for (const auto& h : run(parse({{"q", "numerique"}, {"limite", "1000"}, {"tri", sort}})).hits)
      whole.push_back(h.doc);
    std::string cursor;
    std::size_t pages = 0;
    std::uint64_t total = 0;
    do {
      std::multimap<std::string, std::string> p = {{"q", "numerique"}, {"limite", "97"}, {"tri", sort}};
      if (!cursor.empty()) p.emplace("curseur", cursor);
      auto r = run(parse(p));
      total = r.total;
      for (const auto& h : r.hits) {
        EXPECT_TRUE(seen.insert(h.doc).second) << sort;
        paged.push_back(h.doc);
      }
      cursor = r.next_cursor;
      ASSERT_LT(++pages, 100u);
    } while (!cursor.empty());
    EXPECT_EQ(seen.size(), total) << sort;
    // The pages, end to end, are the first 1000 results in the same order.
    ASSERT_GT(paged.size(), 100u);
    paged.resize(std::min(paged.size(), whole.size()));
    EXPECT_EQ(paged, whole) << sort;
  }
  Query bad = parse({{"curseur", "pas-un-curseur"}});
  EXPECT_TRUE(run(bad).error.has_value());
}

TEST(SearchQuery, BadParametersNameTheParameterInFrench) {
  const auto& t = territory::Reference::bundled();
  auto expect_error = [&](std::multimap<std::string, std::string> p, const std::string& param) {
    std::optional<Query> q;
    QueryError err;
    std::tie(q, err) = parse_query(p, t);
    EXPECT_FALSE(q.has_value()) << param;
    EXPECT_EQ(err.parameter, param);
    EXPECT_FALSE(err.message.empty());
  };
  expect_error({{"services", "Cuisine"}}, "services");
  expect_error({{"lat", "43"}}, "lon");
  expect_error({{"lat", "91"}, {"lon", "0"}}, "lat");
  expect_error({{"rayon_km", "5"}}, "rayon_km");
  expect_error({{"bbox", "1,2,3"}}, "bbox");
  expect_error({{"tri", "distance"}}, "tri");
  expect_error({{"limite", "0"}}, "limite");
  expect_error({{"limite", "1001"}}, "limite");
  expect_error({{"ouvert_le", "2026-13-01T10:00"}}, "ouvert_le");
  expect_error({{"facettes", "couleur"}}, "facettes");
  expect_error({{"servics", "x"}}, "servics");
  expect_error({{"autour", "Atlantide-sur-Mer"}}, "autour");
  expect_error({{"departement", "00"}}, "departement");
  expect_error({{"q", std::string(300, 'a')}}, "q");
  std::optional<Query> ok;
  QueryError err;
  std::tie(ok, err) = parse_query({{"services", "aide aux demarches administratives"}}, t);
  ASSERT_TRUE(ok.has_value()) << err.message;
  EXPECT_EQ(ok->filters["services"][0], "Aide aux démarches administratives");
}

TEST(SearchFollow, AnImportIsSearchableWithinASecond) {
  testing::TempDir dir;
  std::string error;
  auto writer = store::open_sqlite(dir / "m.db", error);
  auto reader = store::open_sqlite(dir / "m.db", error);
  Service service(std::move(reader), territory::Reference::bundled());
  ASSERT_TRUE(service.build(error));
  service.start_following(std::chrono::milliseconds(50));
  exchange::import_file(testing::repo_dir() / "data/standard/exemple-valide.csv", writer.get(),
                        &territory::Reference::bundled(), {});
  Query q;
  q.text = "Anonymal";
  bool found = false;
  for (int i = 0; i < 20 && !found; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    found = service.read([&](const Index& idx) { return idx.search(q).total == 1; });
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace maillage::search
