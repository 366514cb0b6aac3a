// The lossless JSON encoding of decoded values (docs/value-encoding.md):
// exact integers, DECIMAL as a string with its scale, FLOAT/DOUBLE shortest
// round-trip, temporals as text with their declared fractional digits
// (TIMESTAMP in UTC), text converted to UTF-8, binary as {"base64": ...},
// JSON columns as the JSON value, ENUM/SET as strings, BIT as a number,
// VECTOR as an array of numbers, NULL as null.
#pragma once

#include <string>

#include "binlog/table_map.h"
#include "binlog/value.h"
#include "util/json_writer.h"

namespace dbtrail::binlog {

// Writes one value (as a JSON value; the caller wrote the key).
void write_value_json(JsonWriter& w, const Value& v, const ColumnDef& col);

// Writes a row image as a JSON object keyed by column name, or "@1", "@2", ...
// (mysqlbinlog's numbering) for columns without a name. Columns absent from the
// image (present[i] == false) are left out.
void write_row_json(JsonWriter& w, const RowImage& row, const TableMap& table);

}  // namespace dbtrail::binlog
