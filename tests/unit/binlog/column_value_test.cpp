// decode_cell per column type. Unless a test says otherwise, the byte vectors
// are cells of a real MariaDB 10.11 binlog (binlog_row_metadata=FULL), and the
// expected values are what `mariadb-binlog -vv` printed for the same cells.

#include "binlog/column_value.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "binlog/value_json.h"

#include "../test_hex.h"

namespace dbtrail::binlog {
namespace {

std::vector<uint8_t> hex(std::string_view h) { return dbtrail::testing::unhex(h); }

ColumnDef column(uint8_t type, uint16_t meta, Signedness sign = Signedness::kUnknown,
                 uint16_t collation = 0) {
  ColumnDef c;
  c.type = type;
  c.meta = meta;
  c.sign = sign;
  c.collation = collation;
  return c;
}

struct Decoded {
  Status status;
  Value value;
  size_t consumed = 0;
  std::string json;
};

// Decodes one cell followed by a sentinel byte, which must be left unread.
Decoded decode(const ColumnDef& col, std::string_view cell_hex, Arena& arena) {
  std::vector<uint8_t> bytes = hex(cell_hex);
  bytes.push_back(0xA5);
  Cursor cur(Bytes(bytes.data(), bytes.size()));
  Decoded d;
  d.status = decode_cell(cur, col, arena, d.value);
  d.consumed = cur.offset();
  if (d.status.ok()) {
    EXPECT_EQ(cur.remaining(), 1u) << "cell " << cell_hex << " read past its own bytes";
    JsonWriter w(d.json);
    write_value_json(w, d.value, col);
  } else {
    EXPECT_FALSE(cur.ok()) << "a failed decode must leave the cursor failed";
  }
  return d;
}

std::string json_of(const ColumnDef& col, std::string_view cell_hex) {
  Arena arena;
  Decoded d = decode(col, cell_hex, arena);
  EXPECT_TRUE(d.status.ok()) << cell_hex << ": " << d.status.error().message;
  return d.json;
}

TEST(ColumnValue, IntegerMinMaxOfEveryWidthSignedAndUnsigned) {
  const auto S = Signedness::kSigned, U = Signedness::kUnsigned;
  EXPECT_EQ(json_of(column(kTypeTiny, 0, S), "80"), "-128");
  EXPECT_EQ(json_of(column(kTypeTiny, 0, S), "7F"), "127");
  EXPECT_EQ(json_of(column(kTypeTiny, 0, U), "FF"), "255");
  EXPECT_EQ(json_of(column(kTypeTiny, 0, U), "00"), "0");
  EXPECT_EQ(json_of(column(kTypeShort, 0, S), "0080"), "-32768");
  EXPECT_EQ(json_of(column(kTypeShort, 0, S), "FF7F"), "32767");
  EXPECT_EQ(json_of(column(kTypeShort, 0, U), "FFFF"), "65535");
  EXPECT_EQ(json_of(column(kTypeInt24, 0, S), "000080"), "-8388608");
  EXPECT_EQ(json_of(column(kTypeInt24, 0, S), "FFFF7F"), "8388607");
  EXPECT_EQ(json_of(column(kTypeInt24, 0, U), "FFFFFF"), "16777215");
  EXPECT_EQ(json_of(column(kTypeLong, 0, S), "00000080"), "-2147483648");
  EXPECT_EQ(json_of(column(kTypeLong, 0, S), "FFFFFF7F"), "2147483647");
  EXPECT_EQ(json_of(column(kTypeLong, 0, U), "FFFFFFFF"), "4294967295");
  EXPECT_EQ(json_of(column(kTypeLongLong, 0, S), "0000000000000080"), "-9223372036854775808");
  EXPECT_EQ(json_of(column(kTypeLongLong, 0, S), "FFFFFFFFFFFFFF7F"), "9223372036854775807");
  EXPECT_EQ(json_of(column(kTypeLongLong, 0, U), "FFFFFFFFFFFFFFFF"), "18446744073709551615");
}

TEST(ColumnValue, UnknownSignednessReadsSignedLikeMysqlbinlog) {
  Arena arena;
  Decoded d = decode(column(kTypeLongLong, 0), "FFFFFFFFFFFFFFFF", arena);
  EXPECT_EQ(d.value.kind, ValueKind::kInt);
  EXPECT_EQ(d.json, "-1");
  d = decode(column(kTypeLongLong, 0, Signedness::kUnsigned), "FFFFFFFFFFFFFFFF", arena);
  EXPECT_EQ(d.value.kind, ValueKind::kUInt);
  EXPECT_EQ(d.value.u, UINT64_MAX);
}

TEST(ColumnValue, NewDecimalKeepsDeclaredScaleAndSign) {
  EXPECT_EQ(json_of(column(kTypeNewDecimal, (65 << 8) | 30),
                    "80BC614E35B7BF87350E34C02F075F79075BCD1500BC614E35B7BF87037A"),
            "\"12345678901234567890123456789012345.123456789012345678901234567890\"");
  EXPECT_EQ(json_of(column(kTypeNewDecimal, (65 << 8) | 30),
                    "7A0A1F00C4653600C4653600C4653600C4653600C4653600C4653600FC18"),
            "\"-99999999999999999999999999999999999.999999999999999999999999999999\"");
  EXPECT_EQ(json_of(column(kTypeNewDecimal, (10 << 8) | 3), "7FFFFFF3FED3"), "\"-12.300\"");
  EXPECT_EQ(json_of(column(kTypeNewDecimal, (5 << 8) | 0), "7E7960"), "\"-99999\"");
  EXPECT_EQ(json_of(column(kTypeNewDecimal, (4 << 8) | 4), "6C77"), "\"-0.5000\"");
  EXPECT_EQ(json_of(column(kTypeNewDecimal, (18 << 8) | 9), "8000000000000000"), "\"0.000000000\"");
  EXPECT_EQ(json_of(column(kTypeNewDecimal, (20 << 8) | 10), "7EF204C72DFF439EB1F6"),
            "\"-1234567890.0123456789\"");
  EXPECT_EQ(json_of(column(kTypeNewDecimal, (20 << 8) | 10), "80000000000000000001"),
            "\"0.0000000001\"");
}

TEST(ColumnValue, Time2NegativeAndAbove24HoursAtEveryFsp) {
  EXPECT_EQ(json_of(column(kTypeTime2, 0), "4B9105"), "\"-838:59:59\"");
  EXPECT_EQ(json_of(column(kTypeTime2, 0), "800000"), "\"00:00:00\"");
  EXPECT_EQ(json_of(column(kTypeTime2, 1), "86400032"), "\"100:00:00.5\"");
  EXPECT_EQ(json_of(column(kTypeTime2, 1), "7FFFFFCE"), "\"-00:00:00.5\"");
  EXPECT_EQ(json_of(column(kTypeTime2, 2), "7FFFFFFF"), "\"-00:00:00.01\"");
  EXPECT_EQ(json_of(column(kTypeTime2, 2), "4B91049D"), "\"-838:59:59.99\"");
  EXPECT_EQ(json_of(column(kTypeTime2, 3), "7FEF7CEE30"), "\"-01:02:03.456\"");
  EXPECT_EQ(json_of(column(kTypeTime2, 3), "7FFFFFFFF6"), "\"-00:00:00.001\"");
  EXPECT_EQ(json_of(column(kTypeTime2, 4), "80C8B81ED3"), "\"12:34:56.7891\"");
  EXPECT_EQ(json_of(column(kTypeTime2, 4), "7FFFFFFFFF"), "\"-00:00:00.0001\"");
  EXPECT_EQ(json_of(column(kTypeTime2, 5), "7FFFFEFFFFF6"), "\"-00:00:01.00001\"");
  EXPECT_EQ(json_of(column(kTypeTime2, 5), "7FFFFFFFFFF6"), "\"-00:00:00.00001\"");
  EXPECT_EQ(json_of(column(kTypeTime2, 6), "B46EFA0F423F"), "\"838:59:58.999999\"");
  EXPECT_EQ(json_of(column(kTypeTime2, 6), "7FFFFFFFFFFF"), "\"-00:00:00.000001\"");
}

TEST(ColumnValue, DateTime2AtEveryFspAndZeroDate) {
  EXPECT_EQ(json_of(column(kTypeDateTime2, 0), "8CB2420000"), "\"1000-01-01 00:00:00\"");
  EXPECT_EQ(json_of(column(kTypeDateTime2, 0), "8000000000"), "\"0000-00-00 00:00:00\"");
  EXPECT_EQ(json_of(column(kTypeDateTime2, 1), "800000000000"), "\"0000-00-00 00:00:00.0\"");
  EXPECT_EQ(json_of(column(kTypeDateTime2, 1), "99B2BB7EFB5A"), "\"2024-02-29 23:59:59.9\"");
  EXPECT_EQ(json_of(column(kTypeDateTime2, 2), "FEF3FF7EFB63"), "\"9999-12-31 23:59:59.99\"");
  EXPECT_EQ(json_of(column(kTypeDateTime2, 2), "99B242000032"), "\"2024-01-01 00:00:00.50\"");
  EXPECT_EQ(json_of(column(kTypeDateTime2, 3), "9967C641460046"), "\"2001-02-03 04:05:06.007\"");
  EXPECT_EQ(json_of(column(kTypeDateTime2, 4), "9967C641460008"), "\"2001-02-03 04:05:06.0008\"");
  EXPECT_EQ(json_of(column(kTypeDateTime2, 5), "9967C6414600005A"),
            "\"2001-02-03 04:05:06.00009\"");
  EXPECT_EQ(json_of(column(kTypeDateTime2, 6), "9967C64146000001"),
            "\"2001-02-03 04:05:06.000001\"");
  EXPECT_EQ(json_of(column(kTypeDateTime2, 6), "99B24200000F423F"),
            "\"2024-01-01 00:00:00.999999\"");
}

TEST(ColumnValue, Timestamp2AtEveryFspIsEpochSecondsInUtc) {
  Arena arena;
  Decoded d = decode(column(kTypeTimestamp2, 1), "7FFFFFFF0A", arena);
  EXPECT_EQ(d.value.kind, ValueKind::kTimestamp);
  EXPECT_EQ(d.value.u, 2147483647u);  // mariadb-binlog: 2147483647.1
  EXPECT_EQ(d.value.t.micro, 100000u);
  EXPECT_EQ(d.value.frac_digits, 1);
  EXPECT_EQ(json_of(column(kTypeTimestamp2, 0), "00000001"), "\"1970-01-01 00:00:01\"");
  EXPECT_EQ(json_of(column(kTypeTimestamp2, 2), "386D43800C"), "\"2000-01-01 00:00:00.12\"");
  EXPECT_EQ(json_of(column(kTypeTimestamp2, 3), "65E071C004CE"), "\"2024-02-29 12:00:00.123\"");
  EXPECT_EQ(json_of(column(kTypeTimestamp2, 4), "5EE74B6E1388"), "\"2020-06-15 10:20:30.5000\"");
  EXPECT_EQ(json_of(column(kTypeTimestamp2, 5), "65E071C001E23A"), "\"2024-02-29 12:00:00.12345\"");
  EXPECT_EQ(json_of(column(kTypeTimestamp2, 6), "65E071C001E240"),
            "\"2024-02-29 12:00:00.123456\"");
  // Zero timestamp (mariadb-binlog prints 0.000).
  EXPECT_EQ(json_of(column(kTypeTimestamp2, 3), "000000000000"), "\"0000-00-00 00:00:00.000\"");
}

TEST(ColumnValue, DateAndYear) {
  EXPECT_EQ(json_of(column(kTypeDate, 0), "5DD00F"), "\"2024-02-29\"");
  EXPECT_EQ(json_of(column(kTypeNewDate, 0), "000000"), "\"0000-00-00\"");
  EXPECT_EQ(json_of(column(kTypeYear, 0), "FF"), "2155");
  EXPECT_EQ(json_of(column(kTypeYear, 0), "01"), "1901");
  EXPECT_EQ(json_of(column(kTypeYear, 0), "00"), "0");
}

// Old (pre-5.6.4) temporal layouts; vectors assembled by hand from the format.
TEST(ColumnValue, OldTemporalLayouts) {
  // TIME: -8385959 is 2^24 - 8385959 = 0x800A59 as signed 24-bit LE.
  EXPECT_EQ(json_of(column(kTypeTime, 0), "590A80"), "\"-838:59:59\"");
  // 123456 = 0x01E240.
  EXPECT_EQ(json_of(column(kTypeTime, 0), "40E201"), "\"12:34:56\"");
  // DATETIME 20240229235959 = 0x12688BAC7CF7, little-endian.
  EXPECT_EQ(json_of(column(kTypeDateTime, 0), "F77CAC8B68120000"), "\"2024-02-29 23:59:59\"");
  EXPECT_EQ(json_of(column(kTypeDateTime, 0), "0000000000000000"), "\"0000-00-00 00:00:00\"");
  // TIMESTAMP 1 second after the epoch; 0 is the zero timestamp.
  EXPECT_EQ(json_of(column(kTypeTimestamp, 0), "01000000"), "\"1970-01-01 00:00:01\"");
  EXPECT_EQ(json_of(column(kTypeTimestamp, 0), "00000000"), "\"0000-00-00 00:00:00\"");
}

TEST(ColumnValue, FloatAndDoubleShortestRoundTrip) {
  EXPECT_EQ(json_of(column(kTypeFloat, 4), "CDCCCC3D"), "0.1");
  EXPECT_EQ(json_of(column(kTypeDouble, 8), "9A9999999999B93F"), "0.1");
  EXPECT_EQ(json_of(column(kTypeFloat, 4), "FFFF7FFF"), "-3.4028235e+38");
  EXPECT_EQ(json_of(column(kTypeDouble, 8), "59F3F8C21F6EA501"), "1e-300");
}

TEST(ColumnValue, TextByCollationAndBinaryAsBase64) {
  EXPECT_EQ(json_of(column(kTypeVarchar, 10, {}, 8), "02E980"), "\"é€\"");  // latin1
  EXPECT_EQ(json_of(column(kTypeVarchar, 40, {}, 45), "0568F09F9880"), "\"h😀\"");
  EXPECT_EQ(json_of(column(kTypeVarchar, 10, {}, 9), "01B1"), "\"ą\"");            // latin2
  EXPECT_EQ(json_of(column(kTypeVarchar, 10, {}, 51), "02C0E0"), "\"Аа\"");        // cp1251
  EXPECT_EQ(json_of(column(kTypeVarchar, 20, {}, 35), "0200E9"), "\"é\"");         // ucs2
  EXPECT_EQ(json_of(column(kTypeVarchar, 40, {}, 54), "04D83DDE00"), "\"😀\"");     // utf16
  EXPECT_EQ(json_of(column(kTypeVarchar, 40, {}, 56), "043DD800DE"), "\"😀\"");     // utf16le
  EXPECT_EQ(json_of(column(kTypeVarchar, 40, {}, 60), "040001F600"), "\"😀\"");     // utf32
  EXPECT_EQ(json_of(column(kTypeVarchar, 15, {}, 33), "05C3A9E282AC"), "\"é€\"");  // utf8mb3
  EXPECT_EQ(json_of(column(kTypeVarchar, 10, {}, 63), "0300FF10"), "{\"base64\":\"AP8Q\"}");
  EXPECT_EQ(json_of(column(kTypeBlob, 2, {}, 45), "07007465787420C3A9"), "\"text é\"");
  EXPECT_EQ(json_of(column(kTypeBlob, 2, {}, 63), "0400DEADBEEF"), "{\"base64\":\"3q2+7w==\"}");
  // CHAR(100) utf8mb4: 400 bytes max, so a 2-byte length prefix.
  EXPECT_EQ(json_of(column(kTypeString, 400, {}, 45), "0600706164646564"), "\"padded\"");
  EXPECT_EQ(json_of(column(kTypeString, 4, {}, 63), "020102"), "{\"base64\":\"AQI=\"}");
  EXPECT_EQ(json_of(column(kTypeVarchar, 10, {}, 8), "00"), "\"\"");
}

TEST(ColumnValue, VarcharPrefixIsTwoBytesFrom256) {
  // Hand-assembled: meta 256 means a 2-byte prefix even for a short value.
  EXPECT_EQ(json_of(column(kTypeVarchar, 256, {}, 45), "02006869"), "\"hi\"");
  EXPECT_EQ(json_of(column(kTypeVarchar, 255, {}, 45), "026869"), "\"hi\"");
}

TEST(ColumnValue, KindsOfTextAndBlobFollowCollation) {
  Arena arena;
  EXPECT_EQ(decode(column(kTypeBlob, 2, {}, 0), "0100FF", arena).value.kind, ValueKind::kText);
  EXPECT_EQ(decode(column(kTypeBlob, 2, {}, 63), "0100FF", arena).value.kind, ValueKind::kBytes);
  EXPECT_EQ(decode(column(kTypeBlob, 2, {}, 45), "0100FF", arena).value.kind, ValueKind::kText);
  // Unknown collation, invalid UTF-8: kept as base64.
  EXPECT_EQ(json_of(column(kTypeBlob, 2, {}, 0), "0100FF"), "{\"base64\":\"/w==\"}");
}

TEST(ColumnValue, EnumSetBitAndGeometry) {
  ColumnDef e = column(kTypeEnum, 1, {}, 8);
  e.enum_values = {"a", "b", "c"};
  EXPECT_EQ(json_of(e, "02"), "\"b\"");
  ColumnDef s = column(kTypeSet, 1, {}, 8);
  s.enum_values = {"x", "y", "z"};
  EXPECT_EQ(json_of(s, "05"), "\"x,z\"");
  EXPECT_EQ(json_of(s, "00"), "\"\"");
  EXPECT_EQ(json_of(column(kTypeBit, (1 << 8) | 4), "0AAA"), "2730");  // BIT(12) b'101010101010'
  EXPECT_EQ(json_of(column(kTypeBit, 8 << 8), "FFFFFFFFFFFFFFFF"), "18446744073709551615");
  EXPECT_EQ(json_of(column(kTypeGeometry, 4, {}, 63),
                    "19000000000000000101000000000000000000F03F0000000000000040"),
            "{\"base64\":\"AAAAAAEBAAAAAAAAAAAA8D8AAAAAAAAAQA==\"}");
}

// Hand-assembled from the formats.
TEST(ColumnValue, JsonVectorAndNullTypes) {
  Arena arena;
  Decoded d = decode(column(kTypeJson, 4), "020000000401", arena);  // literal true
  EXPECT_EQ(d.value.kind, ValueKind::kJsonBinary);
  EXPECT_EQ(d.value.bytes.size(), 2u);
  EXPECT_EQ(d.json, "true");
  // VECTOR of two float32: 1.0 (0x3F800000) and 0.1 (0x3DCCCCCD), little-endian.
  EXPECT_EQ(json_of(column(kTypeVector, 4), "080000000000803FCDCCCC3D"), "[1,0.1]");
  d = decode(column(kTypeNull, 0), "", arena);
  EXPECT_EQ(d.value.kind, ValueKind::kNull);
  EXPECT_EQ(d.consumed, 0u);
}

TEST(ColumnValue, TruncatedAndImpossibleCellsAreCorrupt) {
  Arena arena;
  struct Case {
    ColumnDef col;
    const char* bytes;
    ErrorCode code;
  } cases[] = {
      {column(kTypeLong, 0), "FFFF", ErrorCode::kCorrupt},  // sentinel makes 3 of 4 bytes
      {column(kTypeVarchar, 10, {}, 45), "05414243", ErrorCode::kCorrupt},
      {column(kTypeBlob, 5), "01", ErrorCode::kCorrupt},
      {column(kTypeNewDecimal, (10 << 8) | 11), "00", ErrorCode::kCorrupt},
      // 9-digit group 0x3B9ACA00 = 1000000000 is out of range.
      {column(kTypeNewDecimal, (9 << 8) | 0), "BB9ACA00", ErrorCode::kCorrupt},
      {column(kTypeTime2, 7), "80000000000000", ErrorCode::kCorrupt},
      {column(kTypeDateTime2, 1), "800000000064", ErrorCode::kCorrupt},  // 100 hundredths
      {column(kTypeDateTime2, 0), "7FFFFFFFFF", ErrorCode::kCorrupt},    // negative
      {column(kTypeBit, 9 << 8), "00", ErrorCode::kCorrupt},
      {column(kTypeEnum, 3), "00", ErrorCode::kCorrupt},
      {column(kTypeDecimal, 0), "3132", ErrorCode::kUnsupported},
      {column(kTypeTypedArray, 0), "00", ErrorCode::kUnsupported},
      {column(kTypeBool, 0), "00", ErrorCode::kUnsupported},
  };
  for (const auto& c : cases) {
    std::vector<uint8_t> b = hex(c.bytes);
    if (c.col.type == kTypeLong) b.push_back(0xA5);  // 3 bytes: still short
    Cursor cur(Bytes(b.data(), b.size()));
    Value v;
    Status st = decode_cell(cur, c.col, arena, v);
    ASSERT_FALSE(st.ok()) << "type " << int(c.col.type) << " " << c.bytes;
    EXPECT_EQ(st.error().code, c.code) << st.error().message;
    EXPECT_FALSE(cur.ok());
    EXPECT_NE(st.error().message.find("row event column of type"), std::string::npos);
  }
}

}  // namespace
}  // namespace dbtrail::binlog
