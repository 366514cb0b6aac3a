#include "index/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "index/partition_name.h"
#include "index/sqlite/sqlite_db.h"
#include "index/store.h"
#include "schema_changes_contract.h"
#include "temp_dir.h"
#include "test_checkpoint.h"
#include "util/sha256.h"

namespace dbtrail::index {
namespace {

constexpr int64_t kHour0 = 1764097200;  // 2025-11-25T19:00:00Z

ChangeRecord change(std::string pk, ChangeType type, int64_t t, std::string table = "t") {
  ChangeRecord c;
  c.binlog_file = "mysql-bin.000001";
  c.start_pos = 100;
  c.end_pos = 200;
  c.event_time = t;
  c.gtid = "3e11fa47-71ca-11e1-9e33-c80aa9429562:" + pk;
  c.connection_id = 42;
  c.schema = "shop";
  c.table = std::move(table);
  c.type = type;
  c.pk_values = pk;
  std::string id = pk.find('|') == std::string::npos ? pk : "\"" + pk + "\"";
  if (type != ChangeType::kInsert) c.row_before = "{\"id\":" + id + ",\"name\":\"old\"}";
  if (type != ChangeType::kDelete) c.row_after = "{\"id\":" + id + ",\"name\":\"new|x\"}";
  if (type == ChangeType::kUpdate) c.changed_columns = {"name"};
  return c;
}

Checkpoint cp(uint64_t pos) {
  Checkpoint c = testing::checkpoint_at(pos);
  c.gtid_set = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-" + std::to_string(pos);
  return c;
}

QueryFilter all(std::string table = "t") {
  QueryFilter f;
  f.schema = "shop";
  f.table = std::move(table);
  f.limit = 1000000;
  return f;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = open_store("sqlite:" + dir_.path());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s.value());
    ASSERT_TRUE(store_->init().ok());
  }
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, InitTwiceIsHarmless) {
  EXPECT_TRUE(store_->init().ok());
  auto again = open_store("sqlite:" + dir_.path());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.value()->init().ok());
}

TEST_F(SqliteStoreTest, EventIdsIncreaseAcrossPartitionsAndReadBackWhole) {
  // One batch over three hours, out of time order: ids follow batch order.
  std::vector<ChangeRecord> b = {change("1", ChangeType::kInsert, kHour0 + 7300),
                                 change("2", ChangeType::kUpdate, kHour0 + 10),
                                 change("3", ChangeType::kDelete, kHour0 + 3700)};
  ASSERT_TRUE(store_->write_batch(b, cp(1)).ok());
  EXPECT_EQ(b[0].event_id, 1u);
  EXPECT_EQ(b[2].event_id, 3u);
  std::vector<ChangeRecord> b2 = {change("4", ChangeType::kInsert, kHour0)};
  ASSERT_TRUE(store_->write_batch(b2, cp(2)).ok());
  EXPECT_EQ(b2[0].event_id, 4u);

  auto r = store_->query(all());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 4u);
  // Oldest partition first, ids ascending within it.
  EXPECT_EQ((*r)[0].pk_values, "2");
  EXPECT_EQ((*r)[1].pk_values, "4");
  const ChangeRecord& u = (*r)[0];
  EXPECT_EQ(u.type, ChangeType::kUpdate);
  EXPECT_EQ(u.row_before.value(), "{\"id\":2,\"name\":\"old\"}");
  EXPECT_EQ(u.row_after.value(), "{\"id\":2,\"name\":\"new|x\"}");
  EXPECT_EQ(u.changed_columns, std::vector<std::string>{"name"});
  EXPECT_EQ(u.connection_id.value(), 42u);
  EXPECT_EQ(u.gtid, "3e11fa47-71ca-11e1-9e33-c80aa9429562:2");
  EXPECT_EQ(u.event_time, kHour0 + 10);
  EXPECT_FALSE((*r)[2].row_after.has_value());  // the DELETE

  auto c = store_->load_checkpoint("src1");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.value().has_value());
  EXPECT_EQ(c.value()->position, 2u);
  auto none = store_->load_checkpoint("other");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.value().has_value());
}

