// Flashback through the change index, end to end with the real binary: a
// table of many column types takes a seeded random workload on a sandbox
// MariaDB; `dbtrail index` reads the sandbox's binlog files into a fresh
// SQLite index; `dbtrail recover --index --since <snapshot>` writes reversal
// SQL which, applied to the server, must bring CHECKSUM TABLE back to the
// snapshot. `dbtrail reconstruct --index --at <middle>` must rebuild the copy
// taken at that moment, and `dbtrail query --pk` must give one row's whole
// history in order (each before image = the previous after image).
//
// To see it fail: DBTRAIL_TEST_MANGLE=1 drops the last undo statement.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mysql/connection.h"
#include "recover/json_reader.h"
#include "admin_db.h"
#include "sandbox.h"
#include "util/time_format.h"

namespace dbtrail::testing {
namespace {



class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}
  uint64_t u(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }
  bool chance(int pct) { return static_cast<int>(u(100)) < pct; }
  std::string hex(size_t max_len) {
    static const char* d = "0123456789ABCDEF";
    std::string s = "X'";
    for (size_t i = 0, n = u(max_len + 1); i < n; ++i) {
      unsigned c = chance(15) ? 0 : static_cast<unsigned>(u(256));
      s += d[c >> 4];
      s += d[c & 15];
    }
    return s + "'";
  }
  std::string text() {
    static const char* pieces[] = {"a", "''", "\\\\", "é", "😀", "false", " ", "|", "null", "中"};
    std::string s = "'";
    for (size_t i = 0, n = u(12); i < n; ++i) s += pieces[u(10)];
    return s + "'";
  }
  // One value for column `i` of kColumns.
  std::string value(size_t i);

 private:
  std::mt19937_64 rng_;
};

struct Column {
  const char* name;
  const char* type;
};
const Column kColumns[] = {
    {"c_ti", "TINYINT"},
    {"c_iu", "INT UNSIGNED"},
    {"c_bi", "BIGINT"},
    {"c_biu", "BIGINT UNSIGNED"},
    {"c_dec", "DECIMAL(40,12)"},
    {"c_f", "FLOAT"},
    {"c_d", "DOUBLE"},
    {"c_year", "YEAR"},
    {"c_date", "DATE"},
    {"c_time", "TIME(3)"},
    {"c_dt", "DATETIME(6)"},
    {"c_ts", "TIMESTAMP(6) NULL"},
    {"c_vc", "VARCHAR(120) CHARACTER SET utf8mb4"},
    {"c_text", "TEXT CHARACTER SET utf8mb4"},
    {"c_bin", "BINARY(5)"},
    {"c_blob", "BLOB"},
    {"c_enum", "ENUM('x','y','z z')"},
    {"c_set", "SET('p','q','r')"},
    {"c_bit", "BIT(13)"},
    {"c_json", "JSON"},
};
constexpr size_t kColumnCount = sizeof kColumns / sizeof *kColumns;

std::string Gen::value(size_t i) {
  if (chance(8)) return "NULL";
  switch (i) {
    case 0:
      return std::to_string(static_cast<int>(u(256)) - 128);
    case 1:
      return std::to_string(chance(30) ? 4294967295u : u(4294967296u));
    case 2:
      return chance(30) ? "-9223372036854775807" : std::to_string(u(1ull << 59)) + "7";
    case 3:
      return chance(30) ? "18446744073709551615" : std::to_string(u(UINT64_MAX));
    case 4:
      return (chance(50) ? "-" : "") + std::to_string(u(1ull << 60)) + "." +
             std::to_string(u(1000000));
    case 5:
      return std::to_string(static_cast<double>(u(100000)) / 8.0);
    case 6:
      return chance(20) ? "9007199254740993"
                        : std::to_string(static_cast<double>(u(1ull << 40)) / 3.0);
    case 7:
      return std::to_string(1901 + u(255));
    case 8:
      return "'" + std::to_string(1000 + u(9000)) + "-0" + std::to_string(1 + u(9)) + "-1" +
             std::to_string(u(10)) + "'";
    case 9:
      return "'-" + std::to_string(u(838)) + ":1" + std::to_string(u(10)) + ":0" +
             std::to_string(u(10)) + ".123'";
    case 10:
      return "'2019-0" + std::to_string(1 + u(9)) + "-2" + std::to_string(u(8)) + " 1" +
             std::to_string(u(10)) + ":30:00.00" + std::to_string(u(10000)) + "'";
    case 11:
      return "FROM_UNIXTIME(" + std::to_string(1 + u(2147483646)) + ".25)";
    case 12:
      return text();
    case 13:
      return text();
    case 14:
      return hex(5);
    case 15:
      return hex(400);
    case 16: {
      static const char* e[] = {"'x'", "'y'", "'z z'"};
      return e[u(3)];
    }
    case 17: {
      static const char* e[] = {"''", "'p'", "'q,r'"};
      return e[u(3)];
    }
    case 18:
      return std::to_string(u(8192));
    default: {
      static const char* j[] = {"'{\"a\": [1, 2.5, null]}'", "'\"false\"'", "'false'", "'[]'",
                                "'18446744073709551615'"};
      return j[u(5)];
    }
  }
}

