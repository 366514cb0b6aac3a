// The text a LOAD DATA statement reads for binlog_events rows: one line per
// change, fields in kLoadDataColumns' order, in LOAD DATA's default format
// (fields separated by TAB, lines ended by LF, '\' escapes, \N for NULL).
// The statement reads the text as CHARACTER SET binary: bytes are stored as
// they are, so raw key bytes and JSON text both come back byte for byte.
// Pure functions (no server), unit-tested in tests/unit/index/load_data_rows_test.cpp.
#pragma once

#include <string>
#include <string_view>

#include "index/change_record.h"

namespace dbtrail::index::load_data {

// The statement, with its column list matching append_row's fields. The file
// name is the one mysql::Connection::query_with_local_data serves from memory.
// changed_columns goes through a variable: a JSON column (MySQL 8) refuses a
// value of CHARACTER SET binary, so it is converted to utf8mb4 first.
std::string_view statement();

// Appends `value` as one field: '\' TAB LF CR and NUL escaped, nothing else
// touched (so any byte string survives, invalid UTF-8 included).
void append_field(std::string& out, std::string_view value);

// Appends the line of `r` (its event_id is left to the server).
void append_row(std::string& out, const ChangeRecord& r);

}  // namespace dbtrail::index::load_data
