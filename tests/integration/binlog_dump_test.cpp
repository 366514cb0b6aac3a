// The replication transport against a private MariaDB: what the binlog dump
// delivers, decoded by binlog::Decoder, must be exactly what decoding the
// server's own binlog FILES gives (same rows, same order, same positions).
// Also: heartbeats when idle, the errors of a purged binlog, a lost server,
// a wrong password and a user without REPLICATION SLAVE.
#include "mysql/binlog_dump.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "binlog/decoder.h"
#include "binlog/value_json.h"
#include "mysql/connection.h"
#include "sandbox.h"
#include "stream/binlog_source.h"
#include "util/json_writer.h"

namespace dbtrail::stream {
namespace {

using testing::Sandbox;

// One line per row change: "file pos end_pos gtid schema.table kind before after".
class RowCollector : public binlog::Sink {
 public:
  std::vector<std::string> rows;
  std::string file;
  Status on_row(const binlog::RowChange& c) override {
    std::string line = file + " " + std::to_string(c.pos) + " " + std::to_string(c.end_pos) + " " +
                       c.txn->gtid + " " + c.table->schema + "." + c.table->table + " " +
                       std::to_string(static_cast<int>(c.kind)) + " ";
    JsonWriter w(line);
    if (c.before) binlog::write_row_json(w, *c.before, *c.table);
    line += " ";
    if (c.after) binlog::write_row_json(w, *c.after, *c.table);
    rows.push_back(std::move(line));
    return {};
  }
};

struct Drained {
  std::vector<std::string> rows;
  size_t artificial = 0;
  size_t heartbeats = 0;
};

// Reads a source to its end, feeding the decoder what it should see.
Drained drain(BinlogSource& src) {
  Drained d;
  binlog::Decoder dec;
  RowCollector sink;
  while (true) {
    auto ev = src.next();
    EXPECT_TRUE(ev.ok()) << ev.error().message;
    if (!ev.ok() || !ev->has_value()) break;
    const SourceEvent& e = **ev;
    if (e.kind == SourceEventKind::kArtificial) ++d.artificial;
    if (e.kind == SourceEventKind::kHeartbeat) ++d.heartbeats;
    if (!e.decodable()) continue;
    sink.file.assign(e.file);
    Status st = dec.feed(e.bytes, e.pos, sink);
    EXPECT_TRUE(st.ok()) << st.error().message;
    if (!st.ok()) break;
  }
  d.rows = std::move(sink.rows);
  return d;
}

mysql::Dsn dsn_of(const Sandbox& sb, bool admin = false) {
  mysql::Dsn d;
  d.user = admin ? sb.admin_user() : sb.user();
  d.password = admin ? sb.admin_password() : sb.password();
  d.host = sb.host();
  d.port = static_cast<uint16_t>(sb.port());
  return d;
}

void exec(mysql::Connection& c, const std::string& sql) {
  auto r = c.query(sql);
  ASSERT_TRUE(r.ok()) << sql << ": " << r.error().message;
}

std::string scalar(mysql::Connection& c, const std::string& sql) {
  auto r = c.query(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << (r.ok() ? "" : r.error().message);
  if (!r.ok() || r->empty() || !(*r)[0][0]) return "";
  return *(*r)[0][0];
}

class BinlogDumpTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    sb_ = new Sandbox();
    if (!sb_->ok()) return;
    auto c = mysql::Connection::open(dsn_of(*sb_, true));
    ASSERT_TRUE(c.ok()) << c.error().message;
    admin_ = c.value().release();
    exec(*admin_, "CREATE DATABASE shop");
    exec(*admin_,
         "CREATE TABLE shop.orders (id BIGINT UNSIGNED PRIMARY KEY, note VARCHAR(40), "
         "amount DECIMAL(12,3), at DATETIME(6), payload JSON, raw VARBINARY(16))");
    write_batch(0);
    // The GTID after the first batch: a GTID-mode dump from here must give
    // what the files hold after it.
    mid_gtid_ = scalar(*admin_, "SELECT @@global.gtid_binlog_pos");
    mid_file_count_ = sb_->binlog_files().size();
    exec(*admin_, "FLUSH BINARY LOGS");  // a rotation in the middle
    write_batch(100);
  }
  static void TearDownTestSuite() {
    delete admin_;
    admin_ = nullptr;
    delete sb_;
    sb_ = nullptr;
  }

