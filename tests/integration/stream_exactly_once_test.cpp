// `dbtrail stream` against a private MariaDB: the binary is SIGKILLed at
// random moments while a writer commits multi-statement transactions, and
// restarted each time; in the end the index must hold exactly the row changes
// of the server's own binlog files (decoded with the library): every
// (file, position, kind, before, after) once, none lost, none twice. Also a
// DDL mid-stream, a graceful stop (SIGTERM) with resume, a source restarted
// in place, and a source writing binlog_row_metadata=MINIMAL through a
// sequence of DDL with SIGKILLs in it: every row named with the columns it
// had when written, also after its table lookup connection was killed.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "stream_fixture.h"

namespace dbtrail::stream {
namespace {

using testing::SandboxOptions;
using Clock = std::chrono::steady_clock;

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
  // MariaDB keeps a file until InnoDB's binlog checkpoint has passed it (a
  // BINLOG_CHECKPOINT event written a moment after the rotation, later on a
  // loaded machine): purge until the checkpoint's file is gone.
  std::string oldest;
  for (auto until = Clock::now() + std::chrono::seconds(60); Clock::now() < until;) {
    auto ms = master_status(*admin_);
    exec(*admin_, "PURGE BINARY LOGS TO '" + ms.first + "'");
    auto logs = admin_->query("SHOW BINARY LOGS");
    ASSERT_TRUE(logs.ok() && !logs->empty());
    oldest = *(*logs)[0][0];
    if (oldest != cp->binlog_file) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_NE(oldest, cp->binlog_file) << "the server never purged the checkpoint's binlog";
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
    // (A dump thread killed in the previous round can linger in the process
    // list for a moment on a loaded machine: wait until only one is left.)
    std::vector<mysql::Row> ids;
    for (auto until = Clock::now() + std::chrono::seconds(30); Clock::now() < until;) {
      auto r = admin_->query(
          "SELECT id FROM information_schema.processlist WHERE command LIKE 'Binlog Dump%'");
      ASSERT_TRUE(r.ok());
      ids = std::move(r.value());
      if (ids.size() == 1) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(ids.size(), 1u);
    exec(*admin_, "KILL " + *ids[0][0]);
  }
  exec(*admin_, "INSERT INTO shop.t VALUES (1000, 0)");  // only a resumed stream sees it
  ASSERT_TRUE(caught_up(60)) << log_text();
  EXPECT_EQ(WEXITSTATUS(stop(pid, SIGTERM)), 0) << log_text();
  EXPECT_NE(log_text().find("lost the source"), std::string::npos) << log_text();
  EXPECT_NE(log_text().find("3 reconnects"), std::string::npos) << log_text();
  FileRows truth = decode_files(sb_, "shop");
  EXPECT_EQ(index_keys(loc_, "shop", {"t"}), truth.keys);
}

// The source is shut down and started again (same data, port and server id)
// while the stream follows it and rows are still arriving: the stream must
// ride out the outage with backoff and resume from its checkpoint, losing and
// repeating nothing across the new binlog file the restart opens.
TEST_F(StreamTest, SourceRestartResumesWithoutLoss) {
  exec(*admin_, "CREATE DATABASE shop");
  exec(*admin_, "CREATE TABLE shop.t (id INT PRIMARY KEY, v INT)");
  pid_t pid = spawn("200ms");
  auto write = [&](int from, int to) {
    for (int id = from; id < to; ++id) {
      exec(*admin_, "BEGIN");
      exec(*admin_, "INSERT INTO shop.t VALUES (" + std::to_string(id) + ", 0)");
      exec(*admin_, "UPDATE shop.t SET v = v + 1 WHERE id = " + std::to_string(id));
      exec(*admin_, "COMMIT");
    }
  };
  write(0, 300);  // not waited for: the restart may land mid-stream
  admin_.reset();
  ASSERT_TRUE(sb_.restart()) << sb_.error();
  admin_ = admin(sb_);
  ASSERT_NE(admin_, nullptr);
  write(300, 400);
  ASSERT_TRUE(caught_up(90)) << log_text();
  EXPECT_EQ(WEXITSTATUS(stop(pid, SIGTERM)), 0) << log_text();
  EXPECT_NE(log_text().find("lost the source"), std::string::npos) << log_text();
  FileRows truth = decode_files(sb_, "shop");
  ASSERT_EQ(truth.by_table["t"].size(), 800u);
  EXPECT_EQ(index_keys(loc_, "shop", {"t"}), truth.keys);

  // `status --source-dsn` measures the stopped stream against the source: a
  // transaction written since puts it further behind.
  const std::string status = "DBTRAIL_SOURCE_PASSWORD=" + sb_.password() + " " + DBTRAIL_BINARY +
                             " status --ssl-mode disabled --index " + testing::shell_quote(loc_) +
                             " --source-dsn mysql://" + sb_.user() + "@127.0.0.1:" +
                             std::to_string(sb_.port()) + "/";
  auto behind = [&] {
    std::string out;
    EXPECT_EQ(testing::run_command(status, &out), 0) << out;
    size_t end = out.find(" bytes behind the source (at ");
    EXPECT_NE(end, std::string::npos) << out;
    if (end == std::string::npos) return int64_t(-1);
    size_t start = out.rfind(' ', end - 1) + 1;
    return static_cast<int64_t>(std::stoll(out.substr(start, end - start)));
  };
  const int64_t before = behind();
  EXPECT_GE(before, 0);
  exec(*admin_, "INSERT INTO shop.t VALUES (1000, 0)");
  EXPECT_GT(behind(), before);
}

// A row change as written, with the images the index must show.
struct Written {
  std::string table;
  index::ChangeType type;
  std::string pk;
  std::optional<std::string> before, after;
};

class MinimalMetadataStreamTest : public StreamTest {
 protected:
  MinimalMetadataStreamTest() : StreamTest(SandboxOptions{.row_metadata = "MINIMAL"}) {}

