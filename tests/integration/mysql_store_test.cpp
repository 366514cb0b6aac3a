// The MySQL/MariaDB index backend against a real server: the sandbox MariaDB
// (scripts/sandbox.sh) is the INDEX server here. Each test uses its own
// database. The throughput measurement is DISABLED_ (a bench, not a timed
// test): run it with --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "index/mysql_store.h"
#include "index/store.h"
#include "mysql/connection.h"
#include "mysql_index_fixture.h"
#include "../unit/index/schema_changes_contract.h"

// Designated initializers name only the filter fields a case sets; the rest
// keep their defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace dbtrail::index {
namespace {

class MysqlStoreTest : public testing::MysqlIndexTest {
 protected:
  MysqlStoreTest() : MysqlIndexTest("idx_") {}

  std::string location() const { return sandbox_->admin_dsn() + db_; }

  std::string scalar(const std::string& sql) {
    auto r = admin_->query(sql);
    EXPECT_TRUE(r.ok()) << r.error().message;
    if (!r.ok() || r->empty() || (*r)[0].empty() || !(*r)[0][0]) return "";
    return *(*r)[0][0];
  }
  uint64_t count_rows() { return std::stoull(scalar("SELECT COUNT(*) FROM `" + db_ + "`.binlog_events")); }
};

int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ChangeRecord change(uint64_t n, int64_t t, ChangeType type = ChangeType::kInsert) {
  ChangeRecord r;
  r.binlog_file = "mysql-bin.000007";
  r.start_pos = 1000 + n * 100;
  r.end_pos = r.start_pos + 90;
  r.event_time = t;
  r.gtid = "0-1-" + std::to_string(n);
  r.connection_id = 42;
  r.schema = "shop";
  r.table = "orders";
  r.type = type;
  r.pk_values = std::to_string(n);
  const std::string img = R"({"id":)" + std::to_string(n) + R"(,"note":"row )" + std::to_string(n) + R"("})";
  if (type != ChangeType::kInsert) r.row_before = img;
  if (type != ChangeType::kDelete) r.row_after = img;
  if (type == ChangeType::kUpdate) r.changed_columns = {"note"};
  r.schema_version = 1;
  return r;
}

Checkpoint checkpoint(uint64_t pos, std::string source = "src-1") {
  Checkpoint c;
  c.source = std::move(source);
  c.binlog_file = "mysql-bin.000007";
  c.position = pos;
  c.gtid_set = "0-1-" + std::to_string(pos);
  c.server_uuid = "1";
  c.updated_at = 1764100000 + static_cast<int64_t>(pos);
  return c;
}

void expect_same(const ChangeRecord& a, const ChangeRecord& b) {
  EXPECT_EQ(a.event_id, b.event_id);
  EXPECT_EQ(a.binlog_file, b.binlog_file);
  EXPECT_EQ(a.start_pos, b.start_pos);
  EXPECT_EQ(a.end_pos, b.end_pos);
  EXPECT_EQ(a.event_time, b.event_time);
  EXPECT_EQ(a.gtid, b.gtid);
  EXPECT_EQ(a.connection_id, b.connection_id);
  EXPECT_EQ(a.schema, b.schema);
  EXPECT_EQ(a.table, b.table);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.pk_values, b.pk_values);
  EXPECT_EQ(a.changed_columns, b.changed_columns);
  EXPECT_EQ(a.row_before, b.row_before);
  EXPECT_EQ(a.row_after, b.row_after);
  EXPECT_EQ(a.schema_version, b.schema_version);
}

