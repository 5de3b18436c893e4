// Deduplication end to end on small hand-made sources: evidence of a pair (abbreviations,
// accents, generic identifiers, kinds of place, buses), the merged place and its provenance,
// administrators' decisions that survive later runs, withdrawals, and what search shows
// (merged places by default, every source record with doublons=inclure).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "exchange/importer.h"
#include "federation/dedup.h"
#include "search/index.h"
#include "search/query.h"
#include "search/service.h"
#include "store/provenance.h"
#include "store/store.h"
#include "support/test_support.h"
#include "territory/reference.h"

namespace maillage {
namespace {

using place::Field;

store::StoredPlace make(const std::string& source, const std::string& id, const std::string& name,
                        const std::string& address, double lat, double lon,
                        const std::string& date = "2024-01-10") {
  store::StoredPlace p;
  p.source = source;
  p.id = id;
  p.place[Field::kId] = id;
  p.place[Field::kPivot] = "43493312300029";
  p.place[Field::kNom] = name;
  p.place[Field::kAdresse] = address;
  p.place[Field::kCommune] = "Angers";
  p.place[Field::kCodePostal] = "49000";
  p.place[Field::kCodeInsee] = "49007";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.5f", lat);
  p.place[Field::kLatitude] = buf;
  std::snprintf(buf, sizeof buf, "%.5f", lon);
  p.place[Field::kLongitude] = buf;
  p.place[Field::kDateMaj] = date;
  p.place[Field::kSource] = source;
  p.raw = "{}";
  p.raw_format = "json";
  return p;
}

double score(const store::StoredPlace& a, const store::StoredPlace& b,
             const std::vector<store::StoredPlace>& corpus) {
  std::vector<federation::MatchRecord> records;
  for (const auto& p : corpus) records.push_back(federation::match_record(p));
  federation::MatchStats stats(records);
  return federation::score_pair(federation::match_record(a), federation::match_record(b), stats).score;
}

TEST(DedupScore, SpellingsOfOnePlaceMatch) {
  auto a = make("s1", "1", "Médiathèque Toussaint", "49 rue Toussaint", 47.4700, -0.5550);
  auto b = make("s2", "x", "MEDIATHEQUE TOUSSAINT", "49, r. Toussaint", 47.4701, -0.5551);
  auto c = make("s3", "y", "Bibliothèque Toussaint", "49 rue Toussaint", 47.4700, -0.5550);
  std::vector<store::StoredPlace> corpus = {a, b, c};
  EXPECT_GT(score(a, b, corpus), 0.9);
  EXPECT_GT(score(a, c, corpus), 0.9);  // a library is a médiathèque
  auto d = make("s2", "z", "Maison de services au public d'Angers", "12 av. Jean Jaurès", 47.48, -0.56);
  auto e = make("s1", "2", "France Services Angers", "12 avenue Jean-Jaurès", 47.4801, -0.5601);
  corpus = {a, b, c, d, e};
  EXPECT_GT(score(d, e, corpus), 0.7);  // the MSAP became France Services
}

TEST(DedupScore, DifferentPlacesInOneBuildingOrStreetDoNotMatch) {
  auto lib = make("s1", "1", "Médiathèque de la Roseraie", "3 place Jean XXIII", 47.45, -0.55);
  auto hall = make("s2", "2", "Mairie de quartier de la Roseraie", "3 place Jean XXIII", 47.45, -0.55);
  auto bus = make("s2", "3", "Bus France Services de la Roseraie", "3 place Jean XXIII", 47.45, -0.55);
  auto fs = make("s1", "4", "France Services de la Roseraie", "3 place Jean XXIII", 47.45, -0.55);
  auto far = make("s2", "5", "France Services de la Roseraie", "80 rue de Létanduère", 47.47, -0.52);
  std::vector<store::StoredPlace> corpus = {lib, hall, bus, fs, far};
  EXPECT_LT(score(lib, hall, corpus), 0.3);  // two kinds of structure
  EXPECT_LT(score(bus, fs, corpus), 0.5);    // a bus is not its base
  EXPECT_LT(score(fs, far, corpus), 0.62);   // another address, 3 km away
}

TEST(DedupScore, IdentifiersSharedByManyPlacesProveNothing) {
  std::vector<store::StoredPlace> corpus;
  for (int i = 0; i < 10; ++i) {
    auto p = make("s" + std::to_string(i), std::to_string(i), "Espace numérique " + std::to_string(i),
                  std::to_string(i + 1) + " rue Lenepveu", 47.47 + i * 0.01, -0.55);
    p.place[Field::kSiteWeb] = "https://www.angers.fr/";
    corpus.push_back(p);
  }
  std::vector<federation::MatchRecord> records;
  for (const auto& p : corpus) records.push_back(federation::match_record(p));
  federation::MatchStats stats(records);
  EXPECT_TRUE(stats.generic("w:angers.fr"));
  auto e = federation::score_pair(records[0], records[1], stats);
  EXPECT_FALSE(e.same_web);
}

// The ids a search for every place finds, sorted; with `include`, the merged places' members
// instead of the merged places (doublons=inclure).
std::vector<std::string> found_ids(search::Service& service, bool include) {
  search::Query q;
  q.include_duplicates = include;
  q.limit = 50;
  return service.read([&](const search::Index& index) {
    std::vector<std::string> out;
    for (const auto& h : index.search(q).hits)
      out.push_back(std::string(index.document(h.doc)->id));
    std::sort(out.begin(), out.end());
    return out;
  });
}

class DedupStore : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    store_ = store::open_sqlite(dir_ / "m.db", error);
    ASSERT_TRUE(store_) << error;
  }
  void put(std::vector<store::StoredPlace> places) {
    store::Status st;
    auto run = store_->begin_run(places.front().source, "test", st);
    ASSERT_TRUE(run);
    std::vector<store::Outcome> out;
    ASSERT_TRUE(store_->upsert(*run, places, out).ok);
  }
  std::vector<store::StoredPlace> merged() {
    std::vector<store::StoredPlace> out;
    store_->scan([&](const store::StoredPlace& p) {
      if (p.source == store::kFusionSource) out.push_back(p);
    });
    return out;
  }
  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(DedupStore, MergedPlaceTakesEachFieldFromTheBestMember) {
  auto old_rec = make("annuaire-2020", "a", "Médiathèque Toussaint", "49 rue Toussaint", 47.47, -0.555, "2020-06-01");
  old_rec.place[Field::kTelephone] = "+33241000000";
  old_rec.place[Field::kHoraires] = "Mo-Fr 09:00-12:00";
  auto new_rec = make("annuaire-2024", "b", "Médiathèque Toussaint", "49 rue Toussaint", 47.4701, -0.5551, "2024-03-01");
  new_rec.place[Field::kHoraires] = "Tu-Sa 10:00-18:00";
  put({old_rec});
  put({new_rec});
  auto r = federation::deduplicate(*store_);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.clusters, 1);
  EXPECT_EQ(r.added, 1);
  auto m = merged();
  ASSERT_EQ(m.size(), 1u);
  const auto& p = m[0].place;
  EXPECT_EQ(p[Field::kId], m[0].id);
  EXPECT_EQ(m[0].id.rfind("fusion-", 0), 0u);
  EXPECT_EQ(p[Field::kHoraires], "Tu-Sa 10:00-18:00");  // the freshest
  EXPECT_EQ(p[Field::kTelephone], "+33241000000");     // only the older one has it
  EXPECT_EQ(p[Field::kDateMaj], "2024-03-01");
  EXPECT_EQ(p[Field::kSource], "annuaire-2020, annuaire-2024");
  auto prov = nlohmann::json::parse(m[0].raw);
  EXPECT_EQ(prov["membres"].size(), 2u);
  EXPECT_EQ(prov["champs"]["horaires"], 1);   // annuaire-2024 (members sorted by source)
  EXPECT_EQ(prov["champs"]["telephone"], 0);
  EXPECT_EQ(store::provenance_members(m[0].raw).size(), 2u);

