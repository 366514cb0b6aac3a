// `dbtrail stream` against a private MariaDB: the binary is SIGKILLed at
// random moments while a writer commits multi-statement transactions, and
// restarted each time; in the end the index must hold exactly the row changes
// of the server's own binlog files (decoded with the library): every
// (file, position, kind, before, after) once, none lost, none twice. Also a
// DDL mid-stream and a graceful stop (SIGTERM) with resume.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "stream_fixture.h"

namespace dbtrail::stream {
namespace {

// Multi-statement transactions: inserts, updates and deletes on shop.t, a
// rotation every 700 transactions, rows in other.t that the filter drops.
void write_load(const Sandbox& sb, std::atomic<bool>& stop, std::atomic<int>& done, unsigned seed) {
  auto c = admin(sb);
  ASSERT_NE(c, nullptr);
  std::mt19937 rng(seed);
  int next_id = 1;
  while (!stop.load()) {
    exec(*c, "BEGIN");
    int n = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
      int id = next_id++;
      exec(*c, "INSERT INTO shop.t VALUES (" + std::to_string(id) + ", " +
                   std::to_string(rng() % 1000) + ", 's" + std::to_string(id) + "')");
    }
    int victim = 1 + static_cast<int>(rng() % next_id);
    exec(*c, "UPDATE shop.t SET v = v + 1, s = CONCAT(s, 'u') WHERE id BETWEEN " +
                 std::to_string(victim) + " AND " + std::to_string(victim + 2));
    if (rng() % 3 == 0) {
      exec(*c, "DELETE FROM shop.t WHERE id = " + std::to_string(1 + rng() % next_id));
    }
    exec(*c, "INSERT INTO other.t VALUES (" + std::to_string(next_id) + ")");
    exec(*c, "COMMIT");
    int d = ++done;
    if (d % 700 == 0) exec(*c, "FLUSH BINARY LOGS");
  }
}

TEST_F(StreamTest, ExactlyOnceAcrossSigkills) {
  exec(*admin_, "CREATE DATABASE shop");
  exec(*admin_, "CREATE DATABASE other");
  exec(*admin_, "CREATE TABLE shop.t (id INT PRIMARY KEY, v INT, s VARCHAR(200))");
  exec(*admin_, "CREATE TABLE other.t (id INT PRIMARY KEY)");
  std::atomic<bool> stop_load{false};
  std::atomic<int> done{0};
  std::thread writer(write_load, std::cref(sb_), std::ref(stop_load), std::ref(done), 7u);

  std::mt19937 rng(12345);
  const int kills = 24;
  for (int i = 0; i < kills; ++i) {
    pid_t pid = spawn();
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 900));
    int status = stop(pid, SIGKILL);
    // It must have been running (not exited on an error) when killed.
    ASSERT_TRUE(WIFSIGNALED(status)) << "run " << i << " exited by itself:\n" << log_text();
  }
  while (done.load() < 2500) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop_load = true;
  writer.join();

  pid_t pid = spawn("200ms");
  bool ok = caught_up(180);
  int status = stop(pid, SIGTERM);
  ASSERT_TRUE(ok) << log_text();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log_text();

  FileRows truth = decode_files(sb_, "shop");
  auto got = index_keys(loc_, "shop", {"t"});
  size_t total = 0;
  for (const auto& [k, n] : truth.keys) total += n;
  std::printf("transactions: %d, row changes in the binlog: %zu, stream runs killed: %d\n",
              done.load(), total, kills);
  EXPECT_GT(total, 5000u);
  size_t missing = 0, extra = 0;
  for (const auto& [k, n] : truth.keys) {
    int have = got.count(k) ? got[k] : 0;
    if (have < n) missing += n - have;
    if (have > n) extra += have - n;
  }
  for (const auto& [k, n] : got)
    if (!truth.keys.count(k)) extra += n;
  EXPECT_EQ(missing, 0u) << "row changes lost";
  EXPECT_EQ(extra, 0u) << "row changes indexed twice (or never in the binlog)";
  EXPECT_TRUE(index_keys(loc_, "other", {"t"}).empty()) << "--schemas shop let other.t through";
}

