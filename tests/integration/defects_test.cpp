// The known defects of the engine dbtrail replaces (spec/reference.md, "Known
// defects"), each reproduced against a sandbox MariaDB and driven through the
// real binary: binlog -> `dbtrail index` (SQLite) -> `dbtrail query` /
// `dbtrail recover`. One test per defect; the fixture-only ones (8, 12 from
// fixtures) are in tests/conformance/defects_test.cpp. Defects 1-4 and 10 need
// the streaming pipeline and are not covered here.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mysql/connection.h"
#include "recover/json_reader.h"
#include "sandbox.h"
#include "util/time_format.h"

namespace dbtrail::testing {
namespace {

class Defects : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sb_ = new Sandbox();
    if (!sb_->ok()) return;
    conn_ = open_conn().release();
  }
  static void TearDownTestSuite() {
    delete conn_;
    conn_ = nullptr;
    delete sb_;
    sb_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(sb_->ok()) << sb_->error();
    ASSERT_NE(conn_, nullptr);
    char tmpl[] = "/tmp/dbtrail-defects.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    loc_ = "sqlite:" + dir_ + "/index";
  }
  void TearDown() override { run_command("rm -rf " + shell_quote(dir_), nullptr); }

  static std::unique_ptr<mysql::Connection> open_conn() {
    mysql::Dsn dsn;
    dsn.user = sb_->admin_user();
    dsn.password = sb_->admin_password();
    dsn.port = static_cast<uint16_t>(sb_->port());
    auto c = mysql::Connection::open(dsn);
    if (!c.ok()) {
      ADD_FAILURE() << c.error().message;
      return nullptr;
    }
    return std::move(*c);
  }
  static void exec(mysql::Connection& c, const std::string& sql) {
    auto r = c.query(sql);
    ASSERT_TRUE(r.ok()) << r.error().message << "\n  in: " << sql.substr(0, 300);
  }
  void exec(const std::string& sql) { exec(*conn_, sql); }
  std::string one(const std::string& sql) {
    auto r = conn_->query(sql);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message) << "\n  in: " << sql;
    if (!r.ok() || r->empty() || r->front().empty()) return "";
    return r->front().back().value_or("NULL");
  }
  int64_t now() { return std::stoll(one("SELECT UNIX_TIMESTAMP()")); }
  void wait_past(int64_t t) {
    while (now() <= t) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  // Rotates the binlog and indexes `schema`'s changes in every file into this
  // test's index.
  void index_all(const std::string& schema, const std::string& env = "") {
    exec("FLUSH BINARY LOGS");
    std::string files;
    for (const auto& f : sb_->binlog_files()) files += " " + shell_quote(f);
    std::string out;
    int rc = run_command(env + shell_quote(DBTRAIL_BINARY) + " index --index " + shell_quote(loc_) +
                             " --schemas " + schema + " --files" + files + " 2>&1",
                         &out);
    ASSERT_EQ(rc, 0) << out;
  }
  // `dbtrail query --format json` lines, parsed.
  std::vector<recover::JsonValue> query(const std::string& args, const std::string& env = "") {
    std::string out;
    int rc = run_command(env + shell_quote(DBTRAIL_BINARY) + " query --index " + shell_quote(loc_) +
                             " --format json --limit 100000 " + args,
                         &out);
    EXPECT_EQ(rc, 0) << args;
    std::vector<recover::JsonValue> rows;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto v = recover::parse_json(line);
      EXPECT_TRUE(v.ok()) << line.substr(0, 300);
      if (v.ok()) rows.push_back(std::move(*v));
    }
    return rows;
  }
  std::string source_dsn() const {
    return "mysql://" + sb_->admin_user() + "@127.0.0.1:" + std::to_string(sb_->port()) + "/";
  }
  // recover --index for schema.table since `since`, applied to the server.
  void recover_and_apply(const std::string& schema, const std::string& table, int64_t since) {
    std::string sql;
    int rc = run_command("DBTRAIL_SOURCE_PASSWORD=" + shell_quote(sb_->admin_password()) + " " +
                             shell_quote(DBTRAIL_BINARY) + " recover --index " + shell_quote(loc_) +
                             " --schema " + schema + " --table " + table + " --since " +
                             iso8601_utc(since) + " --source-dsn " + shell_quote(source_dsn()),
                         &sql);
    ASSERT_EQ(rc, 0) << sql;
    std::istringstream lines(sql);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty() || line.rfind("--", 0) == 0) continue;
      exec(line);
      if (HasFatalFailure()) return;
    }
  }
  // The cell `column` of image `which` ("before"/"after") of a query row.
  static const recover::JsonValue* cell(const recover::JsonValue& row, const char* which,
                                        const char* column) {
    const recover::JsonValue* img = row.find(which);
    return img ? img->find(column) : nullptr;
  }

  static Sandbox* sb_;
  static mysql::Connection* conn_;
  std::string dir_, loc_;
};

