// Schema versions end to end, as a DBA would run them: a private MariaDB
// writing binlog_row_metadata=MINIMAL (no column names, no primary key in the
// binlog), `dbtrail snapshot`, then a load with DDL in the middle (ADD / DROP /
// RENAME COLUMN, a VIRTUAL generated column, RENAME TABLE, TRUNCATE), `dbtrail
// index` of the binlog files, and `dbtrail query`: every row must carry the
// column names its table had when the row was written — exactly what this
// test wrote — and its primary key from the snapshot.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "index/store.h"
#include "mysql/connection.h"
#include "recover/json_reader.h"
#include "sandbox.h"

namespace dbtrail {
namespace {

using testing::Sandbox;
using testing::shell_quote;

void exec(mysql::Connection& c, const std::string& sql) {
  auto r = c.query(sql);
  ASSERT_TRUE(r.ok()) << sql << ": " << r.error().message;
}

// Runs the CLI; the source password travels in the environment only.
int cli(const Sandbox& sb, const std::string& args, std::string* out) {
  std::string cmd = "DBTRAIL_SOURCE_PASSWORD=" + shell_quote(sb.password()) + " " +
                    shell_quote(DBTRAIL_BINARY) + " " + args + " 2>&1";
  return testing::run_command(cmd, out);
}

std::string source_dsn(const Sandbox& sb) {
  return "mysql://" + sb.user() + "@127.0.0.1:" + std::to_string(sb.port()) + "/";
}

struct Seen {
  std::string type;
  std::string pk;
  std::vector<std::string> before, after;  // column names in image order
  std::map<std::string, std::string> after_values;
  uint64_t version = 0;
};

std::vector<std::string> keys(const recover::JsonValue* v) {
  std::vector<std::string> out;
  if (v && v->kind == recover::JsonKind::kObject)
    for (const auto& m : v->members) out.push_back(m.first);
  return out;
}

// `dbtrail query --format json` of one table, keyed by the row's id.
std::multimap<std::string, Seen> query(const Sandbox& sb, const std::string& index,
                                       const std::string& table) {
  std::string out;
  EXPECT_EQ(cli(sb,
                "query --index " + shell_quote(index) + " --schema shop --table " + table +
                    " --format json --limit 1000",
                &out),
            0)
      << out;
  std::multimap<std::string, Seen> rows;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    auto j = recover::parse_json(line);
    EXPECT_TRUE(j.ok()) << line;
    if (!j.ok()) continue;
    Seen s;
    s.type = j.value().find("event_type")->text;
    s.pk = j.value().find("pk_values")->text;
    s.version = std::stoull(j.value().find("schema_version")->text);
    s.before = keys(j.value().find("before"));
    s.after = keys(j.value().find("after"));
    if (const auto* a = j.value().find("after"); a && a->kind == recover::JsonKind::kObject)
      for (const auto& m : a->members) s.after_values[m.first] = m.second.text;
    rows.emplace(s.pk, s);
  }
  return rows;
}

using Names = std::vector<std::string>;

TEST(SchemaVersions, RowsNamedWithTheColumnsTheyWereWrittenWith) {
  Sandbox sb({.row_metadata = "MINIMAL"});
  ASSERT_TRUE(sb.ok()) << sb.error();
  auto dsn = mysql::parse_dsn(sb.admin_dsn());
  ASSERT_TRUE(dsn.ok());
  auto conn = mysql::Connection::open(*dsn);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  mysql::Connection& c = *conn.value();
  exec(c, "CREATE DATABASE shop");
  exec(c, "CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20), qty INT UNSIGNED)");
  exec(c, "CREATE TABLE shop.other (k INT PRIMARY KEY, v INT)");

  const std::string index = "sqlite:" + sb.dir() + "/index";
  std::string out;
  // A failed snapshot stores nothing (wrong port: nobody listens there).
  ASSERT_NE(cli(sb,
                "snapshot --source-dsn mysql://" + sb.user() + "@127.0.0.1:1/ --index " +
                    shell_quote(index),
                &out),
            0)
      << out;
  {
    auto st = index::open_store(index);
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE(st.value()->init().ok());
    auto snaps = st.value()->schema_snapshots();
    ASSERT_TRUE(snaps.ok());
    EXPECT_TRUE(snaps.value().empty());
  }
  ASSERT_EQ(cli(sb,
                "snapshot --source-dsn " + shell_quote(source_dsn(sb)) + " --index " +
                    shell_quote(index) + " --schemas shop",
                &out),
            0)
      << out;
  EXPECT_NE(out.find("2 tables"), std::string::npos) << out;
  EXPECT_EQ(out.find(sb.password()), std::string::npos);

  // The load: id -> the names its row was written with.
  exec(c, "INSERT INTO shop.items VALUES (3, 'c', 30)");
  exec(c, "ALTER TABLE shop.items ADD COLUMN price DECIMAL(8,2) AFTER name");
  exec(c, "INSERT INTO shop.items VALUES (4, 'd', 1.50, 40)");
  exec(c, "UPDATE shop.items SET qty = 41 WHERE id = 4");
  exec(c, "USE shop");
  exec(c, "ALTER TABLE `items` DROP COLUMN name");
  exec(c, "INSERT INTO items VALUES (5, 2.00, 50)");
  exec(c, "ALTER TABLE items RENAME COLUMN qty TO quantity");
  exec(c, "INSERT INTO items VALUES (6, 3.00, 60)");
  exec(c,
       "ALTER TABLE items ADD COLUMN twice INT AS (quantity * 2) VIRTUAL, ADD note CHAR(3) FIRST");
  exec(c, "INSERT INTO items (note, id, price, quantity) VALUES ('n7', 7, 4.00, 70)");
  exec(c, "RENAME TABLE shop.items TO shop.goods");
  exec(c, "INSERT INTO goods (note, id, price, quantity) VALUES ('n8', 8, 5.00, 80)");
  exec(c, "TRUNCATE TABLE goods");
  exec(c, "INSERT INTO goods (note, id, price, quantity) VALUES ('n9', 9, 6.00, 90)");
  exec(c, "DELETE FROM goods WHERE id = 9");
  exec(c, "INSERT INTO other VALUES (1, 2)");
  exec(c, "FLUSH BINARY LOGS");

  std::string files;
  for (const auto& f : sb.binlog_files()) files += " " + shell_quote(f);
  ASSERT_EQ(cli(sb, "index --index " + shell_quote(index) + " --files" + files, &out), 0) << out;
  // Indexing again adds neither rows nor versions.
  ASSERT_EQ(cli(sb, "index --index " + shell_quote(index) + " --files" + files, &out), 0) << out;

  auto items = query(sb, index, "items");
  auto goods = query(sb, index, "goods");
  auto other = query(sb, index, "other");
  ASSERT_EQ(items.size(), 6u);  // 3, 4 (insert + update), 5, 6, 7
  ASSERT_EQ(goods.size(), 3u);  // 8, 9, delete of 9
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other.begin()->second.after, (Names{"k", "v"}));