TEST_F(MysqlStoreTest, InitIsIdempotentAndCreatesEveryTable) {
  auto s = open_store_ok({.initial_partitions = 3});
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  std::vector<ChangeRecord> one{change(1, now_s())};
  ASSERT_TRUE(s->write_batch(one, checkpoint(10)).ok());
  auto again = s->init();
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(count_rows(), 1u) << "a second init must keep the data";
  EXPECT_EQ(scalar("SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM "
                   "information_schema.TABLES WHERE TABLE_SCHEMA='" + db_ + "'"),
            "binlog_events,index_state,schema_changes,schema_snapshots,stream_state");
  auto parts = s->partitions();
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 4u);
  EXPECT_EQ(parts->back().name, "p_future");
  const int64_t hour = now_s() / 3600 * 3600;
  EXPECT_EQ((*parts)[0].start, hour);
  EXPECT_EQ((*parts)[0].end, hour + 3600);
  EXPECT_EQ((*parts)[2].end, hour + 3 * 3600);
}

TEST_F(MysqlStoreTest, MissingDatabaseIsNotFoundUntilInit) {
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  auto cp = s->load_checkpoint("src-1");
  ASSERT_FALSE(cp.ok());
  EXPECT_EQ(cp.error().code, ErrorCode::kNotFound);
  EXPECT_NE(cp.error().message.find("dbtrail init"), std::string::npos) << cp.error().message;
}

