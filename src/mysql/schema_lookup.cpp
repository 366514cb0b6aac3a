#include "mysql/schema_lookup.h"

#include <charconv>
#include <optional>
#include <utility>

namespace dbtrail::mysql {
namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}


const std::string& text_or_empty(const std::optional<std::string>& v) {
  static const std::string kEmpty;
  return v ? *v : kEmpty;
}

}  // namespace

std::optional<std::vector<std::string>> parse_enum_values(std::string_view column_type) {
  std::vector<std::string> out;
  std::string_view rest;
  if (starts_with_ci(column_type, "enum(")) {
    rest = column_type.substr(5);
  } else if (starts_with_ci(column_type, "set(")) {
    rest = column_type.substr(4);
  } else {
    return out;
  }
  // rest: 'a','b''c',... ) [trailing words]
  size_t i = 0;
  while (true) {
    if (i >= rest.size()) return std::nullopt;
    if (rest[i] == ')') break;  // "enum()" cannot exist, but stay lenient
    if (rest[i] != '\'') return std::nullopt;
    ++i;
    std::string value;
    while (true) {
      if (i >= rest.size()) return std::nullopt;
      char c = rest[i];
      if (c == '\'') {
        if (i + 1 < rest.size() && rest[i + 1] == '\'') {  // '' is one quote
          value.push_back('\'');
          i += 2;
          continue;
        }
        ++i;  // closing quote
        break;
      }
      if (c == '\\' && i + 1 < rest.size()) {
        char e = rest[i + 1];
        value.push_back(e == '0' ? '\0' : e == 'n' ? '\n' : e == 'r' ? '\r' : e);
        i += 2;
        continue;
      }
      value.push_back(c);
      ++i;
    }
    out.push_back(std::move(value));
    if (i >= rest.size()) return std::nullopt;
    if (rest[i] == ',') {
      ++i;
      continue;
    }
    if (rest[i] == ')') break;
    return std::nullopt;
  }
  return out;
}

Result<TableColumns> load_table_columns(Connection& conn, std::string_view schema,
                                        std::string_view table) {
  const std::string s = conn.quote(schema), t = conn.quote(table);
  // COLLATIONS is joined rather than looked up per column: one round trip.
  auto cols = conn.query(
      "SELECT c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.COLLATION_NAME, co.ID, c.EXTRA "
      "FROM information_schema.COLUMNS c "
      "LEFT JOIN information_schema.COLLATIONS co ON co.COLLATION_NAME = c.COLLATION_NAME "
      "WHERE c.TABLE_SCHEMA = " +
      s + " AND c.TABLE_NAME = " + t + " ORDER BY c.ORDINAL_POSITION");
  if (!cols.ok()) return cols.error();
  if (cols->empty()) {
    return make_error(ErrorCode::kNotFound,
                      "table " + std::string(schema) + "." + std::string(table) + " not found on " +
                          conn.dsn().redacted() + " (or the user lacks SELECT on it)");
  }

  TableColumns out;
  out.columns.reserve(cols->size());
  for (const Row& r : *cols) {
    if (r.size() != 6) return make_error(ErrorCode::kInternal, "unexpected COLUMNS row shape");
    SchemaColumn col;
    col.name = text_or_empty(r[0]);
    col.data_type = text_or_empty(r[1]);
    for (auto& ch : col.data_type)
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    const std::string& column_type = text_or_empty(r[2]);
    col.column_type = column_type;
    // YEAR is stored as an unsigned byte; MariaDB's binlog marks it unsigned too.
    col.is_unsigned = column_type.find(" unsigned") != std::string::npos || col.data_type == "year";
    if (r[4]) {
      unsigned id = 0;
      auto [p, ec] = std::from_chars(r[4]->data(), r[4]->data() + r[4]->size(), id);
      if (ec == std::errc() && id <= 0xffff) col.collation = static_cast<uint16_t>(id);
    } else if (!r[3] && is_binary_type(col.data_type)) {
      col.collation = 63;
    }
    if (col.data_type == "enum" || col.data_type == "set") {
      auto values = parse_enum_values(column_type);
      if (!values) {
        return make_error(ErrorCode::kUnsupported,
                          "cannot parse the member list of " + col.name + " " + column_type);
      }
      col.enum_values = std::move(*values);
    }
    const std::string& extra = text_or_empty(r[5]);
    col.is_generated = extra.find("GENERATED") != std::string::npos;
    col.in_binlog = true;  // generated and invisible columns included: see the header
    out.columns.push_back(std::move(col));
  }

  // Primary key columns in key order. KEY_COLUMN_USAGE names them by column name.
  auto pk = conn.query(
      "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
      "WHERE TABLE_SCHEMA = " +
      s + " AND TABLE_NAME = " + t + " AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION");
  if (!pk.ok()) return pk.error();
  for (const Row& r : *pk) {
    const std::string name = r.empty() ? std::string() : text_or_empty(r[0]);
    for (size_t i = 0; i < out.columns.size(); ++i) {
      if (out.columns[i].name == name) {
        out.pk.push_back(static_cast<uint32_t>(i));
        break;
      }
    }
  }
  return out;
}

bool is_binary_type(std::string_view t) {
  static constexpr std::string_view kBinary[] = {"binary",         "varbinary",
                                                 "tinyblob",       "blob",
                                                 "mediumblob",     "longblob",
                                                 "geometry",       "point",
                                                 "linestring",     "polygon",
                                                 "multipoint",     "multilinestring",
                                                 "multipolygon",   "geometrycollection",
                                                 "geomcollection", "vector"};
  for (auto b : kBinary)
    if (t == b) return true;
  return false;
}

}  // namespace dbtrail::mysql