  static void write_batch(int base) {
    for (int i = 1; i <= 20; ++i) {
      int id = base + i;
      exec(*admin_, "INSERT INTO shop.orders VALUES (" + std::to_string(id) + ", 'n" +
                        std::to_string(id) + "', " + std::to_string(id) +
                        ".125, '2024-02-29 12:34:56.000001', '{\"k\": [1, 2.5, null]}', x'00ff" +
                        std::to_string(id % 10) + "0')");
    }
    exec(*admin_, "BEGIN");
    exec(*admin_,
         "UPDATE shop.orders SET note = CONCAT(note, '-u'), amount = amount * 2 WHERE id % 3 = 0");
    exec(*admin_, "DELETE FROM shop.orders WHERE id % 5 = 0");
    exec(*admin_, "COMMIT");
  }

  void SetUp() override {
    if (!sb_ || !sb_->ok()) GTEST_SKIP() << "sandbox did not start: " << (sb_ ? sb_->error() : "");
  }

  static Drained from_files(const std::string& start_file = "", uint64_t pos = 4) {
    FileSourceOptions fo;
    fo.dir = sb_->binlog_dir();
    fo.start_file = start_file;
    fo.start_pos = pos;
    auto src = open_file_source(fo);
    EXPECT_TRUE(src.ok()) << src.error().message;
    if (!src.ok()) return {};
    return drain(**src);
  }

  static NetworkSourceOptions net_options() {
    NetworkSourceOptions o;
    o.dsn = dsn_of(*sb_);
    o.dump.server_id = 4242;
    o.dump.stop_at_end = true;
    return o;
  }