  // Run again: nothing changes; the id is stable.
  r = federation::deduplicate(*store_);
  EXPECT_EQ(r.unchanged, 1);
  EXPECT_EQ(r.added + r.updated + r.withdrawn, 0);
  EXPECT_EQ(merged()[0].id, m[0].id);
}

TEST_F(DedupStore, ADateGivenByTheHarvestDoesNotMakeARecordFresh) {
  // A source without dates is dated by its file: the day it is harvested.
  const std::string today = exchange::today_utc();
  auto undated = make("bibliotheques", "a", "Médiathèque Toussaint", "49 rue Toussaint", 47.47, -0.555, today);
  undated.place[Field::kHoraires] = "Mo 10:00-12:00";
  auto dated = make("annuaire-2024", "b", "Médiathèque Toussaint", "49 rue Toussaint", 47.47, -0.555, "2024-03-01");
  dated.place[Field::kHoraires] = "Tu-Sa 10:00-18:00";
  put({undated});
  put({dated});
  ASSERT_EQ(federation::deduplicate(*store_).clusters, 1);
  auto m = merged();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].place[Field::kHoraires], "Tu-Sa 10:00-18:00");
  EXPECT_EQ(m[0].place[Field::kDateMaj], "2024-03-01");
}

TEST_F(DedupStore, DecisionsOfAdministratorsSurviveLaterRuns) {
  auto a = make("s1", "a", "Médiathèque Toussaint", "49 rue Toussaint", 47.47, -0.555);
  auto b = make("s2", "b", "Médiathèque Toussaint", "49 rue Toussaint", 47.47, -0.555);
  auto c = make("s3", "c", "Point numérique du quartier", "2 rue Lenepveu", 47.48, -0.55);
  put({a});
  put({b});
  put({c});
  EXPECT_EQ(federation::deduplicate(*store_).clusters, 1);
  // Split: a and b stay apart; the merged place is withdrawn.
  ASSERT_TRUE(store_->put_merge_decision({"s1", "a", "s2", "b", "separer", "admin", "deux sites", ""}).ok);
  auto r = federation::deduplicate(*store_);
  EXPECT_EQ(r.clusters, 0);
  EXPECT_EQ(r.withdrawn, 1);
  EXPECT_TRUE(merged().empty());
  // A later run (a new harvest) does not undo it.
  b.place[Field::kTelephone] = "+33241000001";
  put({b});
  EXPECT_EQ(federation::deduplicate(*store_).clusters, 0);
  // Force: c is merged with a whatever the score.
  ASSERT_TRUE(store_->put_merge_decision({"s3", "c", "s1", "a", "fusionner", "admin", "", ""}).ok);
  EXPECT_EQ(federation::deduplicate(*store_).clusters, 1);
  auto m = merged();
  ASSERT_EQ(m.size(), 1u);
  auto members = store::provenance_members(m[0].raw);
  EXPECT_EQ(members, (std::vector<std::pair<std::string, std::string>>{{"s1", "a"}, {"s3", "c"}}));
  auto decisions = store_->merge_decisions();
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions[1].source_a, "s1");  // stored in key order: (s3, c) ~ (s1, a) as (s1, a) ~ (s3, c)
  EXPECT_EQ(decisions[1].source_b, "s3");
  EXPECT_EQ(decisions[1].decision, "fusionner");
  ASSERT_TRUE(store_->remove_merge_decision("s2", "b", "s1", "a").ok);
  EXPECT_FALSE(store_->remove_merge_decision("s2", "b", "s1", "a").ok);
}

