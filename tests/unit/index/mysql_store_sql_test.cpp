// SQL text helpers of the MySQL index backend (no server).
#include "index/mysql_store_sql.h"

#include <gtest/gtest.h>

namespace dbtrail::index::mysql_sql {
namespace {

TEST(MysqlStoreSql, DatetimeAndPartitionNamesAreUtc) {
  EXPECT_EQ(datetime(0), "1970-01-01 00:00:00");
  EXPECT_EQ(datetime(1764100799), "2025-11-25 19:59:59");
  EXPECT_EQ(datetime(-1), "1969-12-31 23:59:59");
  EXPECT_EQ(hour_floor(1764100799), 1764097200);
  EXPECT_EQ(hour_floor(-1), -3600);
  EXPECT_EQ(partition_name(1764097200), "p_2025112519");
  EXPECT_EQ(partition_hour("p_2025112519"), 1764097200);
  EXPECT_EQ(partition_hour("p_future"), std::nullopt);
  EXPECT_EQ(partition_hour("p_2025132519"), std::nullopt);
  EXPECT_EQ(hourly_partition_clause(1764097200),
            "PARTITION p_2025112519 VALUES LESS THAN (TO_SECONDS('2025-11-25 20:00:00'))");
}

TEST(MysqlStoreSql, ChangedColumnsRoundTripThroughJsonText) {
  std::vector<std::string> in{"a", "na\"me", "back\\slash", "été", "tab\there", ""};
  std::vector<std::string> out;
  ASSERT_TRUE(parse_string_array_json(string_array_json(in), out));
  EXPECT_EQ(out, in);
  // MySQL's JSON type re-renders: spaces after commas, \u escapes.
  ASSERT_TRUE(parse_string_array_json(R"( ["a", "\u00e9t\u00e9", "\ud83d\ude00"] )", out));
  EXPECT_EQ(out, (std::vector<std::string>{"a", "été", "\xF0\x9F\x98\x80"}));
  ASSERT_TRUE(parse_string_array_json("[]", out));
  EXPECT_TRUE(out.empty());
  for (const char* bad : {"", "[", "[1]", "[\"a\",]", "[\"a\"] x", "{\"a\":1}", "[\"\\ud800\"]",
                          "[\"\\q\"]", "[\"open]"})
    EXPECT_FALSE(parse_string_array_json(bad, out)) << bad;
}

TEST(MysqlStoreSql, IdentifiersAndPathsAreQuoted) {
  EXPECT_EQ(identifier("we`ird"), "`we``ird`");
  EXPECT_EQ(member_path("na\"me"), "$.\"na\\\"me\"");
}

}  // namespace
}  // namespace dbtrail::index::mysql_sql