  static Sandbox* sb_;
  static mysql::Connection* admin_;
  static std::string mid_gtid_;
  static size_t mid_file_count_;
};
Sandbox* BinlogDumpTest::sb_ = nullptr;
mysql::Connection* BinlogDumpTest::admin_ = nullptr;
std::string BinlogDumpTest::mid_gtid_;
size_t BinlogDumpTest::mid_file_count_ = 0;

TEST_F(BinlogDumpTest, PositionModeGivesTheRowsOfTheFiles) {
  Drained files = from_files();
  // Batch 1: 20 inserts, 6 updates (3,6,..18), 4 deletes (5,..20). Batch 2:
  // 20 inserts, 12 updates (the survivors of 1..20 and 102..120 divisible
  // by 3), 4 deletes (105,..120).
  size_t orders = 0;
  for (const auto& r : files.rows) orders += r.find(" shop.orders ") != std::string::npos;
  ASSERT_EQ(orders, 20u + 6u + 4u + 20u + 12u + 4u);
  auto o = net_options();
  o.dump.file = "mysql-bin.000001";
  auto src = open_network_source(o);
  ASSERT_TRUE(src.ok()) << src.error().message;
  Drained net = drain(**src);
  EXPECT_GE(net.artificial, 1u);  // the dump's first ROTATE
  EXPECT_EQ(net.rows, files.rows);
}

TEST_F(BinlogDumpTest, PositionModeFromTheMiddleOfAFile) {
  // Start at the second transaction of the first file: both sources replay
  // the FORMAT_DESCRIPTION first and then give the same rows.
  Drained all = from_files();
  ASSERT_GT(all.rows.size(), 2u);
  // The 4th GTID event starts the second INSERT (after CREATE DATABASE,
  // CREATE TABLE and the first INSERT).
  FileSourceOptions fo;
  fo.dir = sb_->binlog_dir();
  auto walk = open_file_source(fo);
  ASSERT_TRUE(walk.ok());
  uint64_t second_gtid = 0;
  int gtids = 0;
  while (auto ev = (*walk)->next()) {
    if (!ev->has_value()) break;
    if ((**ev).header.type == binlog::kMariaGtid && ++gtids == 4) {
      second_gtid = (**ev).pos;
      break;
    }
  }
  ASSERT_GT(second_gtid, 4u);
  Drained files = from_files("mysql-bin.000001", second_gtid);
  EXPECT_EQ(files.artificial, 1u);  // the replayed FORMAT_DESCRIPTION
  ASSERT_EQ(files.rows.size() + 1, all.rows.size());
  EXPECT_EQ(files.rows.back(), all.rows.back());
  // One byte into the event: refused, never read as garbage.
  FileSourceOptions inside;
  inside.dir = sb_->binlog_dir();
  inside.start_file = "mysql-bin.000001";
  inside.start_pos = second_gtid + 1;
  auto bad = open_file_source(inside);
  ASSERT_TRUE(bad.ok());
  auto first = (*bad)->next();
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(first.error().message.find("is not an event boundary"), std::string::npos)
      << first.error().message;
  auto o = net_options();
  o.dump.file = "mysql-bin.000001";
  o.dump.position = second_gtid;
  auto src = open_network_source(o);
  ASSERT_TRUE(src.ok()) << src.error().message;
  EXPECT_EQ(drain(**src).rows, files.rows);
}

TEST_F(BinlogDumpTest, MariaDbGtidModeGivesTheRowsOfTheFiles) {
  auto o = net_options();
  o.dump.gtid_mode = mysql::DumpGtidMode::kMariaDb;
  o.dump.gtid_set = "";  // empty state: from the first binlog
  auto src = open_network_source(o);
  ASSERT_TRUE(src.ok()) << src.error().message;
  EXPECT_EQ(drain(**src).rows, from_files().rows);

  // From the GTID reached after the first batch: the second batch only.
  ASSERT_FALSE(mid_gtid_.empty());
  o.dump.gtid_set = mid_gtid_;
  auto mid = open_network_source(o);
  ASSERT_TRUE(mid.ok()) << mid.error().message;
  Drained net = drain(**mid);
  std::vector<std::string> tail;
  for (const auto& r : from_files().rows)
    if (r.rfind("mysql-bin.000001 ", 0) != 0) tail.push_back(r);
  ASSERT_EQ(mid_file_count_, 1u);
  ASSERT_FALSE(tail.empty());
  EXPECT_EQ(net.rows, tail);
}

TEST_F(BinlogDumpTest, HeartbeatsArriveWhenIdle) {
  auto o = net_options();
  o.dump.stop_at_end = false;
  o.dump.heartbeat_period_s = 0.2;
  o.dump.file = sb_->binlog_files().back().substr(sb_->binlog_files().back().rfind('/') + 1);
  auto src = open_network_source(o);
  ASSERT_TRUE(src.ok()) << src.error().message;
  int heartbeats = 0;
  auto t0 = std::chrono::steady_clock::now();
  while (heartbeats < 3 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10)) {
    auto ev = (*src)->next();
    ASSERT_TRUE(ev.ok()) << ev.error().message;
    ASSERT_TRUE(ev->has_value());
    if ((**ev).kind == SourceEventKind::kHeartbeat) {
      ++heartbeats;
      EXPECT_EQ((**ev).file, o.dump.file);
      EXPECT_GT((**ev).pos, 4u);
    }
  }
  EXPECT_EQ(heartbeats, 3);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST_F(BinlogDumpTest, WithoutHeartbeatsABlockingDumpWaitsForTheNextEvent) {
  auto o = net_options();
  o.dump.stop_at_end = false;
  o.dump.heartbeat_period_s = 0;
  o.connect.read_timeout_s = 1;  // must not apply: an idle source is silent by design
  o.dump.file = sb_->binlog_files().back().substr(sb_->binlog_files().back().rfind('/') + 1);
  exec(*admin_, "CREATE TABLE IF NOT EXISTS shop.late (id INT PRIMARY KEY)");
  o.dump.position = std::filesystem::file_size(sb_->binlog_files().back());  // the end: idle
  auto src = open_network_source(o);
  ASSERT_TRUE(src.ok()) << src.error().message;
  std::thread writer([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    auto c = mysql::Connection::open(dsn_of(*sb_, true));
    if (c.ok()) (void)(*c)->query("INSERT INTO shop.late VALUES (1)");
  });
  bool saw_rows = false;
  auto t0 = std::chrono::steady_clock::now();
  while (!saw_rows) {
    auto ev = (*src)->next();
    ASSERT_TRUE(ev.ok()) << ev.error().message;
    ASSERT_TRUE(ev->has_value());
    EXPECT_NE((**ev).kind, SourceEventKind::kHeartbeat);
    saw_rows = (**ev).header.type == binlog::kWriteRowsV1;
  }
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(2000));
  writer.join();
}

