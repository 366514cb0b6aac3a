// Column type codes as they appear in TABLE_MAP events (MySQL's enum_field_types).
#pragma once

#include <cstdint>

namespace dbtrail::binlog {

enum ColumnType : uint8_t {
  kTypeDecimal = 0,  // old DECIMAL (pre-5.0), stored as text
  kTypeTiny = 1,
  kTypeShort = 2,
  kTypeLong = 3,
  kTypeFloat = 4,
  kTypeDouble = 5,
  kTypeNull = 6,
  kTypeTimestamp = 7,
  kTypeLongLong = 8,
  kTypeInt24 = 9,
  kTypeDate = 10,
  kTypeTime = 11,
  kTypeDateTime = 12,
  kTypeYear = 13,
  kTypeNewDate = 14,
  kTypeVarchar = 15,
  kTypeBit = 16,
  kTypeTimestamp2 = 17,
  kTypeDateTime2 = 18,
  kTypeTime2 = 19,
  kTypeTypedArray = 20,
  kTypeVector = 242,
  kTypeInvalid = 243,
  kTypeBool = 244,
  kTypeJson = 245,
  kTypeNewDecimal = 246,
  kTypeEnum = 247,
  kTypeSet = 248,
  kTypeTinyBlob = 249,
  kTypeMediumBlob = 250,
  kTypeLongBlob = 251,
  kTypeBlob = 252,
  kTypeVarString = 253,
  kTypeString = 254,
  kTypeGeometry = 255,
};

// Name as mysqlbinlog prints it ("LONG", "VARCHAR", ...); "UNKNOWN(n)" never: returns nullptr.
const char* column_type_name(uint8_t type);

// Collation id 63 is "binary": BINARY/VARBINARY/BLOB columns and bytes that stay bytes.
inline constexpr uint16_t kBinaryCollation = 63;

}  // namespace dbtrail::binlog
