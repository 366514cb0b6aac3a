// Flashback round trip against a real MariaDB: a table with every column type
// and a composite-key table take a seeded random workload; `dbtrail binlog
// decode` reads it back from the binlog, the recover library writes reversal
// SQL, the SQL is applied to the server, and CHECKSUM TABLE must equal the
// snapshot taken before the workload. Reconstruction at a moment in the
// middle is checked the same way against a copy of the tables taken then.
//
// To see the check fail (it must be able to): DBTRAIL_TEST_MANGLE=1 alters the
// last hex literal of the reversal SQL before it is applied.
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
#include "mysql/schema_lookup.h"
#include "recover/decode_lines.h"
#include "recover/live_rows.h"
#include "recover/reconstruct.h"
#include "recover/reversal_sql.h"
#include "admin_db.h"
#include "sandbox.h"
#include "util/time_format.h"

namespace dbtrail::testing {
namespace {

constexpr const char* kSchema = "fb";

// ----------------------------------------------------- random values --

class Values {
 public:
  explicit Values(uint64_t seed) : rng_(seed) {}

  uint64_t u(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return static_cast<int>(u(100)) < percent; }

  // Picks one of the extremes or a random value in [lo, hi].
  std::string integer(int64_t lo, int64_t hi) {
    if (chance(30)) return std::to_string(chance(50) ? lo : hi);
    return std::to_string(std::uniform_int_distribution<int64_t>(lo, hi)(rng_));
  }
  std::string uinteger(uint64_t hi) {
    if (chance(30)) return chance(50) ? "0" : std::to_string(hi);
    return std::to_string(std::uniform_int_distribution<uint64_t>(0, hi)(rng_));
  }
  std::string hex(const std::string& bytes) {
    static const char* d = "0123456789ABCDEF";
    std::string out = "X'";
    for (unsigned char c : bytes) {
      out += d[c >> 4];
      out += d[c & 15];
    }
    return out + "'";
  }
  std::string bytes(size_t max_len, bool trailing_zeros) {
    std::string b;
    size_t n = u(max_len + 1);
    for (size_t i = 0; i < n; ++i) b += static_cast<char>(chance(20) ? 0 : u(256));
    if (trailing_zeros && n > 0 && chance(50)) b.back() = 0;
    return b;
  }
  // UTF-8 text with the characters that break naive quoting.
  std::string text(size_t max_pieces) {
    static const char* pieces[] = {"a", "Z", " ", "'",    "\"", "\\",       "\n", "\t", "%",  "_",
                                   "é", "€", "😀", "🧪", "中", "\xC3\xBF", "`",  ";",  "--", "0"};
    std::string s;
    size_t n = u(max_pieces + 1);
    for (size_t i = 0; i < n; ++i) s += pieces[u(sizeof pieces / sizeof *pieces)];
    return "_utf8mb4 " + hex(s);
  }
  std::string latin1() {
    std::string s;
    size_t n = u(20);
    for (size_t i = 0; i < n; ++i) s += static_cast<char>(0x20 + u(0xE0));
    return "_latin1 " + hex(s);
  }
  std::string decimal65() {
    std::string s = chance(50) ? "-" : "";
    size_t ip = 1 + u(35);
    for (size_t i = 0; i < ip; ++i) s += static_cast<char>('0' + u(10));
    s += '.';
    for (size_t i = 0; i < 30; ++i) s += static_cast<char>('0' + u(10));
    return s;
  }
  std::string float_value() {
    static const char* fixed[] = {"3.4028234e38", "-3.4028234e38", "1.1754944e-38", "0.1",
                                  "-0",           "16777217"};
    if (chance(30)) return fixed[u(6)];
    return std::to_string(static_cast<double>(u(2000000)) / 7.0 - 100000.0);
  }
  std::string double_value() {
    static const char* fixed[] = {"1.7976931348623157e308", "-2.2250738585072014e-308", "1e-300",
                                  "0.1", "9007199254740993"};
    if (chance(30)) return fixed[u(5)];
    std::uniform_real_distribution<double> d(-1e12, 1e12);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", d(rng_));
    return buf;
  }
  std::string date() {
    char b[32];
    std::snprintf(b, sizeof b, "'%04d-%02d-%02d'", static_cast<int>(1000 + u(9000)),
                  static_cast<int>(1 + u(12)), static_cast<int>(1 + u(28)));
    return b;
  }
  std::string time6() {
    char b[40];
    std::snprintf(b, sizeof b, "'%s%d:%02d:%02d.%06d'", chance(50) ? "-" : "",
                  static_cast<int>(u(839)), static_cast<int>(u(60)), static_cast<int>(u(60)),
                  static_cast<int>(u(1000000)));
    if (chance(10)) return "'-838:59:59.000000'";
    return b;
  }
  std::string datetime6() {
    char b[48];
    std::snprintf(b, sizeof b, "'%04d-%02d-%02d %02d:%02d:%02d.%06d'",
                  static_cast<int>(1000 + u(9000)), static_cast<int>(1 + u(12)),
                  static_cast<int>(1 + u(28)), static_cast<int>(u(24)), static_cast<int>(u(60)),
                  static_cast<int>(u(60)), static_cast<int>(u(1000000)));
    return b;
  }
  std::string timestamp6() {
    uint64_t s = chance(10) ? 2147483647 : 1 + u(2147483646);
    return "FROM_UNIXTIME(" + std::to_string(s) + "." + std::to_string(100000 + u(900000)) + ")";
  }
  std::string json_doc() {
    static const char* docs[] = {
        "{\"a\": [1, 2.5, null, true], \"é\": \"😀\"}",
        "[]",
        "\"just text\"",
        "{\"k\": {\"n\": -18446744073709551615, \"s\": \"it's \\\\ \\\"q\\\"\"}}",
        "12.30",
        "false"};
    return "_utf8mb4 " + hex(docs[u(6)]);
  }
  std::string geometry() {
    switch (u(3)) {
      case 0:
        return "ST_GeomFromText('POINT(" + std::to_string(u(1000)) + " -" + std::to_string(u(90)) +
               ".5)')";
      case 1:
        return "ST_GeomFromText('LINESTRING(0 0, 1 " + std::to_string(u(50)) + ", 2 2)', 4326)";
      default:
        return "ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 0))')";
    }
  }