  void write(const std::string& sql, std::vector<Written> rows) {
    exec(*admin_, sql);
    for (auto& r : rows) written_.push_back(std::move(r));
  }
  void ddl(const std::string& sql, const std::string& type, const std::string& table) {
    exec(*admin_, sql);
    ddls_.push_back({type, table});
  }
  // Polls until the stream has stored a schema_changes row for every DDL run so far.
  bool changes_seen(int seconds) {
    auto until = Clock::now() + std::chrono::seconds(seconds);
    while (Clock::now() < until) {
      if (schema_changes().size() >= ddls_.size()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  std::vector<Written> written_;
  std::vector<std::pair<std::string, std::string>> ddls_;  // (ddl_type, table)
};

Written ins(const std::string& table, const std::string& pk, const std::string& after) {
  return {table, index::ChangeType::kInsert, pk, std::nullopt, after};
}

TEST_F(MinimalMetadataStreamTest, DdlMidStreamNamesEveryRowAsWrittenAcrossSigkills) {
  ASSERT_EQ(sb_.get("SANDBOX_ROW_METADATA"), "MINIMAL");
  exec(*admin_, "CREATE DATABASE shop");
  exec(*admin_, "CREATE TABLE shop.a (id INT PRIMARY KEY, x INT, s VARCHAR(20))");
  pass_start_ = false;  // from the current position: the stream's own snapshot is valid there

  // Run 1 dies (SIGKILL, from its crash point) right after storing the
  // third DDL's version, before any checkpoint past it: the next run meets
  // versions beyond its checkpoint and must re-read, not re-create, them.
  setenv("DBTRAIL_CRASH_AT", "schema-version-stored:3", 1);
  pid_t pid = spawn("1h");
  unsetenv("DBTRAIL_CRASH_AT");
  ASSERT_TRUE(caught_up(60)) << log_text();  // the start checkpoint (after the snapshot)
  auto start = checkpoint();
  ASSERT_TRUE(start.has_value());
  write("INSERT INTO shop.a VALUES (1, 10, 's1'), (2, 20, 's2'), (3, 30, 's3')",
        {ins("a", "1", R"({"id":1,"x":10,"s":"s1"})"), ins("a", "2", R"({"id":2,"x":20,"s":"s2"})"),
         ins("a", "3", R"({"id":3,"x":30,"s":"s3"})")});
  ddl("CREATE TABLE shop.b (k INT PRIMARY KEY, name VARCHAR(20))", "CREATE", "b");
  write("INSERT INTO shop.b VALUES (1, 'b1'), (2, 'b2')",
        {ins("b", "1", R"({"k":1,"name":"b1"})"), ins("b", "2", R"({"k":2,"name":"b2"})")});
  ddl("ALTER TABLE shop.a ADD COLUMN note VARCHAR(20) AFTER x", "ALTER", "a");
  write("INSERT INTO shop.a VALUES (4, 40, 'n4', 's4')",
        {ins("a", "4", R"({"id":4,"x":40,"note":"n4","s":"s4"})")});
  write("UPDATE shop.a SET note = 'u1' WHERE id = 1",
        {{"a", index::ChangeType::kUpdate, "1", R"({"id":1,"x":10,"note":null,"s":"s1"})",
          R"({"id":1,"x":10,"note":"u1","s":"s1"})"}});
  ddl("ALTER TABLE shop.a RENAME COLUMN x TO x2", "ALTER", "a");
  write("INSERT INTO shop.a VALUES (5, 50, 'n5', 's5')",
        {ins("a", "5", R"({"id":5,"x2":50,"note":"n5","s":"s5"})")});
  {
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << log_text();
  }
  ASSERT_TRUE(changes_seen(1)) << log_text();
  {
    auto cp = checkpoint();
    auto changes = schema_changes();
    ASSERT_TRUE(cp.has_value());
    ASSERT_EQ(changes.size(), 3u);
    // The scenario this run is for: a version stored beyond the checkpoint.
    ASSERT_EQ(cp->binlog_file, changes.back().binlog_file);
    ASSERT_LT(cp->position, changes.back().position);
  }

  // Run 2: more DDL; killed once caught up.
  pid = spawn("200ms");
  ddl("ALTER TABLE shop.a DROP COLUMN s", "ALTER", "a");
  write("INSERT INTO shop.a VALUES (6, 60, 'n6')",
        {ins("a", "6", R"({"id":6,"x2":60,"note":"n6"})")});
  write("DELETE FROM shop.a WHERE id = 2",
        {{"a", index::ChangeType::kDelete, "2", R"({"id":2,"x2":20,"note":null})", std::nullopt}});
  ddl("ALTER TABLE shop.a ADD COLUMN g INT AS (x2 * 2) VIRTUAL", "ALTER", "a");
  write("INSERT INTO shop.a (id, x2, note) VALUES (7, 70, 'n7')",
        {ins("a", "7", R"({"id":7,"x2":70,"note":"n7","g":140})")});
  ddl("RENAME TABLE shop.b TO shop.b2", "RENAME", "b2");
  write("INSERT INTO shop.b2 VALUES (3, 'b3')", {ins("b2", "3", R"({"k":3,"name":"b3"})")});
  ASSERT_TRUE(caught_up(60)) << log_text();
  ASSERT_TRUE(WIFSIGNALED(stop(pid, SIGKILL))) << log_text();

  // Run 3: the rest, then a graceful stop.
  pid = spawn("200ms");
  ddl("TRUNCATE TABLE shop.a", "TRUNCATE", "a");
  write("INSERT INTO shop.a (id, x2, note) VALUES (1, 11, 't1')",
        {ins("a", "1", R"({"id":1,"x2":11,"note":"t1","g":22})")});
  ddl("DROP TABLE shop.b2", "DROP", "b2");
  ddl("CREATE TABLE shop.b2 (name VARCHAR(20), k2 BIGINT, PRIMARY KEY (k2))", "CREATE", "b2");
  write("INSERT INTO shop.b2 VALUES ('c1', 9)", {ins("b2", "9", R"({"name":"c1","k2":9})")});
  ASSERT_TRUE(caught_up(60)) << log_text();
  EXPECT_EQ(WEXITSTATUS(stop(pid, SIGTERM)), 0) << log_text();

  // Every row as written, once, in order, per table.
  auto store = index::open_store(loc_);
  ASSERT_TRUE(store.ok());
  for (const char* table : {"a", "b", "b2"}) {
    SCOPED_TRACE(table);
    std::vector<const Written*> want;
    for (const auto& w : written_)
      if (w.table == table) want.push_back(&w);
    index::QueryFilter f;
    f.schema = "shop";
    f.table = table;
    f.limit = 1000;
    auto got = (*store)->query(f);
    ASSERT_TRUE(got.ok()) << got.error().message;
    ASSERT_EQ(got->size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      const index::ChangeRecord& r = (*got)[i];
      EXPECT_EQ(r.type, want[i]->type) << i;
      EXPECT_EQ(r.pk_values, want[i]->pk) << i;
      EXPECT_EQ(r.row_before, want[i]->before) << i;
      EXPECT_EQ(r.row_after, want[i]->after) << i;
      EXPECT_GT(r.schema_version, 0u) << i;
    }
  }
  // One schema_changes row per DDL, in binlog order, each starting a newer version.
  auto changes = schema_changes();
  ASSERT_EQ(changes.size(), ddls_.size());
  uint32_t last_version = 0;
  for (size_t i = 0; i < ddls_.size(); ++i) {
    EXPECT_EQ(changes[i].ddl_type, ddls_[i].first) << changes[i].ddl;
    EXPECT_EQ(changes[i].schema, "shop") << changes[i].ddl;
    EXPECT_EQ(changes[i].table, ddls_[i].second) << changes[i].ddl;
    EXPECT_NE(changes[i].gtid, "") << changes[i].ddl;
    EXPECT_GT(changes[i].schema_version, last_version) << changes[i].ddl;
    last_version = changes[i].schema_version;
  }
  // `dbtrail status` lists them.
  std::string out;
  ASSERT_EQ(testing::run_command(std::string(DBTRAIL_BINARY) + " status --index " +
                                     testing::shell_quote(loc_),
                                 &out),
            0);
  EXPECT_NE(out.find("schema changes: " + std::to_string(ddls_.size())), std::string::npos)
      << out;
  EXPECT_NE(out.find("RENAME shop.b2 -> version"), std::string::npos) << out;
}

// The stream's table lookup connection (asked for tables a DDL's text cannot
// describe, like CREATE TABLE ... LIKE a table outside --schemas) dies while
// the stream runs: the source restarted, or wait_timeout closed it on a quiet
// stream. The next such DDL must reopen it, not name the new table's rows by
// number.
TEST_F(MinimalMetadataStreamTest, DeadTableLookupConnectionIsReopened) {
  exec(*admin_, "CREATE DATABASE shop");
  exec(*admin_, "CREATE DATABASE other");  // not in the stream's snapshot (--schemas shop)
  exec(*admin_, "CREATE TABLE other.t (k INT PRIMARY KEY, v VARCHAR(20))");
  pass_start_ = false;
  pid_t pid = spawn("200ms");
  ASSERT_TRUE(caught_up(60)) << log_text();
  // Every connection of the stream's user but the binlog dump: the lookup one.
  auto lookups = admin_->query("SELECT id FROM information_schema.processlist WHERE user = '" +
                               sb_.user() + "' AND command NOT LIKE 'Binlog Dump%'");
  ASSERT_TRUE(lookups.ok()) << lookups.error().message;
  ASSERT_EQ(lookups->size(), 1u) << "expected the stream's one table lookup connection";
  exec(*admin_, "KILL " + *(*lookups)[0][0]);

  ddl("CREATE TABLE shop.c LIKE other.t", "CREATE", "c");
  write("INSERT INTO shop.c VALUES (7, 'seven')", {ins("c", "7", R"({"k":7,"v":"seven"})")});
  ASSERT_TRUE(caught_up(60)) << log_text();
  EXPECT_EQ(WEXITSTATUS(stop(pid, SIGTERM)), 0) << log_text();
  EXPECT_NE(log_text().find("reopened the table lookup connection"), std::string::npos)
      << log_text();

  auto store = index::open_store(loc_);
  ASSERT_TRUE(store.ok());
  index::QueryFilter f;
  f.schema = "shop";
  f.table = "c";
  auto got = (*store)->query(f);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].pk_values, "7");
  EXPECT_EQ((*got)[0].row_after, written_.back().after) << log_text();
}

}  // namespace
}  // namespace dbtrail::stream
