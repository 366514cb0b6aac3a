// A schema snapshot: what the server's information_schema said about every
// table of the chosen schemas at one binlog position, and its JSON form
// (docs/schema-snapshot.md) as stored in the index's schema_snapshots.
// Each stored version holds the whole state, so a version alone names every
// row written while it was valid.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace dbtrail::schema {

enum class Generated : uint8_t { kNo, kVirtual, kStored };

struct Column {
  std::string name;
  std::string data_type;    // DATA_TYPE, lower case ("int", "varchar", ...)
  std::string column_type;  // COLUMN_TYPE ("int(10) unsigned", "enum('a','b')")
  bool is_unsigned = false;
  uint16_t collation = 0;  // COLLATIONS.ID; 63 binary; 0 no charset / unknown
  bool nullable = true;
  Generated generated = Generated::kNo;
  std::vector<std::string> enum_values;  // ENUM or SET members, in order
};

struct UniqueKey {
  std::string name;
  std::vector<std::string> columns;
};

struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string ref_schema;
  std::string ref_table;
  std::vector<std::string> ref_columns;
};

struct Table {
  std::string schema;
  std::string name;
  std::vector<Column> columns;           // ORDINAL_POSITION order
  std::vector<std::string> primary_key;  // column names in key order; empty if none
  std::vector<UniqueKey> unique_keys;
  std::vector<ForeignKey> foreign_keys;

  const Column* find(std::string_view column) const;
  int index_of(std::string_view column) const;  // -1 when absent
};

// The DDL that produced a version (absent for a snapshot read from a server).
struct Change {
  std::string ddl_type;  // "CREATE", "ALTER", "RENAME", "DROP", "TRUNCATE"
  std::string schema;    // first affected table
  std::string table;
  std::string ddl;  // the statement text as logged
  std::string gtid;
};

struct Snapshot {
  std::string flavor;                                           // "mariadb" / "mysql" / "" unknown
  std::string server;                                           // "MariaDB 10.11.6"
  std::map<std::pair<std::string, std::string>, Table> tables;  // (schema, table)
  std::optional<Change> change;

  const Table* find(std::string_view schema, std::string_view table) const;
};

std::string to_json(const Snapshot& s);
// kCorrupt naming what is wrong when `json` is not a snapshot document.
Result<Snapshot> from_json(std::string_view json);

}  // namespace dbtrail::schema
