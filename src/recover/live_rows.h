// The current rows of a live table in the value encoding, for reconstruction.
// The adapter between the recover library (pure) and a server: each column is
// SELECTed in a form that keeps it exact (HEX for bytes, CAST for FLOAT and
// BIT, the session in UTC for TIMESTAMP) and written the way the decoder
// writes it, so live rows and binlog images compare cell by cell.
#pragma once

#include <string>
#include <vector>

#include "mysql/connection.h"
#include "recover/table_facts.h"
#include "util/result.h"

namespace dbtrail::recover {

// Every row of the table as a JSON object; `where` (SQL, may be empty) narrows
// it. Sets the session time_zone to '+00:00'. kUnsupported for VECTOR columns.
Result<std::vector<std::string>> read_live_rows(mysql::Connection& conn, const TableFacts& table,
                                                const std::string& where = "");

}  // namespace dbtrail::recover
