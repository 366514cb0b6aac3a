// Every column type through a real MariaDB and back through `dbtrail binlog
// decode`. The expected value of each cell comes from the server itself (a
// SELECT after each step, with HEX / CAST / CONVERT_TZ where the plain text
// form would lose information), never from dbtrail's own output. The JSON
// shapes are those of docs/value-encoding.md.
//
// Runs once with binlog_row_metadata=FULL (column names and ENUM/SET names in
// the binlog) and once with MINIMAL (no names: keys "@1".., then again with
// --schema-from to get the names from information_schema).
#include <gtest/gtest.h>
#include <mysql.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sandbox.h"

namespace dbtrail::testing {
namespace {

using nlohmann::json;

// How a column's JSON value is checked against what the server returned.
enum class Kind {
  kInt,        // exact integer, JSON integer token
  kFloat,      // float32 round trip; expected from CAST(c AS DOUBLE)
  kDouble,     // double round trip
  kDecimal,    // string with the declared scale
  kYear,       // number
  kTemporal,   // DATE / TIME / DATETIME text with declared fraction digits
  kTimestamp,  // UTC text; expected from CONVERT_TZ, cross-checked with UNIX_TIMESTAMP
  kText,       // UTF-8 string
  kBinary,     // {"base64": ...}; expected bytes from HEX(c) (BINARY(n): unpadded)
  kEnum,       // name, or the 1-based index when names are unknown
  kSet,        // "a,b" names, or the bitmask when names are unknown
  kBit,        // unsigned number; expected from CAST(c AS UNSIGNED)
  kJson,       // MariaDB JSON is LONGTEXT: a JSON string holding the text
  kGeometry,   // {"base64"} of SRID + WKB (HEX(c), checked against ST_AsBinary)
};

struct Column {
  const char* name;
  const char* sql_type;
  Kind kind;
};

// Table column order = position (for "@N" keys).
const std::vector<Column>& columns() {
  static const std::vector<Column> cols = {
      {"id", "INT NOT NULL PRIMARY KEY", Kind::kInt},
      {"c_tiny_s", "TINYINT", Kind::kInt},
      {"c_tiny_u", "TINYINT UNSIGNED", Kind::kInt},
      {"c_small_s", "SMALLINT", Kind::kInt},
      {"c_small_u", "SMALLINT UNSIGNED", Kind::kInt},
      {"c_med_s", "MEDIUMINT", Kind::kInt},
      {"c_med_u", "MEDIUMINT UNSIGNED", Kind::kInt},
      {"c_int_s", "INT", Kind::kInt},
      {"c_int_u", "INT UNSIGNED", Kind::kInt},
      {"c_big_s", "BIGINT", Kind::kInt},
      {"c_big_u", "BIGINT UNSIGNED", Kind::kInt},
      {"c_float", "FLOAT", Kind::kFloat},
      {"c_double", "DOUBLE", Kind::kDouble},
      {"c_dec65", "DECIMAL(65,30)", Kind::kDecimal},
      {"c_dec10", "DECIMAL(10,2)", Kind::kDecimal},
      {"c_year", "YEAR", Kind::kYear},
      {"c_date", "DATE", Kind::kTemporal},
      {"c_time0", "TIME(0)", Kind::kTemporal},
      {"c_time6", "TIME(6)", Kind::kTemporal},
      {"c_dt3", "DATETIME(3)", Kind::kTemporal},
      {"c_dt6", "DATETIME(6)", Kind::kTemporal},
      {"c_ts6", "TIMESTAMP(6) NULL", Kind::kTimestamp},
      {"c_char", "CHAR(10) CHARACTER SET utf8mb4", Kind::kText},
      {"c_varchar", "VARCHAR(100) CHARACTER SET utf8mb4", Kind::kText},
      {"c_text", "TEXT CHARACTER SET utf8mb4", Kind::kText},
      {"c_latin1", "VARCHAR(50) CHARACTER SET latin1", Kind::kText},
      {"c_binary", "BINARY(8)", Kind::kBinary},
      {"c_varbinary", "VARBINARY(64)", Kind::kBinary},
      {"c_blob", "MEDIUMBLOB", Kind::kBinary},
      {"c_enum", "ENUM('small','medium','large')", Kind::kEnum},
      {"c_set", "SET('red','green','blue')", Kind::kSet},
      {"c_bit1", "BIT(1)", Kind::kBit},
      {"c_bit64", "BIT(64)", Kind::kBit},
      {"c_json", "JSON", Kind::kJson},
      {"c_geom", "GEOMETRY", Kind::kGeometry},
  };
  return cols;
}

// The SELECT expressions that give an independent expected value per kind.
// Extra expressions follow the column's own text value.
std::vector<std::string> select_exprs(const Column& c) {
  const std::string n = c.name;
  switch (c.kind) {
    case Kind::kFloat:
      return {"CAST(" + n + " AS DOUBLE)"};
    case Kind::kTimestamp:
      return {"CONVERT_TZ(" + n + ", @@session.time_zone, '+00:00')", "UNIX_TIMESTAMP(" + n + ")"};
    case Kind::kBinary:
      return {"HEX(" + n + ")"};
    case Kind::kEnum:
    case Kind::kSet:
      return {n, n + "+0"};
    case Kind::kBit:
      return {"CAST(" + n + " AS UNSIGNED)"};
    case Kind::kGeometry:
      return {"HEX(" + n + ")", "HEX(ST_AsBinary(" + n + "))"};
    default:
      return {n};
  }
}

// One cell as the server returned it: the value of each select expression.
struct Cell {
  std::vector<std::optional<std::string>> parts;
  bool is_null() const { return !parts.empty() && !parts[0].has_value(); }
};
using Row = std::vector<Cell>;      // by column position
using Snapshot = std::map<int, Row>;  // by id

// ------------------------------------------------------------ helpers --

std::string from_hex(const std::string& hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// A plain base64 decoder (RFC 4648, padding optional), written here so the
// test does not rely on the code under test. nullopt on a bad character.
std::optional<std::string> base64_decode(const std::string& in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    int v;
    if (ch >= 'A' && ch <= 'Z') {
      v = ch - 'A';
    } else if (ch >= 'a' && ch <= 'z') {
      v = ch - 'a' + 26;
    } else if (ch >= '0' && ch <= '9') {
      v = ch - '0' + 52;
    } else if (ch == '+') {
      v = 62;
    } else if (ch == '/') {
      v = 63;
    } else if (ch == '=') {
      break;
    } else {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

// "2038-01-19 03:14:07.999999" from UNIX_TIMESTAMP's "2147483647.999999".
std::string utc_text_from_epoch(const std::string& epoch) {
  const auto dot = epoch.find('.');
  const time_t secs = static_cast<time_t>(std::stoll(epoch.substr(0, dot)));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  std::string s = buf;
  if (dot != std::string::npos) s += epoch.substr(dot);
  return s;
}

std::string printable(const std::string& bytes) {
  if (bytes.size() > 80) return "<" + std::to_string(bytes.size()) + " bytes>";
  std::ostringstream o;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f) {
      o << c;
    } else {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02X", c);
      o << b;
    }
  }
  return o.str();
}

// ---------------------------------------------------- the client side --

class Client {
 public:
  bool connect(const Sandbox& sb, std::string* err) {
    mysql_ = mysql_init(nullptr);
    if (mysql_ == nullptr) {
      *err = "mysql_init failed";
      return false;
    }
    const unsigned int timeout = 10;
    mysql_options(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    const std::string user = sb.admin_user();
    const std::string pw = sb.admin_password();
    if (mysql_real_connect(mysql_, "127.0.0.1", user.c_str(), pw.c_str(), nullptr,
                           static_cast<unsigned int>(sb.port()), nullptr, 0) == nullptr) {
      *err = mysql_error(mysql_);
      return false;
    }
    return true;
  }
  ~Client() {
    if (mysql_ != nullptr) mysql_close(mysql_);
  }

  // Runs a statement; returns the error text, "" on success.
  std::string exec(const std::string& sql) {
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return mysql_error(mysql_);
    MYSQL_RES* res = mysql_store_result(mysql_);
    if (res != nullptr) mysql_free_result(res);
    return "";
  }

  // All rows of a query as text (nullopt for NULL); binary-safe.
  std::string query(const std::string& sql,
                    std::vector<std::vector<std::optional<std::string>>>* rows) {
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return mysql_error(mysql_);
    MYSQL_RES* res = mysql_store_result(mysql_);
    if (res == nullptr) return std::string("no result set: ") + mysql_error(mysql_);
    const unsigned int n = mysql_num_fields(res);
    while (MYSQL_ROW r = mysql_fetch_row(res)) {
      const unsigned long* len = mysql_fetch_lengths(res);
      std::vector<std::optional<std::string>> row;
      for (unsigned int i = 0; i < n; ++i) {
        if (r[i] == nullptr) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(std::string(r[i], len[i]));
        }
      }
      rows->push_back(std::move(row));
    }
    mysql_free_result(res);
    return "";
  }

  std::string quote(const std::string& s) {
    std::string out(s.size() * 2 + 1, '\0');
    const unsigned long n = mysql_real_escape_string(mysql_, out.data(), s.data(), s.size());
    out.resize(n);
    return "'" + out + "'";
  }

 private:
  MYSQL* mysql_ = nullptr;
};

// ------------------------------------------------------------- the data --

// ~1 MiB of bytes that cover all 256 values (a fixed LCG: deterministic).
std::string big_blob() {
  std::string b(1 << 20, '\0');
  uint32_t x = 12345;
  for (auto& c : b) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  return b;
}

std::string hex_literal(const std::string& bytes) {
  static const char* d = "0123456789ABCDEF";
  std::string s = "X'";
  s.reserve(bytes.size() * 2 + 3);
  for (unsigned char c : bytes) {
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s + "'";
}

// Row 1: minimums and awkward values; row 2: maximums; row 3: all NULL.
std::vector<std::string> insert_statements(Client& db) {
  const std::string t = "dbt_it.all_types";
  std::vector<std::string> s;
  s.push_back(
      "INSERT INTO " + t +
      " VALUES (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0,"
      " -9223372036854775808, 0, -3.402823466e38, -1.7976931348623157e308,"
      " '-99999999999999999999999999999999999.999999999999999999999999999999',"
      " '-12345678.90', 1901, '1000-01-01', '-838:59:59', '-12:34:56.000001',"
      " '1000-01-01 00:00:00.000', '2024-02-29 23:59:59.999999',"
      " '1969-12-31 17:00:01.000001', " +  // session -07:00: 1970-01-01 00:00:01.000001 UTC
      db.quote("h\xC3\xA9llo\xF0\x9F\x98\x80") + ", " +
      db.quote("Gr\xC3\xBC\xC3\x9F" "e \xF0\x9F\x9A\x80 \"na\xC3\xAFve\" \\ path") + ", " +
      db.quote(std::string("multi\nline\ttab \x01 ctrl \xF0\x9F\x8E\x89 end")) + ", " +
      db.quote("caf\xC3\xA9 \xE2\x82\xAC") +  // latin1 (cp1252): E9 and 80
      ", X'00FF10203040AB7F', X'00', " + hex_literal(big_blob()) +
      ", 'small', '', b'0', 0x8000000000000001,"
      " '{\"a\": [1, 2.5, \"x\xF0\x9F\x98\x80\"], \"b\": null, \"big\": 18446744073709551615}',"
      " ST_GeomFromText('POINT(1.5 -2.25)'))");
  s.push_back(
      "INSERT INTO " + t +
      " VALUES (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,"
      " 9223372036854775807, 18446744073709551615, 0.1, 5e-324,"
      " '0.000000000000000000000000000001', '-0.05', 2155, '9999-12-31', '838:59:59',"
      " '838:59:59.000000', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.999999',"
      " '2038-01-18 20:14:07.999999', 'z', '', '', 'x', 'ab', X'DEADBEEF00', '',"
      " 'large', 'red,blue', b'1', 0xFFFFFFFFFFFFFFFF, '[]',"
      " ST_GeomFromText('POINT(0 0)', 4326))");
  s.push_back("INSERT INTO " + t + " (id) VALUES (3)");
  return s;
}

std::vector<std::string> update_statements(Client& db) {
  const std::string t = "dbt_it.all_types";
  return {
      "UPDATE " + t +
          " SET c_int_s = c_int_s + 1, c_big_u = 42, c_dec65 = '-1.5', c_time0 = '-25:00:01',"
          " c_ts6 = '2001-02-03 04:05:06.070809', c_varchar = CONCAT(c_varchar, ' \xE2\x9C\x93'),"
          " c_blob = X'00010203', c_enum = 'medium', c_set = 'green,blue',"
          " c_json = '{\"updated\": true}', c_latin1 = " +
          db.quote("\xC3\x9C\xE2\x82\xAC") + " WHERE id = 1",
      "UPDATE " + t + " SET c_text = 'was null', c_bit64 = 0, c_dec10 = 0 WHERE id = 3",
  };
}

// ------------------------------------------------------------ the test --

class LiveTypesTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    sandbox_ = std::make_unique<Sandbox>(SandboxOptions{.row_metadata = GetParam()});
    ASSERT_TRUE(sandbox_->ok()) << sandbox_->error();
    std::string err;
    ASSERT_TRUE(db_.connect(*sandbox_, &err)) << err;
    // A non-UTC session proves TIMESTAMP comes out in UTC, not in the
    // writer's zone (offsets need no time zone tables).
    ASSERT_EQ(db_.exec("SET time_zone = '-07:00'"), "");
  }
  // The sandbox is stopped by its destructor, also after a failed ASSERT.
  void TearDown() override { sandbox_.reset(); }

  Snapshot snapshot() {
    std::string sql = "SELECT ";
    bool first = true;
    for (const auto& c : columns()) {
      for (const auto& e : select_exprs(c)) {
        sql += (first ? "" : ", ") + e;
        first = false;
      }
    }
    sql += " FROM dbt_it.all_types ORDER BY id";
    std::vector<std::vector<std::optional<std::string>>> rows;
    const std::string err = db_.query(sql, &rows);
    EXPECT_EQ(err, "") << sql.substr(0, 200);
    Snapshot snap;
    for (const auto& r : rows) {
      Row row;
      size_t i = 0;
      for (const auto& c : columns()) {
        Cell cell;
        for (size_t k = 0; k < select_exprs(c).size(); ++k) cell.parts.push_back(r[i++]);
        row.push_back(std::move(cell));
      }
      snap[std::stoi(*row[0].parts[0])] = std::move(row);
    }
    return snap;
  }

  std::unique_ptr<Sandbox> sandbox_;
  Client db_;
};

// Checks that the server-side expectations are what the inserted literals
// mean, so a wrong fixture cannot hide behind a matching wrong decoder.
void check_fixture_sanity(const Snapshot& s) {
  ASSERT_EQ(s.size(), 3u);
  const auto& r1 = s.at(1);
  const auto& r2 = s.at(2);
  auto col = [](const char* name) {
    for (size_t i = 0; i < columns().size(); ++i) {
      if (std::string(columns()[i].name) == name) return i;
    }
    return size_t{0};
  };
  EXPECT_EQ(*r2[col("c_big_u")].parts[0], "18446744073709551615");
  EXPECT_EQ(*r1[col("c_big_s")].parts[0], "-9223372036854775808");
  EXPECT_EQ(*r1[col("c_bit64")].parts[0], "9223372036854775809");
  EXPECT_EQ(*r1[col("c_latin1")].parts[0], "caf\xC3\xA9 \xE2\x82\xAC");
  EXPECT_EQ(*r2[col("c_binary")].parts[0], "6162000000000000");  // BINARY pads with 0x00
  EXPECT_EQ(*r1[col("c_time0")].parts[0], "-838:59:59");
  EXPECT_EQ(*r1[col("c_ts6")].parts[0], "1970-01-01 00:00:01.000001");
  EXPECT_EQ(*r2[col("c_ts6")].parts[0], "2038-01-19 03:14:07.999999");
  EXPECT_EQ(r1[col("c_blob")].parts[0]->size(), 2u << 20);
  EXPECT_EQ(*r1[col("c_set")].parts[0], "");
  EXPECT_EQ(*r2[col("c_set")].parts[1], "5");
}

// Compares one decoded cell with the server's value; `names_known` is false
// when the decoder had no ENUM/SET member names (MINIMAL, no --schema-from).
void expect_cell(const json& got, const Column& c, const Cell& want, bool names_known,
                 const std::string& where) {
  SCOPED_TRACE(where + " column " + c.name);
  if (want.is_null()) {
    EXPECT_TRUE(got.is_null()) << "want NULL, got " << got.dump().substr(0, 200);
    return;
  }
  ASSERT_FALSE(got.is_null()) << "want a value, got null";
  const std::string& text = *want.parts[0];
  switch (c.kind) {
    case Kind::kInt:
      ASSERT_TRUE(got.is_number_integer()) << got.dump();
      EXPECT_EQ(got.dump(), text);
      break;
    case Kind::kFloat: {
      ASSERT_TRUE(got.is_number()) << got.dump();
      const float want_f = static_cast<float>(std::strtod(text.c_str(), nullptr));
      EXPECT_EQ(static_cast<float>(got.get<double>()), want_f)
          << got.dump() << " vs " << text;
      break;
    }
    case Kind::kDouble:
      ASSERT_TRUE(got.is_number()) << got.dump();
      EXPECT_EQ(got.get<double>(), std::strtod(text.c_str(), nullptr)) << got.dump();
      break;
    case Kind::kDecimal:
    case Kind::kTemporal:
    case Kind::kText:
      ASSERT_TRUE(got.is_string()) << got.dump().substr(0, 200);
      EXPECT_EQ(got.get<std::string>(), text)
          << printable(got.get<std::string>()) << " vs " << printable(text);
      break;
    case Kind::kYear:
      ASSERT_TRUE(got.is_number_integer()) << got.dump();
      EXPECT_EQ(got.dump(), text);
      break;
    case Kind::kTimestamp: {
      // Two server-side routes to the UTC text must agree first.
      ASSERT_TRUE(want.parts[1].has_value());
      ASSERT_EQ(utc_text_from_epoch(*want.parts[1]), text);
      ASSERT_TRUE(got.is_string()) << got.dump();
      EXPECT_EQ(got.get<std::string>(), text);
      break;
    }
    case Kind::kBinary: {
      ASSERT_TRUE(got.is_object() && got.contains("base64") && got["base64"].is_string())
          << got.dump().substr(0, 200);
      const auto bytes = base64_decode(got["base64"].get<std::string>());
      ASSERT_TRUE(bytes.has_value()) << "bad base64";
      std::string want_bytes = from_hex(text);
      // docs/value-encoding.md: the server strips BINARY(n)'s 0x00 padding
      // before writing the row image; dbtrail keeps the bytes it was given.
      if (std::string(c.sql_type).rfind("BINARY(", 0) == 0) {
        while (!want_bytes.empty() && want_bytes.back() == '\0') want_bytes.pop_back();
      }
      EXPECT_EQ(*bytes, want_bytes) << printable(*bytes) << " vs " << printable(want_bytes);
      break;
    }
    case Kind::kEnum:
    case Kind::kSet:
      if (got.is_string()) {
        EXPECT_EQ(got.get<std::string>(), text);
      } else {
        ASSERT_FALSE(names_known) << "member names were available; got " << got.dump();
        ASSERT_TRUE(got.is_number_integer()) << got.dump();
        EXPECT_EQ(got.dump(), *want.parts[1]);
      }
      break;
    case Kind::kBit:
      ASSERT_TRUE(got.is_number_integer()) << got.dump();
      EXPECT_EQ(got.dump(), text);
      break;
    case Kind::kJson:
      // MariaDB's JSON is LONGTEXT: the document text as a JSON string.
      ASSERT_TRUE(got.is_string()) << got.dump();
      EXPECT_EQ(got.get<std::string>(), text);
      EXPECT_FALSE(json::parse(text, nullptr, false).is_discarded());
      break;
    case Kind::kGeometry: {
      // {"base64"} of the stored bytes: 4-byte SRID (little-endian) + WKB. The
      // WKB part is checked against ST_AsBinary separately from HEX(c).
      const std::string internal = from_hex(text);
      const std::string wkb = from_hex(*want.parts[1]);
      ASSERT_EQ(internal.substr(4), wkb) << "server: HEX(c) is not SRID + ST_AsBinary(c)";
      ASSERT_TRUE(got.is_object() && got.contains("base64")) << got.dump();
      const auto bytes = base64_decode(got["base64"].get<std::string>());
      ASSERT_TRUE(bytes.has_value());
      EXPECT_EQ(*bytes, internal) << printable(*bytes) << " vs " << printable(internal);
      break;
    }
  }
}

// Row-change lines of dbt_it.all_types, in binlog order.
std::vector<json> decode(const Sandbox& sb, const std::string& extra_args, std::string* failure) {
  std::string cmd = shell_quote(DBTRAIL_BINARY) + " binlog decode";
  for (const auto& f : sb.binlog_files()) cmd += " " + shell_quote(f);
  cmd += extra_args + " 2>" + shell_quote(sb.dir() + "/decode.stderr");
  std::string out;
  const int rc = run_command(cmd, &out);
  std::vector<json> rows;
  if (rc != 0) {
    std::string err;
    run_command("head -c 2000 " + shell_quote(sb.dir() + "/decode.stderr"), &err);
    *failure = "dbtrail binlog decode exited " + std::to_string(rc) + ": " + err;
    return rows;
  }
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      *failure = "not a JSON line: " + line.substr(0, 200);
      return rows;
    }
    if (j.value("schema", "") == "dbt_it" && j.value("table", "") == "all_types") {
      rows.push_back(std::move(j));
    }
  }
  return rows;
}

