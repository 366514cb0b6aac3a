// A small JSON reader for row images and `binlog decode` lines. Unlike a
// general-purpose parser it keeps what reversal SQL needs to be exact: number
// tokens as written (18446744073709551615 and 0.10 must not pass through a
// double) and, for every value, the raw text it was read from (a MySQL JSON
// column's document is written back exactly as the decoder printed it).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace dbtrail::recover {

enum class JsonKind : unsigned char { kNull, kTrue, kFalse, kNumber, kString, kArray, kObject };

struct JsonValue {
  JsonKind kind = JsonKind::kNull;
  std::string text;  // kNumber: the token; kString: the unescaped UTF-8 bytes
  std::string raw;   // the value's JSON text exactly as in the input (nesting depth <= 2 only)
  std::vector<JsonValue> elements;                         // kArray
  std::vector<std::pair<std::string, JsonValue>> members;  // kObject, input order

  // The member named key of an object, or nullptr (also for non-objects).
  const JsonValue* find(std::string_view key) const;
  bool is_null() const { return kind == JsonKind::kNull; }
};

// Parses one JSON text (surrounding whitespace allowed). kCorrupt with the
// byte offset when it is not valid JSON.
Result<JsonValue> parse_json(std::string_view text);

}  // namespace dbtrail::recover
