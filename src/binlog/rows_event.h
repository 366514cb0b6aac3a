// ROWS events (WRITE/UPDATE/DELETE v1 and v2, PARTIAL_UPDATE_ROWS): the
// event head and the row images that follow it.
//
// Body layout (after the common header, checksum stripped):
//   table_id u48 (u32 when the FDE's post-header length is 6) | flags u16
//   v2 only: extra_data_len u16 (counts itself) | extra data
//   column count (packed int) | columns-present bitmap ((n+7)/8 bytes)
//   UPDATE only: columns-present bitmap of the after image
//   rows: [null bitmap over present columns | values]... (UPDATE: before, after)
// PARTIAL_UPDATE_ROWS additionally has, between a row's before and after
// image, value_options (packed int) and, when bit 0 (PARTIAL_JSON) is set, a
// bitmap with one bit per JSON column of the after image telling which of
// them hold JSON diffs instead of whole documents.
#pragma once

#include <cstdint>

#include "binlog/cursor.h"
#include "binlog/event_type.h"
#include "binlog/table_map.h"
#include "binlog/value.h"
#include "util/result.h"

namespace dbtrail::binlog {

inline constexpr uint16_t kRowsFlagStmtEnd = 0x0001;

struct RowsEventHead {
  uint64_t table_id = 0;
  uint16_t flags = 0;
  uint32_t column_count = 0;
  Bytes columns_before;  // bitmap, LSB first
  Bytes columns_after;   // bitmap (UPDATE) or same as columns_before
  Bytes rows;            // the row data
};

Result<RowsEventHead> parse_rows_head(Bytes body, uint8_t event_type, uint8_t post_header_len);

inline bool bit_set(Bytes bitmap, uint32_t i) { return (bitmap[i >> 3] >> (i & 7)) & 1; }

// Decodes one row image at the cursor. `partial_json` (may be empty) marks,
// over the image's JSON columns in order, the ones holding a JSON diff: their
// values are returned as kBytes views of the raw diff with `frac_digits` = 1
// (a marker the caller resolves). Errors name the column that failed.
Status decode_row_image(Cursor& c, const TableMap& table, const RowsEventHead& head,
                        Bytes columns, Bytes partial_json, Arena& arena, RowImage& out);

}  // namespace dbtrail::binlog
