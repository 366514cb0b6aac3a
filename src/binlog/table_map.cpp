// TABLE_MAP event body parser. See table_map.h for the returned shape.
//
// Normalization contract (the row value decoder relies on it; keep in sync):
//   ColumnDef.type is the binlog type code, except that STRING columns whose
//   metadata names ENUM (247) or SET (248) as their real type become that type.
//   ColumnDef.meta, by (normalized) type:
//     FLOAT, DOUBLE                  1-byte pack length (4 or 8)
//     NEWDECIMAL                     (precision << 8) | scale   (bytes: precision, scale)
//     BIT                            (bytes << 8) | bits        (bytes: bits, bytes)
//     VARCHAR, VAR_STRING            2-byte little-endian max length in bytes
//     STRING (CHAR, BINARY)          max length in bytes; lengths above 255 are
//                                    rebuilt from the high bits hidden in byte0
//                                    (MySQL bug #37426): if (byte0 & 0x30) != 0x30
//                                    then ((byte0 & 0x30) ^ 0x30) << 4 | byte1
//     ENUM, SET (from STRING)        pack length (1/2 for ENUM, 1..8 for SET) = byte1
//     ENUM, SET (as a direct type)   2 metadata bytes; pack length = byte1
//     BLOB family, GEOMETRY, JSON,
//     VECTOR                         1-byte pack length of the length prefix
//     TIME2, DATETIME2, TIMESTAMP2   1-byte fractional-second precision (0..6)
//     everything else                0
//   nullable comes from the NULL bitmap; sign, collation, name, enum_values,
//   geometry_type, vector_dims, visible and in_primary_key come from the optional
//   metadata (binlog_row_metadata=MINIMAL/FULL) and keep their defaults without it.
//   Collation: character columns take the DEFAULT_CHARSET default unless an
//   exception pair or COLUMN_CHARSET names them; binary stays 63.
//   MySQL and MariaDB count columns differently in SIGNEDNESS (MariaDB includes
//   YEAR) and the charset fields (MariaDB includes GEOMETRY): see looks_like_mariadb().

#include "binlog/table_map.h"

#include <string>
#include <utility>

