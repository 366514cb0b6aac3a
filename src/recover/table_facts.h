// What reversal SQL must know about a table that the row images do not say:
// the primary key, each column's type family (to write its literal), the
// declared length of BINARY(n) (the binlog drops its trailing 0x00 padding) and
// which columns are generated (they cannot be written). Filled from
// information_schema by the caller (table_facts_from_schema); the recover
// library itself does no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mysql/schema_lookup.h"

namespace dbtrail::recover {

// How a column's value is written as SQL.
enum class LiteralClass : unsigned char {
  kInteger,   // TINYINT..BIGINT: the exact integer token
  kFloat,     // FLOAT / DOUBLE: the shortest round-trip token as written
  kDecimal,   // DECIMAL / NUMERIC: exact digits, unquoted
  kYear,      // number
  kTemporal,  // DATE, TIME, DATETIME, TIMESTAMP: quoted (TIMESTAMP in UTC)
  kText,      // CHAR, VARCHAR, TEXT (and MariaDB's JSON, a LONGTEXT): _utf8mb4'...'
  kBinary,    // BINARY, VARBINARY, BLOB: X'..'
  kEnumSet,   // ENUM / SET: the member string(s), or the number
  kBit,       // BIT(n): b'...'
  kJson,      // MySQL JSON: CAST(_utf8mb4'...' AS JSON)
  kGeometry,  // spatial types: X'..' of SRID + WKB
  kVector,    // VECTOR: X'..' of little-endian float32s
  kUnknown,   // a type this version does not know: written by JSON shape
};

struct ColumnFacts {
  std::string name;
  std::string data_type;  // information_schema DATA_TYPE, lower case
  LiteralClass literal = LiteralClass::kUnknown;
  uint32_t binary_length = 0;  // BINARY(n): n, to restore the stripped 0x00 padding
  bool generated = false;      // VIRTUAL/STORED generated: never written
};

struct TableFacts {
  std::string schema;
  std::string table;
  std::vector<ColumnFacts> columns;  // ORDINAL_POSITION order (= binlog order)
  std::vector<uint32_t> pk;          // indexes into columns, in key order

  // Index of the column a row-image key names ("name", or "@N" 1-based), or -1.
  int column_index(std::string_view key) const;
};

// The literal class of an information_schema DATA_TYPE ("int", "varchar", ...).
LiteralClass literal_class_of(std::string_view data_type);

// Converts what mysql::load_table_columns read into TableFacts.
TableFacts table_facts_from_schema(std::string schema, std::string table,
                                   const mysql::TableColumns& cols);

// The tables of one reversal, looked up by schema and table name.
class FactsCatalog {
 public:
  void add(TableFacts facts) { tables_.push_back(std::move(facts)); }
  const TableFacts* find(std::string_view schema, std::string_view table) const;

 private:
  std::vector<TableFacts> tables_;
};

}  // namespace dbtrail::recover
