// MySQL's binary JSON format (the JSON column type in row events) turned into
// JSON text exactly as MySQL prints it: ", " and ": " separators, object
// members in stored order, DATE/TIME/DATETIME opaques as quoted strings,
// DECIMAL opaques as bare numbers with their scale, other opaques as
// "base64:typeNN:...".
#pragma once

#include <string>

#include "binlog/cursor.h"
#include "util/result.h"

namespace dbtrail::binlog {

// Appends the JSON text of the binary document `doc` (first byte = type) to `out`.
// An empty document (length 0, as MySQL writes for JSON NULL-ish empty values) is "null".
// kCorrupt on offsets or lengths outside the document.
Status json_binary_to_text(Bytes doc, std::string& out);

// Applies the JSON diffs of one PARTIAL_UPDATE_ROWS column (a sequence of
// operation, path, [value] entries as written by MySQL with
// binlog_row_value_options=PARTIAL_JSON) to the JSON text `doc` (the column's
// before value, already as text) and returns the new document text.
Result<std::string> json_apply_diffs(std::string_view doc_text, Bytes diffs);

}  // namespace dbtrail::binlog
