#include "schema/snapshot_taker.h"

#include <charconv>

#include "mysql/schema_lookup.h"

namespace dbtrail::schema {

namespace {

const std::string& text(const std::optional<std::string>& v) {
  static const std::string kEmpty;
  return v ? *v : kEmpty;
}

using mysql::is_binary_type;

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return s;
}

// WHERE condition on TABLE_SCHEMA for the chosen schemas.
std::string schema_filter(mysql::Connection& conn, const std::set<std::string>& schemas,
                          const char* column) {
  std::string w = std::string(column);
  if (schemas.empty()) {
    return w + " NOT IN ('mysql','information_schema','performance_schema','sys')";
  }
  w += " IN (";
  bool first = true;
  for (const auto& s : schemas) {
    if (!first) w += ',';
    first = false;
    conn.append_quoted(w, s);
  }
  return w + ")";
}

Result<std::vector<mysql::Row>> run(mysql::Connection& conn, const std::string& sql,
                                    const char* what) {
  auto r = conn.query(sql);
  if (!r.ok()) {
    return make_error(r.error().code, std::string("reading ") + what + " from " +
                                          conn.dsn().redacted() + ": " + r.error().message);
  }
  return r;
}

// Reads the tables matching `where` (conditions on TABLE_SCHEMA / TABLE_NAME).
Status read_tables(mysql::Connection& conn, const std::string& where_c, const std::string& where_s,
                   const std::string& where_k, Snapshot& out) {
  auto cols =
      run(conn,
          "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, "
          "c.IS_NULLABLE, c.COLLATION_NAME, co.ID, c.EXTRA "
          "FROM information_schema.COLUMNS c "
          "JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND "
          "t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE' "
          "LEFT JOIN information_schema.COLLATIONS co ON co.COLLATION_NAME = c.COLLATION_NAME "
          "WHERE " +
              where_c + " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION",
          "columns");
  if (!cols.ok()) return cols.error();
  for (const mysql::Row& r : cols.value()) {
    if (r.size() != 9) return make_error(ErrorCode::kInternal, "unexpected COLUMNS row shape");
    Table& t = out.tables[{text(r[0]), text(r[1])}];
    t.schema = text(r[0]);
    t.name = text(r[1]);
    Column c;
    c.name = text(r[2]);
    c.data_type = lower(text(r[3]));
    c.column_type = text(r[4]);
    // YEAR is stored as an unsigned byte; MariaDB's binlog marks it unsigned too.
    c.is_unsigned = c.column_type.find(" unsigned") != std::string::npos || c.data_type == "year";
    c.nullable = text(r[5]) == "YES";
    if (r[7]) {
      unsigned id = 0;
      auto [p, ec] = std::from_chars(r[7]->data(), r[7]->data() + r[7]->size(), id);
      if (ec == std::errc() && id <= 0xffff) c.collation = uint16_t(id);
    } else if (!r[6] && is_binary_type(c.data_type)) {
      c.collation = 63;
    }
    if (c.data_type == "enum" || c.data_type == "set") {
      auto v = mysql::parse_enum_values(c.column_type);
      if (!v) {
        return make_error(ErrorCode::kUnsupported, "cannot parse the member list of " + t.schema +
                                                       "." + t.name + "." + c.name + " " +
                                                       c.column_type);
      }
      c.enum_values = std::move(*v);
    }
    // MySQL: "VIRTUAL GENERATED" / "STORED GENERATED"; MariaDB: the same, or
    // "PERSISTENT GENERATED" on older releases.
    std::string extra = text(r[8]);
    if (extra.find("VIRTUAL") != std::string::npos)
      c.generated = Generated::kVirtual;
    else if (extra.find("STORED") != std::string::npos ||
             extra.find("PERSISTENT") != std::string::npos)
      c.generated = Generated::kStored;
    t.columns.push_back(std::move(c));
  }

  auto keys = run(conn,
                  "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, COLUMN_NAME "
                  "FROM information_schema.STATISTICS WHERE NON_UNIQUE = 0 AND " +
                      where_s + " ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
                  "unique keys");
  if (!keys.ok()) return keys.error();
  for (const mysql::Row& r : keys.value()) {
    if (r.size() != 4 || !r[3]) continue;  // functional key parts have no column
    auto it = out.tables.find({text(r[0]), text(r[1])});
    if (it == out.tables.end()) continue;
    Table& t = it->second;
    if (text(r[2]) == "PRIMARY") {
      t.primary_key.push_back(*r[3]);
      continue;
    }
    if (t.unique_keys.empty() || t.unique_keys.back().name != text(r[2])) {
      t.unique_keys.push_back({text(r[2]), {}});
    }
    t.unique_keys.back().columns.push_back(*r[3]);
  }

  auto fks =
      run(conn,
          "SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, "
          "REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME "
          "FROM information_schema.KEY_COLUMN_USAGE "
          "WHERE REFERENCED_TABLE_NAME IS NOT NULL AND " +
              where_k + " ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
          "foreign keys");
  if (!fks.ok()) return fks.error();
  for (const mysql::Row& r : fks.value()) {
    if (r.size() != 7) continue;
    auto it = out.tables.find({text(r[0]), text(r[1])});
    if (it == out.tables.end()) continue;
    Table& t = it->second;
    if (t.foreign_keys.empty() || t.foreign_keys.back().name != text(r[2])) {
      t.foreign_keys.push_back({text(r[2]), {}, text(r[4]), text(r[5]), {}});
    }
    t.foreign_keys.back().columns.push_back(text(r[3]));
    t.foreign_keys.back().ref_columns.push_back(text(r[6]));
  }
  return {};
}

}  // namespace

