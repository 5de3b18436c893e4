// The search index on the real bundled places: text matching (accents, plurals, prefixes,
// typos), filters, facets, geography, paging, and following the change log.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <tuple>

#include <set>

#include "search/service.h"
#include "store/store.h"
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

// The start-up build (bulk, on three threads, postings written in runs) and place-by-place
// upserts, then removals and re-insertions (which unindex texts and filter values from the
// document's own record), must give the same answers.
TEST_F(SearchIndexTest, ABulkBuildAnswersAsPlaceByPlaceUpsertsDo) {
  std::string error;
  auto store = store::open_sqlite(bundled_->dir / "m.db", error);
  ASSERT_TRUE(store) << error;
  Index one_by_one(territory::Reference::bundled());
  std::vector<store::StoredPlace> places;
  ASSERT_TRUE(store->scan([&](const store::StoredPlace& p) { places.push_back(p); }).ok);
  for (const auto& p : places) one_by_one.upsert(p);
  // Every tenth place removed, then every twentieth put back.
  for (std::size_t i = 0; i < places.size(); i += 10) one_by_one.remove(places[i].source, places[i].id);
  for (std::size_t i = 0; i < places.size(); i += 20) one_by_one.upsert(places[i]);
  std::set<std::pair<std::string, std::string>> removed;
  for (std::size_t i = 10; i < places.size(); i += 20) removed.emplace(places[i].source, places[i].id);
  EXPECT_EQ(one_by_one.size(), places.size() - removed.size());

  auto answer = [&](const Index& index, const Query& q) {
    SearchResult r = index.search(q);
    std::vector<std::string> ids;
    for (const auto& h : r.hits) ids.emplace_back(index.document(h.doc)->public_id);
    return std::make_tuple(r.total, ids, r.facets);
  };
  const std::vector<std::multimap<std::string, std::string>> queries = {
      {{"q", "médiathèque"}, {"facettes", "services,frais_a_charge,departement,source"}},
      {{"q", "bibli"}, {"tri", "nom"}, {"limite", "50"}},
      {{"q", "acompagnement numerique"}},
      {{"services", "Aide aux démarches administratives"}, {"facettes", "typologie,region"}},
      {{"departement", "13"}, {"tri", "date_maj"}, {"limite", "100"}},
      {{"autour", "Marseille"}, {"rayon_km", "20"}, {"tri", "distance"}},
      {{"typologie", "BIB"}, {"facettes", "code_postal"}},
      {{"ouvert_le", "2026-12-01T10:00"}, {"facettes", "services"}},
  };
  for (const auto& params : queries) {
    const Query q = parse(params);
    // The removed places are absent from the incremental index only.
    const std::uint64_t total = one_by_one.search(q).total;
    const std::uint64_t bulk_total = service_->read([&](const Index& index) { return index.search(q).total; });
    std::uint64_t removed_matches = 0;
    service_->read([&](const Index& index) {
      Query all = q;
      all.limit = 1000;
      all.cursor.clear();
      for (std::string cursor;;) {
        all.cursor = cursor;
        SearchResult r = index.search(all);
        for (const auto& h : r.hits) {
          const Document* d = index.document(h.doc);
          removed_matches += removed.count({std::string(d->source), std::string(d->id)});
        }
        if (r.next_cursor.empty()) break;
        cursor = r.next_cursor;
      }
      return 0;
    });
    EXPECT_EQ(total + removed_matches, bulk_total) << params.begin()->second;
  }
  // With the same places, the same answers, facets included; the places put back have no
  // sort rank yet and compare by their strings with the ranked ones.
  one_by_one.rank();
  EXPECT_EQ(one_by_one.unranked(), 0u);
  for (std::size_t i = 10; i < places.size(); i += 20) one_by_one.upsert(places[i]);
  // (and so do the places whose public id they changed, "source:id" when an id is shared)
  EXPECT_GE(one_by_one.unranked(), removed.size());
  for (const auto& params : queries) {
    const Query q = parse(params);
    auto incremental = answer(one_by_one, q);
    auto bulk = service_->read([&](const Index& index) { return answer(index, q); });
    EXPECT_EQ(std::get<0>(incremental), std::get<0>(bulk)) << params.begin()->second;
    EXPECT_EQ(std::get<1>(incremental), std::get<1>(bulk)) << params.begin()->second;
    EXPECT_EQ(std::get<2>(incremental), std::get<2>(bulk)) << params.begin()->second;
  }
}

