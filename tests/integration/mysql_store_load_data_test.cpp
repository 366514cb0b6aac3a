// The MySQL index backend's LOAD DATA path against a real MariaDB (its own
// sandbox: the fallback test switches local_infile off server-wide): bytes
// that need escaping come back exactly, event ids stay right with concurrent
// writers, and a server that refuses LOCAL INFILE gets INSERTs instead.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "index/mysql_store.h"
#include "mysql/connection.h"
#include "mysql_index_fixture.h"

// Designated initializers name only the fields a case sets; the rest keep
// their defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace dbtrail::index {
namespace {

class MysqlStoreLoadDataTest : public testing::MysqlIndexTest {
 protected:
  MysqlStoreLoadDataTest() : MysqlIndexTest("ld_") {}

  void SetUp() override {
    MysqlIndexTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(admin_->query("SET GLOBAL local_infile = 1").ok());
  }
  void TearDown() override {
    if (admin_) (void)admin_->query("SET GLOBAL local_infile = 1");
  }

  std::unique_ptr<MysqlStore> open_store_ok(MysqlStoreOptions o = {}) {
    auto s = MysqlIndexTest::open_store_ok(o);
    if (s) {
      EXPECT_TRUE(s->init().ok());
    }
    return s;
  }

  std::vector<mysql::Row> rows(const std::string& sql) {
    auto r = admin_->query(sql);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? std::move(r.value()) : std::vector<mysql::Row>{};
  }
  uint64_t scalar_u64(const std::string& sql) {
    auto r = rows(sql);
    return r.empty() || r[0].empty() || !r[0].back() ? 0 : std::stoull(*r[0].back());
  }
  // LOAD DATA statements the server has run (all sessions).
  uint64_t loads() { return scalar_u64("SHOW GLOBAL STATUS LIKE 'Com_load'"); }