namespace dbtrail::binlog {
namespace {

// Optional metadata field types (MySQL Table_map_event::Optional_metadata_field_type,
// same numbering in MariaDB 10.5+).
enum OptionalMetadataType : uint8_t {
  kSignedness = 1,
  kDefaultCharset = 2,
  kColumnCharset = 3,
  kColumnName = 4,
  kSetStrValue = 5,
  kEnumStrValue = 6,
  kGeometryType = 7,
  kSimplePrimaryKey = 8,
  kPrimaryKeyWithPrefix = 9,
  kEnumAndSetDefaultCharset = 10,
  kEnumAndSetColumnCharset = 11,
  kColumnVisibility = 12,
  kVectorDimensionality = 13,
};

Error corrupt(const std::string& what) {
  return make_error(ErrorCode::kCorrupt, "TABLE_MAP event is malformed: " + what +
                                             "; the binlog file may be damaged or truncated");
}

// Columns the SIGNEDNESS bitmap covers: the server writes one bit per column whose
// type is one of these. MariaDB also gives YEAR a bit (its Field_year is an unsigned
// Field_tiny; checked on a live 10.11: YEAR then INT UNSIGNED columns only decode
// right when YEAR is counted); MySQL does not. BIT and temporals never count.
bool is_numeric(uint8_t type, bool year_is_numeric) {
  switch (type) {
    case kTypeYear:
      return year_is_numeric;
    case kTypeTiny:
    case kTypeShort:
    case kTypeInt24:
    case kTypeLong:
    case kTypeLongLong:
    case kTypeNewDecimal:
    case kTypeFloat:
    case kTypeDouble:
      return true;
    default:
      return false;
  }
}

// Columns DEFAULT_CHARSET / COLUMN_CHARSET count, on the normalized type (ENUM and
// SET have their own ENUM_AND_SET_* fields). MySQL 9 counts VECTOR as a character
// column (its charset is binary). GEOMETRY is counted by MariaDB (Field_geom is a
// blob with a charset) but not by MySQL; see looks_like_mariadb().
bool is_character(uint8_t type, bool geometry_is_character) {
  switch (type) {
    case kTypeString:
    case kTypeVarString:
    case kTypeVarchar:
    case kTypeTinyBlob:
    case kTypeMediumBlob:
    case kTypeLongBlob:
    case kTypeBlob:
    case kTypeVector:
      return true;
    case kTypeGeometry:
      return geometry_is_character;
    default:
      return false;
  }
}

bool is_enum_or_set(uint8_t type) { return type == kTypeEnum || type == kTypeSet; }

// Reads one column's metadata bytes for binlog type `type` and normalizes it
// (see the contract at the top of this file). Returns false on an unknown type.
bool read_column_meta(Cursor& m, ColumnDef& col, std::string* unknown) {
  switch (col.type) {
    case kTypeFloat:
    case kTypeDouble:
    case kTypeTinyBlob:
    case kTypeMediumBlob:
    case kTypeLongBlob:
    case kTypeBlob:
    case kTypeGeometry:
    case kTypeJson:
    case kTypeVector:
    case kTypeTime2:
    case kTypeDateTime2:
    case kTypeTimestamp2:
      col.meta = m.u8();
      return true;
    case kTypeNewDecimal: {
      // precision, scale
      uint8_t precision = m.u8();
      uint8_t scale = m.u8();
      col.meta = static_cast<uint16_t>((precision << 8) | scale);
      return true;
    }
    case kTypeBit: {
      // bits in the last byte, whole bytes
      uint8_t bits = m.u8();
      uint8_t bytes = m.u8();
      col.meta = static_cast<uint16_t>((bytes << 8) | bits);
      return true;
    }
    case kTypeVarchar:
    case kTypeVarString:
      col.meta = m.u16();  // max length, little-endian
      return true;
    case kTypeString: {
      // byte0: real type (possibly with length bits 8-9 folded in, XORed), byte1: length
      uint8_t byte0 = m.u8();
      uint8_t byte1 = m.u8();
      if ((byte0 & 0x30) != 0x30) {
        col.meta = static_cast<uint16_t>((((byte0 & 0x30) ^ 0x30) << 4) | byte1);
      } else if (byte0 == kTypeEnum || byte0 == kTypeSet) {
        col.type = byte0;
        col.meta = byte1;  // pack length
      } else {
        col.meta = byte1;
      }
      return true;
    }
    case kTypeEnum:
    case kTypeSet:
      m.u8();
      col.meta = m.u8();
      return true;
    case kTypeDecimal:
    case kTypeTiny:
    case kTypeShort:
    case kTypeLong:
    case kTypeNull:
    case kTypeTimestamp:
    case kTypeLongLong:
    case kTypeInt24:
    case kTypeDate:
    case kTypeTime:
    case kTypeDateTime:
    case kTypeYear:
    case kTypeNewDate:
    case kTypeBool:
      col.meta = 0;
      return true;
    default:
      // TYPED_ARRAY (20) only describes hidden multi-valued-index columns, which
      // are never in a row image; anything else is not a type we know.
      *unknown = std::to_string(col.type);
      return false;
  }
}

// Bit k of an MSB-first bitmap (SIGNEDNESS, COLUMN_VISIBILITY).
bool msb_bit(Bytes bitmap, size_t k) { return (bitmap[k / 8] & (0x80u >> (k % 8))) != 0; }

Result<uint16_t> read_collation(Cursor& c, const char* field) {
  uint64_t v = c.packed_int();
  if (!c.ok()) return corrupt(std::string(field) + " is truncated");
  if (v > 0xffff) return corrupt(std::string(field) + " names collation " + std::to_string(v));
  return static_cast<uint16_t>(v);
}

// DEFAULT_CHARSET / ENUM_AND_SET_DEFAULT_CHARSET: default collation, then pairs
// (index among the covered columns, collation) for the columns that differ.
Status apply_default_charset(Bytes value, const std::vector<size_t>& covered,
                             std::vector<ColumnDef>& cols, const char* field) {
  Cursor c(value);
  auto def = read_collation(c, field);
  if (!def.ok()) return def.error();
  for (size_t i : covered) cols[i].collation = *def;
  while (!c.empty()) {
    uint64_t index = c.packed_int();
    auto coll = read_collation(c, field);
    if (!coll.ok()) return coll.error();
    if (index >= covered.size()) {
      return corrupt(std::string(field) + " names column " + std::to_string(index) + " of " +
                     std::to_string(covered.size()));
    }
    cols[covered[index]].collation = *coll;
  }
  return {};
}

// COLUMN_CHARSET / ENUM_AND_SET_COLUMN_CHARSET: one collation per covered column.
Status apply_column_charset(Bytes value, const std::vector<size_t>& covered,
                            std::vector<ColumnDef>& cols, const char* field) {
  Cursor c(value);
  for (size_t i : covered) {
    auto coll = read_collation(c, field);
    if (!coll.ok()) return coll.error();
    cols[i].collation = *coll;
  }
  if (!c.empty()) return corrupt(std::string(field) + " has more entries than columns");
  return {};
}

size_t count_packed_ints(Bytes value) {
  Cursor c(value);
  size_t n = 0;
  while (!c.empty()) {
    c.packed_int();
    if (!c.ok()) return 0;
    ++n;
  }
  return n;
}

struct OptionalField {
  uint8_t type;
  Bytes value;
};

// How the server that wrote the event counts columns in SIGNEDNESS and the
// charset fields. The two differ only when the table has GEOMETRY or YEAR columns.
struct Counting {
  bool geometry_is_character = false;  // MariaDB
  bool year_is_numeric = false;        // MariaDB
};

// Nothing in a TABLE_MAP says whether MySQL or MariaDB wrote it, but the fields
// themselves often tell: COLUMN_CHARSET has one entry per counted column; a
// DEFAULT_CHARSET exception index past MySQL's count; a SIGNEDNESS bitmap one byte
// longer than MySQL's count needs, or with a bit set past it (MySQL pads with 0).
// Without such evidence MySQL's rules apply; they then misread a MariaDB event only
// when a GEOMETRY column precedes a character column with a non-default collation,
// or a YEAR column precedes an unsigned numeric column in the same bitmap byte.
bool looks_like_mariadb(const std::vector<OptionalField>& fields,
                        const std::vector<ColumnDef>& cols) {
  size_t chars = 0, geometry = 0, numeric = 0, years = 0;
  for (const auto& col : cols) {
    if (is_character(col.type, false)) ++chars;
    if (col.type == kTypeGeometry) ++geometry;
    if (is_numeric(col.type, false)) ++numeric;
    if (col.type == kTypeYear) ++years;
  }
  for (const auto& f : fields) {
    if (f.type == kColumnCharset && geometry > 0) {
      if (count_packed_ints(f.value) == chars + geometry) return true;
    } else if (f.type == kDefaultCharset && geometry > 0) {
      Cursor c(f.value);
      c.packed_int();
      while (!c.empty() && c.ok()) {
        uint64_t index = c.packed_int();
        c.packed_int();
        if (c.ok() && index >= chars && index < chars + geometry) return true;
      }
    } else if (f.type == kSignedness && years > 0) {
      const size_t mysql_bytes = (numeric + 7) / 8;
      if (f.value.size() == (numeric + years + 7) / 8 && f.value.size() != mysql_bytes) return true;
      for (size_t k = numeric; k < f.value.size() * 8; ++k)
        if (msb_bit(f.value, k)) return true;
    }
  }
  return false;
}

// ENUM_STR_VALUE / SET_STR_VALUE: for each covered column, a value count then
// that many length-prefixed strings.
Status apply_str_values(Bytes value, const std::vector<size_t>& covered,
                        std::vector<ColumnDef>& cols, const char* field) {
  Cursor c(value);
  for (size_t i : covered) {
    uint64_t count = c.packed_int();
    // Each string takes at least its 1-byte length: bounds the allocation.
    if (!c.ok() || count > c.remaining()) return corrupt(std::string(field) + " is truncated");
    auto& out = cols[i].enum_values;
    out.clear();
    out.reserve(static_cast<size_t>(count));
    for (uint64_t k = 0; k < count; ++k) {
      std::string_view s = c.packed_str();
      if (!c.ok()) return corrupt(std::string(field) + " is truncated");
      out.emplace_back(s);
    }
  }
  if (!c.empty()) return corrupt(std::string(field) + " has more entries than columns");
  return {};
}

Status apply_optional(const OptionalField& f, TableMap& tm, Counting counting) {
  auto& cols = tm.columns;
  std::vector<size_t> covered;
  auto collect = [&](auto pred) {
    covered.clear();
    for (size_t i = 0; i < cols.size(); ++i)
      if (pred(cols[i].type)) covered.push_back(i);
  };
  auto character = [&](uint8_t t) { return is_character(t, counting.geometry_is_character); };
  auto numeric = [&](uint8_t t) { return is_numeric(t, counting.year_is_numeric); };

  switch (f.type) {
    case kSignedness: {
      collect(numeric);
      if (f.value.size() < (covered.size() + 7) / 8) return corrupt("SIGNEDNESS is truncated");
      for (size_t k = 0; k < covered.size(); ++k)
        cols[covered[k]].sign = msb_bit(f.value, k) ? Signedness::kUnsigned : Signedness::kSigned;
      return {};
    }
    case kDefaultCharset:
      collect(character);
      return apply_default_charset(f.value, covered, cols, "DEFAULT_CHARSET");
    case kColumnCharset:
      collect(character);
      return apply_column_charset(f.value, covered, cols, "COLUMN_CHARSET");
    case kEnumAndSetDefaultCharset:
      collect(is_enum_or_set);
      return apply_default_charset(f.value, covered, cols, "ENUM_AND_SET_DEFAULT_CHARSET");
    case kEnumAndSetColumnCharset:
      collect(is_enum_or_set);
      return apply_column_charset(f.value, covered, cols, "ENUM_AND_SET_COLUMN_CHARSET");
    case kColumnName: {
      Cursor c(f.value);
      for (auto& col : cols) {
        std::string_view name = c.packed_str();
        if (!c.ok()) return corrupt("COLUMN_NAME is truncated");
        col.name.assign(name);
      }
      if (!c.empty()) return corrupt("COLUMN_NAME has more names than columns");
      tm.has_names = true;
      return {};
    }
    case kSetStrValue:
      collect([](uint8_t t) { return t == kTypeSet; });
      return apply_str_values(f.value, covered, cols, "SET_STR_VALUE");
    case kEnumStrValue:
      collect([](uint8_t t) { return t == kTypeEnum; });
      return apply_str_values(f.value, covered, cols, "ENUM_STR_VALUE");
    case kGeometryType: {
      collect([](uint8_t t) { return t == kTypeGeometry; });
      Cursor c(f.value);
      for (size_t i : covered) {
        uint64_t g = c.packed_int();
        if (!c.ok() || g > 0xff) return corrupt("GEOMETRY_TYPE is truncated or out of range");
        cols[i].geometry_type = static_cast<uint8_t>(g);
      }
      if (!c.empty()) return corrupt("GEOMETRY_TYPE has more entries than columns");
      return {};
    }
    case kVectorDimensionality: {
      collect([](uint8_t t) { return t == kTypeVector; });
      Cursor c(f.value);
      for (size_t i : covered) {
        uint64_t d = c.packed_int();
        if (!c.ok() || d > 0xffffffffu)
          return corrupt("VECTOR_DIMENSIONALITY is truncated or out of range");
        cols[i].vector_dims = static_cast<uint32_t>(d);
      }
      if (!c.empty()) return corrupt("VECTOR_DIMENSIONALITY has more entries than columns");
      return {};
    }
    case kSimplePrimaryKey:
    case kPrimaryKeyWithPrefix: {
      const bool with_prefix = f.type == kPrimaryKeyWithPrefix;
      const char* name = with_prefix ? "PRIMARY_KEY_WITH_PREFIX" : "SIMPLE_PRIMARY_KEY";
      Cursor c(f.value);
      tm.primary_key.clear();
      while (!c.empty()) {
        uint64_t index = c.packed_int();
        if (with_prefix) c.packed_int();  // prefix length (0 = whole column); not needed
        if (!c.ok()) return corrupt(std::string(name) + " is truncated");
        if (index >= cols.size()) {
          return corrupt(std::string(name) + " names column " + std::to_string(index) + " of " +
                         std::to_string(cols.size()));
        }
        tm.primary_key.push_back(static_cast<uint32_t>(index));
        cols[index].in_primary_key = true;
      }
      return {};
    }
    case kColumnVisibility: {
      if (f.value.size() < (cols.size() + 7) / 8) return corrupt("COLUMN_VISIBILITY is truncated");
      for (size_t k = 0; k < cols.size(); ++k) cols[k].visible = msb_bit(f.value, k);
      return {};
    }
    default:
      return {};  // a newer server's field: its length let us skip it
  }
}

// Reads "1-byte length, bytes, NUL" (schema and table names).
bool read_name(Cursor& c, std::string& out) {
  uint8_t len = c.u8();
  std::string_view s = c.str(len);
  uint8_t nul = c.u8();
  if (!c.ok() || nul != 0) return false;
  out.assign(s);
  return true;
}

enum class Writer { kUnknown, kMySql, kMariaDb };

Result<std::shared_ptr<TableMap>> parse(Bytes body, uint8_t post_header_len, Writer writer) {
  auto tm = std::make_shared<TableMap>();
  Cursor c(body);

  // Post-header: table_id (6 bytes; 4 on pre-GA 5.1 whose FDE says 6), flags (2).
  tm->table_id = post_header_len == 6 ? c.u32() : c.u48();
  tm->flags = c.u16();
  if (!c.ok()) return corrupt("post-header (table id, flags) is truncated");

  // Body: schema and table names, each 1-byte length + bytes + NUL.
  if (!read_name(c, tm->schema)) return corrupt("schema name is truncated or not NUL-terminated");
  if (!read_name(c, tm->table)) return corrupt("table name is truncated or not NUL-terminated");

  // Column count (packed int), then one type byte per column.
  uint64_t ncols = c.packed_int();
  if (!c.ok() || ncols > c.remaining()) return corrupt("column count exceeds the event");
  Bytes types = c.bytes(static_cast<size_t>(ncols));
  tm->columns.resize(static_cast<size_t>(ncols));

  // Metadata block: packed length, then 0..2 bytes per column depending on its type.
  uint64_t meta_len = c.packed_int();
  if (!c.ok() || meta_len > c.remaining()) return corrupt("column metadata block is truncated");
  Cursor m(c.bytes(static_cast<size_t>(meta_len)));
  for (size_t i = 0; i < tm->columns.size(); ++i) {
    ColumnDef& col = tm->columns[i];
    col.type = types[i];
    std::string unknown;
    if (!read_column_meta(m, col, &unknown)) {
      return make_error(ErrorCode::kUnsupported, "TABLE_MAP for " + tm->schema + "." + tm->table +
                                                     " has column " + std::to_string(i) +
                                                     " of unknown type " + unknown);
    }
    if (!m.ok()) return corrupt("column metadata is shorter than its column types need");
  }
  if (!m.empty()) return corrupt("column metadata is longer than its column types need");

  // NULL bitmap: bit i (LSB first) set = column i may be NULL.
  Bytes nulls = c.bytes((tm->columns.size() + 7) / 8);
  if (!c.ok()) return corrupt("NULL bitmap is truncated");
  for (size_t i = 0; i < tm->columns.size(); ++i)
    tm->columns[i].nullable = (nulls[i / 8] >> (i % 8)) & 1;

  // Optional metadata (MySQL 8 / MariaDB 10.5+): TLV fields to the end of the body:
  // type (1 byte), length (packed int), value.
  std::vector<OptionalField> fields;
  while (!c.empty()) {
    uint8_t type = c.u8();
    uint64_t len = c.packed_int();
    if (!c.ok() || len > c.remaining()) {
      return corrupt("optional metadata field " + std::to_string(type) + " is truncated");
    }
    fields.push_back({type, c.bytes(static_cast<size_t>(len))});
  }
  bool mariadb = writer == Writer::kMariaDb ||
                 (writer == Writer::kUnknown && looks_like_mariadb(fields, tm->columns));
  const Counting counting{mariadb, mariadb};
  for (const auto& f : fields) DBT_TRY(apply_optional(f, *tm, counting));

  return tm;
}

}  // namespace

Result<std::shared_ptr<TableMap>> parse_table_map(Bytes body, uint8_t post_header_len) {
  return parse(body, post_header_len, Writer::kUnknown);
}

// For callers that know the writer from the FDE server version ("-MariaDB").
// Not yet declared in table_map.h (the header is shared; the lead adds it):
//   Result<std::shared_ptr<TableMap>> parse_table_map(Bytes, uint8_t, bool mariadb);
Result<std::shared_ptr<TableMap>> parse_table_map(Bytes body, uint8_t post_header_len,
                                                  bool mariadb) {
  return parse(body, post_header_len, mariadb ? Writer::kMariaDb : Writer::kMySql);
}

}  // namespace dbtrail::binlog