// A query ordered by name or date alone reads its first places from the rank lists. Through
// removals, re-insertions and renames after the ranking (stale entries, unranked places that
// compare by their strings), paging in small pages must give every match once, in the order
// of a full sort of the keys.
TEST_F(SearchIndexTest, RankListPagesGiveEveryMatchInFullSortOrder) {
  std::string error;
  auto store = store::open_sqlite(bundled_->dir / "m.db", error);
  ASSERT_TRUE(store) << error;
  std::vector<store::StoredPlace> places;
  ASSERT_TRUE(store->scan([&](const store::StoredPlace& p) { places.push_back(p); }).ok);
  Index index(territory::Reference::bundled());
  for (const auto& p : places) index.upsert(p);
  index.rank();
  ASSERT_EQ(index.unranked(), 0u);
  for (std::size_t i = 0; i < places.size(); i += 7) index.remove(places[i].source, places[i].id);
  for (std::size_t i = 0; i < places.size(); i += 14) index.upsert(places[i]);
  // Renamed: to the front, to the back, and to a name some ranked place already has.
  for (std::size_t i = 3; i < places.size(); i += 11) {
    auto p = places[i];
    p.place[place::Field::kNom] = i % 3 == 0   ? "AAA " + p.place[place::Field::kNom]
                                  : i % 3 == 1 ? "zzz " + p.place[place::Field::kNom]
                                               : places[i + 1 < places.size() ? i + 1 : 0].place[place::Field::kNom];
    p.place[place::Field::kDateMaj] = i % 2 ? "2020-01-01" : "2026-11-01";
    index.upsert(p);
  }
  EXPECT_GT(index.unranked(), places.size() / 10);
  const std::vector<std::multimap<std::string, std::string>> queries = {
      {{"departement", "16"}},
      {{"departement", "13"}, {"tri", "nom"}},
      {{"services", "Aide aux démarches administratives"}, {"tri", "date_maj"}},
      {{"typologie", "BIB"}, {"autour", "Angoulême"}, {"tri", "nom"}},
      {{"frais_a_charge", "Gratuit"}},
      {},
  };
  for (auto params : queries) {
    const bool by_date = params.count("tri") && params.find("tri")->second == "date_maj";
    // Every match, once: paged in distance order from a point (iterated, not read from the
    // rank lists), then sorted by key.
    auto all = params;
    all.erase("tri");
    all.erase("autour");
    all.emplace("lat", "46.6");
    all.emplace("lon", "2.4");
    all.emplace("tri", "distance");
    all.emplace("limite", "1000");
    Query q = parse(all);
    std::vector<std::pair<std::string, std::string>> expected;
    for (std::string cursor;;) {
      q.cursor = cursor;
      const SearchResult r = index.search(q);
      for (const auto& h : r.hits) {
        const Document* d = index.document(h.doc);
        if (params.count("autour") && !d->has_position) continue;
        expected.emplace_back(std::string(by_date ? d->date_key : d->name_key), std::string(d->public_id));
      }
      if (r.next_cursor.empty()) break;
      cursor = r.next_cursor;
    }
    if (params.count("autour")) expected.clear();  // compared by themselves below
    std::sort(expected.begin(), expected.end());
    params.emplace("limite", "7");
    q = parse(params);
    std::vector<std::pair<std::string, std::string>> paged;
    std::uint64_t total = 0;
    for (std::string cursor;;) {
      q.cursor = cursor;
      const SearchResult r = index.search(q);
      total = r.total;
      for (const auto& h : r.hits) {
        const Document* d = index.document(h.doc);
        paged.emplace_back(std::string(by_date ? d->date_key : d->name_key), std::string(d->public_id));
      }
      if (r.next_cursor.empty()) break;
      ASSERT_EQ(r.hits.size(), 7u);
      cursor = r.next_cursor;
    }
    const std::string label = params.empty() ? "(tout)" : params.begin()->second;
    EXPECT_EQ(paged.size(), total) << label;
    EXPECT_TRUE(std::is_sorted(paged.begin(), paged.end())) << label;
    EXPECT_EQ(std::set(paged.begin(), paged.end()).size(), paged.size()) << label;
    if (!params.count("autour")) {
      EXPECT_EQ(paged, expected) << label;
    }
    EXPECT_GT(total, 7u) << label;
  }
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