struct ExpectedChange {
  std::string type;
  int id;
  const Row* before;
  const Row* after;
};

void expect_changes(const Sandbox& sb, const std::vector<json>& got,
                    const std::vector<ExpectedChange>& want, bool by_name, bool names_known) {
  ASSERT_EQ(got.size(), want.size()) << "row changes of dbt_it.all_types";
  std::set<std::string> files;
  for (const auto& f : sb.binlog_files()) {
    files.insert(f);
    files.insert(f.substr(f.rfind('/') + 1));
  }
  for (size_t i = 0; i < want.size(); ++i) {
    const json& j = got[i];
    const ExpectedChange& w = want[i];
    const std::string where = "change #" + std::to_string(i) + " (" + w.type + " id " +
                              std::to_string(w.id) + ")";
    SCOPED_TRACE(where);
    for (const char* k : {"file", "pos", "end_pos", "ts", "gtid", "schema", "table", "type",
                          "before", "after"}) {
      ASSERT_TRUE(j.contains(k)) << "missing key " << k << " in " << j.dump().substr(0, 300);
    }
    ASSERT_EQ(j.value("type", ""), w.type);
    EXPECT_TRUE(j["file"].is_string() && files.count(j["file"].get<std::string>()))
        << j["file"].dump();
    ASSERT_TRUE(j["pos"].is_number_unsigned() && j["end_pos"].is_number_unsigned());
    EXPECT_LT(j["pos"].get<uint64_t>(), j["end_pos"].get<uint64_t>());
    // Event time: the server's clock, written moments ago; ISO-8601 UTC text
    // ("2024-11-25T16:00:00Z") or seconds since the epoch.
    {
      double ts = -1;
      if (j["ts"].is_number()) {
        ts = j["ts"].get<double>();
      } else if (j["ts"].is_string()) {
        std::tm tm{};
        const std::string s = j["ts"].get<std::string>();
        if (strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) != nullptr) {
          ts = static_cast<double>(timegm(&tm));
        }
      }
      const double now = static_cast<double>(std::time(nullptr));
      EXPECT_TRUE(ts > now - 3600 && ts <= now + 60) << "ts " << j["ts"].dump();
    }
    // MariaDB GTIDs are domain-server-sequence.
    if (j["gtid"].is_string()) {
      const std::string g = j["gtid"].get<std::string>();
      EXPECT_EQ(g.rfind("0-1-", 0), 0u) << g;
    } else {
      ADD_FAILURE() << "gtid should be a string for MariaDB: " << j["gtid"].dump();
    }

    for (int side = 0; side < 2; ++side) {
      const Row* row = side == 0 ? w.before : w.after;
      const json& image = j[side == 0 ? "before" : "after"];
      const std::string which = side == 0 ? "before" : "after";
      if (row == nullptr) {
        EXPECT_TRUE(image.is_null()) << which << " should be null";
        continue;
      }
      ASSERT_TRUE(image.is_object()) << which << ": " << image.dump().substr(0, 200);
      EXPECT_EQ(image.size(), columns().size()) << which << " keys";
      for (size_t c = 0; c < columns().size(); ++c) {
        const std::string key = by_name ? columns()[c].name : "@" + std::to_string(c + 1);
        if (!image.contains(key)) {
          ADD_FAILURE() << which << " has no key " << key;
          continue;
        }
        expect_cell(image[key], columns()[c], (*row)[c], names_known, which);
      }
    }
  }
}

