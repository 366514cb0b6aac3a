#include "binlog/rows_event.h"

#include <string>

#include "binlog/column_value.h"

namespace dbtrail::binlog {

Result<RowsEventHead> parse_rows_head(Bytes body, uint8_t event_type, uint8_t post_header_len) {
  Cursor c(body);
  RowsEventHead h;
  h.table_id = post_header_len == 6 ? c.u32() : c.u48();
  h.flags = c.u16();
  if (is_rows_v2(event_type)) {
    uint16_t extra_len = c.u16();
    if (extra_len < 2) {
      return make_error(ErrorCode::kCorrupt, "rows event extra-data length " +
                                                 std::to_string(extra_len) + " is below 2");
    }
    c.skip(extra_len - 2u);
  }
  uint64_t n = c.packed_int();
  if (!c.ok() || n > 4096) {
    return make_error(ErrorCode::kCorrupt,
                      "rows event head is truncated or declares " + std::to_string(n) +
                          " columns (a table has at most 4096)");
  }
  h.column_count = static_cast<uint32_t>(n);
  size_t bm = (n + 7) / 8;
  h.columns_before = c.bytes(bm);
  h.columns_after = rows_kind(event_type) == RowsKind::kUpdate ? c.bytes(bm) : h.columns_before;
  if (!c.ok()) return make_error(ErrorCode::kCorrupt, "rows event ends inside its column bitmaps");
  h.rows = c.rest();
  return h;
}

Status decode_row_image(Cursor& c, const TableMap& table, const RowsEventHead& head,
                        Bytes columns, Bytes partial_json, Arena& arena, RowImage& out) {
  const uint32_t n = head.column_count;
  const size_t ncols = table.columns.size();
  out.values.resize(ncols);
  out.present.assign(ncols, 0);
  uint32_t present_count = 0;
  for (uint32_t i = 0; i < n; ++i) present_count += bit_set(columns, i);
  Bytes nulls = c.bytes((present_count + 7) / 8);
  if (!c.ok()) {
    return make_error(ErrorCode::kCorrupt, "row image of " + table.schema + "." + table.table +
                                               " ends inside its NULL bitmap");
  }
  uint32_t k = 0;      // index among present columns (NULL bitmap position)
  uint32_t json_k = 0; // index among present JSON columns (partial bitmap position)
  for (uint32_t i = 0; i < n; ++i) {
    if (!bit_set(columns, i)) continue;
    const ColumnDef& col = table.columns[i];
    Value& v = out.values[i];
    out.present[i] = 1;
    bool is_null = bit_set(nulls, k++);
    bool is_diff = false;
    if (col.type == kTypeJson) {
      is_diff = !partial_json.empty() && json_k / 8 < partial_json.size() &&
                bit_set(partial_json, json_k);
      ++json_k;
    }
    if (is_null) {
      v = Value{};
      continue;
    }
    if (is_diff) {
      // Same length prefix as a whole JSON document; the bytes are a diff list.
      size_t len = static_cast<size_t>(c.uint_le(col.meta ? col.meta : 4));
      v = Value{};
      v.kind = ValueKind::kBytes;
      v.frac_digits = 1;
      v.bytes = c.str(len);
      if (!c.ok()) {
        return make_error(ErrorCode::kCorrupt, "JSON diff of column " + std::to_string(i + 1) +
                                                   " runs past the end of the rows event");
      }
      continue;
    }
    Status st = decode_cell(c, col, arena, v);
    if (!st.ok()) {
      std::string name = col.name.empty() ? "@" + std::to_string(i + 1) : col.name;
      return make_error(st.error().code, "column " + name + " of " + table.schema + "." +
                                             table.table + ": " + st.error().message);
    }
  }
  return {};
}

}  // namespace dbtrail::binlog
