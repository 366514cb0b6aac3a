// A row image (a JSON object in the value encoding) laid out by the table's
// columns, so reversal and reconstruction address cells by column index.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recover/json_reader.h"
#include "recover/table_facts.h"
#include "util/result.h"

namespace dbtrail::recover {

struct RowImage {
  std::vector<std::optional<JsonValue>> cells;  // by column index; nullopt = not in the image
};

// Parses an image's JSON text. kNotFound when a key names no column of the
// table (its schema changed after the change was logged).
Result<RowImage> parse_row_image(std::string_view json, const TableFacts& table);
// Same, from an already parsed object.
Result<RowImage> row_image_from(const JsonValue& object, const TableFacts& table);

// The image as a JSON object keyed by column name, cells in column order
// (each cell's text exactly as it was read).
std::string row_image_json(const RowImage& row, const TableFacts& table);

// Primary-key values in bintrail's pipe-delimited text form ("12345|2"):
// strings raw, numbers as written, binary as base64. kInvalidArgument when the
// image lacks a key column; kUnsupported when the table has no primary key.
Result<std::string> pk_text(const RowImage& row, const TableFacts& table);

}  // namespace dbtrail::recover