Result<TakenSnapshot> take_snapshot(mysql::Connection& conn, const std::set<std::string>& schemas) {
  TakenSnapshot out;
  out.snapshot.flavor = conn.server_is_mariadb() ? "mariadb" : "mysql";
  out.snapshot.server = conn.server_description();
  // MySQL 8.4 renamed the statement; the old name still works before it.
  auto st = conn.query("SHOW MASTER STATUS");
  if (!st.ok()) st = conn.query("SHOW BINARY LOG STATUS");
  if (!st.ok()) {
    return make_error(st.error().code,
                      "reading the binlog position of " + conn.dsn().redacted() +
                          " (the user needs REPLICATION CLIENT): " + st.error().message);
  }
  if (!st.value().empty() && st.value()[0].size() >= 2) {
    out.binlog_file = text(st.value()[0][0]);
    out.position = std::strtoull(text(st.value()[0][1]).c_str(), nullptr, 10);
  }
  DBT_TRY(read_tables(conn, schema_filter(conn, schemas, "c.TABLE_SCHEMA"),
                      schema_filter(conn, schemas, "TABLE_SCHEMA"),
                      schema_filter(conn, schemas, "TABLE_SCHEMA"), out.snapshot));
  return out;
}

Result<Table> load_table(mysql::Connection& conn, std::string_view schema, std::string_view table) {
  std::string s = conn.quote(schema), t = conn.quote(table);
  Snapshot snap;
  DBT_TRY(read_tables(conn, "c.TABLE_SCHEMA = " + s + " AND c.TABLE_NAME = " + t,
                      "TABLE_SCHEMA = " + s + " AND TABLE_NAME = " + t,
                      "TABLE_SCHEMA = " + s + " AND TABLE_NAME = " + t, snap));
  auto it = snap.tables.find({std::string(schema), std::string(table)});
  if (it == snap.tables.end()) {
    return make_error(ErrorCode::kNotFound, std::string(schema) + "." + std::string(table) +
                                                " does not exist on " + conn.dsn().redacted());
  }
  return std::move(it->second);
}

}  // namespace dbtrail::schema