TEST_F(DedupStore, AMemberWithdrawnDissolvesItsMergedPlace) {
  put({make("s1", "a", "Médiathèque Toussaint", "49 rue Toussaint", 47.47, -0.555)});
  put({make("s2", "b", "Médiathèque Toussaint", "49 rue Toussaint", 47.47, -0.555)});
  ASSERT_EQ(federation::deduplicate(*store_).clusters, 1);
  std::int64_t withdrawn = 0;
  store::Status st;
  auto run = store_->begin_run("s2", "test", st);
  ASSERT_TRUE(store_->withdraw_missing(*run, "s2", {}, false, withdrawn).ok);
  EXPECT_EQ(withdrawn, 1);
  auto r = federation::deduplicate(*store_);
  EXPECT_EQ(r.withdrawn, 1);
  EXPECT_TRUE(merged().empty());
}

TEST_F(DedupStore, SearchShowsMergedPlacesOrEverySourceRecord) {
  put({make("s1", "a", "Médiathèque Toussaint", "49 rue Toussaint", 47.47, -0.555)});
  put({make("s2", "b", "Médiathèque Toussaint", "49 rue Toussaint", 47.47, -0.555)});
  put({make("s2", "c", "Point numérique Lenepveu", "2 rue Lenepveu", 47.48, -0.55)});
  std::string error;
  search::Service service(store::open_sqlite(dir_ / "m.db", error), territory::Reference::bundled());
  ASSERT_TRUE(service.build(error)) << error;
  service.start_following(std::chrono::milliseconds(20));
  auto ids = [&](bool include) { return found_ids(service, include); };
  EXPECT_EQ(ids(false), (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(federation::deduplicate(*store_).clusters, 1);
  const std::string fusion = merged()[0].id;
  std::vector<std::string> expected = {"c", fusion};
  std::sort(expected.begin(), expected.end());
  bool ok = false;
  for (int i = 0; i < 100 && !ok; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ok = ids(false) == expected;
  }
  EXPECT_TRUE(ok);
  EXPECT_EQ(ids(true), (std::vector<std::string>{"a", "b", "c"}));
  // The merged place is found under each member's source, and knows its members.
  search::Query q;
  q.filters["source"] = {"s1"};
  struct Seen {
    std::uint64_t total = 0;
    std::string id;
    std::size_t members = 0;
    bool back_links = true;
  };
  Seen seen = service.read([&](const search::Index& index) {
    Seen s;
    auto r = index.search(q);
    s.total = r.total;
    if (r.hits.empty()) return s;
    const auto* d = index.document(r.hits[0].doc);
    s.id = d->id;
    s.members = index.members_of(*d).size();
    for (const auto* m : index.members_of(*d)) s.back_links &= index.merged_into(*m) == d;
    return s;
  });
  EXPECT_EQ(seen.total, 1u);
  EXPECT_EQ(seen.id, fusion);
  EXPECT_EQ(seen.members, 2u);
  EXPECT_TRUE(seen.back_links);
}

// A build at start-up numbers places in space order, not in the store's: merged places and
// their members may come in any order, and the search must hide the members all the same.
TEST_F(DedupStore, BuildAtStartUpHidesMembersWhateverTheirOrder) {
  // North-east of each other: the Z-order key grows with both coordinates, so a merged place
  // placed anywhere between its members comes before the second one.
  put({make("s1", "a", "Médiathèque Toussaint", "49 rue Toussaint", 47.4700, -0.5550)});
  put({make("s2", "b", "Médiathèque Toussaint", "49 rue Toussaint", 47.4701, -0.5549)});
  put({make("s2", "c", "Point numérique Lenepveu", "2 rue Lenepveu", 47.4801, -0.5499)});
  put({make("s3", "d", "Point numérique Lenepveu", "2 rue Lenepveu", 47.48, -0.55)});
  ASSERT_EQ(federation::deduplicate(*store_).clusters, 2);
  std::vector<std::string> merged_ids;
  for (const auto& m : merged()) merged_ids.push_back(m.id);
  std::sort(merged_ids.begin(), merged_ids.end());
  std::string error;
  search::Service service(store::open_sqlite(dir_ / "m.db", error),
                          territory::Reference::bundled());
  ASSERT_TRUE(service.build(error)) << error;
  auto ids = [&](bool include) { return found_ids(service, include); };
  EXPECT_EQ(ids(false), merged_ids);
  EXPECT_EQ(ids(true), (std::vector<std::string>{"a", "b", "c", "d"}));
}

}  // namespace
}  // namespace maillage
