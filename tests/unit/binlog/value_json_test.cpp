// The JSON encoding of values (docs/value-encoding.md), one rule per test.

#include "binlog/value_json.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <string>

namespace dbtrail::binlog {
namespace {

std::string json(const Value& v, const ColumnDef& col = ColumnDef{}) {
  std::string out;
  JsonWriter w(out);
  write_value_json(w, v, col);
  return out;
}

Value make(ValueKind k) {
  Value v;
  v.kind = k;
  return v;
}

ColumnDef with_collation(uint16_t id) {
  ColumnDef c;
  c.collation = id;
  return c;
}

TEST(ValueJson, IntegersAreExact) {
  Value v = make(ValueKind::kUInt);
  v.u = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(json(v), "18446744073709551615");
  v = make(ValueKind::kInt);
  v.i = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(json(v), "-9223372036854775808");
  v = make(ValueKind::kInt);
  v.i = 9007199254740993;  // 2^53 + 1: not representable as a double
  EXPECT_EQ(json(v), "9007199254740993");
}

TEST(ValueJson, FloatsShortestRoundTripAndNonFiniteAsStrings) {
  Value v = make(ValueKind::kFloat);
  v.f = 0.1f;
  EXPECT_EQ(json(v), "0.1");
  v = make(ValueKind::kDouble);
  v.d = 0.1;
  EXPECT_EQ(json(v), "0.1");
  v.d = 1.0 / 3.0;
  EXPECT_EQ(json(v), "0.3333333333333333");
  v.d = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(json(v), "\"NaN\"");
  v.d = -std::numeric_limits<double>::infinity();
  EXPECT_EQ(json(v), "\"-Infinity\"");
}

TEST(ValueJson, DecimalIsAString) {
  Value v = make(ValueKind::kDecimal);
  v.bytes = "-12.300";
  EXPECT_EQ(json(v), "\"-12.300\"");
}

TEST(ValueJson, TimestampIsUtcWhateverTheProcessTimeZone) {
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", "America/New_York", 1);
  tzset();
  Value v = make(ValueKind::kTimestamp);
  v.u = 1710052200;  // 2024-03-10 01:30:00 -05:00 (a DST-change day in New York)
  v.t.micro = 500000;
  v.frac_digits = 6;
  EXPECT_EQ(json(v), "\"2024-03-10 06:30:00.500000\"");
  if (old)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
}

TEST(ValueJson, TemporalsWithTheirFractionDigits) {
  Value v = make(ValueKind::kTime);
  v.t.negative = true;
  v.t.hour = 838;
  v.t.minute = 59;
  v.t.second = 59;
  EXPECT_EQ(json(v), "\"-838:59:59\"");
  v = make(ValueKind::kDateTime);
  EXPECT_EQ(json(v), "\"0000-00-00 00:00:00\"");
  v.frac_digits = 2;
  EXPECT_EQ(json(v), "\"0000-00-00 00:00:00.00\"");
  v = make(ValueKind::kDate);
  EXPECT_EQ(json(v), "\"0000-00-00\"");
  v = make(ValueKind::kYear);
  v.i = 2155;
  EXPECT_EQ(json(v), "2155");
}

TEST(ValueJson, TextConvertedToUtf8BinaryAsBase64) {
  Value v = make(ValueKind::kText);
  v.bytes = "\xE9";
  EXPECT_EQ(json(v, with_collation(8)), "\"é\"");  // latin1
  v.bytes = "\x80";
  EXPECT_EQ(json(v, with_collation(8)), "\"€\"");
  v.bytes = "\xF0\x9F\x98\x80";
  EXPECT_EQ(json(v, with_collation(255)), "\"😀\"");  // utf8mb4_0900_ai_ci
  EXPECT_EQ(json(v, with_collation(0)), "\"😀\"");    // unknown: UTF-8 if valid
  v.bytes = "\xE9";
  EXPECT_EQ(json(v, with_collation(0)), "{\"base64\":\"6Q==\"}");
  EXPECT_EQ(json(v, with_collation(45)), "{\"base64\":\"6Q==\",\"charset\":\"utf8mb4\"}");
  EXPECT_EQ(json(v, with_collation(63)), "{\"base64\":\"6Q==\"}");
  // gbk is not converted: ASCII passes, anything else stays bytes with its charset.
  v.bytes = "ab";
  EXPECT_EQ(json(v, with_collation(28)), "\"ab\"");
  v.bytes = "\xC4\xE3";
  EXPECT_EQ(json(v, with_collation(28)), "{\"base64\":\"xOM=\",\"charset\":\"gbk\"}");
  v = make(ValueKind::kBytes);
  v.bytes = std::string_view("\x00\xFF", 2);
  EXPECT_EQ(json(v), "{\"base64\":\"AP8=\"}");
  v = make(ValueKind::kText);
  v.bytes = "quote\" and \\";
  EXPECT_EQ(json(v, with_collation(45)), "\"quote\\\" and \\\\\"");
}

TEST(ValueJson, EnumAndSetByNameElseNumber) {
  ColumnDef c = with_collation(8);
  c.enum_values = {"a", "\xE9t\xE9"};  // latin1 member names
  Value v = make(ValueKind::kEnum);
  v.u = 2;
  EXPECT_EQ(json(v, c), "\"été\"");
  v.u = 0;
  EXPECT_EQ(json(v, c), "0");
  v.u = 3;
  EXPECT_EQ(json(v, c), "3");
  EXPECT_EQ(json(v), "3");  // no strings known
  v = make(ValueKind::kSet);
  v.u = 3;
  EXPECT_EQ(json(v, c), "\"a,été\"");
  v.u = 4;  // a member the table map does not name
  EXPECT_EQ(json(v, c), "4");
  v.u = 0;
  EXPECT_EQ(json(v, c), "\"\"");
}

TEST(ValueJson, BitVectorGeometryJsonNull) {
  Value v = make(ValueKind::kBit);
  v.u = 2730;
  EXPECT_EQ(json(v), "2730");
  v = make(ValueKind::kVector);
  static const char kVec[] = {0, 0, '\x80', '\x3F', '\xCD', '\xCC', '\xCC', '\x3D'};
  v.bytes = std::string_view(kVec, 8);
  EXPECT_EQ(json(v), "[1,0.1]");
  v.bytes = std::string_view(kVec, 3);
  EXPECT_EQ(json(v), "{\"base64\":\"AACA\"}");
  v = make(ValueKind::kGeometry);
  v.bytes = std::string_view(kVec, 4);
  EXPECT_EQ(json(v), "{\"base64\":\"AACAPw==\"}");
  v = make(ValueKind::kJsonText);
  v.bytes = "{\"a\": 1}";
  EXPECT_EQ(json(v), "{\"a\": 1}");
  v = make(ValueKind::kJsonBinary);
  v.bytes = std::string_view("\x04\x01", 2);  // literal true
  EXPECT_EQ(json(v), "true");
  EXPECT_EQ(json(make(ValueKind::kNull)), "null");
}

TEST(ValueJson, RowKeysByNameOrPositionAndSkipsAbsentColumns) {
  TableMap t;
  t.columns.resize(3);
  t.columns[0].name = "id";
  RowImage row;
  row.values.resize(3);
  row.values[0] = make(ValueKind::kInt);
  row.values[0].i = 7;
  row.values[2] = make(ValueKind::kInt);
  row.values[2].i = 9;
  row.present = {true, false, true};
  std::string out;
  JsonWriter w(out);
  write_row_json(w, row, t);
  EXPECT_EQ(out, "{\"id\":7,\"@3\":9}");
  // Two rows in one array: separators stay right around nested objects.
  out.clear();
  JsonWriter w2(out);
  w2.begin_array();
  write_row_json(w2, row, t);
  Value b = make(ValueKind::kBytes);
  b.bytes = "x";
  write_value_json(w2, b, ColumnDef{});
  w2.end_array();
  EXPECT_EQ(out, "[{\"id\":7,\"@3\":9},{\"base64\":\"eA==\"}]");
}

}  // namespace
}  // namespace dbtrail::binlog