TEST_F(BinlogDumpTest, CliDumpPrintsWhatDecodeOfTheFilesPrints) {
  std::string files;
  for (const auto& f : sb_->binlog_files()) files += " " + testing::shell_quote(f);
  std::string from_files, from_server;
  ASSERT_EQ(
      testing::run_command(std::string(DBTRAIL_BINARY) + " binlog decode" + files, &from_files), 0);
  const std::string dump =
      "DBTRAIL_SOURCE_PASSWORD=" + testing::shell_quote(sb_->password()) + " " + DBTRAIL_BINARY +
      " binlog dump --source-dsn " +
      testing::shell_quote("bintrail@tcp(127.0.0.1:" + std::to_string(sb_->port()) + ")/");
  ASSERT_EQ(testing::run_command(dump + " --server-id 31 2>&1", &from_server), 0) << from_server;
  EXPECT_GT(from_files.size(), 1000u);
  EXPECT_EQ(from_server, from_files);
  std::string gtid_out;
  ASSERT_EQ(testing::run_command(dump + " --server-id 31 --start-gtid - 2>&1", &gtid_out), 0);
  EXPECT_EQ(gtid_out, from_files);
  std::string err;
  EXPECT_EQ(testing::run_command(dump + " --server-id 0 2>&1", &err), 2) << err;
}

TEST_F(BinlogDumpTest, WrongPasswordIsAConnectionErrorWithoutThePassword) {
  auto o = net_options();
  o.dump.file = "mysql-bin.000001";
  o.dsn.password = "Sup3rSecretWrongPassword";
  auto src = open_network_source(o);
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.error().code, ErrorCode::kConnection);
  EXPECT_EQ(src.error().message.find("Sup3rSecretWrongPassword"), std::string::npos)
      << src.error().message;
  EXPECT_NE(src.error().message.find("bintrail@127.0.0.1"), std::string::npos)
      << src.error().message;
}

TEST_F(BinlogDumpTest, UserWithoutReplicationSlaveIsToldTheGrant) {
  exec(*admin_, "CREATE USER IF NOT EXISTS 'noslave'@'127.0.0.1' IDENTIFIED BY 'noslavepw1'");
  exec(*admin_, "GRANT SELECT ON *.* TO 'noslave'@'127.0.0.1'");
  auto o = net_options();
  o.dump.file = "mysql-bin.000001";
  o.dsn.user = "noslave";
  o.dsn.password = "noslavepw1";
  auto src = open_network_source(o);
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.error().code, ErrorCode::kConnection);
  EXPECT_NE(src.error().message.find("GRANT REPLICATION SLAVE"), std::string::npos)
      << src.error().message;
}

TEST_F(BinlogDumpTest, MissingStartFileIsNotFound) {
  auto o = net_options();
  o.dump.file = "mysql-bin.999999";
  auto src = open_network_source(o);
  // The source may refuse at the request or with the first read.
  Status st;
  if (src.ok()) {
    auto ev = (*src)->next();
    ASSERT_FALSE(ev.ok());
    st = ev.error();
  } else {
    st = src.error();
  }
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound) << st.error().message;
  EXPECT_NE(st.error().message.find("mysql-bin.999999"), std::string::npos) << st.error().message;
}