// Partition files written before format 2 carry pk_hash (SHA-256 hex of
// pk_values) and index it: they stay queryable by key and writable.
TEST_F(SqliteStoreTest, FormatOnePartitionStaysReadableAndWritable) {
  const std::string path = dir_.path() + "/" + partition_name(kHour0) + ".db";
  {
    auto db = sqlite::Db::open(path, true);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec(
        "CREATE TABLE binlog_events(event_id INTEGER PRIMARY KEY, binlog_file TEXT NOT NULL, "
        "start_pos INTEGER NOT NULL, end_pos INTEGER NOT NULL, event_timestamp INTEGER NOT NULL, "
        "gtid TEXT, connection_id INTEGER, schema_name TEXT NOT NULL, table_name TEXT NOT NULL, "
        "event_type INTEGER NOT NULL, pk_values TEXT NOT NULL, pk_hash TEXT NOT NULL, "
        "changed_columns TEXT, row_before TEXT, row_after TEXT, schema_version INTEGER NOT NULL);"
        "CREATE INDEX idx_pk ON binlog_events(schema_name, table_name, pk_hash);")
                    .ok());
  }
  std::vector<ChangeRecord> b = {change("7", ChangeType::kInsert, kHour0 + 5),
                                 change("8", ChangeType::kUpdate, kHour0 + 6)};
  ASSERT_TRUE(store_->write_batch(b, cp(1)).ok());
  QueryFilter f = all();
  f.pk = "8";
  auto r = store_->query(f);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].changed_columns, std::vector<std::string>{"name"});
  auto db = sqlite::Db::open(path, false);
  ASSERT_TRUE(db.ok());
  auto st = db->prepare("SELECT pk_hash FROM binlog_events WHERE pk_values = '7'");
  ASSERT_TRUE(st.ok());
  auto row = st->step();
  ASSERT_TRUE(row.ok() && row.value());
  EXPECT_EQ(st->col_text(0), sha256_hex("7"));
}

TEST_F(SqliteStoreTest, Filters) {
  std::vector<ChangeRecord> b = {
      change("10", ChangeType::kInsert, kHour0), change("10|2", ChangeType::kInsert, kHour0 + 1),
      change("11", ChangeType::kUpdate, kHour0 + 3601), change("10", ChangeType::kDelete, kHour0 + 7201),
      change("12", ChangeType::kInsert, kHour0 + 7202, "other")};
  b[2].changed_columns = {"name", "price"};
  ASSERT_TRUE(store_->write_batch(b, cp(1)).ok());

  auto ids = [&](const QueryFilter& f) {
    std::vector<uint64_t> out;
    auto r = store_->query(f);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (r.ok()) for (auto& c : *r) out.push_back(c.event_id);
    return out;
  };
  QueryFilter f = all();
  f.pk = "10";
  EXPECT_EQ(ids(f), (std::vector<uint64_t>{1, 4}));
  f.pk = "10|2";
  EXPECT_EQ(ids(f), (std::vector<uint64_t>{2}));
  f = all();
  f.type = ChangeType::kDelete;
  EXPECT_EQ(ids(f), (std::vector<uint64_t>{4}));
  f = all();
  f.gtid = "3e11fa47-71ca-11e1-9e33-c80aa9429562:11";
  EXPECT_EQ(ids(f), (std::vector<uint64_t>{3}));
  f = all();
  f.since = kHour0 + 1;
  f.until = kHour0 + 3601;
  EXPECT_EQ(ids(f), (std::vector<uint64_t>{2, 3}));
  f = all();
  f.changed_column = "price";
  EXPECT_EQ(ids(f), (std::vector<uint64_t>{3}));
  f.changed_column = "pri";
  EXPECT_TRUE(ids(f).empty());
  f = all();
  f.column_eq = std::make_pair("name", "old");  // matches the before image
  EXPECT_EQ(ids(f), (std::vector<uint64_t>{3, 4}));
  f.column_eq = std::make_pair("id", "11");  // numbers compare as their text
  EXPECT_EQ(ids(f), (std::vector<uint64_t>{3}));
  f = all();
  f.limit = 2;
  f.newest_first = true;
  EXPECT_EQ(ids(f), (std::vector<uint64_t>{4, 3}));
  f = all("other");
  EXPECT_EQ(ids(f), (std::vector<uint64_t>{5}));
}

TEST_F(SqliteStoreTest, QueryOpensOnlyPartitionsInItsTimeRange) {
  std::vector<ChangeRecord> b = {change("1", ChangeType::kInsert, kHour0),
                                 change("2", ChangeType::kInsert, kHour0 + 3 * 3600)};
  ASSERT_TRUE(store_->write_batch(b, cp(1)).ok());
  // Make the early partition unreadable: a query that opened it would fail.
  std::string early = dir_.path() + "/" + partition_name(kHour0) + ".db";
  for (const char* s : {"-wal", "-shm"}) std::filesystem::remove(early + s);
  std::ofstream(early, std::ios::trunc) << "this is not a database, it is garbage of some length....";
  auto fresh = open_store("sqlite:" + dir_.path());
  ASSERT_TRUE(fresh.ok());
  QueryFilter f = all();
  f.since = kHour0 + 3 * 3600;
  auto r = fresh.value()->query(f);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].pk_values, "2");
  EXPECT_FALSE(fresh.value()->query(all()).ok());  // proves the bad file is really bad
}

