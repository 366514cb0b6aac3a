#include "index/mysql_store_sql.h"

#include "index/json_strings.h"

#include <charconv>
#include <cstdio>

#include "util/json_writer.h"
#include "util/time_format.h"

namespace dbtrail::index::mysql_sql {
namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string datetime(int64_t t) {
  int64_t days = floor_div(t, 86400);
  int64_t secs = t - days * 86400;
  CivilDate d = civil_from_days(days);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02d:%02d:%02d", static_cast<long long>(d.year),
                d.month, d.day, static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

int64_t hour_floor(int64_t t) { return floor_div(t, 3600) * 3600; }

std::string partition_name(int64_t hour_start) {
  int64_t days = floor_div(hour_start, 86400);
  CivilDate d = civil_from_days(days);
  char buf[48];
  std::snprintf(buf, sizeof buf, "p_%04lld%02u%02u%02d", static_cast<long long>(d.year), d.month,
                d.day, static_cast<int>((hour_start - days * 86400) / 3600));
  return buf;
}

std::optional<int64_t> partition_hour(std::string_view name) {
  if (name.size() != 12 || name.substr(0, 2) != "p_") return std::nullopt;
  for (char c : name.substr(2))
    if (c < '0' || c > '9') return std::nullopt;
  auto num = [&](size_t at, size_t len) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) v = v * 10 + (name[i] - '0');
    return v;
  };
  int year = num(2, 4), month = num(6, 2), day = num(8, 2), hour = num(10, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23) return std::nullopt;
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         hour * 3600;
}

std::string hourly_partition_clause(int64_t hour_start) {
  return "PARTITION " + partition_name(hour_start) + " VALUES LESS THAN (TO_SECONDS('" +
         datetime(hour_start + 3600) + "'))";
}

std::string identifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  out += '`';
  return out;
}

// One JSON string-array codec for both backends (index/json_strings.h).
std::string string_array_json(const std::vector<std::string>& items) {
  return json_string_array(items);
}

bool parse_string_array_json(std::string_view s, std::vector<std::string>& out) {
  return parse_json_string_array(s, out);
}

std::string member_path(std::string_view name) {
  std::string path = "$.";
  JsonWriter::append_escaped(path, name);
  return path;
}

std::optional<uint64_t> to_u64(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return v;
}

std::optional<int64_t> to_i64(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return v;
}

}  // namespace dbtrail::index::mysql_sql
