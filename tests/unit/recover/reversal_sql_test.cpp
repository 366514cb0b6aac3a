// Reversal statements, their order, and the refusals.
#include "recover/reversal_sql.h"

#include <gtest/gtest.h>

#include "recover/decode_lines.h"
#include "recover/reconstruct.h"

namespace dbtrail::recover {
namespace {

using index::ChangeRecord;
using index::ChangeType;

FactsCatalog catalog() {
  TableFacts t;
  t.schema = "db";
  t.table = "t";
  auto add = [&](const char* name, const char* type, bool generated = false) {
    ColumnFacts c;
    c.name = name;
    c.data_type = type;
    c.literal = literal_class_of(type);
    c.generated = generated;
    t.columns.push_back(c);
  };
  add("a", "int");
  add("b", "varchar");
  add("v", "varchar");
  add("g", "int", true);
  t.pk = {0, 1};
  FactsCatalog cat;
  cat.add(t);
  TableFacts nopk;
  nopk.schema = "db";
  nopk.table = "nopk";
  nopk.columns = {t.columns[0]};
  cat.add(nopk);
  return cat;
}

ChangeRecord change(uint64_t id, ChangeType type, std::optional<std::string> before,
                    std::optional<std::string> after, const char* table = "t") {
  ChangeRecord c;
  c.event_id = id;
  c.binlog_file = "bin.000001";
  c.start_pos = 100 * id;
  c.schema = "db";
  c.table = table;
  c.type = type;
  c.row_before = std::move(before);
  c.row_after = std::move(after);
  return c;
}

TEST(ReversalSql, EachKindIsUndoneNewestFirstInOneTransaction) {
  std::vector<ChangeRecord> changes = {
      change(1, ChangeType::kInsert, std::nullopt, R"({"a":1,"b":"x","v":"new","g":2})"),
      change(3, ChangeType::kDelete, R"({"a":2,"b":"y","v":"it's","g":3})", std::nullopt),
      change(2, ChangeType::kUpdate, R"({"a":3,"b":"z","v":"old","g":4})",
             R"({"a":3,"b":"w","v":"old","g":4})"),
  };
  auto plan = generate_reversal(changes, catalog(), {.set_all_columns = false, .comments = false});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->sql,
            "-- dbtrail reversal of 3 row changes, newest first\n"
            "SET NAMES utf8mb4;\nSET time_zone = '+00:00';\nSTART TRANSACTION;\n"
            "INSERT INTO `db`.`t` (`a`, `b`, `v`) VALUES (2, _utf8mb4'y', _utf8mb4'it''s');\n"
            "UPDATE `db`.`t` SET `b` = _utf8mb4'z' WHERE `a` = 3 AND `b` = _utf8mb4'w';\n"
            "DELETE FROM `db`.`t` WHERE `a` = 1 AND `b` = _utf8mb4'x';\n"
            "COMMIT;\n");
  EXPECT_EQ(plan->affected_rows, 3u);
  ASSERT_EQ(plan->operations.size(), 3u);
  EXPECT_EQ(plan->operations[0].action, "INSERT");
  EXPECT_EQ(plan->operations[0].pk_values, "2|y");
  EXPECT_EQ(plan->operations[1].pk_values, "3|w");
  EXPECT_EQ(plan->operations[1].columns, std::vector<std::string>{"b"});
  EXPECT_EQ(plan->operations[2].original, ChangeType::kInsert);
}

TEST(ReversalSql, RowsOfOneEventAreUndoneInReverseOrderWithoutEventIds) {
  auto a = change(0, ChangeType::kInsert, std::nullopt, R"({"a":1,"b":"x","v":null})");
  auto b = change(0, ChangeType::kInsert, std::nullopt, R"({"a":2,"b":"x","v":null})");
  auto plan = generate_reversal({a, b}, catalog(), {.comments = false});
  ASSERT_TRUE(plan.ok());
  EXPECT_LT(plan->sql.find("`a` = 2"), plan->sql.find("`a` = 1"));
}

TEST(ReversalSql, RefusesWhatItCannotRestoreExactly) {
  auto partial = generate_reversal(
      {change(1, ChangeType::kDelete, R"({"a":1,"b":"x"})", std::nullopt)}, catalog());
  ASSERT_FALSE(partial.ok());
  EXPECT_NE(partial.error().message.find("binlog_row_image"), std::string::npos);
  auto nopk = generate_reversal(
      {change(1, ChangeType::kInsert, std::nullopt, R"({"a":1})", "nopk")}, catalog());
  ASSERT_FALSE(nopk.ok());
  EXPECT_NE(nopk.error().message.find("primary key"), std::string::npos);
  auto unknown = generate_reversal(
      {change(1, ChangeType::kInsert, std::nullopt, R"({"a":1})", "other")}, catalog());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  auto drift =
      generate_reversal({change(1, ChangeType::kInsert, std::nullopt, R"({"zz":1})")}, catalog());
  ASSERT_FALSE(drift.ok());
  EXPECT_NE(drift.error().message.find("zz"), std::string::npos);
}

TEST(ReversalSql, PositionalKeysFromBinlogsWithoutNames) {
  auto plan = generate_reversal(
      {change(1, ChangeType::kInsert, std::nullopt, R"({"@1":7,"@2":"q","@3":null})")}, catalog(),
      {.comments = false});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_NE(plan->sql.find("WHERE `a` = 7 AND `b` = _utf8mb4'q'"), std::string::npos);
}

TEST(DecodeLines, ReadsTheDecodeFormat) {
  auto c = change_from_decode_line(
      R"({"file":"bin.000002","pos":400,"end_pos":480,"ts":"2024-02-29T12:00:01Z","gtid":"0-1-5",)"
      R"("connection_id":9,"schema":"db","table":"t","type":"UPDATE","before":{"a":1},"after":{"a":2}})",
      5);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->event_id, 5u);
  EXPECT_EQ(c->start_pos, 400u);
  EXPECT_EQ(c->event_time, 1709208001);
  EXPECT_EQ(c->gtid, "0-1-5");
  EXPECT_EQ(*c->row_before, R"({"a":1})");
  EXPECT_EQ(*c->connection_id, 9u);
  EXPECT_FALSE(change_from_decode_line(R"({"file":"x"})", 1).ok());
  EXPECT_FALSE(change_from_decode_line("not json", 1).ok());
}

TEST(Reconstruct, UndoesChangesAfterTheMomentOnly) {
  const FactsCatalog cat = catalog();
  const TableFacts& t = *cat.find("db", "t");
  auto ins = change(1, ChangeType::kInsert, std::nullopt, R"({"a":1,"b":"x","v":"v1"})");
  ins.event_time = 10;
  auto upd =
      change(2, ChangeType::kUpdate, R"({"a":1,"b":"x","v":"v1"})", R"({"a":1,"b":"y","v":"v2"})");
  upd.event_time = 20;
  auto del = change(3, ChangeType::kDelete, R"({"a":5,"b":"k","v":"gone"})", std::nullopt);
  del.event_time = 30;
  std::vector<std::string> now = {R"({"a":1,"b":"y","v":"v2"})"};
  auto at15 = reconstruct_table(t, now, {ins, upd, del}, 15);
  ASSERT_TRUE(at15.ok());
  ASSERT_EQ(at15->rows.size(), 2u);
  EXPECT_EQ(at15->rows[0].row, R"({"a":1,"b":"x","v":"v1"})");
  EXPECT_EQ(at15->rows[1].pk_values, "5|k");
  auto at5 = reconstruct_table(t, now, {ins, upd, del}, 5);
  ASSERT_TRUE(at5.ok());
  EXPECT_EQ(at5->rows.size(), 1u);  // only the row deleted later
  auto hist = reconstruct_from_history(t, {ins, upd, del}, 20);
  ASSERT_TRUE(hist.ok());
  ASSERT_EQ(hist->rows.size(), 2u);
  EXPECT_EQ(hist->rows[0].row, R"({"a":1,"b":"y","v":"v2"})");
  EXPECT_EQ(hist->rows[1].row, R"({"a":5,"b":"k","v":"gone"})");
  auto hist5 = reconstruct_from_history(t, {ins, upd, del}, 5);
  ASSERT_TRUE(hist5.ok());
  ASSERT_EQ(hist5->rows.size(), 1u);
  EXPECT_EQ(hist5->rows[0].pk_values, "5|k");
}

}  // namespace
}  // namespace dbtrail::recover
