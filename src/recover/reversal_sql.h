// Reversal SQL (flashback): SQL that undoes a set of row changes, newest
// first, in one transaction.
//
//   DELETE -> INSERT of the before image (every non-generated column)
//   UPDATE -> UPDATE ... SET <columns whose value changed> = before values
//             WHERE <primary key> = the AFTER image's key values
//   INSERT -> DELETE ... WHERE <primary key> = the inserted key values
//
// Each statement names exactly one row through its full primary key (no
// LIMIT 1), so applying the script to the state the changes left restores
// the state before them. The script starts with SET NAMES utf8mb4 and
// SET time_zone = '+00:00' (TIMESTAMP values are UTC in the encoding).
// Generation refuses (never guesses) when a row cannot be restored exactly:
// tables without a primary key, images that lack columns (binlog_row_image
// not FULL), unresolved partial JSON updates.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "index/change_record.h"
#include "recover/table_facts.h"
#include "util/result.h"

namespace dbtrail::recover {

// One undone change, for the API's operations[].
struct Operation {
  uint64_t event_id = 0;
  std::string binlog_file;
  uint64_t start_pos = 0;
  int64_t event_time = 0;
  std::string gtid;
  std::string schema;
  std::string table;
  index::ChangeType original = index::ChangeType::kInsert;  // what was done
  std::string action;     // the undoing statement: "INSERT", "UPDATE", "DELETE", or "NONE"
  std::string pk_values;  // the row's key after the change (pipe form)
  std::vector<std::string> columns;  // UPDATE: the columns set back
};

struct ReversalPlan {
  std::string sql;
  uint64_t affected_rows = 0;         // statements emitted; each changes exactly one row
  std::vector<Operation> operations;  // in the order of the SQL (newest change first)
};

struct ReversalOptions {
  bool set_all_columns = false;  // UPDATE back: SET every column, not only changed ones
  bool comments = true;          // a "-- undo ..." line before each statement
};

// Orders the changes newest first: by event_id (when the store assigned
// them), then binlog file, position, and finally input order reversed (rows
// of one rows event keep their order among themselves).
void sort_newest_first(std::vector<index::ChangeRecord>& changes);

// Builds the reversal of `changes` (any order; sorted here). Every table they
// touch must be in `facts`; kNotFound otherwise.
Result<ReversalPlan> generate_reversal(std::vector<index::ChangeRecord> changes,
                                       const FactsCatalog& facts,
                                       const ReversalOptions& options = {});

const char* change_type_text(index::ChangeType t);

}  // namespace dbtrail::recover