TEST_F(MysqlStoreTest, EveryFieldRoundTrips) {
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  const int64_t t = now_s();
  std::vector<ChangeRecord> batch;
  // A composite key of 600 characters (bintrail cut at 512 and lost the row).
  ChangeRecord ins = change(1, t);
  ins.pk_values = std::string(300, 'k') + "|" + std::string(299, 'v');
  ins.connection_id.reset();
  ins.gtid.clear();
  ins.row_after = R"({"id":1,"txt":"\u00e9t\u00e9 \"quoted\" back\\slash 'single'","n":18446744073709551615,"d":"-12.300","b":{"base64":"AP8="}})";
  batch.push_back(ins);
  // An UPDATE with a 1 MB image and awkward column names.
  ChangeRecord upd = change(2, t + 1, ChangeType::kUpdate);
  upd.changed_columns = {"note", "na\"me", "été", "back\\slash"};
  upd.row_before = R"({"id":2,"blob":")" + std::string(1 << 20, 'x') + R"("})";
  upd.row_after = R"({"id":2,"blob":")" + std::string(1 << 20, 'y') + R"("})";
  upd.connection_id = 18446744073709551615ull;
  batch.push_back(upd);
  // A DELETE whose key holds raw bytes (binary primary key), NUL included.
  ChangeRecord del = change(3, t + 2, ChangeType::kDelete);
  del.pk_values = std::string("\x00\xff\x27\x5c|7", 6);
  del.schema_version = 4000000000u;
  batch.push_back(del);
  auto w = s->write_batch(batch, checkpoint(500));
  ASSERT_TRUE(w.ok()) << w.error().message;

  for (const ChangeRecord& want : batch) {
    QueryFilter f{.schema = "shop", .table = "orders", .pk = want.pk_values};
    auto got = s->query(f);
    ASSERT_TRUE(got.ok()) << got.error().message;
    ASSERT_EQ(got->size(), 1u) << "pk of " << want.pk_values.size() << " bytes";
    expect_same((*got)[0], want);
  }
  // Filters: type, gtid, time range, changed column, column value, order, limit.
  auto q = [&](QueryFilter f) {
    f.schema = "shop";
    f.table = "orders";
    auto r = s->query(f);
    EXPECT_TRUE(r.ok()) << r.error().message;
    std::vector<uint64_t> ids;
    if (r.ok())
      for (auto& c : *r) ids.push_back(c.event_id);
    return ids;
  };
  const uint64_t a = batch[0].event_id, b = batch[1].event_id, c = batch[2].event_id;
  EXPECT_EQ(q({}), (std::vector<uint64_t>{a, b, c}));
  EXPECT_EQ(q({.newest_first = true}), (std::vector<uint64_t>{c, b, a}));
  EXPECT_EQ(q({.limit = 2}), (std::vector<uint64_t>{a, b}));
  EXPECT_EQ(q({.type = ChangeType::kUpdate}), (std::vector<uint64_t>{b}));
  EXPECT_EQ(q({.gtid = "0-1-3"}), (std::vector<uint64_t>{c}));
  EXPECT_EQ(q({.since = t + 1, .until = t + 1}), (std::vector<uint64_t>{b}));
  EXPECT_EQ(q({.since = t + 1}), (std::vector<uint64_t>{b, c}));
  EXPECT_EQ(q({.changed_column = "été"}), (std::vector<uint64_t>{b}));
  EXPECT_EQ(q({.changed_column = "na\"me"}), (std::vector<uint64_t>{b}));
  EXPECT_EQ(q({.changed_column = "id"}), (std::vector<uint64_t>{}));
  EXPECT_EQ(q({.column_eq = std::pair<std::string, std::string>{"n", "18446744073709551615"}}),
            (std::vector<uint64_t>{a}));
  EXPECT_EQ(q({.column_eq = std::pair<std::string, std::string>{"d", "-12.300"}}),
            (std::vector<uint64_t>{a}));
  EXPECT_EQ(q({.column_eq = std::pair<std::string, std::string>{"id", "3"}}),
            (std::vector<uint64_t>{c}));
  EXPECT_EQ(q({.pk = "1"}), (std::vector<uint64_t>{}));

  QueryFilter bad{.schema = "shop", .table = "orders", .since = t + 5, .until = t};
  auto e = s->query(bad);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(MysqlStoreTest, PkHashIsTheServersSha2) {
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  std::vector<ChangeRecord> batch{change(1, now_s()), change(2, now_s())};
  batch[0].pk_values = "abc";
  batch[1].pk_values = std::string(700, 'z') + "|2";
  ASSERT_TRUE(s->write_batch(batch, checkpoint(9)).ok());
  // A fixed vector (FIPS 180-2 "abc") so the column is not only self-consistent.
  EXPECT_EQ(scalar("SELECT pk_hash FROM `" + db_ + "`.binlog_events WHERE pk_values='abc'"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM `" + db_ +
                   "`.binlog_events WHERE pk_hash = SHA2(pk_values, 256)"),
            "2");
}

TEST_F(MysqlStoreTest, KeyLookupUsesThePkHashIndex) {
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  std::vector<ChangeRecord> batch;
  for (uint64_t i = 0; i < 300; ++i) batch.push_back(change(i, now_s()));
  ASSERT_TRUE(s->write_batch(batch, checkpoint(1)).ok());
  ASSERT_TRUE(admin_->query("ANALYZE TABLE `" + db_ + "`.binlog_events").ok());
  // The predicate query() sends for a key (mysql_store_query.cpp).
  auto r = admin_->query("EXPLAIN SELECT event_id FROM `" + db_ +
                         "`.binlog_events WHERE schema_name = 'shop' AND table_name = 'orders' "
                         "AND pk_hash = SHA2(_binary'7', 256) AND pk_values = _binary'7'");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  std::string plan;
  for (const auto& col : (*r)[0]) plan += col.value_or("NULL") + " ";
  EXPECT_NE(plan.find("idx_pk_hash"), std::string::npos) << plan;
  auto got = s->query({.schema = "shop", .table = "orders", .pk = "7"});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].event_id, batch[7].event_id);
}

