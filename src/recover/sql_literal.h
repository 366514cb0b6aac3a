// SQL text for identifiers and for column values in the value encoding
// (docs/value-encoding.md). Every literal is exact and independent of the
// session's sql_mode (no backslash escapes are relied on) and of its
// character_set_client (text carries a _utf8mb4 introducer); anything that is
// not plainly printable goes as a hex literal.
#pragma once

#include <string>
#include <string_view>

#include "recover/json_reader.h"
#include "recover/table_facts.h"
#include "util/result.h"

namespace dbtrail::recover {

// `name` with embedded backquotes doubled.
std::string quote_identifier(std::string_view name);

// `schema`.`table`
std::string qualified_table(std::string_view schema, std::string_view table);

// _utf8mb4'text' with quotes doubled, or _utf8mb4 X'..' when the text holds a
// backslash or a control character. kCorrupt if text is not valid UTF-8.
Result<std::string> text_literal(std::string_view utf8);

// X'..' of raw bytes (X'' when empty).
std::string hex_literal(std::string_view bytes);

// The literal for one cell. Errors (kUnsupported / kCorrupt) say what the
// value is and why it cannot be written exactly, e.g. an unresolved partial
// JSON diff; the caller adds which row and column.
Result<std::string> sql_literal(const JsonValue& value, const ColumnFacts& column);

}  // namespace dbtrail::recover