TEST_F(SqliteStoreTest, PartitionsDropAndFuture) {
  std::vector<ChangeRecord> b = {change("1", ChangeType::kInsert, kHour0),
                                 change("2", ChangeType::kInsert, kHour0 + 5),
                                 change("3", ChangeType::kInsert, kHour0 + 3600)};
  ASSERT_TRUE(store_->write_batch(b, cp(1)).ok());
  auto p = store_->partitions();
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].name, partition_name(kHour0));
  EXPECT_EQ((*p)[0].name, "p_2025112519");
  EXPECT_EQ((*p)[0].events, 2u);
  EXPECT_EQ((*p)[0].start, kHour0);
  EXPECT_EQ((*p)[0].end, kHour0 + 3600);
  EXPECT_EQ((*p)[0].last_event_time, kHour0 + 5);
  EXPECT_GT((*p)[0].bytes, 0u);

  ASSERT_TRUE(store_->add_future_partitions(3, kHour0 + 3600).ok());
  EXPECT_EQ(store_->partitions()->size(), 5u);

  auto d = store_->drop_partitions_before(kHour0 + 3599);  // ends after the cutoff: kept
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value(), 0u);
  d = store_->drop_partitions_before(kHour0 + 3600);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value(), 1u);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/p_2025112519.db"));
  auto r = store_->query(all());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].pk_values, "3");
  // New ids still follow the old ones after a drop.
  std::vector<ChangeRecord> b2 = {change("4", ChangeType::kInsert, kHour0 + 3600)};
  ASSERT_TRUE(store_->write_batch(b2, cp(2)).ok());
  EXPECT_EQ(b2[0].event_id, 4u);
}

TEST_F(SqliteStoreTest, SchemaSnapshotsGetVersions) {
  SchemaSnapshot s;
  s.json = "{\"tables\":[]}";
  ASSERT_TRUE(store_->save_schema_snapshot(s).ok());
  EXPECT_EQ(s.version, 1u);
  SchemaSnapshot s2;
  s2.json = "{}";
  s2.binlog_file = "mysql-bin.000002";
  s2.position = 4;
  ASSERT_TRUE(store_->save_schema_snapshot(s2).ok());
  EXPECT_EQ(s2.version, 2u);
  auto all_snaps = store_->schema_snapshots();
  ASSERT_TRUE(all_snaps.ok());
  ASSERT_EQ(all_snaps->size(), 2u);
  EXPECT_EQ((*all_snaps)[1].binlog_file, "mysql-bin.000002");
}

TEST_F(SqliteStoreTest, SchemaChangesStoredWithTheirVersionOncePerDdl) {
  check_schema_changes_contract(*store_);
  // Reopened: they are on disk.
  auto again = open_store("sqlite:" + dir_.path());
  ASSERT_TRUE(again.ok());
  auto all = again.value()->schema_changes();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

TEST_F(SqliteStoreTest, FileProgressCommitsWithRows) {
  std::vector<ChangeRecord> b = {change("1", ChangeType::kInsert, kHour0)};
  FileProgress fp;
  fp.binlog_file = "mysql-bin.000007";
  fp.file_size = 1000;
  fp.position = 500;
  fp.events = 1;
  ASSERT_TRUE(store_->write_file_batch(b, fp).ok());
  auto got = store_->load_file_progress("mysql-bin.000007");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got.value().has_value());
  EXPECT_EQ(got.value()->position, 500u);
  EXPECT_FALSE(got.value()->done);
  std::vector<ChangeRecord> none;
  fp.done = true;
  fp.position = 1000;
  ASSERT_TRUE(store_->write_file_batch(none, fp).ok());
  EXPECT_TRUE(store_->load_file_progress("mysql-bin.000007").value()->done);
}

TEST(SqliteStoreErrors, MissingIndexIsNotFound) {
  testing::TempDir d;
  auto s = open_store("sqlite:" + d.path() + "/nothing-here");
  ASSERT_TRUE(s.ok());
  auto r = s.value()->query(all());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("dbtrail init"), std::string::npos);
}

TEST(OpenStore, Forms) {
  EXPECT_EQ(open_store("sqlite:").error().code, ErrorCode::kInvalidArgument);
  // The MySQL forms reach the MySQL backend; port 1 on loopback refuses at once.
  auto m = open_store("mysql://u:secret@127.0.0.1:1/idx");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::kConnection);
  EXPECT_EQ(m.error().message.find("secret"), std::string::npos);
  auto b = open_store("u:secret@tcp(127.0.0.1:1)/idx");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kConnection);
  EXPECT_EQ(b.error().message.find("secret"), std::string::npos);
  auto junk = open_store("postgres://u:secret@h/db");
  EXPECT_EQ(junk.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(junk.error().message.find("secret"), std::string::npos);
}

TEST(PartitionName, RoundTrips) {
  EXPECT_EQ(partition_name(kHour0 + 3599), "p_2025112519");
  EXPECT_EQ(parse_partition_name("p_2025112519").value(), kHour0);
  EXPECT_EQ(partition_name(-1), "p_1969123123");
  EXPECT_EQ(parse_partition_name("p_1969123123").value(), -3600);
  EXPECT_FALSE(parse_partition_name("p_2025023012").has_value());  // Feb 30
  EXPECT_FALSE(parse_partition_name("p_2025112524").has_value());
  EXPECT_FALSE(parse_partition_name("p_future").has_value());
}

}  // namespace
}  // namespace dbtrail::index