Sandbox* Defects::sb_ = nullptr;
mysql::Connection* Defects::conn_ = nullptr;

// Defect 5: BLOB/TEXT came back from recovery as base64 text, and a TEXT
// "false" was stored as JSON false.
TEST_F(Defects, D5_BlobAndTextRoundTripThroughRecoverAsBytesAndStrings) {
  exec("CREATE DATABASE IF NOT EXISTS d5");
  exec(
      "CREATE TABLE d5.t (id INT PRIMARY KEY, b BLOB, lb LONGBLOB, t TEXT CHARACTER SET utf8mb4, "
      "j JSON)");
  exec(
      "INSERT INTO d5.t VALUES (1, X'00FF0061', X'DEADBEEF00', 'false', '\"false\"'), "
      "(2, X'', REPEAT(X'00', 3000), 'true', 'false'), (3, X'414243', NULL, 'null', 'null'), "
      "(4, 'AAE=', X'01', '123', '123')");
  ASSERT_FALSE(HasFatalFailure());
  const std::string before = one("CHECKSUM TABLE d5.t EXTENDED");
  const std::string hex1 = one("SELECT HEX(b) FROM d5.t WHERE id = 1");
  wait_past(now());
  const int64_t since = now();
  exec("UPDATE d5.t SET b = X'11', t = 'true', lb = 'text' WHERE id = 1");
  exec("DELETE FROM d5.t WHERE id IN (2, 3)");
  exec("UPDATE d5.t SET t = 'false' WHERE id = 4");
  index_all("d5");
  ASSERT_FALSE(HasFatalFailure());

  auto rows = query("--schema d5 --table t --pk 3");
  ASSERT_FALSE(rows.empty());
  const recover::JsonValue* t = cell(rows.front(), "after", "t");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->kind, recover::JsonKind::kString) << "TEXT 'null' must stay a string";
  rows = query("--schema d5 --table t --pk 1");
  ASSERT_FALSE(rows.empty());
  t = cell(rows.front(), "after", "t");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->kind, recover::JsonKind::kString);
  EXPECT_EQ(t->text, "false") << "TEXT 'false' must be the string false";

  recover_and_apply("d5", "t", since);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(one("CHECKSUM TABLE d5.t EXTENDED"), before);
  EXPECT_EQ(one("SELECT HEX(b) FROM d5.t WHERE id = 1"), hex1) << "BLOB bytes, not base64 text";
  EXPECT_EQ(one("SELECT t FROM d5.t WHERE id = 3"), "null");
  EXPECT_EQ(one("SELECT b FROM d5.t WHERE id = 4"), "AAE=");
}

// Defect 6: integers above 2^53 were rounded and unsigned values with the
// high bit set shown negative.
TEST_F(Defects, D6_BigAndUnsignedIntegersExactThroughIndexAndQuery) {
  exec("CREATE DATABASE IF NOT EXISTS d6");
  exec(
      "CREATE TABLE d6.t (id BIGINT UNSIGNED PRIMARY KEY, s BIGINT, u BIGINT UNSIGNED, "
      "iu INT UNSIGNED, tu TINYINT UNSIGNED)");
  exec(
      "INSERT INTO d6.t VALUES (18446744073709551615, 9007199254740993, 9223372036854775808, "
      "4294967295, 255), (9007199254740993, -9223372036854775808, 18446744073709551614, "
      "2147483648, "
      "128)");
  index_all("d6");
  ASSERT_FALSE(HasFatalFailure());
  auto rows = query("--schema d6 --table t --pk 18446744073709551615");
  ASSERT_EQ(rows.size(), 1u) << "an unsigned key with the high bit set must be findable";
  auto num = [&](const recover::JsonValue& r, const char* col) {
    const recover::JsonValue* c = cell(r, "after", col);
    return c ? c->text : std::string("<missing>");
  };
  EXPECT_EQ(num(rows[0], "id"), "18446744073709551615");
  EXPECT_EQ(num(rows[0], "s"), "9007199254740993");
  EXPECT_EQ(num(rows[0], "u"), "9223372036854775808");
  EXPECT_EQ(num(rows[0], "iu"), "4294967295");
  EXPECT_EQ(num(rows[0], "tu"), "255");
  rows = query("--schema d6 --table t --pk 9007199254740993");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(num(rows[0], "s"), "-9223372036854775808");
  EXPECT_EQ(num(rows[0], "u"), "18446744073709551614");
  EXPECT_EQ(num(rows[0], "iu"), "2147483648");
  EXPECT_EQ(num(rows[0], "tu"), "128");
  // A neighbour of 2^53+1 (what a double would round it to) must not match.
  EXPECT_TRUE(query("--schema d6 --table t --pk 9007199254740992").empty());
}