  auto one = [](const std::multimap<std::string, Seen>& m, const std::string& pk,
                const std::string& type) -> Seen {
    for (auto [it, end] = m.equal_range(pk); it != end; ++it)
      if (it->second.type == type) return it->second;
    ADD_FAILURE() << "no " << type << " for pk " << pk;
    return {};
  };
  EXPECT_EQ(one(items, "3", "INSERT").after, (Names{"id", "name", "qty"}));
  EXPECT_EQ(one(items, "4", "INSERT").after, (Names{"id", "name", "price", "qty"}));
  Seen upd = one(items, "4", "UPDATE");
  EXPECT_EQ(upd.before, (Names{"id", "name", "price", "qty"}));
  EXPECT_EQ(upd.after, (Names{"id", "name", "price", "qty"}));
  EXPECT_EQ(upd.after_values["qty"], "41");
  EXPECT_EQ(one(items, "5", "INSERT").after, (Names{"id", "price", "qty"}));
  Seen six = one(items, "6", "INSERT");
  EXPECT_EQ(six.after, (Names{"id", "price", "quantity"}));
  EXPECT_EQ(six.after_values["quantity"], "60");
  EXPECT_EQ(six.after_values["price"], "3.00");
  // MariaDB logs VIRTUAL columns with their value.
  Seen seven = one(items, "7", "INSERT");
  EXPECT_EQ(seven.after, (Names{"note", "id", "price", "quantity", "twice"}));
  EXPECT_EQ(seven.after_values["twice"], "140");
  EXPECT_EQ(one(goods, "8", "INSERT").after, (Names{"note", "id", "price", "quantity", "twice"}));
  EXPECT_EQ(one(goods, "9", "INSERT").after, (Names{"note", "id", "price", "quantity", "twice"}));
  EXPECT_EQ(one(goods, "9", "DELETE").before, (Names{"note", "id", "price", "quantity", "twice"}));
  // Versions: 1 snapshot + 7 DDL (ADD, DROP, RENAME COLUMN, ADD x2 in one, RENAME, TRUNCATE = 6).
  EXPECT_EQ(one(items, "3", "INSERT").version, 1u);
  EXPECT_LT(one(items, "4", "INSERT").version, one(items, "5", "INSERT").version);
  EXPECT_LT(one(goods, "8", "INSERT").version, one(goods, "9", "INSERT").version);
  auto st = index::open_store(index);
  ASSERT_TRUE(st.ok());
  auto snaps = st.value()->schema_snapshots();
  ASSERT_TRUE(snaps.ok());
  std::string listing;
  for (const auto& s : snaps.value())
    listing += std::to_string(s.version) + " " + s.binlog_file + ":" + std::to_string(s.position) +
               " " + s.json.substr(0, 300) + "\n";
  EXPECT_EQ(snaps.value().size(), 7u) << listing;
  for (const auto& s : snaps.value()) EXPECT_EQ(s.json.find(sb.password()), std::string::npos);
}

}  // namespace
}  // namespace dbtrail