TEST_F(MysqlStoreTest, EventIdsIncreaseAcrossStatementsAndBatches) {
  // 4 KB per statement forces one INSERT per few rows, all in one transaction.
  auto s = open_store_ok({.max_statement_bytes = 4096});
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  std::vector<ChangeRecord> b1, b2;
  for (uint64_t i = 0; i < 50; ++i) {
    b1.push_back(change(i, now_s()));
    b1.back().row_after = std::string(R"({"pad":")") + std::string(900, 'p') + "\"}";
    b2.push_back(change(100 + i, now_s()));
  }
  ASSERT_TRUE(s->write_batch(b1, checkpoint(1)).ok());
  ASSERT_TRUE(s->write_batch(b2, checkpoint(2)).ok());
  uint64_t prev = 0;
  for (auto* b : {&b1, &b2})
    for (const ChangeRecord& r : *b) {
      EXPECT_GT(r.event_id, prev);
      prev = r.event_id;
    }
  // The ids the store handed out are the ones the server stored, in order.
  auto got = s->query({.schema = "shop", .table = "orders", .limit = 1000});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 100u);
  for (size_t i = 0; i < 100; ++i) {
    const ChangeRecord& want = i < 50 ? b1[i] : b2[i - 50];
    EXPECT_EQ((*got)[i].event_id, want.event_id);
    EXPECT_EQ((*got)[i].pk_values, want.pk_values);
  }
  auto cp = s->load_checkpoint("src-1");
  ASSERT_TRUE(cp.ok() && cp->has_value());
  EXPECT_EQ((*cp)->position, 2u);
  EXPECT_EQ(scalar("SELECT events_indexed FROM `" + db_ + "`.stream_state"), "100");
}

// `dbtrail index`: each batch commits with its file's index_state row.
TEST_F(MysqlStoreTest, FileProgressCommitsWithItsBatch) {
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  auto none = s->load_file_progress("mysql-bin.000007");
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_FALSE(none->has_value());
  std::vector<ChangeRecord> b = {change(1, now_s()), change(2, now_s())};
  FileProgress p;
  p.binlog_file = "mysql-bin.000007";
  p.file_size = 9000;
  p.position = 4321;
  p.events = 2;
  p.started_at = 1764097200;
  ASSERT_TRUE(s->write_file_batch(b, p).ok());
  EXPECT_GT(b[0].event_id, 0u);
  auto got = s->load_file_progress("mysql-bin.000007");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->position, 4321u);
  EXPECT_EQ((*got)->events, 2u);
  EXPECT_EQ((*got)->started_at, 1764097200);
  EXPECT_FALSE((*got)->done);
  std::vector<ChangeRecord> last = {change(3, now_s())};
  p.position = 9000;
  p.events = 3;
  p.done = true;
  p.updated_at = 1764097300;
  ASSERT_TRUE(s->write_file_batch(last, p).ok());
  auto all = s->file_progress();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_TRUE((*all)[0].done);
  EXPECT_EQ((*all)[0].updated_at, 1764097300);
  EXPECT_EQ(count_rows(), 3u);
}

TEST_F(MysqlStoreTest, FailedCheckpointWriteLeavesNoRows) {
  auto s = open_store_ok({.max_statement_bytes = 4096});
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  std::vector<ChangeRecord> ok_batch{change(1, now_s())};
  ASSERT_TRUE(s->write_batch(ok_batch, checkpoint(10)).ok());
  // The server refuses the checkpoint after the rows went in (several INSERTs).
  ASSERT_TRUE(admin_->query("CREATE TRIGGER `" + db_ + "`.no_checkpoint BEFORE UPDATE ON `" + db_ +
                            "`.stream_state FOR EACH ROW SIGNAL SQLSTATE '45000' SET "
                            "MESSAGE_TEXT = 'checkpoint refused by test'")
                  .ok());
  std::vector<ChangeRecord> batch;
  for (uint64_t i = 2; i < 40; ++i) batch.push_back(change(i, now_s()));
  auto w = s->write_batch(batch, checkpoint(20));
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("checkpoint refused by test"), std::string::npos);
  EXPECT_EQ(w.error().message.find(sandbox_->admin_password()), std::string::npos);
  for (const ChangeRecord& r : batch) EXPECT_EQ(r.event_id, 0u);
  EXPECT_EQ(count_rows(), 1u);
  auto cp = s->load_checkpoint("src-1");
  ASSERT_TRUE(cp.ok() && cp->has_value());
  EXPECT_EQ((*cp)->position, 10u);

  // A source name longer than the column: the INSERT of the checkpoint fails.
  std::vector<ChangeRecord> batch2{change(50, now_s())};
  auto w2 = s->write_batch(batch2, checkpoint(30, std::string(300, 's')));
  ASSERT_FALSE(w2.ok());
  EXPECT_EQ(count_rows(), 1u);
}

