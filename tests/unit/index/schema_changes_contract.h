// What every Store backend must do with schema_changes, run against each real
// backend (sqlite_store_test.cpp, the MySQL one in
// tests/integration/mysql_store_test.cpp): a DDL's change row and the version
// it starts are stored together, once per DDL however often it is met, and
// come back field for field.
#pragma once

#include <gtest/gtest.h>

#include "index/store.h"

namespace dbtrail::index {

inline SchemaChange alter_change() {
  SchemaChange c;
  c.detected_at = 1764000000;
  c.binlog_file = "mysql-bin.000003";
  c.position = 1200;
  c.gtid = "0-1-7";
  c.schema = "shop";
  c.table = "t";
  c.ddl_type = "ALTER";
  c.ddl = "ALTER TABLE t ADD COLUMN `note` varchar(20) DEFAULT 'é'";
  return c;
}

inline void check_schema_changes_contract(Store& store) {
  SchemaSnapshot base;
  base.json = R"({"tables":[]})";
  ASSERT_TRUE(store.save_schema_snapshot(base).ok());

  SchemaChange c = alter_change();
  SchemaSnapshot v;
  v.taken_at = c.detected_at;
  v.binlog_file = c.binlog_file;
  v.position = 1290;
  v.json = R"({"v":2})";
  auto w = store.save_schema_change(c, &v);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_TRUE(w.value());
  EXPECT_GT(v.version, base.version);
  EXPECT_EQ(c.schema_version, v.version);
  EXPECT_GT(c.id, 0u);

  // Met again (a stream resumed from a checkpoint before the DDL): nothing is
  // written; the stored change and version come back.
  SchemaChange again = alter_change();
  SchemaSnapshot v_again = v;
  v_again.version = 0;
  v_again.json = R"({"v":"other"})";
  w = store.save_schema_change(again, &v_again);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_FALSE(w.value());
  EXPECT_EQ(again.id, c.id);
  EXPECT_EQ(again.schema_version, v.version);
  EXPECT_EQ(v_again.version, v.version);
  auto snaps = store.schema_snapshots();
  ASSERT_TRUE(snaps.ok());
  ASSERT_EQ(snaps->size(), 2u);
  EXPECT_EQ(snaps->back().json, v.json);
  EXPECT_EQ(snaps->back().position, 1290u);

  // A DDL older than every version: the change alone, naming the version
  // that applies, without a GTID.
  SchemaChange old;
  old.detected_at = 1763990000;
  old.binlog_file = "mysql-bin.000001";
  old.position = 400;
  old.schema = "shop";
  old.table = "t";
  old.ddl_type = "CREATE";
  old.ddl = "CREATE TABLE t (id int primary key)";
  old.schema_version = base.version;
  w = store.save_schema_change(old, nullptr);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_TRUE(w.value());

  auto all = store.schema_changes();
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  const SchemaChange& a = (*all)[0];  // binlog order: the older file first
  EXPECT_EQ(a.binlog_file, "mysql-bin.000001");
  EXPECT_EQ(a.position, 400u);
  EXPECT_EQ(a.gtid, "");
  EXPECT_EQ(a.ddl_type, "CREATE");
  EXPECT_EQ(a.schema_version, base.version);
  const SchemaChange& b = (*all)[1];
  SchemaChange want = alter_change();
  EXPECT_EQ(b.id, c.id);
  EXPECT_EQ(b.detected_at, want.detected_at);
  EXPECT_EQ(b.binlog_file, want.binlog_file);
  EXPECT_EQ(b.position, want.position);
  EXPECT_EQ(b.gtid, want.gtid);
  EXPECT_EQ(b.schema, want.schema);
  EXPECT_EQ(b.table, want.table);
  EXPECT_EQ(b.ddl_type, want.ddl_type);
  EXPECT_EQ(b.ddl, want.ddl);
  EXPECT_EQ(b.schema_version, v.version);
}

}  // namespace dbtrail::index