TEST_P(LiveTypesTest, EveryColumnTypeRoundTripsThroughTheBinlog) {
  const bool full = std::string(GetParam()) == "FULL";
  ASSERT_EQ(db_.exec("CREATE DATABASE dbt_it"), "");
  std::string ddl = "CREATE TABLE dbt_it.all_types (";
  for (size_t i = 0; i < columns().size(); ++i) {
    ddl += std::string(i ? ", " : "") + columns()[i].name + " " + columns()[i].sql_type;
  }
  ddl += ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
  ASSERT_EQ(db_.exec(ddl), "");

  for (const auto& s : insert_statements(db_)) ASSERT_EQ(db_.exec(s), "") << s.substr(0, 300);
  const Snapshot inserted = snapshot();
  check_fixture_sanity(inserted);
  if (HasFatalFailure()) return;

  for (const auto& s : update_statements(db_)) ASSERT_EQ(db_.exec(s), "") << s.substr(0, 300);
  const Snapshot updated = snapshot();

  ASSERT_EQ(db_.exec("DELETE FROM dbt_it.all_types WHERE id = 2"), "");
  const Snapshot deleted = snapshot();
  ASSERT_EQ(deleted.size(), 2u);
  ASSERT_EQ(db_.exec("FLUSH BINARY LOGS"), "");  // close the file: a complete input

  const std::vector<ExpectedChange> want = {
      {"INSERT", 1, nullptr, &inserted.at(1)},
      {"INSERT", 2, nullptr, &inserted.at(2)},
      {"INSERT", 3, nullptr, &inserted.at(3)},
      {"UPDATE", 1, &inserted.at(1), &updated.at(1)},
      {"UPDATE", 3, &inserted.at(3), &updated.at(3)},
      {"DELETE", 2, &updated.at(2), nullptr},
  };

  std::string failure;
  if (full) {
    const auto got = decode(*sandbox_, "", &failure);
    ASSERT_EQ(failure, "");
    expect_changes(*sandbox_, got, want, /*by_name=*/true, /*names_known=*/true);
  } else {
    {
      SCOPED_TRACE("MINIMAL without --schema-from: positional keys");
      const auto got = decode(*sandbox_, "", &failure);
      ASSERT_EQ(failure, "");
      expect_changes(*sandbox_, got, want, /*by_name=*/false, /*names_known=*/false);
    }
    {
      SCOPED_TRACE("MINIMAL with --schema-from: names from information_schema");
      const auto got =
          decode(*sandbox_, " --schema-from " + shell_quote(sandbox_->admin_dsn()), &failure);
      ASSERT_EQ(failure, "");
      expect_changes(*sandbox_, got, want, /*by_name=*/true, /*names_known=*/true);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(RowMetadata, LiveTypesTest, ::testing::Values("FULL", "MINIMAL"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

}  // namespace
}  // namespace dbtrail::testing