TEST_F(MysqlStoreTest, SessionKilledMidTransactionLeavesNoRowsAndStoreReconnects) {
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  // The checkpoint write sleeps, so the session dies with the rows written
  // but not committed.
  ASSERT_TRUE(admin_->query("CREATE TRIGGER `" + db_ + "`.slow_checkpoint BEFORE INSERT ON `" +
                            db_ + "`.stream_state FOR EACH ROW SET @slept = SLEEP(3)")
                  .ok());
  const uint64_t victim = s->session_id();
  ASSERT_NE(victim, 0u);
  std::thread killer([&] {
    auto c = mysql::Connection::open(admin_dsn(""));
    if (!c.ok()) return;
    for (int i = 0; i < 100; ++i) {
      auto r = (*c)->query("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " +
                           std::to_string(victim) + " AND COMMAND = 'Query' AND TIME_MS > 500");
      if (r.ok() && !r->empty() && (*r)[0][0] == std::optional<std::string>("1")) {
        (void)(*c)->query("KILL " + std::to_string(victim));
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::vector<ChangeRecord> batch;
  for (uint64_t i = 1; i <= 20; ++i) batch.push_back(change(i, now_s()));
  auto w = s->write_batch(batch, checkpoint(100));
  killer.join();
  ASSERT_FALSE(w.ok()) << "the session was not killed in time";
  EXPECT_EQ(w.error().code, ErrorCode::kConnection);
  EXPECT_EQ(count_rows(), 0u);
  ASSERT_TRUE(admin_->query("DROP TRIGGER `" + db_ + "`.slow_checkpoint").ok());

  // Protocol: reload the checkpoint (the store reconnects), resume after it.
  auto cp = s->load_checkpoint("src-1");
  ASSERT_TRUE(cp.ok()) << cp.error().message;
  EXPECT_FALSE(cp->has_value());
  EXPECT_NE(s->session_id(), victim);
  auto again = s->write_batch(batch, checkpoint(100));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(count_rows(), 20u);
}

TEST_F(MysqlStoreTest, ReplayAfterCommitIsDetectedByTheCheckpoint) {
  std::vector<ChangeRecord> batch;
  for (uint64_t i = 1; i <= 5; ++i) batch.push_back(change(i, now_s()));
  {
    auto s = open_store_ok();
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->init().ok());
    ASSERT_TRUE(s->write_batch(batch, checkpoint(777)).ok());
  }  // "crash" after COMMIT, before the caller learned of it
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  auto cp = s->load_checkpoint("src-1");
  ASSERT_TRUE(cp.ok() && cp->has_value());
  const Checkpoint want = checkpoint(777);
  EXPECT_EQ((*cp)->binlog_file, want.binlog_file);
  EXPECT_EQ((*cp)->position, want.position);
  EXPECT_EQ((*cp)->gtid_set, want.gtid_set);
  EXPECT_EQ((*cp)->server_uuid, want.server_uuid);
  EXPECT_EQ((*cp)->updated_at, want.updated_at);
  // A caller that replays anyway is refused, not indexed twice.
  auto w = s->write_batch(batch, checkpoint(777));
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("twice"), std::string::npos) << w.error().message;
  EXPECT_EQ(count_rows(), 5u);
  // Another source's checkpoint is independent.
  std::vector<ChangeRecord> other{change(9, now_s())};
  ASSERT_TRUE(s->write_batch(other, checkpoint(777, "src-2")).ok());
  EXPECT_EQ(count_rows(), 6u);
}

TEST_F(MysqlStoreTest, PartitionsAreAddedDroppedAndCounted) {
  auto s = open_store_ok({.initial_partitions = 2});
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  const int64_t hour = now_s() / 3600 * 3600;
  // 3 rows in the first hour, 2 in the second, 4 five hours later (p_future).
  std::vector<ChangeRecord> batch;
  uint64_t n = 0;
  for (int i = 0; i < 3; ++i) batch.push_back(change(++n, hour + 10));
  for (int i = 0; i < 2; ++i) batch.push_back(change(++n, hour + 3600 + 10));
  for (int i = 0; i < 4; ++i) batch.push_back(change(++n, hour + 5 * 3600 + 10));
  ASSERT_TRUE(s->write_batch(batch, checkpoint(1)).ok());
  ASSERT_TRUE(admin_->query("ANALYZE TABLE `" + db_ + "`.binlog_events").ok());
  auto parts = s->partitions();
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].events, 3u);
  EXPECT_EQ((*parts)[1].events, 2u);
  EXPECT_EQ((*parts)[2].events, 4u);
  EXPECT_GT((*parts)[0].bytes, 0u);

  // Pre-create hours 0..7: the known two are kept, six are split out of
  // p_future, and the rows there move to their hour.
  auto add = s->add_future_partitions(8, hour + 59);
  ASSERT_TRUE(add.ok()) << add.error().message;
  ASSERT_TRUE(s->add_future_partitions(8, hour).ok()) << "adding again is a no-op";
  ASSERT_TRUE(admin_->query("ANALYZE TABLE `" + db_ + "`.binlog_events").ok());
  parts = s->partitions();
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 9u);
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ((*parts)[i].start, hour + static_cast<int64_t>(i) * 3600);
    EXPECT_EQ((*parts)[i].end, hour + static_cast<int64_t>(i + 1) * 3600);
  }
  EXPECT_EQ((*parts)[5].name, "p_" + [&] {
    char buf[16];
    time_t t = hour + 5 * 3600;
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y%m%d%H", &tm);
    return std::string(buf);
  }());
  EXPECT_EQ((*parts)[5].events, 4u);
  EXPECT_EQ((*parts)[8].events, 0u);
  EXPECT_EQ(count_rows(), 9u);

  // Rotation: everything ending at or before hour+2h goes, whole partitions.
  auto dropped = s->drop_partitions_before(hour + 2 * 3600);
  ASSERT_TRUE(dropped.ok()) << dropped.error().message;
  EXPECT_EQ(*dropped, 2u);
  EXPECT_EQ(count_rows(), 4u);
  auto d2 = s->drop_partitions_before(hour + 2 * 3600);
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(*d2, 0u);
  parts = s->partitions();
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->size(), 7u);
  auto rest = s->query({.schema = "shop", .table = "orders", .since = hour + 5 * 3600});
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(), 4u);
}

