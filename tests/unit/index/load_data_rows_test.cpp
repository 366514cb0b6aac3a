// The LOAD DATA text of binlog_events rows (no server; the round trip through
// a real server is in tests/integration/mysql_store_load_data_test.cpp).
#include "index/load_data_rows.h"

#include <gtest/gtest.h>

#include <string>

namespace dbtrail::index::load_data {
namespace {

std::string field(std::string_view v) {
  std::string out;
  append_field(out, v);
  return out;
}

TEST(LoadDataRows, FieldEscapesOnlyTheSeparatorsTheEscapeAndNul) {
  EXPECT_EQ(field(""), "");
  EXPECT_EQ(field("plain {\"a\":1}"), "plain {\"a\":1}");
  EXPECT_EQ(field("a\tb\nc\rd\\e"), "a\\tb\\nc\\rd\\\\e");
  EXPECT_EQ(field(std::string("\0x\0", 3)), "\\0x\\0");
  // A field that is the text \N stays text: only an unescaped \N means NULL.
  EXPECT_EQ(field("\\N"), "\\\\N");
  // Bytes above 0x7f, valid UTF-8 or not, pass as they are.
  EXPECT_EQ(field("\xf0\x9f\x98\x80\xff\xfe"), "\xf0\x9f\x98\x80\xff\xfe");
}

TEST(LoadDataRows, RowHasOneFieldPerColumnWithNullsAsBackslashN) {
  ChangeRecord r;
  r.binlog_file = "mysql-bin.000001";
  r.start_pos = 4;
  r.end_pos = 99;
  r.event_time = 1764100799;
  r.schema = "shop";
  r.table = "orders";
  r.type = ChangeType::kInsert;
  r.pk_values = "7|a\tb";
  r.row_after = R"({"id":7})";
  r.schema_version = 3;
  std::string line;
  append_row(line, r);
  EXPECT_EQ(line,
            "mysql-bin.000001\t4\t99\t2025-11-25 19:59:59\t\\N\t\\N\tshop\torders\t1\t7|a\\tb\t"
            "\\N\t\\N\t{\"id\":7}\t3\n");

  r.type = ChangeType::kUpdate;
  r.gtid = "0-1-5";
  r.connection_id = 18446744073709551615ull;
  r.changed_columns = {"note"};
  r.row_before = "";
  line.clear();
  append_row(line, r);
  EXPECT_EQ(line,
            "mysql-bin.000001\t4\t99\t2025-11-25 19:59:59\t0-1-5\t18446744073709551615\tshop\t"
            "orders\t2\t7|a\\tb\t[\"note\"]\t\t{\"id\":7}\t3\n");
}

TEST(LoadDataRows, StatementReadsBytesUnconvertedFromTheServedFile) {
  const std::string s(statement());
  EXPECT_NE(s.find("LOCAL INFILE 'dbtrail-memory'"), std::string::npos);
  EXPECT_NE(s.find("CHARACTER SET binary"), std::string::npos);
  EXPECT_EQ(s.find("IGNORE"), std::string::npos);
  EXPECT_EQ(s.find("REPLACE"), std::string::npos);
}

}  // namespace
}  // namespace dbtrail::index::load_data
