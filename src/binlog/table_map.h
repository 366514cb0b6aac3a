// The decoded TABLE_MAP event: which table a table id names, its column types
// and per-column metadata, plus the optional metadata (names, signedness,
// charsets, ENUM/SET strings, primary key, visibility, geometry, vector dims)
// that binlog_row_metadata=FULL (MySQL 8, MariaDB 10.5+) adds.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "binlog/column_type.h"
#include "binlog/cursor.h"
#include "util/result.h"

namespace dbtrail::binlog {

enum class Signedness : uint8_t { kUnknown, kSigned, kUnsigned };

struct ColumnDef {
  // `type` is the binlog type code. For STRING columns whose metadata hides the
  // real type (ENUM, SET, CHAR) `type` is already the real type and `meta` the
  // adjusted length/pack size, so the value decoder never needs to look twice.
  uint8_t type = 0;
  uint16_t meta = 0;      // raw column metadata from the TABLE_MAP (0..2 bytes)
  bool nullable = true;
  Signedness sign = Signedness::kUnknown;
  uint16_t collation = 0;  // 0 = unknown; 63 = binary
  std::string name;        // empty when the binlog carries no names
  std::vector<std::string> enum_values;  // ENUM strings, or SET strings
  uint8_t geometry_type = 0;
  uint32_t vector_dims = 0;
  bool visible = true;
  bool in_primary_key = false;
};

struct TableMap {
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::string schema;
  std::string table;
  std::vector<ColumnDef> columns;
  std::vector<uint32_t> primary_key;  // column indexes in key order; empty if unknown
  bool has_names = false;             // every column named by COLUMN_NAME metadata

  // Rendered `"name":` JSON keys, built on first use by write_row_json (after
  // any resolver filled names); rows of one table reuse them.
  mutable std::vector<std::string> json_keys;
};

// Parses a TABLE_MAP event body (after the common header, without checksum).
// `post_header_len` comes from the FDE (6 on pre-GA 5.1, else 8).
Result<std::shared_ptr<TableMap>> parse_table_map(Bytes body, uint8_t post_header_len);
// Same, knowing the writer: MariaDB counts YEAR in SIGNEDNESS and GEOMETRY
// among character columns, MySQL does not (pass FormatDescription::mariadb).
Result<std::shared_ptr<TableMap>> parse_table_map(Bytes body, uint8_t post_header_len,
                                                  bool mariadb);

}  // namespace dbtrail::binlog