TEST_F(MysqlStoreTest, RowsAbove48MegabytesAreKept) {
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  std::vector<ChangeRecord> batch{change(1, now_s()), change(2, now_s()), change(3, now_s())};
  batch[1].row_after = R"({"doc":")" + std::string(50u << 20, 'L') + R"("})";
  ASSERT_TRUE(s->write_batch(batch, checkpoint(3)).ok());
  auto got = s->query({.schema = "shop", .table = "orders", .pk = "2"});
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].row_after->size(), batch[1].row_after->size());
  EXPECT_TRUE((*got)[0].row_after == batch[1].row_after);
  EXPECT_EQ(count_rows(), 3u);
}

TEST_F(MysqlStoreTest, ChangeLargerThanMaxAllowedPacketIsAClearError) {
  ASSERT_TRUE(admin_->query("SET GLOBAL max_allowed_packet = 1048576").ok());
  auto s = open_store_ok();  // a new session sees the smaller limit
  ASSERT_TRUE(admin_->query("SET GLOBAL max_allowed_packet = 268435456").ok());
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  std::vector<ChangeRecord> batch{change(1, now_s()), change(2, now_s())};
  batch[1].row_after = R"({"doc":")" + std::string(2u << 20, 'L') + R"("})";
  auto w = s->write_batch(batch, checkpoint(3));
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(w.error().message.find("max_allowed_packet"), std::string::npos) << w.error().message;
  EXPECT_EQ(count_rows(), 0u) << "nothing of the batch may stay";
}

