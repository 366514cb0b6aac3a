// decode_cell: one function per column type family, chosen from a 256-entry
// table indexed by the (normalized) type code. Every read goes through the
// Cursor; cells of variable length are viewed in place, never copied, except
// DECIMAL text (computed into the arena).

#include "binlog/column_value.h"

#include <array>
#include <string>

#include "binlog/decimal.h"
#include "binlog/temporal.h"

namespace dbtrail::binlog {
namespace {

using DecodeFn = Status (*)(Cursor&, const ColumnDef&, Arena&, Value&);

Error cell_error(ErrorCode code, const ColumnDef& col, const char* reason) {
  const char* name = column_type_name(col.type);
  std::string msg = "row event column of type ";
  msg += name ? name : std::to_string(col.type);
  msg += " (metadata ";
  msg += std::to_string(col.meta);
  msg += "): ";
  msg += reason;
  return make_error(code, std::move(msg));
}

Status corrupt(Cursor& cur, const ColumnDef& col, const char* reason) {
  cur.fail();
  return cell_error(ErrorCode::kCorrupt, col, reason);
}

Status truncated(Cursor& cur, const ColumnDef& col) {
  return corrupt(cur, col, "the row image ends inside this value");
}

// --- integers: little-endian, two's complement; signedness from metadata.
// Without SIGNEDNESS metadata the sign is unknown and, like mysqlbinlog, we
// read it as signed.
template <unsigned N>
Status decode_int(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  uint64_t v = cur.uint_le(N);
  if (!cur.ok()) return truncated(cur, col);
  if (col.sign == Signedness::kUnsigned) {
    out.kind = ValueKind::kUInt;
    out.u = v;
  } else {
    constexpr unsigned kShift = 64 - 8 * N;
    out.kind = ValueKind::kInt;
    out.i = static_cast<int64_t>(v << kShift) >> kShift;  // sign-extend
  }
  return {};
}

Status decode_float(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  // meta is the pack length; FLOAT is always 4 bytes (IEEE single, LE).
  out.f = cur.f32();
  if (!cur.ok()) return truncated(cur, col);
  out.kind = ValueKind::kFloat;
  return {};
}

Status decode_double(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  out.d = cur.f64();
  if (!cur.ok()) return truncated(cur, col);
  out.kind = ValueKind::kDouble;
  return {};
}

Status decode_year(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  // 1 byte: 0 is the zero year, else year - 1900.
  uint8_t b = cur.u8();
  if (!cur.ok()) return truncated(cur, col);
  out.kind = ValueKind::kYear;
  out.i = b == 0 ? 0 : 1900 + b;
  return {};
}

Status decode_null(Cursor&, const ColumnDef&, Arena&, Value& out) {
  out.kind = ValueKind::kNull;  // MYSQL_TYPE_NULL takes no bytes
  return {};
}

Status decode_newdecimal(Cursor& cur, const ColumnDef& col, Arena& arena, Value& out) {
  // meta: precision << 8 | scale. Layout in decimal.cpp.
  unsigned precision = col.meta >> 8, scale = col.meta & 0xFF;
  size_t size = decimal_binary_size(precision, scale);
  if (size == 0) return corrupt(cur, col, "impossible DECIMAL precision/scale in the table map");
  Bytes b = cur.bytes(size);
  if (!cur.ok()) return truncated(cur, col);
  char buf[kMaxDecimalText];
  size_t n = decimal_to_text(b, precision, scale, buf);
  if (n == 0) return corrupt(cur, col, "a DECIMAL digit group is out of range");
  out.kind = ValueKind::kDecimal;
  out.bytes = arena.store(std::string(buf, n));
  return {};
}

Status decode_old_decimal(Cursor& cur, const ColumnDef& col, Arena&, Value&) {
  cur.fail();
  return cell_error(ErrorCode::kUnsupported, col,
                    "old DECIMAL columns (created by MySQL 4.1 or earlier) carry no length in "
                    "the table map; run ALTER TABLE ... FORCE on the source to convert them");
}

// --- temporals
Status decode_date(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  uint32_t v = cur.u24();
  if (!cur.ok()) return truncated(cur, col);
  out.kind = ValueKind::kDate;
  out.t = date_from_uint(v);
  return {};
}

Status decode_time(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  // 3 bytes LE, signed: HHMMSS as a decimal number.
  uint32_t v = cur.u24();
  if (!cur.ok()) return truncated(cur, col);
  int32_t s = static_cast<int32_t>(v << 8) >> 8;
  out.kind = ValueKind::kTime;
  out.frac_digits = 0;
  out.t = time_from_int(s);
  return {};
}

Status decode_datetime(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  // 8 bytes LE: YYYYMMDDhhmmss as a decimal number.
  uint64_t v = cur.u64();
  if (!cur.ok()) return truncated(cur, col);
  out.kind = ValueKind::kDateTime;
  out.frac_digits = 0;
  out.t = datetime_from_uint(v);
  return {};
}

Status decode_timestamp(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  // 4 bytes LE epoch seconds.
  uint32_t v = cur.u32();
  if (!cur.ok()) return truncated(cur, col);
  out.kind = ValueKind::kTimestamp;
  out.frac_digits = 0;
  out.u = v;
  out.t = Temporal{};
  return {};
}

Status check_fsp(Cursor& cur, const ColumnDef& col) {
  if (col.meta > 6) return corrupt(cur, col, "fractional-second precision above 6");
  return {};
}

Status decode_time2(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  DBT_TRY(check_fsp(cur, col));
  Bytes b = cur.bytes(3 + frac_bytes(col.meta));
  if (!cur.ok()) return truncated(cur, col);
  if (!time2_from_binary(b, col.meta, out.t)) return corrupt(cur, col, "invalid TIME2 fraction");
  out.kind = ValueKind::kTime;
  out.frac_digits = static_cast<uint8_t>(col.meta);
  return {};
}

Status decode_datetime2(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  DBT_TRY(check_fsp(cur, col));
  Bytes b = cur.bytes(5 + frac_bytes(col.meta));
  if (!cur.ok()) return truncated(cur, col);
  if (!datetime2_from_binary(b, col.meta, out.t))
    return corrupt(cur, col, "negative DATETIME2 or invalid fraction");
  out.kind = ValueKind::kDateTime;
  out.frac_digits = static_cast<uint8_t>(col.meta);
  return {};
}

Status decode_timestamp2(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  DBT_TRY(check_fsp(cur, col));
  Bytes b = cur.bytes(4 + frac_bytes(col.meta));
  if (!cur.ok()) return truncated(cur, col);
  uint32_t micro = 0;
  if (!timestamp2_from_binary(b, col.meta, out.u, micro))
    return corrupt(cur, col, "invalid TIMESTAMP2 fraction");
  out.kind = ValueKind::kTimestamp;
  out.frac_digits = static_cast<uint8_t>(col.meta);
  out.t = Temporal{};
  out.t.micro = micro;
  return {};
}

// --- strings and blobs: a little-endian length prefix, then the bytes.
ValueKind text_kind(const ColumnDef& col) {
  // TEXT and BLOB (CHAR and BINARY) differ only by collation. Unknown (0)
  // stays text; the JSON writer falls back to base64 if it is not UTF-8.
  return col.collation == kBinaryCollation ? ValueKind::kBytes : ValueKind::kText;
}

Status read_prefixed(Cursor& cur, const ColumnDef& col, unsigned prefix, ValueKind kind,
                     Value& out) {
  uint64_t len = cur.uint_le(prefix);
  if (!cur.ok()) return truncated(cur, col);
  if (len > cur.remaining()) return corrupt(cur, col, "length prefix runs past the row image");
  out.bytes = cur.str(static_cast<size_t>(len));
  out.kind = kind;
  return {};
}

Status decode_varchar(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  // VARCHAR, VAR_STRING and (normalized) STRING: meta = max byte length;
  // prefix 1 byte below 256, else 2.
  return read_prefixed(cur, col, col.meta < 256 ? 1 : 2, text_kind(col), out);
}

Status check_pack_length(Cursor& cur, const ColumnDef& col) {
  if (col.meta < 1 || col.meta > 4) return corrupt(cur, col, "length prefix size not 1..4");
  return {};
}

Status decode_blob(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  DBT_TRY(check_pack_length(cur, col));
  return read_prefixed(cur, col, col.meta, text_kind(col), out);
}

Status decode_json(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  DBT_TRY(check_pack_length(cur, col));
  return read_prefixed(cur, col, col.meta, ValueKind::kJsonBinary, out);
}

Status decode_geometry(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  DBT_TRY(check_pack_length(cur, col));
  return read_prefixed(cur, col, col.meta, ValueKind::kGeometry, out);
}

Status decode_vector(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  DBT_TRY(check_pack_length(cur, col));
  return read_prefixed(cur, col, col.meta, ValueKind::kVector, out);
}

Status decode_enum(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  // meta = pack length 1..2: the 1-based index, little-endian.
  if (col.meta < 1 || col.meta > 2) return corrupt(cur, col, "ENUM pack length not 1 or 2");
  out.u = cur.uint_le(col.meta);
  if (!cur.ok()) return truncated(cur, col);
  out.kind = ValueKind::kEnum;
  return {};
}

Status decode_set(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  // meta = pack length 1..8: the member bitmask, little-endian.
  if (col.meta < 1 || col.meta > 8) return corrupt(cur, col, "SET pack length not 1..8");
  out.u = cur.uint_le(col.meta);
  if (!cur.ok()) return truncated(cur, col);
  out.kind = ValueKind::kSet;
  return {};
}

Status decode_bit(Cursor& cur, const ColumnDef& col, Arena&, Value& out) {
  // meta = whole bytes << 8 | leftover bits; the value is big-endian.
  unsigned n = (col.meta >> 8) + ((col.meta & 0xFF) ? 1 : 0);
  if (n < 1 || n > 8) return corrupt(cur, col, "BIT width not 1..64 bits");
  out.u = cur.uint_be(n);
  if (!cur.ok()) return truncated(cur, col);
  out.kind = ValueKind::kBit;
  return {};
}

Status decode_unknown(Cursor& cur, const ColumnDef& col, Arena&, Value&) {
  cur.fail();
  return cell_error(ErrorCode::kUnsupported, col,
                    "this column type cannot appear in a row image or is not known to dbtrail");
}

constexpr std::array<DecodeFn, 256> make_table() {
  std::array<DecodeFn, 256> t{};
  for (auto& f : t) f = decode_unknown;
  t[kTypeDecimal] = decode_old_decimal;
  t[kTypeTiny] = decode_int<1>;
  t[kTypeShort] = decode_int<2>;
  t[kTypeInt24] = decode_int<3>;
  t[kTypeLong] = decode_int<4>;
  t[kTypeLongLong] = decode_int<8>;
  t[kTypeFloat] = decode_float;
  t[kTypeDouble] = decode_double;
  t[kTypeNull] = decode_null;
  t[kTypeYear] = decode_year;
  t[kTypeNewDecimal] = decode_newdecimal;
  t[kTypeDate] = decode_date;
  t[kTypeNewDate] = decode_date;
  t[kTypeTime] = decode_time;
  t[kTypeDateTime] = decode_datetime;
  t[kTypeTimestamp] = decode_timestamp;
  t[kTypeTime2] = decode_time2;
  t[kTypeDateTime2] = decode_datetime2;
  t[kTypeTimestamp2] = decode_timestamp2;
  t[kTypeVarchar] = decode_varchar;
  t[kTypeVarString] = decode_varchar;
  t[kTypeString] = decode_varchar;
  t[kTypeTinyBlob] = decode_blob;
  t[kTypeMediumBlob] = decode_blob;
  t[kTypeLongBlob] = decode_blob;
  t[kTypeBlob] = decode_blob;
  t[kTypeJson] = decode_json;
  t[kTypeGeometry] = decode_geometry;
  t[kTypeVector] = decode_vector;
  t[kTypeEnum] = decode_enum;
  t[kTypeSet] = decode_set;
  t[kTypeBit] = decode_bit;
  return t;
}

constexpr std::array<DecodeFn, 256> kDecoders = make_table();

}  // namespace

Status decode_cell(Cursor& cur, const ColumnDef& col, Arena& arena, Value& out) {
  out.frac_digits = 0;
  return kDecoders[col.type](cur, col, arena, out);
}

}  // namespace dbtrail::binlog