TEST_F(StreamTest, DdlMidStreamKeepsColumnsOfEachRow) {
  exec(*admin_, "CREATE DATABASE shop");
  exec(*admin_, "CREATE TABLE shop.t (id INT PRIMARY KEY, v INT)");
  pid_t pid = spawn("200ms");
  for (int i = 1; i <= 100; ++i)
    exec(*admin_,
         "INSERT INTO shop.t VALUES (" + std::to_string(i) + ", " + std::to_string(i) + ")");
  exec(*admin_, "ALTER TABLE shop.t ADD COLUMN note VARCHAR(20) DEFAULT 'x'");
  for (int i = 101; i <= 200; ++i)
    exec(*admin_, "INSERT INTO shop.t VALUES (" + std::to_string(i) + ", " + std::to_string(i) +
                      ", 'n" + std::to_string(i) + "')");
  exec(*admin_, "UPDATE shop.t SET v = -v WHERE id IN (50, 150)");
  ASSERT_TRUE(caught_up(60)) << log_text();
  EXPECT_EQ(WEXITSTATUS(stop(pid, SIGTERM)), 0) << log_text();

  FileRows truth = decode_files(sb_, "shop");
  EXPECT_EQ(index_keys(loc_, "shop", {"t"}), truth.keys);
  auto store = index::open_store(loc_);
  ASSERT_TRUE(store.ok());
  index::QueryFilter f;
  f.schema = "shop";
  f.table = "t";
  f.limit = 1000;
  auto rows = (*store)->query(f);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 202u);
  for (const auto& r : *rows) {
    int id = std::stoi(r.pk_values);
    bool after_ddl = r.type == index::ChangeType::kInsert ? id > 100 : true;
    const std::string& img = *r.row_after;
    EXPECT_EQ(img.find("\"note\"") != std::string::npos, after_ddl) << img;
    EXPECT_NE(img.find("\"v\""), std::string::npos) << img;
  }
}