// Defect 7: TIMESTAMP was rendered in the host's time zone.
TEST_F(Defects, D7_TimestampIsUtcWhateverTheTimeZone) {
  exec("CREATE DATABASE IF NOT EXISTS d7");
  exec("CREATE TABLE d7.t (id INT PRIMARY KEY, ts TIMESTAMP(3) NULL, dt DATETIME NULL)");
  exec("SET time_zone = '+05:30'");
  exec("INSERT INTO d7.t VALUES (1, '2026-01-01 05:30:00.250', '2026-01-01 05:30:00')");
  exec("SET time_zone = '+00:00'");
  index_all("d7", "TZ=Asia/Kolkata ");
  ASSERT_FALSE(HasFatalFailure());
  for (const char* tz : {"TZ=America/New_York ", "TZ=Asia/Kolkata ", "TZ=UTC "}) {
    SCOPED_TRACE(tz);
    auto rows = query("--schema d7 --table t --pk 1", tz);
    ASSERT_EQ(rows.size(), 1u);
    const recover::JsonValue* ts = cell(rows[0], "after", "ts");
    ASSERT_NE(ts, nullptr);
    EXPECT_EQ(ts->text, "2026-01-01 00:00:00.250") << "TIMESTAMP must be UTC";
    const recover::JsonValue* dt = cell(rows[0], "after", "dt");
    ASSERT_NE(dt, nullptr);
    EXPECT_EQ(dt->text, "2026-01-01 05:30:00") << "DATETIME is zone-less and kept as written";
    const recover::JsonValue* when = rows[0].find("timestamp");
    ASSERT_NE(when, nullptr);
    EXPECT_EQ(when->text.back(), 'Z') << "event time is printed in UTC";
  }
}

// Defect 9: rows above ~48 MB were dropped; primary keys longer than 512
// characters broke the batch or could not be found.
TEST_F(Defects, D9_HugeRowsKeptAndLongKeysFindable) {
  exec("SET GLOBAL max_allowed_packet = 268435456");
  auto big = open_conn();  // the new packet limit holds for new sessions
  ASSERT_TRUE(big);
  exec(*big, "CREATE DATABASE IF NOT EXISTS d9");
  exec(*big, "CREATE TABLE d9.big (id INT PRIMARY KEY, body LONGTEXT)");
  exec(*big, "INSERT INTO d9.big VALUES (1, REPEAT('x', 50 * 1024 * 1024)), (2, 'small')");
  ASSERT_EQ(one("SELECT LENGTH(body) FROM d9.big WHERE id = 1"), "52428800");
  exec(*big, "CREATE TABLE d9.longpk (k VARCHAR(900) CHARACTER SET latin1 PRIMARY KEY, n INT)");
  const std::string key_a(700, 'k'), key_b = std::string(700, 'k') + "b";
  exec(*big, "INSERT INTO d9.longpk VALUES ('" + key_a + "', 1), ('" + key_b + "', 2)");
  exec(*big, "UPDATE d9.longpk SET n = 3 WHERE k = '" + key_a + "'");
  index_all("d9");
  ASSERT_FALSE(HasFatalFailure());

  auto rows = query("--schema d9 --table big --pk 1");
  ASSERT_EQ(rows.size(), 1u) << "the 50 MB row must be in the index";
  const recover::JsonValue* body = cell(rows[0], "after", "body");
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->text.size(), 52428800u);
  EXPECT_EQ(body->text.find_first_not_of('x'), std::string::npos);
  EXPECT_EQ(query("--schema d9 --table big --pk 2").size(), 1u) << "the batch after it too";

  rows = query("--schema d9 --table longpk --pk " + key_a);
  ASSERT_EQ(rows.size(), 2u) << "both changes of the 700-character key";
  EXPECT_EQ(rows[0].find("pk_values")->text, key_a);
  EXPECT_EQ(rows[1].find("event_type")->text, "UPDATE");
  rows = query("--schema d9 --table longpk --pk " + key_b);
  ASSERT_EQ(rows.size(), 1u) << "keys equal in their first 700 characters stay apart";
  EXPECT_EQ(rows[0].find("pk_values")->text, key_b);
}

