#include "stream/change_builder.h"

#include <gtest/gtest.h>

#include "binlog/column_type.h"

namespace dbtrail::stream {
namespace {

using binlog::ColumnDef;
using binlog::RowImage;
using binlog::TableMap;
using binlog::Value;
using binlog::ValueKind;

ColumnDef col(const char* name, uint8_t type, uint16_t collation = 45) {
  ColumnDef c;
  c.name = name;
  c.type = type;
  c.collation = collation;
  c.sign = binlog::Signedness::kSigned;
  return c;
}

Value int_v(int64_t i) {
  Value v;
  v.kind = ValueKind::kInt;
  v.i = i;
  return v;
}

Value text_v(std::string_view s) {
  Value v;
  v.kind = ValueKind::kText;
  v.bytes = s;
  return v;
}

RowImage row(std::vector<Value> v, std::vector<uint8_t> present = {}) {
  RowImage r;
  if (present.empty()) present.assign(v.size(), 1);
  r.values = std::move(v);
  r.present = std::move(present);
  return r;
}

TableMap table(std::vector<uint32_t> pk) {
  TableMap t;
  t.schema = "shop";
  t.table = "orders";
  t.columns = {col("id", binlog::kTypeLong), col("code", binlog::kTypeVarchar),
               col("note", binlog::kTypeVarchar)};
  t.has_names = true;
  t.primary_key = std::move(pk);
  return t;
}

TEST(PkValues, EscapeAndSplitRoundTrip) {
  EXPECT_EQ(escape_pk_value("a|b\\c"), "a\\|b\\\\c");
  std::vector<std::string> parts;
  ASSERT_TRUE(split_pk_values("5|a\\|b\\\\c|", parts));
  EXPECT_EQ(parts, (std::vector<std::string>{"5", "a|b\\c", ""}));
  EXPECT_FALSE(split_pk_values("5\\", parts));    // lone backslash at the end
  EXPECT_FALSE(split_pk_values("5\\x", parts));   // escapes only '\' and '|'
}

TEST(BuildChange, InsertWithCompositeKeyFromTableMap) {
  TableMap t = table({0, 1});
  RowImage after = row({int_v(12345), text_v("A|1\\x"), text_v("hello \"w\"")});
  binlog::TransactionInfo txn;
  txn.gtid = "0-1-77";
  txn.connection_id = 9;
  binlog::RowChange c;
  c.table = &t;
  c.kind = binlog::RowsKind::kWrite;
  c.after = &after;
  c.pos = 1000;
  c.end_pos = 1100;
  c.timestamp = 1764097200;
  c.txn = &txn;
  index::ChangeRecord out;
  build_change(c, "mysql-bin.000003", {}, out);
  EXPECT_EQ(out.type, index::ChangeType::kInsert);
  EXPECT_EQ(out.pk_values, "12345|A\\|1\\\\x");
  EXPECT_EQ(out.row_after.value(), "{\"id\":12345,\"code\":\"A|1\\\\x\",\"note\":\"hello \\\"w\\\"\"}");
  EXPECT_FALSE(out.row_before.has_value());
  EXPECT_EQ(out.gtid, "0-1-77");
  EXPECT_EQ(out.connection_id.value(), 9u);
  EXPECT_EQ(out.start_pos, 1000u);
  EXPECT_EQ(out.end_pos, 1100u);
  EXPECT_EQ(out.event_time, 1764097200);
  EXPECT_EQ(out.binlog_file, "mysql-bin.000003");
  EXPECT_EQ(out.schema, "shop");
  EXPECT_EQ(out.table, "orders");
  EXPECT_TRUE(out.changed_columns.empty());
}

TEST(BuildChange, UpdateListsChangedColumnsAndUsesSuppliedKey) {
  TableMap t = table({});  // no PK in the table map: binlog without FULL metadata
  RowImage before = row({int_v(-7), text_v("x"), text_v("old")});
  RowImage after = row({int_v(-7), text_v("y"), text_v("old")});
  binlog::TransactionInfo txn;
  binlog::RowChange c;
  c.table = &t;
  c.kind = binlog::RowsKind::kUpdate;
  c.before = &before;
  c.after = &after;
  c.txn = &txn;
  std::vector<std::string> key = {"id"};
  BuildOptions o;
  o.pk_columns = &key;
  o.schema_version = 3;
  index::ChangeRecord out;
  build_change(c, "f", o, out);
  EXPECT_EQ(out.type, index::ChangeType::kUpdate);
  EXPECT_EQ(out.pk_values, "-7");
  EXPECT_EQ(out.changed_columns, std::vector<std::string>{"code"});
  EXPECT_EQ(out.schema_version, 3u);
  EXPECT_TRUE(out.gtid.empty());
  EXPECT_FALSE(out.connection_id.has_value());

  // Without any key: empty pk_values rather than a guess.
  build_change(c, "f", {}, out);
  EXPECT_EQ(out.pk_values, "");
  // A supplied key naming a column the table map lacks: no guess either.
  std::vector<std::string> wrong = {"nope"};
  o.pk_columns = &wrong;
  build_change(c, "f", o, out);
  EXPECT_EQ(out.pk_values, "");
}

TEST(BuildChange, MinimalAfterImageTakesKeyFromBefore) {
  TableMap t = table({0});
  RowImage before = row({int_v(5), text_v("x"), text_v("n")}, {1, 0, 0});
  RowImage after = row({int_v(0), text_v("z"), text_v("n")}, {0, 1, 0});
  binlog::TransactionInfo txn;
  binlog::RowChange c;
  c.table = &t;
  c.kind = binlog::RowsKind::kUpdate;
  c.before = &before;
  c.after = &after;
  c.txn = &txn;
  index::ChangeRecord out;
  build_change(c, "f", {}, out);
  EXPECT_EQ(out.pk_values, "5");
  EXPECT_EQ(out.changed_columns, std::vector<std::string>{"code"});  // only what the after image has
  EXPECT_EQ(out.row_after.value(), "{\"code\":\"z\"}");
}

TEST(BuildChange, DeleteKeyFromBeforeImageAndUnnamedColumns) {
  TableMap t = table({0});
  for (auto& c : t.columns) c.name.clear();
  t.has_names = false;
  RowImage before = row({int_v(9), text_v("x"), text_v("n")});
  binlog::TransactionInfo txn;
  binlog::RowChange c;
  c.table = &t;
  c.kind = binlog::RowsKind::kDelete;
  c.before = &before;
  c.txn = &txn;
  index::ChangeRecord out;
  build_change(c, "f", {}, out);
  EXPECT_EQ(out.type, index::ChangeType::kDelete);
  EXPECT_EQ(out.pk_values, "9");
  EXPECT_EQ(out.row_before.value(), "{\"@1\":9,\"@2\":\"x\",\"@3\":\"n\"}");
  EXPECT_FALSE(out.row_after.has_value());
}

}  // namespace
}  // namespace dbtrail::stream
