// The SQLite store: migrations, idempotent upserts by fingerprint, the change log.
#include <gtest/gtest.h>

#include "store/store.h"
#include "support/test_support.h"

namespace maillage::store {
namespace {

StoredPlace make(std::string source, std::string id, std::string nom) {
  StoredPlace p;
  p.source = std::move(source);
  p.id = std::move(id);
  p.place[place::Field::kId] = p.id;
  p.place[place::Field::kNom] = std::move(nom);
  p.place[place::Field::kLatitude] = "45.5";
  p.raw = "{\"id\":\"" + p.id + "\"}";
  p.raw_format = "json";
  p.raw_line = 1;
  return p;
}

TEST(SqliteStore, UpsertIsIdempotentAndLogsEveryChange) {
  testing::TempDir dir;
  std::string error;
  auto store = open_sqlite(dir / "s.db", error);
  ASSERT_TRUE(store) << error;
  Status st;
  auto run = store->begin_run("src", "f.json", st);
  ASSERT_TRUE(run);
  std::vector<Outcome> out;
  std::vector<StoredPlace> batch = {make("src", "a", "A"), make("src", "b", "B")};
  ASSERT_TRUE(store->upsert(*run, batch, out).ok);
  EXPECT_EQ(out, (std::vector<Outcome>{Outcome::kAdded, Outcome::kAdded}));
  ASSERT_TRUE(store->upsert(*run, batch, out).ok);
  EXPECT_EQ(out, (std::vector<Outcome>{Outcome::kUnchanged, Outcome::kUnchanged}));
  EXPECT_EQ(store->last_seq(), 2);

  batch[1].place[place::Field::kNom] = "B2";
  ASSERT_TRUE(store->upsert(*run, batch, out).ok);
  EXPECT_EQ(out, (std::vector<Outcome>{Outcome::kUnchanged, Outcome::kUpdated}));

  auto changes = store->changes_since(0, 10);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[2].op, "modification");
  EXPECT_EQ(changes[2].place_id, "b");
  EXPECT_NE(changes[2].record.find("\"B2\""), std::string::npos);
  EXPECT_LT(changes[0].seq, changes[1].seq);
  EXPECT_EQ(store->changes_since(2, 10).size(), 1u);

  auto b = store->get("src", "b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->place[place::Field::kNom], "B2");
  EXPECT_EQ(b->last_seq, 3);
  EXPECT_EQ(b->status, "actif");
  EXPECT_FALSE(store->get("other", "b"));
}

TEST(SqliteStore, SameIdInTwoSourcesIsTwoPlacesWithQualifiedPublicIds) {
  testing::TempDir dir;
  std::string error;
  auto store = open_sqlite(dir / "s.db", error);
  Status st;
  auto run = store->begin_run("x", "f", st);
  std::vector<Outcome> out;
  std::vector<StoredPlace> batch = {make("s1", "0", "A"), make("s2", "0", "B"), make("s1", "z", "C")};
  ASSERT_TRUE(store->upsert(*run, batch, out).ok);
  EXPECT_EQ(store->count_active(), 3);
  std::vector<std::string> ids;
  ASSERT_TRUE(store->scan_public([&](const StoredPlace&, const std::string& id) { ids.push_back(id); }).ok);
  EXPECT_EQ(ids, (std::vector<std::string>{"s1:0", "s2:0", "z"}));
}

TEST(SqliteStore, ReopeningKeepsDataAndSchemaVersion) {
  testing::TempDir dir;
  std::string error;
  {
    auto store = open_sqlite(dir / "s.db", error);
    Status st;
    auto run = store->begin_run("src", "f", st);
    std::vector<Outcome> out;
    std::vector<StoredPlace> batch = {make("src", "a", "A")};
    ASSERT_TRUE(store->upsert(*run, batch, out).ok);
    ASSERT_TRUE(store->finish_run(*run, {1, 1, 0, 0, 0, 0}, "termine").ok);
  }
  auto store = open_sqlite(dir / "s.db", error);
  ASSERT_TRUE(store) << error;
  EXPECT_EQ(store->count_active(), 1);
  auto runs = store->runs(5);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, "termine");
  EXPECT_EQ(runs[0].counts.added, 1);
}

TEST(SqliteStore, UnwritableOrCorruptDatabaseGivesAFrenchError) {
  testing::TempDir dir;
  testing::write_file(dir / "bad.db", std::string(4096, 'x'));
  std::string error;
  EXPECT_FALSE(open_sqlite(dir / "bad.db", error));
  EXPECT_NE(error.find("base"), std::string::npos) << error;
  EXPECT_FALSE(open_sqlite(dir / "no/such/dir/x.db", error));
}

}  // namespace
}  // namespace maillage::store
