// --schema-from: fills what a binlog written without binlog_row_metadata=FULL
// lacks (column names, signedness, collations, ENUM/SET strings, primary key)
// from a live server's information_schema, one lookup per table.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "binlog/table_map.h"
#include "mysql/connection.h"
#include "mysql/schema_lookup.h"
#include "util/result.h"

namespace dbtrail::cli {

class SchemaResolver {
 public:
  static Result<std::unique_ptr<SchemaResolver>> connect(const std::string& dsn);

  // Completes `t` in place. Leaves it untouched (and warns once on stderr)
  // when the live table is missing or no longer has the binlog's columns:
  // wrong names are worse than no names.
  void resolve(binlog::TableMap& t);

 private:
  explicit SchemaResolver(std::unique_ptr<mysql::Connection> c) : conn_(std::move(c)) {}
  std::unique_ptr<mysql::Connection> conn_;
  std::map<std::string, std::optional<mysql::TableColumns>> cache_;
  std::set<std::string> warned_;
};

}  // namespace dbtrail::cli