std::string insert_row(Gen& g, int id) {
  std::string cols = "id", vals = std::to_string(id);
  for (size_t i = 0; i < kColumnCount; ++i) {
    cols += std::string(", ") + kColumns[i].name;
    vals += ", " + g.value(i);
  }
  return "INSERT INTO ix.t (" + cols + ") VALUES (" + vals + ")";
}

// One random single-row statement; `ids` tracks live keys, `moved` the keys a
// row was moved to or from (their history spans two keys).
std::string statement(Gen& g, std::set<int>& ids, std::set<int>& moved, int& next_id) {
  auto pick = [&] {
    auto it = ids.begin();
    std::advance(it, static_cast<long>(g.u(ids.size())));
    return *it;
  };
  uint64_t k = g.u(100);
  if (k < 20 || ids.size() < 5) {
    ids.insert(next_id);
    return insert_row(g, next_id++);
  }
  int id = pick();
  if (k < 70) {
    std::string set;
    for (size_t n = 1 + g.u(4); n > 0; --n) {
      size_t c = g.u(kColumnCount);
      set += (set.empty() ? "" : ", ") + std::string(kColumns[c].name) + " = " + g.value(c);
    }
    return "UPDATE ix.t SET " + set + " WHERE id = " + std::to_string(id);
  }
  if (k < 78) {
    ids.erase(id);
    moved.insert(id);
    moved.insert(next_id);
    ids.insert(next_id);
    return "UPDATE ix.t SET id = " + std::to_string(next_id++) +
           " WHERE id = " + std::to_string(id);
  }
  ids.erase(id);
  return "DELETE FROM ix.t WHERE id = " + std::to_string(id);
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(line);
  return out;
}

