#include "index/mysql_store_sql.h"

#include <charconv>
#include <cstdio>

#include "util/json_writer.h"
#include "util/time_format.h"

namespace dbtrail::index::mysql_sql {
namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool read_hex4(std::string_view s, size_t& i, uint32_t& v) {
  if (i + 4 > s.size()) return false;
  v = 0;
  for (size_t k = 0; k < 4; ++k) {
    char c = s[i + k];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
    else return false;
  }
  i += 4;
  return true;
}

void skip_ws(std::string_view s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
}

// A JSON string starting at s[i] == '"'; leaves i after the closing quote.
bool read_string(std::string_view s, size_t& i, std::string& out) {
  if (i >= s.size() || s[i] != '"') return false;
  ++i;
  out.clear();
  while (i < s.size()) {
    char c = s[i++];
    if (c == '"') return true;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i >= s.size()) return false;
    char e = s[i++];
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t cp = 0;
        if (!read_hex4(s, i, cp)) return false;
        if (cp >= 0xD800 && cp < 0xDC00) {  // high surrogate: a low one must follow
          uint32_t lo = 0;
          if (i + 2 > s.size() || s[i] != '\\' || s[i + 1] != 'u') return false;
          i += 2;
          if (!read_hex4(s, i, lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return false;
        }
        append_utf8(out, cp);
        break;
      }
      default:
        return false;
    }
  }
  return false;
}

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

std::string string_array_json(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    JsonWriter::append_escaped(out, items[i]);
  }
  out += ']';
  return out;
}

bool parse_string_array_json(std::string_view s, std::vector<std::string>& out) {
  out.clear();
  size_t i = 0;
  skip_ws(s, i);
  if (i >= s.size() || s[i] != '[') return false;
  ++i;
  skip_ws(s, i);
  if (i < s.size() && s[i] == ']') {
    ++i;
  } else {
    for (;;) {
      std::string item;
      skip_ws(s, i);
      if (!read_string(s, i, item)) return false;
      out.push_back(std::move(item));
      skip_ws(s, i);
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      if (i < s.size() && s[i] == ']') {
        ++i;
        break;
      }
      return false;
    }
  }
  skip_ws(s, i);
  return i == s.size();
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
