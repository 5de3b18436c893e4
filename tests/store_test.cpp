// The SQLite store: migrations, idempotent upserts by fingerprint, the change log.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/migrations.h"
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

TEST(SqliteStore, ManualFieldsWinOverLaterHarvestsUntilReleased) {
  testing::TempDir dir;
  std::string error;
  auto store = open_sqlite(dir / "s.db", error);
  ASSERT_TRUE(store) << error;
  Status st;
  auto run = store->begin_run("src", "f.json", st);
  std::vector<Outcome> out;
  std::vector<StoredPlace> batch = {make("src", "a", "Médiathèque"), make("src", "b", "EPN")};
  batch[0].place[place::Field::kTelephone] = "+33100000000";
  ASSERT_TRUE(store->upsert(*run, batch, out).ok);

  using place::Field;
  ASSERT_TRUE(store->set_manual_fields("src", "a", {{Field::kTelephone, "+33299000000"}}, {}, "compte:7").ok);
  EXPECT_EQ(store->get("src", "a")->place[Field::kTelephone], "+33299000000");
  auto manual = store->manual_fields("src", "a");
  ASSERT_EQ(manual.size(), 1u);
  EXPECT_EQ(manual[0].field, Field::kTelephone);
  EXPECT_EQ(manual[0].actor, "compte:7");
  auto history = store->history("src", "a", 10);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].actor, "compte:7") << "the change log names who edited";
  EXPECT_EQ(history[1].actor, "");
  EXPECT_EQ(store->changes_since(history[0].seq - 1, 1).at(0).actor, "compte:7");

  // The same harvest again: nothing changes. A harvest with new values: they apply, except the
  // manual one.
  ASSERT_TRUE(store->upsert(*run, batch, out).ok);
  EXPECT_EQ(out[0], Outcome::kUnchanged);
  batch[0].place[Field::kNom] = "Médiathèque François-Mitterrand";
  batch[0].place[Field::kTelephone] = "+33111111111";
  ASSERT_TRUE(store->upsert(*run, batch, out).ok);
  EXPECT_EQ(out[0], Outcome::kUpdated);
  auto a = store->get("src", "a");
  EXPECT_EQ(a->place[Field::kNom], "Médiathèque François-Mitterrand");
  EXPECT_EQ(a->place[Field::kTelephone], "+33299000000");
  EXPECT_EQ(store->get("src", "b")->place[Field::kTelephone], "") << "other places untouched";

  // Released: the latest harvested value comes back.
  ASSERT_TRUE(store->set_manual_fields("src", "a", {}, {Field::kTelephone}, "compte:7").ok);
  EXPECT_TRUE(store->manual_fields("src", "a").empty());
  EXPECT_EQ(store->get("src", "a")->place[Field::kTelephone], "+33111111111");
  EXPECT_EQ(store->get("src", "a")->place[Field::kNom], "Médiathèque François-Mitterrand");

  EXPECT_FALSE(store->set_manual_fields("src", "zz", {{Field::kNom, "x"}}, {}, "compte:7").ok)
      << "an unknown place";
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

// A database written by schema 1 (the record in places and in change_log) is migrated on
// open; what the store returns is the same.
TEST(SqliteStore, SchemaOneDatabaseIsMigratedOnOpen) {
  testing::TempDir dir;
  auto path = dir / "v1.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::string sql =
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
        "applied_at TEXT NOT NULL);" +
        std::string(sqlite_migrations()[0].sql) +
        "INSERT INTO schema_migrations VALUES (1, 'v1', '2024-01-01T00:00:00.000Z');"
        "INSERT INTO raw_headers (id, header) VALUES (1, 'id,nom');"
        "INSERT INTO change_log (seq, at, op, source, place_id, run_id, record) VALUES "
        " (1, 't1', 'ajout', 's', 'a', 1, '{\"id\":\"a\",\"nom\":\"A\"}'),"
        " (2, 't1', 'ajout', 's', 'b', 1, '{\"id\":\"b\",\"nom\":\"B\"}'),"
        " (3, 't2', 'modification', 's', 'a', 2, '{\"id\":\"a\",\"nom\":\"A2\"}');"
        // b's stored record differs from its log entry: the migration must keep it.
        "INSERT INTO places (source, id, record, raw, raw_header_id, raw_format, raw_line, "
        " fingerprint, first_seen, updated_at, last_seq) VALUES "
        " ('s', 'a', '{\"id\":\"a\",\"nom\":\"A2\"}', 'a,A2', 1, 'csv', 2, x'00', 't1', 't2', 3),"
        " ('s', 'b', '{\"id\":\"b\",\"nom\":\"B9\"}', 'b,B9', 1, 'csv', 3, x'00', 't1', 't1', 2);";
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
    sqlite3_close(db);
  }
  std::string error;
  auto store = open_sqlite(path, error);
  ASSERT_TRUE(store) << error;
  auto a = store->get("s", "a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->place[place::Field::kNom], "A2");
  ASSERT_TRUE(a->raw_header);
  EXPECT_EQ(*a->raw_header, "id,nom");
  EXPECT_EQ(a->raw, "a,A2");
  auto b = store->get("s", "b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->place[place::Field::kNom], "B9");
  auto changes = store->changes_since(0, 10);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_NE(changes[0].record.find("\"A\""), std::string::npos);
  EXPECT_NE(changes[2].record.find("\"A2\""), std::string::npos);

  // New writes follow the log's sequence.
  Status st;
  auto run = store->begin_run("s", "f", st);
  std::vector<Outcome> out;
  std::vector<StoredPlace> batch = {make("s", "a", "A3"), make("s", "c", "C")};
  ASSERT_TRUE(store->upsert(*run, batch, out).ok);
  EXPECT_EQ(out, (std::vector<Outcome>{Outcome::kUpdated, Outcome::kAdded}));
  EXPECT_EQ(store->last_seq(), 5);
  EXPECT_EQ(store->get("s", "a")->place[place::Field::kNom], "A3");
  EXPECT_EQ(store->get("s", "a")->last_seq, 4);
  std::vector<std::string> names;
  ASSERT_TRUE(store->scan([&](const StoredPlace& p) { names.push_back(p.place[place::Field::kNom]); }).ok);
  EXPECT_EQ(names, (std::vector<std::string>{"A3", "B9", "C"}));
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
