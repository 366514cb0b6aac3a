// SchemaTracker over a real embedded index: which names a table map gets per
// writer flavor (MySQL 8 leaves VIRTUAL columns out of the row image), and DDL
// turning into exactly one stored version however often it is met.
#include "stream/schema_tracker.h"

#include <gtest/gtest.h>

#include "../index/temp_dir.h"
#include "schema/ddl.h"

namespace dbtrail::stream {
namespace {

std::unique_ptr<index::Store> store_with(const testing::TempDir& dir, const char* create) {
  auto s = index::open_store("sqlite:" + dir.path());
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(s.value()->init().ok());
  schema::Snapshot snap;
  EXPECT_TRUE(schema::apply_ddl(snap, create, "db"));
  index::SchemaSnapshot stored;
  stored.binlog_file = "bin.000001";
  stored.position = 4;
  stored.json = schema::to_json(snap);
  EXPECT_TRUE(s.value()->save_schema_snapshot(stored).ok());
  return std::move(s.value());
}

binlog::TableMap table_map(std::vector<uint8_t> types) {
  binlog::TableMap t;
  t.schema = "db";
  t.table = "t";
  for (uint8_t ty : types) {
    binlog::ColumnDef c;
    c.type = ty;
    t.columns.push_back(c);
  }
  return t;
}

std::vector<std::string> names(const binlog::TableMap& t) {
  std::vector<std::string> out;
  for (const auto& c : t.columns) out.push_back(c.name);
  return out;
}

TEST(SchemaTracker, VirtualColumnsByFlavor) {
  testing::TempDir dir;
  auto store = store_with(dir,
                          "CREATE TABLE t (id int primary key, v int as (id+1) virtual, "
                          "s varchar(5))");
  auto tr = SchemaTracker::load(*store, nullptr);
  ASSERT_TRUE(tr.ok());
  tr.value()->start_file("bin.000001");
  using namespace binlog;
  // MySQL 8: the image holds id and s only.
  auto my = table_map({kTypeLong, kTypeVarchar});
  tr.value()->resolve(my, false);
  EXPECT_EQ(names(my), (std::vector<std::string>{"id", "s"}));
  EXPECT_EQ(my.primary_key, (std::vector<uint32_t>{0}));
  // MariaDB: all three.
  auto maria = table_map({kTypeLong, kTypeLong, kTypeVarchar});
  tr.value()->resolve(maria, true);
  EXPECT_EQ(names(maria), (std::vector<std::string>{"id", "v", "s"}));
  // A trailing binlog column the version lacks is taken for a hidden one: unnamed.
  auto wrong = table_map({kTypeLong, kTypeVarchar, kTypeLong});
  tr.value()->resolve(wrong, false);
  EXPECT_EQ(names(wrong), (std::vector<std::string>{"id", "s", ""}));
  // Read as MariaDB, a MySQL image is a column short: no names rather than shifted ones.
  auto shifted = table_map({kTypeLong, kTypeVarchar});
  tr.value()->resolve(shifted, true);
  EXPECT_EQ(names(shifted), (std::vector<std::string>{"", ""}));
}

TEST(SchemaTracker, DdlMakesOneVersionEvenWhenMetTwice) {
  testing::TempDir dir;
  auto store = store_with(dir, "CREATE TABLE t (id int primary key)");
  const char* ddl = "ALTER TABLE t ADD COLUMN c varchar(10)";
  for (int run = 0; run < 2; ++run) {
    auto tr = SchemaTracker::load(*store, nullptr);
    ASSERT_TRUE(tr.ok());
    tr.value()->start_file("bin.000001");
    EXPECT_EQ(tr.value()->version(), 1u);
    binlog::QueryInfo q{"db", ddl, 100, 200, 0, 0};
    ASSERT_TRUE(tr.value()->on_query(q, "0-1-2").ok());
    EXPECT_EQ(tr.value()->version(), 2u);
    EXPECT_EQ(tr.value()->versions_created(), run == 0 ? 1u : 0u);
    auto m = table_map({binlog::kTypeLong, binlog::kTypeVarchar});
    tr.value()->resolve(m, true);
    EXPECT_EQ(names(m), (std::vector<std::string>{"id", "c"}));
    // Not DDL: no version.
    binlog::QueryInfo dml{"db", "INSERT INTO t VALUES (1, 'x')", 300, 400, 0, 0};
    ASSERT_TRUE(tr.value()->on_query(dml, "").ok());
    EXPECT_EQ(tr.value()->version(), 2u);
  }
  auto snaps = store->schema_snapshots();
  ASSERT_TRUE(snaps.ok());
  ASSERT_EQ(snaps.value().size(), 2u);
  EXPECT_EQ(snaps.value()[1].position, 200u);
  EXPECT_NE(snaps.value()[1].json.find("\"gtid\":\"0-1-2\""), std::string::npos);
  // A new file starts with the latest version.
  auto tr = SchemaTracker::load(*store, nullptr);
  tr.value()->start_file("bin.000002");
  EXPECT_EQ(tr.value()->version(), 2u);
  // One schema_changes row for the DDL met twice, naming the version it started.
  auto changes = store->schema_changes();
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes.value().size(), 1u);
  const index::SchemaChange& c = changes.value()[0];
  EXPECT_EQ(c.binlog_file, "bin.000001");
  EXPECT_EQ(c.position, 100u);
  EXPECT_EQ(c.gtid, "0-1-2");
  EXPECT_EQ(c.schema, "db");
  EXPECT_EQ(c.table, "t");
  EXPECT_EQ(c.ddl_type, "ALTER");
  EXPECT_EQ(c.ddl, ddl);
  EXPECT_EQ(c.schema_version, 2u);
}

// A stream resumed at a checkpoint between DDLs (the later one's version was
// stored before a kill -9, its checkpoint not): rows there are named with the
// version valid at the checkpoint, and meeting the later DDL again reuses it.
TEST(SchemaTracker, ResumeAtACheckpointUsesTheVersionValidThere) {
  testing::TempDir dir;
  auto store = store_with(dir, "CREATE TABLE t (id int primary key, a int)");
  {
    auto tr = SchemaTracker::load(*store, nullptr);
    ASSERT_TRUE(tr.ok());
    tr.value()->move_to("bin.000001", 4);
    binlog::QueryInfo add{"db", "ALTER TABLE t ADD COLUMN b int", 100, 200, 0, 0};
    ASSERT_TRUE(tr.value()->on_query(add, "0-1-2").ok());
    binlog::QueryInfo ren{"db", "ALTER TABLE t RENAME COLUMN a TO a2", 500, 600, 0, 0};
    ASSERT_TRUE(tr.value()->on_query(ren, "0-1-4").ok());
    EXPECT_EQ(tr.value()->version(), 3u);
  }
  auto tr = SchemaTracker::load(*store, nullptr);
  ASSERT_TRUE(tr.ok());
  tr.value()->move_to("bin.000001", 300);  // the checkpoint
  EXPECT_EQ(tr.value()->version(), 2u);
  auto m = table_map({binlog::kTypeLong, binlog::kTypeLong, binlog::kTypeLong});
  tr.value()->resolve(m, true);
  EXPECT_EQ(names(m), (std::vector<std::string>{"id", "a", "b"}));
  EXPECT_EQ(m.primary_key, (std::vector<uint32_t>{0}));
  binlog::QueryInfo ren{"db", "ALTER TABLE t RENAME COLUMN a TO a2", 500, 600, 0, 0};
  ASSERT_TRUE(tr.value()->on_query(ren, "0-1-4").ok());
  EXPECT_EQ(tr.value()->version(), 3u);
  EXPECT_EQ(tr.value()->versions_created(), 0u);
  auto m2 = table_map({binlog::kTypeLong, binlog::kTypeLong, binlog::kTypeLong});
  tr.value()->resolve(m2, true);
  EXPECT_EQ(names(m2), (std::vector<std::string>{"id", "a2", "b"}));
  auto changes = store->schema_changes();
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes.value().size(), 2u);
}

TEST(SchemaTracker, FilterKeepsOtherTablesDdlOut) {
  testing::TempDir dir;
  auto store = store_with(dir, "CREATE TABLE t (id int primary key)");
  auto tr = SchemaTracker::load(*store, nullptr);
  ASSERT_TRUE(tr.ok());
  tr.value()->set_filter([](const std::string& db, const std::string&) { return db == "db"; });
  tr.value()->start_file("bin.000001");
  binlog::QueryInfo other{"x", "CREATE TABLE u (id int)", 100, 200, 0, 0};
  ASSERT_TRUE(tr.value()->on_query(other, "").ok());
  EXPECT_EQ(tr.value()->version(), 1u);
  // Renamed into a wanted schema: it concerns a wanted table.
  binlog::QueryInfo in{"x", "RENAME TABLE x.u TO db.u", 300, 400, 0, 0};
  ASSERT_TRUE(tr.value()->on_query(in, "").ok());
  EXPECT_EQ(tr.value()->version(), 2u);
  auto changes = store->schema_changes();
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes.value().size(), 1u);
  EXPECT_EQ(changes.value()[0].ddl_type, "RENAME");
}

}  // namespace
}  // namespace dbtrail::stream
