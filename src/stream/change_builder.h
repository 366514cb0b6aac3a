// One decoded row change -> the index's ChangeRecord: row images as JSON text
// (binlog::write_row_json, docs/value-encoding.md), primary-key text, changed
// columns, coordinates and transaction identity.
//
// Primary-key text (pk_values). Key columns in key order, each value as text,
// joined with '|':
//   * integers, DECIMAL, floats, temporals, ENUM/SET: exactly their JSON
//     rendering without quotes ("12345", "-7", "12.50", "2026-01-02 03:04:05");
//   * text: the raw UTF-8 string;
//   * byte strings not shown as text: their JSON object ({"base64":"..."});
//   * NULL (only possible with a supplied non-PK key): NULL.
//   Inside a value, '\' is written "\\" and '|' is written "\|", so a composite
//   key splits unambiguously on the unescaped '|'. `--pk` takes this form.
// Which image: INSERT the after image, DELETE the before image, UPDATE the
// after image when it holds every key column (the row's identity from now
// on), else the before image (MINIMAL after images may omit the key).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "binlog/decoder.h"
#include "index/change_record.h"

namespace dbtrail::stream {

// Escapes one key value for pk_values ('\' -> "\\", '|' -> "\|").
std::string escape_pk_value(std::string_view v);
// Splits a pk_values string into its unescaped values; false if it ends in a
// lone '\' or escapes something other than '\' or '|'.
bool split_pk_values(std::string_view pk, std::vector<std::string>& out);

struct BuildOptions {
  // Key columns by name when the table map carries no primary key (binlog
  // written without binlog_row_metadata=FULL): from a schema snapshot or a
  // live lookup. Empty: the change gets an empty pk_values.
  const std::vector<std::string>* pk_columns = nullptr;
  uint32_t schema_version = 0;
};

// Fills `out` (reusing its buffers). `change.txn` must be set.
void build_change(const binlog::RowChange& change, std::string_view binlog_file,
                  const BuildOptions& opts, index::ChangeRecord& out);

}  // namespace dbtrail::stream
