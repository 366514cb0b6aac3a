// Column facts of one table read from a live server's information_schema: what
// a binlog without binlog_row_metadata=FULL does not say (names, signedness,
// collations, ENUM/SET strings, primary key). Used by --schema-from.
//
// Which columns are in the binlog row image (checked on MariaDB 10.11 by the
// integration test against the server's own TABLE_MAP): every column listed in
// information_schema.COLUMNS, in ORDINAL_POSITION order, generated ones included —
// VIRTUAL columns are logged with their computed value just like STORED ones, and
// INVISIBLE columns too. What the binlog has and information_schema lacks:
//   * MariaDB: the hidden DB_ROW_HASH_<n> column of each long UNIQUE index (on
//     BLOB/TEXT or over-long keys), appended after the user columns;
//   * MySQL 8.0.17 only: hidden functional-index columns (later versions filter
//     them out of the binlog).
// So binlog column i is columns[i] for i < columns.size(); extra trailing binlog
// columns are such hidden ones and carry no user data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mysql/connection.h"
#include "util/result.h"

namespace dbtrail::mysql {

struct SchemaColumn {
  std::string name;
  bool is_unsigned = false;
  uint16_t collation = 0;                // information_schema.COLLATIONS.ID; 63 for binary strings
                                         // and spatial types; 0 for columns without a charset
  std::vector<std::string> enum_values;  // ENUM or SET members in definition order
  bool in_binlog = true;                 // see the comment at the top of this file
  std::string data_type;                 // DATA_TYPE, lower case ("int", "varchar", ...)
  bool is_generated = false;             // VIRTUAL or STORED generated column
  std::string column_type;               // COLUMN_TYPE as the server wrote it ("binary(8)", ...)
};

struct TableColumns {
  std::vector<SchemaColumn> columns;  // ORDINAL_POSITION order
  std::vector<uint32_t> pk;           // indexes into columns, in key order; empty if none
};

// Loads schema.table. kNotFound when the table does not exist (or the user may
// not see it); kConnection on a query failure.
Result<TableColumns> load_table_columns(Connection& conn, std::string_view schema,
                                        std::string_view table);

// Parses the member list of an information_schema COLUMN_TYPE such as
// "enum('a','it''s','back\\slash')" or "set('x','y')". Quotes inside members are
// doubled (''), backslashes escaped (\\). Empty for other types; nullopt if malformed.
std::optional<std::vector<std::string>> parse_enum_values(std::string_view column_type);

// True for information_schema DATA_TYPEs whose bytes are not text (binary
// strings, BLOBs, spatial types, VECTOR): no collation there, collation 63 in
// the binlog's charset metadata.
bool is_binary_type(std::string_view data_type);

}  // namespace dbtrail::mysql