TEST_F(StreamTest, SigtermFlushesAndResumes) {
  exec(*admin_, "CREATE DATABASE shop");
  exec(*admin_, "CREATE TABLE shop.t (id INT PRIMARY KEY, v INT)");
  // A long checkpoint interval: only the graceful stop writes these rows.
  pid_t pid = spawn("1h");
  for (int i = 1; i <= 30; ++i)
    exec(*admin_, "INSERT INTO shop.t VALUES (" + std::to_string(i) + ", 0)");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  int status = stop(pid, SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << log_text();
  EXPECT_EQ(WEXITSTATUS(status), 0) << log_text();
  auto cp = checkpoint();
  auto ms = master_status(*admin_);
  ASSERT_TRUE(cp.has_value());
  EXPECT_EQ(cp->binlog_file, ms.first);
  EXPECT_EQ(cp->position, ms.second);
  EXPECT_NE(cp->gtid_set, "");
  EXPECT_EQ(index_keys(loc_, "shop", {"t"}).size(), 30u);

  for (int i = 31; i <= 60; ++i)
    exec(*admin_, "INSERT INTO shop.t VALUES (" + std::to_string(i) + ", 0)");
  exec(*admin_, "DELETE FROM shop.t WHERE id <= 10");
  pid = spawn("200ms");
  ASSERT_TRUE(caught_up(60)) << log_text();
  EXPECT_EQ(WEXITSTATUS(stop(pid, SIGTERM)), 0) << log_text();
  FileRows truth = decode_files(sb_, "shop");
  EXPECT_EQ(index_keys(loc_, "shop", {"t"}), truth.keys);
  EXPECT_NE(log_text().find("resuming"), std::string::npos) << log_text();
}

TEST_F(StreamTest, RefusesPurgedBinlogAndRebuiltSourceUntilReset) {
  exec(*admin_, "CREATE DATABASE shop");
  exec(*admin_, "CREATE TABLE shop.t (id INT PRIMARY KEY)");
  exec(*admin_, "INSERT INTO shop.t VALUES (1)");
  pid_t pid = spawn("200ms");
  ASSERT_TRUE(caught_up(60)) << log_text();
  ASSERT_EQ(WEXITSTATUS(stop(pid, SIGTERM)), 0) << log_text();
  auto cp = checkpoint();
  ASSERT_TRUE(cp.has_value());

  // A checkpoint from another server: refused (kPrerequisite = 10), names the way out.
  {
    auto store = index::open_store(loc_);
    ASSERT_TRUE(store.ok());
    index::Checkpoint other = *cp;
    other.server_uuid = "server_id=99,domain=7";
    std::vector<index::ChangeRecord> none;
    ASSERT_TRUE((*store)->write_batch(none, other).ok());
  }
  int status = 0;
  pid = spawn("200ms");
  waitpid(pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 10) << log_text();
  EXPECT_NE(log_text().find("server_id=99,domain=7"), std::string::npos) << log_text();
  EXPECT_NE(log_text().find("--reset-checkpoint"), std::string::npos) << log_text();
  {
    auto store = index::open_store(loc_);
    ASSERT_TRUE(store.ok());
    std::vector<index::ChangeRecord> none;
    ASSERT_TRUE((*store)->write_batch(none, *cp).ok());
  }

  // The checkpoint's binlog purged: refused (kNotFound = 3) naming it and the oldest file.
  exec(*admin_, "FLUSH BINARY LOGS");
  exec(*admin_, "INSERT INTO shop.t VALUES (2)");
  exec(*admin_, "FLUSH BINARY LOGS");
  auto ms = master_status(*admin_);
  exec(*admin_, "PURGE BINARY LOGS TO '" + ms.first + "'");
  auto logs = admin_->query("SHOW BINARY LOGS");  // the server may keep one more than asked
  ASSERT_TRUE(logs.ok() && !logs->empty());
  std::string oldest = *(*logs)[0][0];
  ASSERT_NE(oldest, cp->binlog_file);
  pid = spawn("200ms");
  waitpid(pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 3) << log_text();
  std::string log = log_text();
  EXPECT_NE(log.find(cp->binlog_file + ":" + std::to_string(cp->position)), std::string::npos)
      << log;
  EXPECT_NE(log.find("oldest available: " + oldest), std::string::npos) << log;

  // The operator's way out: reset, logged, then streaming goes on from there.
  pass_start_ = false;  // the first file is gone: start at the current position
  pid = spawn("200ms", {"--reset-checkpoint"});
  std::this_thread::sleep_for(std::chrono::seconds(2));
  exec(*admin_, "INSERT INTO shop.t VALUES (3)");
  ASSERT_TRUE(caught_up(60)) << log_text();
  EXPECT_EQ(WEXITSTATUS(stop(pid, SIGTERM)), 0) << log_text();
  EXPECT_NE(log_text().find("discarding checkpoint " + cp->binlog_file), std::string::npos)
      << log_text();
}

TEST_F(StreamTest, ReconnectsAfterTheDumpIsKilled) {
  exec(*admin_, "CREATE DATABASE shop");
  exec(*admin_, "CREATE TABLE shop.t (id INT PRIMARY KEY, v INT)");
  pid_t pid = spawn("200ms");
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 40; ++i) {
      int id = round * 100 + i;
      exec(*admin_, "BEGIN");
      exec(*admin_, "INSERT INTO shop.t VALUES (" + std::to_string(id) + ", 0)");
      exec(*admin_, "UPDATE shop.t SET v = v + 1 WHERE id = " + std::to_string(id));
      exec(*admin_, "COMMIT");
    }
    ASSERT_TRUE(caught_up(60)) << log_text();
    // The server drops the replica's dump connection: the stream must resume.
    auto ids = admin_->query(
        "SELECT id FROM information_schema.processlist WHERE command LIKE 'Binlog Dump%'");
    ASSERT_TRUE(ids.ok());
    ASSERT_EQ(ids->size(), 1u);
    exec(*admin_, "KILL " + *(*ids)[0][0]);
  }
  exec(*admin_, "INSERT INTO shop.t VALUES (1000, 0)");  // only a resumed stream sees it
  ASSERT_TRUE(caught_up(60)) << log_text();
  EXPECT_EQ(WEXITSTATUS(stop(pid, SIGTERM)), 0) << log_text();
  EXPECT_NE(log_text().find("lost the source"), std::string::npos) << log_text();
  EXPECT_NE(log_text().find("3 reconnects"), std::string::npos) << log_text();
  FileRows truth = decode_files(sb_, "shop");
  EXPECT_EQ(index_keys(loc_, "shop", {"t"}), truth.keys);
}

}  // namespace
}  // namespace dbtrail::stream