  // Every stored row's pk_values by event_id.
  std::map<uint64_t, std::string> stored_keys() {
    std::map<uint64_t, std::string> m;
    for (const auto& r : rows("SELECT event_id, pk_values FROM `" + db_ + "`.binlog_events"))
      m[std::stoull(*r[0])] = *r[1];
    return m;
  }

};

int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ChangeRecord change(const std::string& pk, ChangeType type = ChangeType::kUpdate) {
  ChangeRecord r;
  r.binlog_file = "mysql-bin.000003";
  r.start_pos = 4;
  r.end_pos = 200;
  r.event_time = now_s();
  r.gtid = "0-1-9";
  r.connection_id = 7;
  r.schema = "shop";
  r.table = "orders";
  r.type = type;
  r.pk_values = pk;
  if (type != ChangeType::kInsert) r.row_before = R"({"id":1,"note":"before"})";
  if (type != ChangeType::kDelete) r.row_after = R"({"id":1,"note":"after"})";
  if (type == ChangeType::kUpdate) r.changed_columns = {"note"};
  r.schema_version = 2;
  return r;
}

Checkpoint checkpoint(uint64_t pos, const std::string& source = "src-ld") {
  Checkpoint c;
  c.source = source;
  c.binlog_file = "mysql-bin.000003";
  c.position = pos;
  c.server_uuid = "1";
  c.updated_at = 1764100000;
  return c;
}

TEST_F(MysqlStoreLoadDataTest, EscapedBytesNullsAndUtf8RoundTripExactly) {
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  using namespace std::string_literals;
  const std::string awkward = "tab\there\nnewline\rcr\\back\\\\slash\0nul|"s + "\\N" +
                              "\xf0\x9f\x98\x80" + "\xff\xfe\xc3(" + "\x1a";
  std::vector<ChangeRecord> batch;
  ChangeRecord a = change(awkward);
  a.row_before = "{\"t\":\"a\tb\nc\\\\d \xf0\x9f\x98\x80 \xe2\x82\xac\",\"n\":\"\\\\N\"}";
  a.row_after = std::string("{\"nul\":\"\\u0000\",\"raw\":\"\\\\0\"}");
  a.changed_columns = {"t\tab", "new\nline", "back\\slash", "\xf0\x9f\x98\x80"};
  batch.push_back(a);
  ChangeRecord b = change(std::string("\0", 1), ChangeType::kInsert);  // only a NUL byte
  b.gtid.clear();                                                      // NULL
  b.connection_id.reset();                                             // NULL
  batch.push_back(b);
  ChangeRecord c = change("\\N", ChangeType::kDelete);  // the text \N, not NULL
  c.row_before = "";                                    // empty, not NULL
  batch.push_back(c);
  ChangeRecord d = change("", ChangeType::kInsert);  // empty key
  batch.push_back(d);
  const uint64_t loads_before = loads();
  auto w = s->write_batch(batch, checkpoint(10));
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(loads(), loads_before + 1) << "the batch is one LOAD DATA";

  for (const ChangeRecord& want : batch) {
    auto got = s->query({.schema = "shop", .table = "orders", .pk = want.pk_values});
    ASSERT_TRUE(got.ok()) << got.error().message;
    ASSERT_EQ(got->size(), 1u);
    const ChangeRecord& g = (*got)[0];
    EXPECT_EQ(g.event_id, want.event_id);
    EXPECT_EQ(g.pk_values, want.pk_values);
    EXPECT_EQ(g.row_before, want.row_before);
    EXPECT_EQ(g.row_after, want.row_after);
    EXPECT_EQ(g.changed_columns, want.changed_columns);
    EXPECT_EQ(g.gtid, want.gtid);
    EXPECT_EQ(g.connection_id, want.connection_id);
    EXPECT_EQ(g.type, want.type);
    EXPECT_EQ(g.event_time, want.event_time);
  }
  // NULL stays NULL and empty stays empty, as the server sees them.
  auto nulls = rows(
      "SELECT gtid IS NULL, connection_id IS NULL, row_before IS NULL, "
      "row_after IS NULL, changed_columns IS NULL FROM `" +
      db_ + "`.binlog_events ORDER BY event_id");
  ASSERT_EQ(nulls.size(), 4u);
  EXPECT_EQ(nulls[0], (mysql::Row{"0", "0", "0", "0", "0"}));
  EXPECT_EQ(nulls[1], (mysql::Row{"1", "1", "1", "0", "1"}));
  EXPECT_EQ(nulls[2], (mysql::Row{"0", "0", "0", "1", "1"}));
  EXPECT_EQ(nulls[3], (mysql::Row{"0", "0", "1", "0", "1"}));
  // The generated hash saw the same bytes.
  EXPECT_EQ(scalar_u64("SELECT COUNT(*) FROM `" + db_ +
                       "`.binlog_events WHERE pk_hash = SHA2(pk_values, 256)"),
            4u);
}

TEST_F(MysqlStoreLoadDataTest, EventIdsStayRightWithConcurrentWriters) {
  // Three sessions loading at once into the partitioned table get
  // interleaved AUTO_INCREMENT values (MariaDB 10.11, innodb_autoinc_lock_mode=1):
  // ids taken as "first + row number" would be wrong here.
  {
    // Creates the tables, and each source's stream_state row: first
    // checkpoints of new sources written at once can deadlock on that table's
    // gap locks, which is not what this test is about.
    auto s = open_store_ok();
    ASSERT_TRUE(s);
    for (int w = 0; w < 3; ++w) {
      std::vector<ChangeRecord> none;
      ASSERT_TRUE(s->write_batch(none, checkpoint(0, "src-" + std::to_string(w))).ok());
    }
  }
  const uint64_t loads_before = loads();
  std::vector<std::vector<ChangeRecord>> written(3);
  auto writer = [&](int w) {
    auto s = open_store_ok({.max_statement_bytes = 2048});
    ASSERT_TRUE(s);
    for (int b = 0; b < 30; ++b) {
      std::vector<ChangeRecord> batch;
      for (int i = 0; i < 40; ++i)
        batch.push_back(
            change("w" + std::to_string(w) + "-" + std::to_string(b) + "-" + std::to_string(i)));
      auto r = s->write_batch(batch, checkpoint(b + 1, "src-" + std::to_string(w)));
      ASSERT_TRUE(r.ok()) << r.error().message;
      written[w].insert(written[w].end(), batch.begin(), batch.end());
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < 3; ++w) threads.emplace_back(writer, w);
  for (auto& t : threads) t.join();
  EXPECT_GE(loads(), loads_before + 3 * 30 * 2) << "several LOAD DATA per batch";
  const auto stored = stored_keys();
  ASSERT_EQ(stored.size(), 3u * 30 * 40);
  for (const auto& rs : written)
    for (const ChangeRecord& r : rs) {
      auto it = stored.find(r.event_id);
      ASSERT_NE(it, stored.end()) << r.pk_values;
      EXPECT_EQ(it->second, r.pk_values) << "event_id " << r.event_id;
    }
}

TEST_F(MysqlStoreLoadDataTest, ValueThatDoesNotFitFailsTheBatchInsteadOfBeingCut) {
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  std::vector<ChangeRecord> batch{change("1"), change("2")};
  batch[1].schema = std::string(65, 's');  // schema_name is VARCHAR(64)
  auto w = s->write_batch(batch, checkpoint(5));
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("schema_name"), std::string::npos) << w.error().message;
  EXPECT_EQ(scalar_u64("SELECT COUNT(*) FROM `" + db_ + "`.binlog_events"), 0u);
  EXPECT_EQ(batch[0].event_id, 0u);
}

TEST_F(MysqlStoreLoadDataTest, RefusedLocalInfileFallsBackToInsertOnceAndSaysHow) {
  ASSERT_TRUE(admin_->query("SET GLOBAL local_infile = 0").ok());
  auto s = open_store_ok();
  ASSERT_TRUE(s);
  const uint64_t loads_before = loads();
  ::testing::internal::CaptureStderr();
  std::vector<std::vector<ChangeRecord>> batches(3);
  for (size_t b = 0; b < batches.size(); ++b) {
    for (int i = 0; i < 5; ++i)
      batches[b].push_back(change("k" + std::to_string(b) + "\t" + std::to_string(i)));
    auto w = s->write_batch(batches[b], checkpoint(b + 1));
    if (!w.ok()) {
      ::testing::internal::GetCapturedStderr();
      FAIL() << w.error().message;
    }
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_LE(loads(), loads_before + 1) << "only the first batch tries LOAD DATA";
  size_t lines = 0;
  for (char ch : err) lines += ch == '\n';
  EXPECT_EQ(lines, 1u) << err;
  EXPECT_NE(err.find("SET GLOBAL local_infile=ON"), std::string::npos) << err;
  EXPECT_EQ(err.find(sandbox_->admin_password()), std::string::npos) << "password leaked";
  const auto stored = stored_keys();
  ASSERT_EQ(stored.size(), 15u);
  for (const auto& batch : batches)
    for (const ChangeRecord& r : batch) {
      ASSERT_NE(r.event_id, 0u);
      EXPECT_EQ(stored.at(r.event_id), r.pk_values);
    }
  auto cp = s->load_checkpoint("src-ld");
  ASSERT_TRUE(cp.ok() && cp->has_value());
  EXPECT_EQ((*cp)->position, 3u);
}

// The server names the file in its answer; ours sends only the armed buffer,
// never a file from disk, whatever the statement or the server asks for.
TEST_F(MysqlStoreLoadDataTest, ConnectionNeverSendsAFileFromDisk) {
  mysql::ConnectOptions o;
  o.local_infile = true;
  auto c = mysql::Connection::open(admin_dsn(""), o);
  ASSERT_TRUE(c.ok()) << c.error().message;
  mysql::Connection& conn = *c.value();
  ASSERT_TRUE(conn.query("CREATE DATABASE `" + db_ + "`").ok());
  const std::string t = "`" + db_ + "`.lines";
  ASSERT_TRUE(conn.query("CREATE TABLE " + t + " (line LONGBLOB)").ok());
  EXPECT_FALSE(conn.query("LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE " + t).ok());
  EXPECT_FALSE(conn.query("LOAD DATA LOCAL INFILE 'dbtrail-memory' INTO TABLE " + t).ok())
      << "nothing armed";
  EXPECT_FALSE(
      conn.query_with_local_data("LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE " + t, "armed\n")
          .ok());
  auto ok = conn.query_with_local_data(
      "LOAD DATA LOCAL INFILE 'dbtrail-memory' INTO TABLE " + t + " CHARACTER SET binary",
      "one\ntwo\n");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(conn.affected_rows(), 2u);
  EXPECT_EQ(scalar_u64("SELECT COUNT(*) FROM " + t), 2u);
}

}  // namespace
}  // namespace dbtrail::index