 private:
  std::mt19937_64 rng_;
};

struct Col {
  const char* name;
  const char* type;
  std::string (*gen)(Values&);
};

const std::vector<Col>& all_columns() {
  static const std::vector<Col> cols = {
      {"c_ti", "TINYINT", [](Values& v) { return v.integer(-128, 127); }},
      {"c_tiu", "TINYINT UNSIGNED", [](Values& v) { return v.uinteger(255); }},
      {"c_si", "SMALLINT", [](Values& v) { return v.integer(-32768, 32767); }},
      {"c_siu", "SMALLINT UNSIGNED", [](Values& v) { return v.uinteger(65535); }},
      {"c_mi", "MEDIUMINT", [](Values& v) { return v.integer(-8388608, 8388607); }},
      {"c_miu", "MEDIUMINT UNSIGNED", [](Values& v) { return v.uinteger(16777215); }},
      {"c_i", "INT", [](Values& v) { return v.integer(INT32_MIN, INT32_MAX); }},
      {"c_iu", "INT UNSIGNED", [](Values& v) { return v.uinteger(UINT32_MAX); }},
      {"c_bi", "BIGINT", [](Values& v) { return v.integer(INT64_MIN + 1, INT64_MAX); }},
      {"c_biu", "BIGINT UNSIGNED", [](Values& v) { return v.uinteger(UINT64_MAX); }},
      {"c_f", "FLOAT", [](Values& v) { return v.float_value(); }},
      {"c_d", "DOUBLE", [](Values& v) { return v.double_value(); }},
      {"c_dec", "DECIMAL(65,30)", [](Values& v) { return v.decimal65(); }},
      {"c_year", "YEAR",
       [](Values& v) { return v.chance(10) ? std::string("0") : std::to_string(1901 + v.u(255)); }},
      {"c_date", "DATE", [](Values& v) { return v.date(); }},
      {"c_time", "TIME(6)", [](Values& v) { return v.time6(); }},
      {"c_dt", "DATETIME(6)", [](Values& v) { return v.datetime6(); }},
      {"c_ts", "TIMESTAMP(6) NULL", [](Values& v) { return v.timestamp6(); }},
      {"c_char", "CHAR(12) CHARACTER SET utf8mb4", [](Values& v) { return v.text(4); }},
      {"c_vc", "VARCHAR(200) CHARACTER SET utf8mb4", [](Values& v) { return v.text(20); }},
      {"c_text", "TEXT CHARACTER SET utf8mb4", [](Values& v) { return v.text(60); }},
      {"c_latin", "VARCHAR(40) CHARACTER SET latin1", [](Values& v) { return v.latin1(); }},
      {"c_bin", "BINARY(8)", [](Values& v) { return v.hex(v.bytes(8, true)); }},
      {"c_vbin", "VARBINARY(64)", [](Values& v) { return v.hex(v.bytes(64, true)); }},
      {"c_blob", "BLOB", [](Values& v) { return v.hex(v.bytes(300, true)); }},
      {"c_enum", "ENUM('a','b','c d','é')",
       [](Values& v) {
         static const char* e[] = {"'a'", "'b'", "'c d'", "_utf8mb4 X'C3A9'"};
         return std::string(e[v.u(4)]);
       }},
      {"c_set", "SET('x','y','z')",
       [](Values& v) {
         static const char* s[] = {"''", "'x'", "'y,z'", "'x,y,z'"};
         return std::string(s[v.u(4)]);
       }},
      {"c_bit", "BIT(64)", [](Values& v) { return v.uinteger(UINT64_MAX); }},
      {"c_json", "JSON", [](Values& v) { return v.json_doc(); }},
      {"c_geom", "GEOMETRY", [](Values& v) { return v.geometry(); }},
  };
  return cols;
}

std::string row_values(Values& v, int id) {
  std::string s = "(" + std::to_string(id);
  for (const Col& c : all_columns()) s += ", " + (v.chance(8) ? std::string("NULL") : c.gen(v));
  return s + ")";
}

std::string column_list() {
  std::string s = "(id";
  for (const Col& c : all_columns()) s += std::string(", ") + c.name;
  return s + ")";
}

// fb.binkey's key: BINARY(6) values ending in 0x00, which the binlog drops, so
// reversal must pad them back to find the row (a comparison with a shorter
// binary string matches nothing: the workload itself writes all 6 bytes).
std::string bin_key(int i) {
  char b[24];
  std::snprintf(b, sizeof b, "X'%02X0000000000'", i);
  return b;
}

std::string binkey_statement(Values& v, std::set<int>& keys) {
  int k = 1 + static_cast<int>(v.u(40));
  const std::string n = v.integer(-1000, 1000);
  if (!keys.count(k)) {
    keys.insert(k);
    return "INSERT INTO fb.binkey VALUES (" + bin_key(k) + ", " + n + ")";
  }
  switch (v.u(3)) {
    case 0:
      return "UPDATE fb.binkey SET n = " + n + " WHERE k = " + bin_key(k);
    case 1: {
      int to = 100 + static_cast<int>(v.u(100));
      if (keys.count(to)) break;
      keys.erase(k);
      keys.insert(to);
      return "UPDATE fb.binkey SET k = " + bin_key(to) + " WHERE k = " + bin_key(k);
    }
    default:
      break;
  }
  keys.erase(k);
  return "DELETE FROM fb.binkey WHERE k = " + bin_key(k);
}

// One random statement against fb.all_types, fb.comp or fb.binkey; the sets
// track live keys.
std::string random_statement(Values& v, std::set<int>& ids, int& next_id,
                             std::set<std::pair<int, int>>& comp, std::set<int>& binkeys) {
  const std::string all = std::string(kSchema) + ".all_types";
  const std::string cmp = std::string(kSchema) + ".comp";
  auto pick = [&]() {
    auto it = ids.begin();
    std::advance(it, static_cast<long>(v.u(ids.size())));
    return *it;
  };
  uint64_t kind = v.u(100);
  if (kind < 20 || ids.size() < 5) {  // INSERT, sometimes several rows
    size_t n = v.chance(30) ? 2 + v.u(3) : 1;
    std::string s = "INSERT INTO " + all + " " + column_list() + " VALUES ";
    for (size_t i = 0; i < n; ++i) {
      ids.insert(next_id);
      s += (i ? ", " : "") + row_values(v, next_id++);
    }
    return s;
  }
  if (kind < 55) {  // UPDATE some columns of one row or a range
    std::string set;
    size_t n = 1 + v.u(4);
    for (size_t i = 0; i < n; ++i) {
      const Col& c = all_columns()[v.u(all_columns().size())];
      set += (set.empty() ? "" : ", ") + std::string(c.name) + " = " +
             (v.chance(8) ? std::string("NULL") : c.gen(v));
    }
    int a = pick();
    if (v.chance(25))
      return "UPDATE " + all + " SET " + set + " WHERE id BETWEEN " + std::to_string(a) + " AND " +
             std::to_string(a + 3);
    return "UPDATE " + all + " SET " + set + " WHERE id = " + std::to_string(a);
  }
  if (kind < 62) {  // UPDATE that moves the primary key
    int a = pick();
    ids.erase(a);
    ids.insert(next_id);
    return "UPDATE " + all + " SET id = " + std::to_string(next_id++) + ", c_vc = " + v.text(5) +
           " WHERE id = " + std::to_string(a);
  }
  if (kind < 75) {  // DELETE one or a range
    int a = pick();
    if (v.chance(25)) {
      for (int k = a; k <= a + 2; ++k) ids.erase(k);
      return "DELETE FROM " + all + " WHERE id BETWEEN " + std::to_string(a) + " AND " +
             std::to_string(a + 2);
    }
    ids.erase(a);
    return "DELETE FROM " + all + " WHERE id = " + std::to_string(a);
  }
  if (kind >= 92) return binkey_statement(v, binkeys);
  // The composite-key table.
  int a = static_cast<int>(v.u(30)), b = static_cast<int>(v.u(5));
  if (kind < 85 || comp.empty()) {
    comp.insert({a, b});
    return "INSERT INTO " + cmp + " (a, b, note, data) VALUES (" + std::to_string(a) +
           ", _utf8mb4'k" + std::to_string(b) + "', " + v.text(10) + ", " +
           v.hex(v.bytes(16, true)) +
           ") ON DUPLICATE KEY UPDATE note = VALUES(note), data = VALUES(data)";
  }
  auto it = comp.begin();
  std::advance(it, static_cast<long>(v.u(comp.size())));
  auto [x, y] = *it;
  const std::string where =
      " WHERE a = " + std::to_string(x) + " AND b = 'k" + std::to_string(y) + "'";
  if (kind < 92) return "UPDATE " + cmp + " SET note = " + v.text(8) + where;
  if (kind < 96 && !comp.count({x, 9})) {  // move the second key part
    comp.erase(it);
    comp.insert({x, 9});
    return "UPDATE " + cmp + " SET b = 'k9'" + where;
  }
  comp.erase(it);
  return "DELETE FROM " + cmp + where;
}

recover::FactsCatalog load_facts(AdminDb& db) {
  recover::FactsCatalog cat;
  for (const char* t : {"all_types", "comp", "binkey"}) {
    auto cols = mysql::load_table_columns(db.conn(), kSchema, t);
    EXPECT_TRUE(cols.ok()) << (cols.ok() ? "" : cols.error().message);
    if (cols.ok()) cat.add(recover::table_facts_from_schema(kSchema, t, *cols));
  }
  return cat;
}

// Decodes every binlog file from `first_file` on; keeps fb's changes at or
// after (first_file, first_pos).
std::vector<index::ChangeRecord> decode_since(const Sandbox& sb, const std::string& first_file,
                                              uint64_t first_pos, std::string* failure) {
  std::string cmd = shell_quote(DBTRAIL_BINARY) + " binlog decode";
  for (const auto& f : sb.binlog_files())
    if (f.substr(f.rfind('/') + 1) >= first_file) cmd += " " + shell_quote(f);
  cmd += " 2>" + shell_quote(sb.dir() + "/decode.stderr");
  std::string out;
  int rc = run_command(cmd, &out);
  if (rc != 0) {
    *failure = "dbtrail binlog decode exited " + std::to_string(rc);
    return {};
  }
  auto changes = recover::changes_from_decode_output(out);
  if (!changes.ok()) {
    *failure = changes.error().message;
    return {};
  }
  std::vector<index::ChangeRecord> mine;
  for (auto& c : *changes) {
    if (c.schema != kSchema) continue;
    if (c.binlog_file == first_file && c.start_pos < first_pos) continue;
    mine.push_back(std::move(c));
  }
  return mine;
}


TEST(Flashback, RandomWorkloadOverEveryTypeIsUndoneExactly) {
  Sandbox sb;
  ASSERT_TRUE(sb.ok()) << sb.error();
  auto db = connect_admin(sb);
  ASSERT_TRUE(db);
  // The workload runs in a non-UTC zone: TIMESTAMP values must still come back.
  db->exec("SET time_zone = '+05:30'");
  db->exec("CREATE DATABASE fb");
  std::string ddl = "CREATE TABLE fb.all_types (id INT NOT NULL PRIMARY KEY";
  for (const Col& c : all_columns()) ddl += std::string(", ") + c.name + " " + c.type;
  db->exec(ddl + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
  db->exec(
      "CREATE TABLE fb.comp (a INT NOT NULL, b VARCHAR(10) CHARACTER SET utf8mb4 NOT NULL, "
      "note TEXT CHARACTER SET utf8mb4, data VARBINARY(16), len INT AS (CHAR_LENGTH(note)) STORED, "
      "PRIMARY KEY (a, b)) ENGINE=InnoDB");
  db->exec("CREATE TABLE fb.binkey (k BINARY(6) NOT NULL PRIMARY KEY, n INT) ENGINE=InnoDB");

  const char* seed_env = std::getenv("DBTRAIL_FLASHBACK_SEED");
  const uint64_t seed = seed_env ? std::stoull(seed_env) : 20261125;
  std::printf("[ flashback ] seed %llu (DBTRAIL_FLASHBACK_SEED)\n",
              static_cast<unsigned long long>(seed));
  Values v(seed);
  std::set<int> binkeys;
  std::set<int> ids;
  std::set<std::pair<int, int>> comp;
  int next_id = 1;
  for (int i = 0; i < 40; ++i) {
    ids.insert(next_id);
    db->exec("INSERT INTO fb.all_types " + column_list() + " VALUES " + row_values(v, next_id++));
  }
  for (int a = 0; a < 10; ++a) {
    comp.insert({a, 1});
    db->exec("INSERT INTO fb.comp (a, b, note, data) VALUES (" + std::to_string(a) + ", 'k1', " +
             v.text(5) + ", X'00AB00')");
  }
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::string sum_all = db->checksum("fb.all_types");
  for (int k = 1; k <= 10; ++k) {
    binkeys.insert(k);
    db->exec("INSERT INTO fb.binkey VALUES (" + bin_key(k) + ", " + std::to_string(k) + ")");
  }
  const std::string sum_comp = db->checksum("fb.comp");
  const std::string sum_binkey = db->checksum("fb.binkey");
  auto master = db->conn().query("SHOW MASTER STATUS");
  ASSERT_TRUE(master.ok() && !master->empty());
  const std::string start_file = *(*master)[0][0];
  const uint64_t start_pos = std::stoull(*(*master)[0][1]);

  // First half of the workload, then a copy of the tables at that moment.
  const int kStatements = 300;
  for (int i = 0; i < kStatements / 2; ++i)
    db->exec(random_statement(v, ids, next_id, comp, binkeys));
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const int64_t mid = std::stoll(db->one("SELECT UNIX_TIMESTAMP()"));
  db->exec("CREATE DATABASE fb_snap");
  db->exec("CREATE TABLE fb_snap.all_at LIKE fb.all_types");
  db->exec("INSERT INTO fb_snap.all_at SELECT * FROM fb.all_types");
  db->exec("CREATE TABLE fb_snap.comp_at LIKE fb.comp");
  db->exec("INSERT INTO fb_snap.comp_at (a, b, note, data) SELECT a, b, note, data FROM fb.comp");
  db->exec("CREATE TABLE fb_snap.binkey_at LIKE fb.binkey");
  db->exec("INSERT INTO fb_snap.binkey_at SELECT * FROM fb.binkey");
  const std::string sum_all_mid = db->checksum("fb_snap.all_at");
  const std::string sum_comp_mid = db->checksum("fb_snap.comp_at");
  const std::string sum_binkey_mid = db->checksum("fb_snap.binkey_at");
  while (std::stoll(db->one("SELECT UNIX_TIMESTAMP()")) <= mid)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (int i = kStatements / 2; i < kStatements; ++i)
    db->exec(random_statement(v, ids, next_id, comp, binkeys));
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  ASSERT_NE(db->checksum("fb.all_types"), sum_all) << "the workload changed nothing";
  db->exec("FLUSH BINARY LOGS");

  std::string failure;
  auto changes = decode_since(sb, start_file, start_pos, &failure);
  ASSERT_TRUE(failure.empty()) << failure;
  std::map<index::ChangeType, int> by_type;
  for (const auto& c : changes) ++by_type[c.type];
  std::printf("[ flashback ] %zu row changes: %d INSERT, %d UPDATE, %d DELETE\n", changes.size(),
              by_type[index::ChangeType::kInsert], by_type[index::ChangeType::kUpdate],
              by_type[index::ChangeType::kDelete]);
  ASSERT_GT(changes.size(), 300u);

  recover::FactsCatalog facts = load_facts(*db);
  ASSERT_FALSE(::testing::Test::HasFailure());

  // The same decode output as a file, for the CLI.
  const std::string decode_file = sb.dir() + "/changes.jsonl";
  {
    std::string cmd = shell_quote(DBTRAIL_BINARY) + " binlog decode";
    for (const auto& f : sb.binlog_files())
      if (f.substr(f.rfind('/') + 1) >= start_file) cmd += " " + shell_quote(f);
    ASSERT_EQ(run_command(cmd + " > " + shell_quote(decode_file), nullptr), 0);
  }
  // Passwords go through the environment, not the command line.
  const std::string cli = "DBTRAIL_SOURCE_PASSWORD=" + shell_quote(sb.admin_password()) + " " +
                          shell_quote(DBTRAIL_BINARY);
  const std::string dsn_args =
      " --from-decode " + shell_quote(decode_file) + " --source-dsn " +
      shell_quote("mysql://" + sb.admin_user() + "@127.0.0.1:" + std::to_string(sb.port()) + "/");

  // Reconstruction at the middle moment, from the live rows and from history.
  const std::map<std::string, std::string> sum_mid = {
      {"all_types", sum_all_mid}, {"comp", sum_comp_mid}, {"binkey", sum_binkey_mid}};
  for (const char* t : {"all_types", "comp", "binkey"}) {
    SCOPED_TRACE(t);
    const recover::TableFacts* tf = facts.find(kSchema, t);
    ASSERT_NE(tf, nullptr);
    auto live = recover::read_live_rows(db->conn(), *tf);
    ASSERT_TRUE(live.ok()) << live.error().message;
    auto at = recover::reconstruct_table(*tf, *live, changes, mid);
    ASSERT_TRUE(at.ok()) << at.error().message;
    EXPECT_TRUE(at->warnings.empty()) << at->warnings.front();
    const std::string copy = std::string("fb_snap.") + t + "_recon";
    db->exec("CREATE TABLE " + copy + " LIKE fb." + t);
    auto sql = recover::rows_insert_sql(at->rows, *tf, "fb_snap", std::string(t) + "_recon");
    ASSERT_TRUE(sql.ok()) << sql.error().message;
    apply_script(*db, *sql);
    EXPECT_EQ(db->checksum(copy), sum_mid.at(t))
        << "reconstruct at the middle moment differs from the copy taken then";

    // History alone knows the rows the workload touched; each must equal the
    // live-based reconstruction of the same key.
    auto hist = recover::reconstruct_from_history(*tf, changes, mid);
    ASSERT_TRUE(hist.ok()) << hist.error().message;
    std::map<std::string, std::string> full;
    for (const auto& r : at->rows) full[r.pk_values] = r.row;
    size_t compared = 0;
    for (const auto& r : hist->rows) {
      auto it = full.find(r.pk_values);
      ASSERT_NE(it, full.end()) << "history has row " << r.pk_values << " that did not exist then";
      EXPECT_EQ(r.row, it->second) << "row " << r.pk_values;
      ++compared;
    }
    // `dbtrail reconstruct` prints the same rows.
    std::string cli_out, want;
    for (const auto& r : at->rows) want += r.row + "\n";
    ASSERT_EQ(run_command(cli + " reconstruct --schema fb --table " + t + " --at " +
                              iso8601_utc(mid) + dsn_args,
                          &cli_out),
              0);
    EXPECT_EQ(cli_out, want) << "dbtrail reconstruct output";
    std::printf("[ flashback ] %s at the middle: %zu rows, %zu also rebuilt from history alone\n",
                t, at->rows.size(), compared);
  }

  // Reversal of everything since the snapshot.
  auto plan = recover::generate_reversal(changes, facts);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->operations.size(), changes.size());
  std::string sql = plan->sql;
  if (std::getenv("DBTRAIL_TEST_MANGLE")) {
    // The last literal: the oldest undo, which no later statement overwrites.
    size_t x = sql.rfind("X'");
    if (x != std::string::npos) sql[x + 2] = sql[x + 2] == '0' ? '1' : '0';
  }
  // The CLI writes the same script from the same decode output.
  {
    std::string out;
    ASSERT_EQ(run_command(cli + " recover --dry-run --schema fb" + dsn_args, &out), 0);
    // The file holds the initial load too (before the noted position), so
    // the CLI's script undoes more; ours must be its newest-first prefix.
    std::string body = plan->sql.substr(plan->sql.find("START TRANSACTION;\n"));
    body = body.substr(0, body.size() - std::string("COMMIT;\n").size());
    EXPECT_NE(out.find(body), std::string::npos) << "CLI output differs from the library's";
  }
  apply_script(*db, sql);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  EXPECT_EQ(db->checksum("fb.all_types"), sum_all) << "fb.all_types after applying the reversal";
  EXPECT_EQ(db->checksum("fb.comp"), sum_comp) << "fb.comp after applying the reversal";
  EXPECT_EQ(db->checksum("fb.binkey"), sum_binkey) << "fb.binkey after applying the reversal";
  std::printf("[ flashback ] reversal: %llu statements, %zu bytes of SQL\n",
              static_cast<unsigned long long>(plan->affected_rows), plan->sql.size());
}

}  // namespace
}  // namespace dbtrail::testing