TEST_F(MysqlStoreTest, SchemaSnapshotsGetIncreasingVersions) {
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  SchemaSnapshot a{.taken_at = 1764000000, .binlog_file = "", .position = 0, .json = R"({"t":1})"};
  SchemaSnapshot b{.taken_at = 1764000100, .binlog_file = "mysql-bin.000002", .position = 4,
                   .json = R"({"t":"é"})"};
  ASSERT_TRUE(s->save_schema_snapshot(a).ok());
  ASSERT_TRUE(s->save_schema_snapshot(b).ok());
  EXPECT_GT(b.version, a.version);
  auto all = s->schema_snapshots();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].version, b.version);
  EXPECT_EQ((*all)[1].taken_at, b.taken_at);
  EXPECT_EQ((*all)[1].binlog_file, b.binlog_file);
  EXPECT_EQ((*all)[1].position, 4u);
  EXPECT_EQ((*all)[1].json, b.json);
}

TEST_F(MysqlStoreTest, SchemaChangesStoredWithTheirVersionOncePerDdl) {
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  check_schema_changes_contract(*s);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM `" + db_ + "`.schema_changes"), "2");
}

TEST_F(MysqlStoreTest, SchemaChangeThatFailsLeavesNoVersion) {
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  SchemaChange c;
  c.binlog_file = "mysql-bin.000002";
  c.position = 500;
  // Longer than schema_name VARCHAR(64): the store session is strict (STRICT_ALL_TABLES).
  c.schema = std::string(100, 's');
  c.table = "t";
  c.ddl_type = "ALTER";
  c.ddl = "ALTER TABLE t DROP COLUMN c";
  SchemaSnapshot v;
  v.binlog_file = c.binlog_file;
  v.position = 560;
  v.json = "{}";
  auto w = s->save_schema_change(c, &v);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM `" + db_ + "`.schema_snapshots"), "0")
      << "the version must not stay without its change row";
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM `" + db_ + "`.schema_changes"), "0");
  // The session is usable afterwards.
  auto all = s->schema_changes();
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_TRUE(all->empty());
}

TEST_F(MysqlStoreTest, OpenStoreAcceptsBothDsnFormsAndNeverEchoesThePassword) {
  auto url = open_store(location());
  ASSERT_TRUE(url.ok()) << url.error().message;
  ASSERT_TRUE((*url)->init().ok());
  const std::string go = sandbox_->admin_user() + ":" + sandbox_->admin_password() +
                         "@tcp(127.0.0.1:" + std::to_string(sandbox_->port()) + ")/" + db_;
  auto go_store = open_store(go);
  ASSERT_TRUE(go_store.ok()) << go_store.error().message;
  ASSERT_TRUE((*go_store)->partitions().ok());

  auto wrong = open_store("mysql://" + sandbox_->admin_user() + ":WrongSecret123@127.0.0.1:" +
                          std::to_string(sandbox_->port()) + "/" + db_);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kConnection);
  EXPECT_EQ(wrong.error().message.find("WrongSecret123"), std::string::npos);

  auto no_db = open_store(sandbox_->admin_dsn());
  ASSERT_FALSE(no_db.ok());
  EXPECT_EQ(no_db.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(no_db.error().message.find(sandbox_->admin_password()), std::string::npos);

  auto sqlite = open_store("sqlite:/tmp/x");  // the embedded backend answers that form
  EXPECT_TRUE(sqlite.ok());
  auto junk = open_store("postgres://a:SecretJunk@h/db");
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(junk.error().message.find("SecretJunk"), std::string::npos);
}

