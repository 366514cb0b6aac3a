// The SQL literal of each column type, from cells in the value encoding.
#include "recover/sql_literal.h"

#include <gtest/gtest.h>

namespace dbtrail::recover {
namespace {

ColumnFacts col(const char* data_type, uint32_t binary_length = 0) {
  ColumnFacts c;
  c.name = "c";
  c.data_type = data_type;
  c.literal = literal_class_of(data_type);
  c.binary_length = binary_length;
  return c;
}

std::string lit(const std::string& json, const ColumnFacts& c) {
  auto v = parse_json(json);
  EXPECT_TRUE(v.ok()) << json;
  if (!v.ok()) return "<bad json>";
  auto r = sql_literal(*v, c);
  return r.ok() ? *r : "ERROR: " + r.error().message;
}

TEST(SqlLiteral, IntegersAreExactAtTheirLimits) {
  EXPECT_EQ(lit("-9223372036854775808", col("bigint")), "-9223372036854775808");
  EXPECT_EQ(lit("18446744073709551615", col("bigint")), "18446744073709551615");
  EXPECT_EQ(lit("-128", col("tinyint")), "-128");
  EXPECT_EQ(lit("2155", col("year")), "2155");
  EXPECT_EQ(lit("0", col("year")), "0");
  EXPECT_EQ(lit("1.5", col("int")).rfind("ERROR", 0), 0u);
  EXPECT_EQ(lit("\"1\"", col("int")).rfind("ERROR", 0), 0u);
}

TEST(SqlLiteral, FloatIsWrittenAsItsExactDoubleSoFltMaxStaysInRange) {
  EXPECT_EQ(lit("3.4028235e+38", col("float")), "3.4028234663852886e+38");
  EXPECT_EQ(lit("0.1", col("float")), "0.10000000149011612");
  EXPECT_EQ(lit("-0", col("float")), "-0");
  EXPECT_EQ(lit("1e-300", col("double")), "1e-300");
  EXPECT_EQ(lit("0.1", col("double")), "0.1");
  EXPECT_EQ(lit("\"NaN\"", col("double")).rfind("ERROR", 0), 0u);
}

TEST(SqlLiteral, DecimalIsUnquotedExactDigits) {
  const std::string d65 = "\"-12345678901234567890123456789012345.123456789012345678901234567890\"";
  EXPECT_EQ(lit(d65, col("decimal")), d65.substr(1, d65.size() - 2));
  EXPECT_EQ(lit("\"0.0001\"", col("decimal")), "0.0001");
  EXPECT_EQ(lit("\"1; DROP TABLE t\"", col("decimal")).rfind("ERROR", 0), 0u);
  EXPECT_EQ(lit("1.5", col("decimal")).rfind("ERROR", 0), 0u);
}

TEST(SqlLiteral, TemporalValuesAreQuoted) {
  EXPECT_EQ(lit("\"-838:59:59.000000\"", col("time")), "'-838:59:59.000000'");
  EXPECT_EQ(lit("\"2024-02-29\"", col("date")), "'2024-02-29'");
  EXPECT_EQ(lit("\"2038-01-19 03:14:07.999999\"", col("timestamp")),
            "'2038-01-19 03:14:07.999999'");
  EXPECT_EQ(lit("\"0000-00-00 00:00:00\"", col("datetime")), "'0000-00-00 00:00:00'");
  EXPECT_EQ(lit("\"2024-01-01'\"", col("datetime")).rfind("ERROR", 0), 0u);
}

TEST(SqlLiteral, TextCarriesAnIntroducerAndDoubledQuotes) {
  EXPECT_EQ(lit("\"it's\"", col("varchar")), "_utf8mb4'it''s'");
  EXPECT_EQ(lit("\"\xF0\x9F\x98\x80 \xC3\xA9\"", col("text")),
            "_utf8mb4'\xF0\x9F\x98\x80 \xC3\xA9'");
  EXPECT_EQ(lit("\"\"", col("char")), "_utf8mb4''");
}

TEST(SqlLiteral, TextWithBackslashOrControlBytesGoesAsHex) {
  EXPECT_EQ(lit("\"a\\\\b\"", col("varchar")), "_utf8mb4 X'615c62'");
  EXPECT_EQ(lit("\"a\\nb\"", col("varchar")), "_utf8mb4 X'610a62'");
  EXPECT_EQ(lit("\"\\u0000\"", col("varchar")), "_utf8mb4 X'00'");
}

TEST(SqlLiteral, TextInAnUnconvertedCharsetKeepsItsBytesAndCharset) {
  EXPECT_EQ(lit("{\"base64\":\"xOM=\",\"charset\":\"gbk\"}", col("varchar")), "_gbk X'c4e3'");
  EXPECT_EQ(lit("{\"base64\":\"xOM=\",\"charset\":\"x' OR 1\"}", col("varchar")), "X'c4e3'");
}

TEST(SqlLiteral, BinaryIsHexAndBinaryNGetsItsZeroPadBack) {
  EXPECT_EQ(lit("{\"base64\":\"AAEC\"}", col("varbinary")), "X'000102'");
  EXPECT_EQ(lit("{\"base64\":\"AAEC\"}", col("binary", 6)), "X'000102000000'");
  EXPECT_EQ(lit("{\"base64\":\"\"}", col("binary", 2)), "X'0000'");
  EXPECT_EQ(lit("{\"base64\":\"\"}", col("blob")), "X''");
  EXPECT_EQ(lit("{\"base64\":\"!!\"}", col("blob")).rfind("ERROR", 0), 0u);
  EXPECT_EQ(lit("\"text\"", col("blob")).rfind("ERROR", 0), 0u);
}

TEST(SqlLiteral, GeometryIsTheStoredBytesInHex) {
  EXPECT_EQ(lit("{\"base64\":\"AAAAAAEB\"}", col("geometry")), "X'000000000101'");
  EXPECT_EQ(lit("{\"base64\":\"AAAAAAEB\"}", col("point")), "X'000000000101'");
}

TEST(SqlLiteral, EnumAndSetAsMembersOrNumbers) {
  EXPECT_EQ(lit("\"c d\"", col("enum")), "_utf8mb4'c d'");
  EXPECT_EQ(lit("\"x,z\"", col("set")), "_utf8mb4'x,z'");
  EXPECT_EQ(lit("\"\"", col("set")), "_utf8mb4''");
  EXPECT_EQ(lit("2", col("enum")), "2");
  EXPECT_EQ(lit("5", col("set")), "5");
}

TEST(SqlLiteral, BitAsABitString) {
  EXPECT_EQ(lit("0", col("bit")), "b'0'");
  EXPECT_EQ(lit("2730", col("bit")), "b'101010101010'");
  EXPECT_EQ(lit("18446744073709551615", col("bit")), "b'" + std::string(64, '1') + "'");
  EXPECT_EQ(lit("-1", col("bit")).rfind("ERROR", 0), 0u);
}

TEST(SqlLiteral, MySqlJsonIsCastFromItsExactText) {
  EXPECT_EQ(lit("{\"a\": [1, 2.50]}", col("json")), "CAST(_utf8mb4'{\"a\": [1, 2.50]}' AS JSON)");
  EXPECT_EQ(lit("\"it's\"", col("json")), "CAST(_utf8mb4'\"it''s\"' AS JSON)");
  EXPECT_EQ(lit("{\"s\": \"a\\\\b\"}", col("json")),
            "CAST(_utf8mb4 X'7b2273223a2022615c5c62227d' AS JSON)");
  EXPECT_EQ(lit("null", col("json")), "NULL");
  EXPECT_EQ(lit("false", col("json")), "CAST(_utf8mb4'false' AS JSON)");
  // MySQL's own output never has the compact {"base64":"...}: a document that
  // merely has a "base64" member still goes through.
  EXPECT_EQ(lit("{\"base64\": \"x\"}", col("json")), "CAST(_utf8mb4'{\"base64\": \"x\"}' AS JSON)");
}

TEST(SqlLiteral, UnresolvedPartialJsonIsRefused) {
  for (const char* v :
       {"{\"base64\":\"AAEC\"}", "{\"base64\":\"AAEC\",\"error\":\"invalid JSON binary\"}",
        "{\"json_diff_base64\":\"AAEC\"}"}) {
    SCOPED_TRACE(v);
    auto parsed = parse_json(v);
    ASSERT_TRUE(parsed.ok());
    auto r = sql_literal(*parsed, col("json"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
    EXPECT_NE(r.error().message.find("partial"), std::string::npos);
  }
}

TEST(SqlLiteral, MariaDbJsonIsPlainText) {
  EXPECT_EQ(lit("\"{\\\"a\\\": 1}\"", col("longtext")), "_utf8mb4'{\"a\": 1}'");
}

TEST(SqlLiteral, VectorIsLittleEndianFloat32Hex) {
  EXPECT_EQ(lit("[1,0.5]", col("vector")), "X'0000803f0000003f'");
}

TEST(SqlLiteral, NullForEveryType) {
  for (const char* t :
       {"int", "float", "decimal", "date", "varchar", "binary", "enum", "bit", "json", "geometry"})
    EXPECT_EQ(lit("null", col(t)), "NULL") << t;
}

TEST(SqlLiteral, IdentifiersDoubleTheirBackquotes) {
  EXPECT_EQ(quote_identifier("a`b"), "`a``b`");
  EXPECT_EQ(qualified_table("s", "t t"), "`s`.`t t`");
}

}  // namespace
}  // namespace dbtrail::recover
