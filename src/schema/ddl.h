// DDL detection and application: recognises the statements of a QUERY event
// that change table structure (CREATE / ALTER / RENAME / DROP / TRUNCATE TABLE,
// CREATE / DROP INDEX, DROP DATABASE), with qualified and backquoted names and
// versioned comments (/*!50100 ... */), and applies them to a Snapshot so the
// next schema version exists even when no live server can be asked (indexing
// old binlogs: the live table may have changed again since).
//
// Understood column operations: ADD [COLUMN] (one or a parenthesised list,
// FIRST / AFTER), DROP [COLUMN], CHANGE, MODIFY, RENAME COLUMN, RENAME TO, key
// additions and removals (PRIMARY, UNIQUE, FOREIGN). A column definition gives
// the name, data type, UNSIGNED, NULL / NOT NULL, ENUM/SET members, generated
// kind (default VIRTUAL, as on both servers) and inline PRIMARY KEY / UNIQUE;
// collations from DDL text stay 0 (unknown: the binlog's charset metadata wins).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/snapshot.h"

namespace dbtrail::schema {

struct TableRef {
  std::string schema;
  std::string table;
  bool operator==(const TableRef&) const = default;
};

struct DdlEffect {
  std::string ddl_type;           // "CREATE", "ALTER", "RENAME", "DROP", "TRUNCATE"
  std::vector<TableRef> tables;   // affected tables, by their names after the statement
  std::vector<TableRef> dropped;  // tables gone after it (DROP, old names of RENAME)
  // False when some part could not be derived from the text (CREATE ... SELECT,
  // an unknown source table, an unrecognised clause touching columns): a live
  // server should be asked for `tables`.
  bool complete = true;
};

// Recognises a table DDL. nullopt for anything else (DML, BEGIN, temporary
// tables, CREATE DATABASE, ...). `default_schema` is the QUERY event's database.
std::optional<DdlEffect> detect_ddl(std::string_view sql, std::string_view default_schema);

// detect_ddl and apply it to `snap`.
std::optional<DdlEffect> apply_ddl(Snapshot& snap, std::string_view sql,
                                   std::string_view default_schema);

}  // namespace dbtrail::schema