// Defect 11: generated (virtual) columns shifted the names of the columns
// after them.
TEST_F(Defects, D11_GeneratedColumnsDoNotShiftNames) {
  exec("CREATE DATABASE IF NOT EXISTS d11");
  exec(
      "CREATE TABLE d11.t (id INT PRIMARY KEY, a INT, v INT AS (a * 2) VIRTUAL, "
      "s VARCHAR(20) AS (CONCAT('s', a)) STORED, b VARCHAR(20), c INT)");
  exec("INSERT INTO d11.t (id, a, b, c) VALUES (1, 5, 'bee', 7)");
  wait_past(now());
  const int64_t since = now();
  const std::string before = one("CHECKSUM TABLE d11.t EXTENDED");
  exec("UPDATE d11.t SET a = 6, b = 'B', c = 8 WHERE id = 1");
  index_all("d11");
  ASSERT_FALSE(HasFatalFailure());
  auto rows = query("--schema d11 --table t --pk 1");
  ASSERT_EQ(rows.size(), 2u);
  auto text = [&](const recover::JsonValue& r, const char* which, const char* col) {
    const recover::JsonValue* c = cell(r, which, col);
    return c ? c->text : std::string("<missing>");
  };
  EXPECT_EQ(text(rows[0], "after", "a"), "5");
  EXPECT_EQ(text(rows[0], "after", "b"), "bee");
  EXPECT_EQ(text(rows[0], "after", "c"), "7");
  EXPECT_EQ(text(rows[0], "after", "s"), "s5");
  EXPECT_EQ(text(rows[1], "after", "b"), "B");
  EXPECT_EQ(text(rows[1], "after", "c"), "8");
  // Reversal writes no generated column and restores the row.
  recover_and_apply("d11", "t", since);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(one("CHECKSUM TABLE d11.t EXTENDED"), before);
}

// Defect 12 (live half): MariaDB's own compressed row events
// (log_bin_compress) are indexed like plain ones.
TEST_F(Defects, D12_MariadbCompressedRowEventsIndexed) {
  exec("SET GLOBAL log_bin_compress = ON");
  exec("SET GLOBAL log_bin_compress_min_len = 10");
  auto c = open_conn();
  ASSERT_TRUE(c);
  exec(*c, "CREATE DATABASE IF NOT EXISTS d12");
  exec(*c, "CREATE TABLE d12.t (id INT PRIMARY KEY, body TEXT)");
  exec(*c, "INSERT INTO d12.t VALUES (1, REPEAT('compress me ', 200)), (2, 'two')");
  exec(*c, "UPDATE d12.t SET body = REPEAT('again ', 300) WHERE id = 1");
  exec(*c, "DELETE FROM d12.t WHERE id = 2");
  exec("SET GLOBAL log_bin_compress = OFF");
  index_all("d12");
  ASSERT_FALSE(HasFatalFailure());
  // The server did write compressed row events (else this proves nothing).
  bool compressed = false;
  for (const auto& f : sb_->binlog_files()) {
    auto ev = conn_->query("SHOW BINLOG EVENTS IN '" + f.substr(f.rfind('/') + 1) + "'");
    ASSERT_TRUE(ev.ok()) << ev.error().message;
    for (const auto& row : *ev)
      if (row.size() > 2 && row[2] && row[2]->find("ompressed") != std::string::npos)
        compressed = true;
  }
  ASSERT_TRUE(compressed) << "no compressed rows event in the binlog";
  auto rows = query("--schema d12 --table t");
  ASSERT_EQ(rows.size(), 4u);
  const recover::JsonValue* body = cell(rows[2], "after", "body");
  ASSERT_NE(body, nullptr);
  std::string want;
  for (int i = 0; i < 300; ++i) want += "again ";
  EXPECT_EQ(body->text, want);
  EXPECT_EQ(rows[3].find("event_type")->text, "DELETE");
}

}  // namespace
}  // namespace dbtrail::testing
