// Connection + schema lookup against a private MariaDB started by this test
// (scripts/sandbox.sh: own datadir and port on 127.0.0.1, ROW binlog with
// binlog_row_metadata=FULL). The server's own TABLE_MAP for each table is the
// oracle: what information_schema says must agree with what the binlog says.
#include "mysql/schema_lookup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "binlog/table_map.h"
#include "mysql/connection.h"

namespace dbtrail::binlog {
// Defined in table_map.cpp (not yet declared in the shared header).
Result<std::shared_ptr<TableMap>> parse_table_map(Bytes body, uint8_t post_header_len,
                                                  bool mariadb);
}  // namespace dbtrail::binlog

namespace dbtrail::mysql {
namespace {

std::map<std::string, std::string> g_env;  // SANDBOX_* settings
std::string g_dir;
bool g_started = false;

std::string run(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int st = pclose(p);
  if (status) *status = st;
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), {});
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

class SchemaLookup : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/dbtrail-schema-lookup.XXXXXX";
    if (!mkdtemp(tmpl)) return;
    g_dir = tmpl;
    const std::string script = std::string(DBTRAIL_SOURCE_DIR) + "/scripts/sandbox.sh";
    int status = 0;
    std::string out = run("SANDBOX_OWNER_PID=" + std::to_string(getpid()) + " bash '" + script +
                              "' start '" + g_dir + "' 2>&1",
                          &status);
    for (size_t pos = 0; pos < out.size();) {
      size_t nl = out.find('\n', pos);
      std::string line = out.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      pos = nl == std::string::npos ? out.size() : nl + 1;
      size_t eq = line.find('=');
      if (line.rfind("SANDBOX_", 0) == 0 && eq != std::string::npos)
        g_env[line.substr(0, eq)] = line.substr(eq + 1);
    }
    g_started = status == 0 && g_env.count("SANDBOX_PORT");
    if (!g_started) std::fprintf(stderr, "sandbox start failed:\n%s\n", out.c_str());
  }

  static void TearDownTestSuite() {
    if (g_dir.empty()) return;
    const std::string script = std::string(DBTRAIL_SOURCE_DIR) + "/scripts/sandbox.sh";
    run("bash '" + script + "' stop '" + g_dir + "' 2>&1");
    std::error_code ec;
    std::filesystem::remove_all(g_dir, ec);
  }

 protected:
  void SetUp() override { ASSERT_TRUE(g_started) << "private MariaDB did not start"; }

  static Dsn admin_dsn() {
    Dsn d;
    d.user = g_env["SANDBOX_ADMIN_USER"];
    d.password = read_file(g_env["SANDBOX_ADMIN_PASSWORD_FILE"]);
    d.host = "127.0.0.1";
    d.port = static_cast<uint16_t>(std::stoi(g_env["SANDBOX_PORT"]));
    return d;
  }

  static std::unique_ptr<Connection> connect() {
    auto c = Connection::open(admin_dsn());
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    return c.ok() ? std::move(*c) : nullptr;
  }

  static void exec(Connection& c, const std::string& sql) {
    auto r = c.query(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.error().message;
  }

  // The last TABLE_MAP for schema.table in the sandbox's binlog files.
  static std::shared_ptr<binlog::TableMap> last_table_map(const std::string& schema,
                                                          const std::string& table) {
    std::shared_ptr<binlog::TableMap> found;
    const std::string index = read_file(g_env["SANDBOX_BINLOG_DIR"] + "/mysql-bin.index");
    for (size_t pos = 0; pos < index.size();) {
      size_t nl = index.find('\n', pos);
      std::string file = index.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      pos = nl == std::string::npos ? index.size() : nl + 1;
      if (file.empty()) continue;
      if (file[0] != '/') file = g_env["SANDBOX_BINLOG_DIR"] + "/" + file;
      std::ifstream in(file, std::ios::binary);
      std::vector<uint8_t> d((std::istreambuf_iterator<char>(in)), {});
      auto le32 = [&](size_t p) {
        return uint32_t(d[p]) | uint32_t(d[p + 1]) << 8 | uint32_t(d[p + 2]) << 16 |
               uint32_t(d[p + 3]) << 24;
      };
      size_t checksum = 4;  // sandbox: binlog-checksum=CRC32
      for (size_t p = 4; p + 19 <= d.size();) {
        uint32_t size = le32(p + 9);
        if (size < 19 || p + size > d.size()) break;
        if (d[p + 4] == 19) {
          auto tm = binlog::parse_table_map(binlog::Bytes(&d[p + 19], size - 19 - checksum), 8,
                                            /*mariadb=*/true);
          if (tm.ok() && (*tm)->schema == schema && (*tm)->table == table) found = *tm;
        }
        p += size;
      }
    }
    return found;
  }
};

