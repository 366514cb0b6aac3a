// Reads a schema snapshot from a live server's information_schema: every base
// table of the chosen schemas with its columns (ordinal order, types,
// signedness, collation id, ENUM/SET members, nullability, generated kind),
// primary key, unique keys and foreign keys.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "mysql/connection.h"
#include "schema/snapshot.h"
#include "util/result.h"

namespace dbtrail::schema {

struct TakenSnapshot {
  Snapshot snapshot;
  // The server's binlog position read just before the tables were: DDL logged
  // after it may or may not be reflected (applying it again is harmless).
  std::string binlog_file;  // "" when binary logging is off
  uint64_t position = 0;
};

// `schemas` empty: every schema except the server's own (mysql,
// information_schema, performance_schema, sys). kConnection when a query fails.
Result<TakenSnapshot> take_snapshot(mysql::Connection& conn, const std::set<std::string>& schemas);

// One table as it is now; kNotFound when it does not exist.
Result<Table> load_table(mysql::Connection& conn, std::string_view schema, std::string_view table);

}  // namespace dbtrail::schema