TEST_F(BinlogDumpTest, ServerIdZeroIsRefused) {
  auto o = net_options();
  o.dump.file = "mysql-bin.000001";
  o.dump.server_id = 0;
  auto src = open_network_source(o);
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(BinlogDumpTest, FileSourceMissingDirectoryAndFile) {
  FileSourceOptions fo;
  fo.dir = sb_->dir() + "/no-such-dir";
  auto a = open_file_source(fo);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, ErrorCode::kNotFound);
  fo.dir = sb_->binlog_dir();
  fo.start_file = "mysql-bin.000077";
  auto b = open_file_source(fo);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kNotFound);
  EXPECT_NE(b.error().message.find("oldest there: mysql-bin.000001"), std::string::npos)
      << b.error().message;
}

// A server of its own: binlogs are purged and the server is stopped mid-dump.
TEST(BinlogDumpLifecycle, PurgedBinlogAndServerStopGiveClearErrors) {
  Sandbox sb;
  ASSERT_TRUE(sb.ok()) << sb.error();
  auto admin = mysql::Connection::open(dsn_of(sb, true));
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  exec(**admin, "CREATE DATABASE test");
  exec(**admin, "CREATE TABLE test.t (id INT PRIMARY KEY)");
  exec(**admin, "INSERT INTO test.t VALUES (1)");
  exec(**admin, "FLUSH BINARY LOGS");
  exec(**admin, "INSERT INTO test.t VALUES (2)");
  exec(**admin, "FLUSH BINARY LOGS");
  // MariaDB keeps a file until InnoDB has checkpointed past it: retry.
  for (int i = 0; i < 50 && sb.binlog_files().front().ends_with("000001"); ++i) {
    exec(**admin, "PURGE BINARY LOGS TO 'mysql-bin.000003'");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(sb.binlog_files().front().ends_with("000001"))
      << "PURGE did not remove mysql-bin.000001";

  NetworkSourceOptions o;
  o.dsn = dsn_of(sb);
  o.dump.server_id = 77;
  o.dump.file = "mysql-bin.000001";
  Status st;
  auto src = open_network_source(o);
  if (src.ok()) {
    // The source may send its ROTATE before it finds the file gone.
    for (int i = 0; i < 5 && st.ok(); ++i) {
      auto ev = (*src)->next();
      if (!ev.ok()) st = ev.error();
    }
    ASSERT_FALSE(st.ok()) << "the dump of a purged file did not fail";
  } else {
    st = src.error();
  }
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound) << st.error().message;
  EXPECT_NE(
      st.error().message.find("binlog file mysql-bin.000001 was purged on the source (error 1236)"),
      std::string::npos)
      << st.error().message;
  EXPECT_NE(st.error().message.find("re-snapshot"), std::string::npos);

  // A live dump of the remaining file, then the server goes away.
  o.dump.file = "mysql-bin.000003";
  o.dump.heartbeat_period_s = 1;
  auto live = open_network_source(o);
  ASSERT_TRUE(live.ok()) << live.error().message;
  bool saw_row_file_event = false;
  for (int i = 0; i < 5; ++i) {  // ROTATE, FDE, ...: the dump is running
    auto ev = (*live)->next();
    ASSERT_TRUE(ev.ok()) << ev.error().message;
    saw_row_file_event |= ev->has_value();
  }
  EXPECT_TRUE(saw_row_file_event);
  admin.value().reset();
  sb.stop();
  Status end;
  for (int i = 0; i < 100; ++i) {  // drain what was sent before the shutdown
    auto ev = (*live)->next();
    if (!ev.ok()) {
      end = ev.error();
      break;
    }
  }
  ASSERT_FALSE(end.ok()) << "no error after the server stopped";
  EXPECT_EQ(end.error().code, ErrorCode::kConnection) << end.error().message;
  EXPECT_NE(end.error().message.find("lost while reading the binlog"), std::string::npos)
      << end.error().message;
  EXPECT_EQ(end.error().message.find(sb.password()), std::string::npos);
}

}  // namespace
}  // namespace dbtrail::stream