TEST_F(SchemaLookup, ColumnsAgreeWithTheServersOwnTableMap) {
  auto c = connect();
  ASSERT_TRUE(c);
  exec(*c, "DROP DATABASE IF EXISTS sl1");
  exec(*c, "CREATE DATABASE sl1 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
  exec(*c,
       "CREATE TABLE sl1.t ("
       " a INT NOT NULL,"
       " b BIGINT UNSIGNED NOT NULL,"
       " y YEAR,"
       " g GEOMETRY,"
       " t1 VARCHAR(20) CHARACTER SET latin1,"
       " t2 TEXT COLLATE utf8mb4_bin,"
       " c CHAR(3),"
       " bin VARBINARY(8),"
       " d DECIMAL(10,2) UNSIGNED,"
       " v INT AS (a * 2) VIRTUAL,"
       " s INT AS (a + 1) STORED,"
       " e ENUM('it''s','back\\\\slash','plain') CHARACTER SET latin1,"
       " st SET('x','y','z'),"
       " hidden_col INT INVISIBLE,"
       " PRIMARY KEY (b, a))");
  exec(*c,
       "INSERT INTO sl1.t (a, b, y, t1, t2, c, bin, d, e, st) VALUES "
       "(1, 2, 2024, 'x', 'y', 'z', 0x01, 1.5, 'plain', 'x,z')");

  auto cols = load_table_columns(*c, "sl1", "t");
  ASSERT_TRUE(cols.ok()) << cols.error().message;
  const auto& sc = cols->columns;
  ASSERT_EQ(sc.size(), 14u);
  const char* names[] = {"a",   "b", "y", "g", "t1", "t2", "c",
                         "bin", "d", "v", "s", "e",  "st", "hidden_col"};
  for (size_t i = 0; i < 14; ++i) EXPECT_EQ(sc[i].name, names[i]);
  // Facts from the DDL.
  EXPECT_FALSE(sc[0].is_unsigned);
  EXPECT_TRUE(sc[1].is_unsigned);
  EXPECT_TRUE(sc[8].is_unsigned);
  EXPECT_EQ(sc[4].collation, 8);   // latin1_swedish_ci
  EXPECT_EQ(sc[5].collation, 46);  // utf8mb4_bin
  EXPECT_EQ(sc[6].collation, 45);  // utf8mb4_general_ci (database default)
  EXPECT_EQ(sc[7].collation, 63);  // VARBINARY
  EXPECT_EQ(sc[3].collation, 63);  // GEOMETRY
  EXPECT_EQ(sc[0].collation, 0);   // INT has no charset
  EXPECT_EQ(sc[11].enum_values, (std::vector<std::string>{"it's", "back\\slash", "plain"}));
  EXPECT_EQ(sc[12].enum_values, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_TRUE(sc[9].is_generated);
  EXPECT_TRUE(sc[10].is_generated);
  EXPECT_FALSE(sc[0].is_generated);
  EXPECT_EQ(cols->pk, (std::vector<uint32_t>{1, 0}));  // PRIMARY KEY (b, a): key order
  for (const auto& col : sc) EXPECT_TRUE(col.in_binlog) << col.name;

  // The same facts as the server wrote them into the binlog.
  auto tm = last_table_map("sl1", "t");
  ASSERT_TRUE(tm) << "no TABLE_MAP for sl1.t in the sandbox binlog";
  ASSERT_EQ(tm->columns.size(), sc.size());  // VIRTUAL and INVISIBLE columns are logged
  for (size_t i = 0; i < sc.size(); ++i) {
    const auto& bc = tm->columns[i];
    EXPECT_EQ(bc.name, sc[i].name);
    if (bc.sign != binlog::Signedness::kUnknown) {
      EXPECT_EQ(bc.sign == binlog::Signedness::kUnsigned, sc[i].is_unsigned) << sc[i].name;
    }
    if (bc.collation != 0) {
      EXPECT_EQ(bc.collation, sc[i].collation) << sc[i].name;
    }
    EXPECT_EQ(bc.enum_values, sc[i].enum_values) << sc[i].name;
  }
  EXPECT_EQ(tm->primary_key, cols->pk);
}

TEST_F(SchemaLookup, LongUniqueHashColumnIsOnlyInTheBinlog) {
  auto c = connect();
  ASSERT_TRUE(c);
  exec(*c, "CREATE DATABASE IF NOT EXISTS sl2");
  exec(*c, "DROP TABLE IF EXISTS sl2.lu");
  exec(*c, "CREATE TABLE sl2.lu (id INT PRIMARY KEY, body TEXT, UNIQUE (body))");
  exec(*c, "INSERT INTO sl2.lu VALUES (1, 'hello')");
  auto cols = load_table_columns(*c, "sl2", "lu");
  ASSERT_TRUE(cols.ok()) << cols.error().message;
  ASSERT_EQ(cols->columns.size(), 2u);
  auto tm = last_table_map("sl2", "lu");
  ASSERT_TRUE(tm);
  // MariaDB appends the hidden DB_ROW_HASH_1 of the long UNIQUE index.
  ASSERT_EQ(tm->columns.size(), 3u);
  EXPECT_EQ(tm->columns[0].name, "id");
  EXPECT_EQ(tm->columns[1].name, "body");
}

TEST_F(SchemaLookup, MissingTableIsNotFound) {
  auto c = connect();
  ASSERT_TRUE(c);
  auto cols = load_table_columns(*c, "no_such_db", "no_such_table");
  ASSERT_FALSE(cols.ok());
  EXPECT_EQ(cols.error().code, ErrorCode::kNotFound);
}

TEST_F(SchemaLookup, QueryReturnsNullsAndUtf8) {
  auto c = connect();
  ASSERT_TRUE(c);
  auto r = c->query("SELECT NULL, 'ü€😀', 42, @@character_set_connection");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  const Row& row = (*r)[0];
  ASSERT_EQ(row.size(), 4u);
  EXPECT_FALSE(row[0].has_value());
  EXPECT_EQ(row[1], std::optional<std::string>("ü€😀"));
  EXPECT_EQ(row[2], std::optional<std::string>("42"));
  EXPECT_EQ(row[3], std::optional<std::string>("utf8mb4"));
  auto none = c->query("DO 1");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto bad = c->query("SELECT * FROM no_such_db.t");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kConnection);
}

TEST_F(SchemaLookup, BothDsnFormsConnect) {
  Dsn a = admin_dsn();
  std::string port = std::to_string(a.port);
  for (const std::string& text :
       {"mysql://" + a.user + ":" + a.password + "@127.0.0.1:" + port + "/mysql",
        a.user + ":" + a.password + "@tcp(127.0.0.1:" + port + ")/mysql"}) {
    auto d = parse_dsn(text);
    ASSERT_TRUE(d.ok()) << d.error().message;
    auto c = Connection::open(*d);
    ASSERT_TRUE(c.ok()) << c.error().message;
    auto r = (*c)->query("SELECT DATABASE()");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)[0][0], std::optional<std::string>("mysql"));
  }
}

TEST_F(SchemaLookup, PasswordFromEnvironmentAndNeverInErrors) {
  Dsn a = admin_dsn();
  const std::string base = a.user + "@tcp(127.0.0.1:" + std::to_string(a.port) + ")/";
  setenv("DBTRAIL_SOURCE_PASSWORD", a.password.c_str(), 1);
  auto good = parse_dsn(base);
  unsetenv("DBTRAIL_SOURCE_PASSWORD");
  ASSERT_TRUE(good.ok());
  auto c = Connection::open(*good);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);

  const std::string wrong = "WrongPassw0rd-" + a.password;
  Dsn bad = a;
  bad.password = wrong;
  auto refused = Connection::open(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConnection);
  EXPECT_EQ(refused.error().message.find(wrong), std::string::npos) << refused.error().message;
  EXPECT_EQ(refused.error().message.find(a.password), std::string::npos);
  EXPECT_NE(refused.error().message.find("Access denied"), std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace dbtrail::mysql