TEST(IndexFlashback, RecoverAndReconstructFromTheIndexRestoreChecksums) {
  Sandbox sb;
  ASSERT_TRUE(sb.ok()) << sb.error();
  auto db = connect_admin(sb);
  ASSERT_TRUE(db);
  db->exec("SET time_zone = '+05:30'");
  db->exec("CREATE DATABASE ix");
  std::string ddl = "CREATE TABLE ix.t (id INT NOT NULL PRIMARY KEY";
  for (const Column& c : kColumns) ddl += std::string(", ") + c.name + " " + c.type;
  db->exec(ddl + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");

  const char* seed_env = std::getenv("DBTRAIL_FLASHBACK_SEED");
  const uint64_t seed = seed_env ? std::stoull(seed_env) : 424242;
  std::printf("[ index-flashback ] seed %llu (DBTRAIL_FLASHBACK_SEED)\n",
              static_cast<unsigned long long>(seed));
  Gen g(seed);
  std::set<int> ids, moved;
  int next_id = 1;
  for (int i = 0; i < 30; ++i) {
    ids.insert(next_id);
    db->exec(insert_row(g, next_id++));
  }
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::string snapshot = db->checksum("ix.t");
  const int64_t seeded = db->now();
  db->wait_past(seeded);
  const int64_t since = db->now();  // every workload change is at or after it

  const int kStatements = 240;
  for (int i = 0; i < kStatements / 2; ++i) db->exec(statement(g, ids, moved, next_id));
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const int64_t mid = db->now();
  db->exec("CREATE DATABASE ix_snap");
  db->exec("CREATE TABLE ix_snap.t_at LIKE ix.t");
  db->exec("INSERT INTO ix_snap.t_at SELECT * FROM ix.t");
  const std::string at_mid = db->checksum("ix_snap.t_at");
  db->wait_past(mid);
  for (int i = kStatements / 2; i < kStatements; ++i) db->exec(statement(g, ids, moved, next_id));
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  ASSERT_NE(db->checksum("ix.t"), snapshot) << "the workload changed nothing";
  db->exec("FLUSH BINARY LOGS");

  // Index every binlog file of the sandbox.
  const std::string loc = "sqlite:" + sb.dir() + "/index";
  const std::string bin = shell_quote(DBTRAIL_BINARY);
  std::string files;
  for (const auto& f : sb.binlog_files()) files += " " + shell_quote(f);
  std::string out;
  ASSERT_EQ(run_command(bin + " index --index " + shell_quote(loc) + " --files" + files, &out), 0)
      << out;
  std::printf("[ index-flashback ] %s", out.c_str());

  const std::string cli = "DBTRAIL_SOURCE_PASSWORD=" + shell_quote(sb.admin_password()) + " " + bin;
  const std::string common =
      " --index " + shell_quote(loc) + " --schema ix --table t --source-dsn " +
      shell_quote("mysql://" + sb.admin_user() + "@127.0.0.1:" + std::to_string(sb.port()) + "/");

  // One row's history in order: the row with the most changes that never moved.
  {
    std::string all;
    ASSERT_EQ(run_command(bin + " query --index " + shell_quote(loc) +
                              " --schema ix --table t --format json --limit 100000",
                          &all),
              0);
    std::map<std::string, int> per_key;
    for (const auto& l : lines_of(all)) {
      auto v = recover::parse_json(l);
      ASSERT_TRUE(v.ok()) << l;
      ++per_key[v->find("pk_values")->text];
    }
    std::string busiest;
    for (const auto& [k, n] : per_key)
      if (!moved.count(std::stoi(k)) && (busiest.empty() || n > per_key[busiest])) busiest = k;
    ASSERT_FALSE(busiest.empty());
    std::string hist;
    ASSERT_EQ(run_command(bin + " query --index " + shell_quote(loc) +
                              " --schema ix --table t --format json --pk " + busiest,
                          &hist),
              0);
    auto rows = lines_of(hist);
    EXPECT_EQ(static_cast<int>(rows.size()), per_key[busiest]);
    EXPECT_GE(rows.size(), 3u) << "the busiest row should have several changes";
    uint64_t last_id = 0;
    std::string last_after;
    for (size_t i = 0; i < rows.size(); ++i) {
      auto v = recover::parse_json(rows[i]);
      ASSERT_TRUE(v.ok());
      const uint64_t id = std::stoull(v->find("event_id")->text);
      EXPECT_GT(id, last_id) << "history out of order at change " << i;
      last_id = id;
      const std::string type = v->find("event_type")->text;
      if (i == 0) {
        EXPECT_EQ(type, "INSERT") << "the first change of row " << busiest;
      } else {
        EXPECT_EQ(v->find("before")->raw, last_after)
            << "change " << i << " of row " << busiest << " does not start where the last ended";
      }
      last_after = v->find("after")->raw;
    }
    std::printf("[ index-flashback ] row %s: %zu changes in order\n", busiest.c_str(), rows.size());
  }

  // Reconstruct at the middle moment, from the live rows, into a copy.
  {
    std::string sql;
    ASSERT_EQ(
        run_command(cli + " reconstruct --format sql --at " + iso8601_utc(mid) + common, &sql), 0);
    const std::string target = "INSERT INTO `ix`.`t` ";
    for (size_t p = sql.find(target); p != std::string::npos; p = sql.find(target, p))
      sql.replace(p, target.size(), "INSERT INTO `ix_snap`.`t_recon` ");
    db->exec("CREATE TABLE ix_snap.t_recon LIKE ix.t");
    apply_script(*db, sql);
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    EXPECT_EQ(db->checksum("ix_snap.t_recon"), at_mid)
        << "reconstruct --index --at the middle differs from the copy taken then";
  }

  // Reversal of everything since the snapshot.
  const std::string script = sb.dir() + "/undo.sql";
  ASSERT_EQ(run_command(cli + " recover --since " + iso8601_utc(since) + " --output " +
                            shell_quote(script) + common,
                        &out),
            0);
  std::string sql;
  ASSERT_EQ(run_command("cat " + shell_quote(script), &sql), 0);
  if (std::getenv("DBTRAIL_TEST_MANGLE")) {
    size_t last = sql.rfind("\nDELETE"), alt = sql.rfind("\nINSERT"), upd = sql.rfind("\nUPDATE");
    size_t cut = std::max({last == std::string::npos ? 0 : last, alt == std::string::npos ? 0 : alt,
                           upd == std::string::npos ? 0 : upd});
    sql.erase(cut + 1, sql.find('\n', cut + 1) - cut);
  }
  apply_script(*db, sql);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  EXPECT_EQ(db->checksum("ix.t"), snapshot) << "ix.t after applying recover --index --since";
  std::printf("[ index-flashback ] reversal script %zu bytes\n", sql.size());
}

}  // namespace
}  // namespace dbtrail::testing
