// Decoding of one cell of a row image, by column type. One function per type
// family (integers, floats, decimals, temporals, strings, JSON, ...), looked up
// from a table indexed by type code; adding a type is adding a row.
#pragma once

#include "binlog/cursor.h"
#include "binlog/table_map.h"
#include "binlog/value.h"
#include "util/result.h"

namespace dbtrail::binlog {

// Decodes one non-NULL cell of column `col` at the cursor into `out`.
// Views in `out` point into the cursor's buffer or into `arena`.
// Errors (kCorrupt) name the column type and the reason; the cursor is left failed.
Status decode_cell(Cursor& cur, const ColumnDef& col, Arena& arena, Value& out);

}  // namespace dbtrail::binlog
