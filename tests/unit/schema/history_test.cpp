// The versioned resolver and the snapshot JSON format.
#include "schema/history.h"

#include <gtest/gtest.h>

#include "schema/ddl.h"

namespace dbtrail::schema {
namespace {

Snapshot snap(const char* create) {
  Snapshot s;
  EXPECT_TRUE(apply_ddl(s, create, "db"));
  return s;
}

TEST(History, VersionValidFromItsPositionOn) {
  History h;
  Snapshot v1 = snap("CREATE TABLE t (a int, b int)");
  Snapshot v2 = v1;
  ASSERT_TRUE(apply_ddl(v2, "ALTER TABLE t ADD c int", "db"));
  Snapshot v3 = v2;
  ASSERT_TRUE(apply_ddl(v3, "ALTER TABLE t DROP a", "db"));
  h.add({3, "bin.000002", 500, v3});
  h.add({1, "", 0, v1});
  h.add({2, "bin.000001", 900, v2});
  EXPECT_EQ(h.at("bin.000001", 4)->number, 1u);
  EXPECT_EQ(h.at("bin.000001", 899)->number, 1u);
  EXPECT_EQ(h.at("bin.000001", 900)->number, 2u);
  EXPECT_EQ(h.at("bin.000002", 4)->number, 2u);
  EXPECT_EQ(h.at("bin.000002", 500)->number, 3u);
  EXPECT_EQ(h.at("bin.000009", 4)->number, 3u);
  EXPECT_EQ(h.table_at("db", "t", "bin.000001", 100)->columns.size(), 2u);
  EXPECT_EQ(h.table_at("db", "t", "bin.000002", 100)->columns.size(), 3u);
  EXPECT_EQ(h.table_at("db", "t", "bin.000002", 600)->columns[0].name, "b");
  EXPECT_EQ(h.starting_within("bin.000001", 800, 900)->number, 2u);
  EXPECT_EQ(h.starting_within("bin.000001", 901, 2000), nullptr);
}

TEST(History, FirstSnapshotCoversOlderRows) {
  History h;
  h.add({1, "bin.000005", 1000, snap("CREATE TABLE t (a int)")});
  ASSERT_NE(h.at("bin.000001", 4), nullptr);
  EXPECT_EQ(h.at("bin.000001", 4)->number, 1u);
  EXPECT_TRUE(h.before_first("bin.000005", 999));
  EXPECT_FALSE(h.before_first("bin.000005", 1000));
  EXPECT_FALSE(h.before_first("bin.000006", 4));
}

TEST(History, VirtualColumnsLeaveTheMySqlImage) {
  Snapshot s =
      snap("CREATE TABLE t (a int, v int AS (a + 1) VIRTUAL, s int AS (a * 2) STORED, b int)");
  const Table& t = *s.find("db", "t");
  EXPECT_EQ(binlog_columns(t, true), (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(binlog_columns(t, false), (std::vector<uint32_t>{0, 2, 3}));
}

TEST(SnapshotJson, RoundTrips) {
  Snapshot s = snap(
      "CREATE TABLE t (id bigint unsigned not null, e set('x','y''z'), v int as (id) virtual, "
      "primary key (id), unique key u (e), foreign key fk (id) references p (pid))");
  s.flavor = "mariadb";
  s.server = "MariaDB 10.11.6";
  s.tables.begin()->second.columns[1].collation = 45;
  s.change = Change{"ALTER", "db", "t", "ALTER TABLE t ADD \"q\" int", "0-1-7"};
  std::string json = to_json(s);
  auto back = from_json(json);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(to_json(back.value()), json);
  const Table& t = *back.value().find("db", "t");
  EXPECT_EQ(t.columns[1].enum_values, (std::vector<std::string>{"x", "y'z"}));
  EXPECT_EQ(t.columns[1].collation, 45);
  EXPECT_EQ(t.columns[2].generated, Generated::kVirtual);
  EXPECT_FALSE(t.columns[0].nullable);
  EXPECT_EQ(back.value().change->gtid, "0-1-7");
}

TEST(SnapshotJson, RejectsWhatIsNotASnapshot) {
  EXPECT_FALSE(from_json("[1]").ok());
  EXPECT_FALSE(from_json("{\"format\":2,\"tables\":[]}").ok());
  EXPECT_FALSE(from_json("{\"format\":1,\"tables\":[{\"schema\":\"a\"}]}").ok());
  EXPECT_FALSE(from_json("{\"format\":1,").ok());
  EXPECT_TRUE(from_json("{\"format\":1,\"tables\":[]}").ok());
}

}  // namespace
}  // namespace dbtrail::schema
