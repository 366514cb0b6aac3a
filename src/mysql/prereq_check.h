// `dbtrail check`: is a source configured the way the change index needs it?
// Each prerequisite of the product page (binary log on, ROW format, FULL row
// image, InnoDB tables with primary keys, the replication user's privileges,
// binlog retention) becomes one pass/warn/fail line with the statement that
// fixes it.
#pragma once

#include <string>
#include <vector>

#include "mysql/connection.h"
#include "util/result.h"

namespace dbtrail::mysql {

enum class CheckLevel { kPass, kWarn, kFail };
const char* check_level_name(CheckLevel level);  // "pass" | "warn" | "fail"

struct CheckItem {
  std::string name;  // stable key: server, log_bin, binlog_format, ...
  CheckLevel level = CheckLevel::kPass;
  std::string detail;  // what was found, one sentence
  std::string fix;     // SQL or configuration that fixes it ("" when passing)
};

struct CheckReport {
  std::string source;  // user@host:port (never the password)
  std::string server;  // "MariaDB 10.11.6-MariaDB"
  std::vector<CheckItem> items;
  size_t count(CheckLevel level) const;
};

struct CheckOptions {
  size_t max_listed_tables = 20;  // tables named per failing check; the rest are counted
};

// Runs every check over `conn` (read-only: variables, information_schema,
// SHOW GRANTS). Fails only when the server cannot be asked at all
// (kConnection); a failing prerequisite is a kFail item, not an error.
Result<CheckReport> run_prereq_checks(Connection& conn, const CheckOptions& options = {});

}  // namespace dbtrail::mysql
