// SQL text helpers of the MySQL index backend: datetimes, partition names and
// bounds, identifiers, the changed-columns JSON array. Pure functions (no
// server), unit-tested in tests/unit/index/mysql_store_sql_test.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dbtrail::index::mysql_sql {

// TO_SECONDS('1970-01-01 00:00:00'): TO_SECONDS counts from year 0, and a
// partition's PARTITION_DESCRIPTION is in those units.
constexpr int64_t kToSecondsAtEpoch = 62167219200;

// "YYYY-MM-DD HH:MM:SS" of epoch seconds in UTC (a DATETIME literal's text).
std::string datetime(int64_t epoch_seconds);

// Start of the UTC hour holding t.
int64_t hour_floor(int64_t t);

// bintrail's name of the partition holding hour `hour_start`: "p_YYYYMMDDHH".
std::string partition_name(int64_t hour_start);
// Inverse of partition_name (nullopt for "p_future" and foreign names).
std::optional<int64_t> partition_hour(std::string_view name);

// "PARTITION p_... VALUES LESS THAN (TO_SECONDS('...'))" for the hour starting at hour_start.
std::string hourly_partition_clause(int64_t hour_start);

// `name` with backticks doubled.
std::string identifier(std::string_view name);

// ["a","b"] (JSON array of strings) and back. parse accepts any JSON
// whitespace and escapes (MySQL's JSON type re-renders the text) and returns
// false on anything that is not an array of strings.
std::string string_array_json(const std::vector<std::string>& items);
bool parse_string_array_json(std::string_view json, std::vector<std::string>& out);

// JSON path '$."name"' selecting a top-level member, for JSON_EXTRACT.
std::string member_path(std::string_view name);

// Decimal text of a column the server returned; nullopt when it is not one.
std::optional<uint64_t> to_u64(const std::optional<std::string>& text);
std::optional<int64_t> to_i64(const std::optional<std::string>& text);

}  // namespace dbtrail::index::mysql_sql