// Not a test: the issue's write-throughput figure for the MySQL backend.
// DBTRAIL_BENCH_EVENTS (default 1,000,000), DBTRAIL_BENCH_NOLOG=1 (index
// writes kept out of the sandbox's binlog), DBTRAIL_BENCH_BUFFER_POOL=bytes
// (resize the sandbox's 256 MB InnoDB buffer pool first: random pk_hash
// index inserts slow down once the index outgrows it).
TEST_F(MysqlStoreTest, DISABLED_Throughput) {
  if (const char* pool = std::getenv("DBTRAIL_BENCH_BUFFER_POOL")) {
    ASSERT_TRUE(admin_->query(std::string("SET GLOBAL innodb_buffer_pool_size = ") + pool).ok());
    std::this_thread::sleep_for(std::chrono::seconds(2));  // the resize runs in the background
    std::printf("buffer pool: %s bytes\n", scalar("SELECT @@innodb_buffer_pool_size").c_str());
  }
  // DBTRAIL_BENCH_REDO=bytes: a larger redo log (the sandbox has 64 MB, which
  // forces page flushing every few batches).
  if (const char* redo = std::getenv("DBTRAIL_BENCH_REDO")) {
    ASSERT_TRUE(admin_->query(std::string("SET GLOBAL innodb_log_file_size = ") + redo).ok());
    std::printf("redo log: %s bytes\n", scalar("SELECT @@innodb_log_file_size").c_str());
  }
  MysqlStoreOptions o;
  o.log_index_writes = std::getenv("DBTRAIL_BENCH_NOLOG") == nullptr;
  if (const char* stmt = std::getenv("DBTRAIL_BENCH_STATEMENT_BYTES")) o.max_statement_bytes = std::stoull(stmt);
  auto s = open_store_ok(o);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->init().ok());
  const char* env_total = std::getenv("DBTRAIL_BENCH_EVENTS");
  const uint64_t total = env_total ? std::stoull(env_total) : 1000000, batch_size = 1000;
  const int64_t t0 = now_s();
  std::string pad(330, 'x');
  uint64_t image_bytes = 0;
  auto start = std::chrono::steady_clock::now();
  std::vector<ChangeRecord> batch;
  for (uint64_t n = 0; n < total;) {
    batch.clear();
    for (uint64_t i = 0; i < batch_size; ++i, ++n) {
      ChangeRecord r = change(n, t0 + static_cast<int64_t>(n / 20000),
                              n % 3 == 0 ? ChangeType::kInsert : ChangeType::kUpdate);
      const std::string img = R"({"id":)" + std::to_string(n) +
                              R"(,"customer_id":)" + std::to_string(n % 9973) +
                              R"(,"status":"shipped","amount":"1234.50","created_at":"2026-11-25 10:00:00.000000","note":")" +
                              pad + "\"}";
      if (r.type == ChangeType::kUpdate) r.row_before = img;
      r.row_after = img;
      image_bytes += img.size() * (r.type == ChangeType::kUpdate ? 2 : 1);
      batch.push_back(std::move(r));
    }
    auto w = s->write_batch(batch, checkpoint(n));
    ASSERT_TRUE(w.ok()) << w.error().message;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(admin_->query("ANALYZE TABLE `" + db_ + "`.binlog_events").ok());
  const double bytes = std::stod(scalar(
      "SELECT SUM(DATA_LENGTH + INDEX_LENGTH) FROM information_schema.PARTITIONS WHERE "
      "TABLE_SCHEMA='" + db_ + "' AND TABLE_NAME='binlog_events'"));
  std::printf("mysql store (%s): %llu events in %.2f s = %.0f events/s; images %.0f B/event; "
              "index %.0f B/event\n",
              o.log_index_writes ? "binlogged" : "sql_log_bin=0", static_cast<unsigned long long>(total), secs, total / secs,
              static_cast<double>(image_bytes) / total, bytes / total);
  EXPECT_EQ(count_rows(), total);
}

}  // namespace
}  // namespace dbtrail::index
