// MySQL binary JSON -> text. Expected texts come from
// shared/fixtures/json-binary/VECTORS.md (upstream test expectations and a
// real 8.0.22 server's rows), from MySQL's documented printing rules, and for
// doubles from a real mariadbd running the same my_gcvt() routine.
#include "binlog/json_binary.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../test_hex.h"

namespace dbtrail::binlog {
namespace {

using dbtrail::testing::unhex;

Result<std::string> to_text(const std::vector<uint8_t>& doc) {
  std::string out;
  Status s = json_binary_to_text(Bytes(doc.data(), doc.size()), out);
  if (!s.ok()) return s.error();
  return out;
}

std::string text_of(std::string_view hex) {
  auto r = to_text(unhex(hex));
  EXPECT_TRUE(r.ok()) << hex << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : "<error>";
}

struct Vector {
  int number;
  std::string hex;
  std::string text;
};

// The table rows of VECTORS.md: | # | `hex` | `text` | note | src |
std::vector<Vector> load_vectors() {
  std::ifstream in(std::string(DBTRAIL_SHARED_DIR) + "/fixtures/json-binary/VECTORS.md");
  std::vector<Vector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() < 4 || line[0] != '|' || !std::isdigit(static_cast<unsigned char>(line[2])))
      continue;
    std::vector<std::string> ticks;  // backtick-quoted cells, in order
    size_t p = 0;
    while ((p = line.find('`', p)) != std::string::npos) {
      size_t q = line.find('`', p + 1);
      if (q == std::string::npos) break;
      ticks.push_back(line.substr(p + 1, q - p - 1));
      p = q + 1;
    }
    if (ticks.size() < 2) continue;
    out.push_back({std::stoi(line.substr(2)), ticks[0], ticks[1]});
  }
  return out;
}

TEST(JsonBinary, AllFixtureVectorsPrintExactlyAsListed) {
  auto vectors = load_vectors();
  ASSERT_EQ(vectors.size(), 56u) << "VECTORS.md not found or its table changed";
  for (const auto& v : vectors) {
    auto r = to_text(unhex(v.hex));
    ASSERT_TRUE(r.ok()) << "vector " << v.number << ": " << r.error().message;
    EXPECT_EQ(r.value(), v.text) << "vector " << v.number;
  }
}

// A few vectors spelled out so a reader sees the behaviour without the table.
TEST(JsonBinary, KeysPrintInStoredLengthThenBytesOrder) {
  EXPECT_EQ(text_of("0004003c00200001002100010022000200240002000c26000c28000c2a00022e00616361626263"
                    "016201640361626302000e000c0a000c0c0001780179"),
            R"({"a": "b", "c": "d", "ab": "abc", "bc": ["x", "y"]})");
}

TEST(JsonBinary, LenientContainerSizeLargerThanBytesPresent) {
  EXPECT_EQ(text_of("02010025000c0800000468657265"), R"(["here"])");
}

TEST(JsonBinary, TrailingBytesAfterTheDocumentAreIgnored) {
  EXPECT_EQ(text_of("0c03666f6fdeadbeef"), R"("foo")");
}

TEST(JsonBinary, EmptyDocumentIsNull) { EXPECT_EQ(text_of(""), "null"); }

TEST(JsonBinary, AppendsToExistingOutput) {
  std::string out = "x=";
  auto doc = unhex("0401");
  ASSERT_TRUE(json_binary_to_text(Bytes(doc.data(), doc.size()), out).ok());
  EXPECT_EQ(out, "x=true");
}

TEST(JsonBinary, IntegersAtTheirLimitsAreExact) {
  EXPECT_EQ(text_of("050080"), "-32768");
  EXPECT_EQ(text_of("06ffff"), "65535");
  EXPECT_EQ(text_of("08ffffffff"), "4294967295");
  EXPECT_EQ(text_of("09ffffffffffffff7f"), "9223372036854775807");
  EXPECT_EQ(text_of("090000000000000080"), "-9223372036854775808");
  EXPECT_EQ(text_of("0affffffffffffffff"), "18446744073709551615");
  EXPECT_EQ(text_of("0a0100000000000080"), "9223372036854775809");  // above INT64_MAX
}

TEST(JsonBinary, Int32IsInlinedOnlyInLargeContainers) {
  // small array: int32 70000 stored at offset 7
  EXPECT_EQ(text_of("0201000b00070700"
                    "70110100"),
            "[70000]");
  // large array: int32 70000 and uint32 4000000000 inlined in their 4-byte entry
  // fields, then "x" at offset 23.
  EXPECT_EQ(text_of("03"
                    "03000000"
                    "19000000"
                    "0770110100"
                    "0800286bee"
                    "0c17000000"
                    "0178"),
            R"([70000, 4000000000, "x"])");
  // large object: key "a" (offset 19, length 1), int16 5 inlined in 4 bytes
  EXPECT_EQ(text_of("01"
                    "01000000"
                    "14000000"
                    "13000000"
                    "0100"
                    "0505000000"
                    "61"),
            R"({"a": 5})");
  // large object with literals and a uint16 inlined
  EXPECT_EQ(text_of("01"
                    "02000000"
                    "20000000"
                    "1e000000"
                    "0100"
                    "1f000000"
                    "0100"
                    "0401000000"
                    "06ffff0000"
                    "6162"),
            R"({"a": true, "b": 65535})");
}

// Doubles: MySQL's JSON printer is my_gcvt(d, DOUBLE, 34) plus ".0" when the
// result has no '.' or 'e' (sql/json_dom.cc). The digit/notation choices below
// were checked against `SELECT <literal>` on mariadbd 10.11 (same my_gcvt);
// the ".0" suffix is MySQL's JSON rule.
std::string double_doc(double d) {
  uint64_t u;
  std::memcpy(&u, &d, 8);
  char hex[4];
  std::string h = "0b";
  for (int i = 0; i < 8; ++i) {
    std::snprintf(hex, sizeof(hex), "%02x", static_cast<unsigned>((u >> (8 * i)) & 0xff));
    h += hex;
  }
  return text_of(h);
}

TEST(JsonBinary, DoublesPrintLikeMySql) {
  EXPECT_EQ(double_doc(3.14159), "3.14159");
  EXPECT_EQ(double_doc(0.1), "0.1");
  EXPECT_EQ(double_doc(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(double_doc(1e20), "1e20");
  EXPECT_EQ(double_doc(1e15), "1e15");
  EXPECT_EQ(double_doc(1e14), "100000000000000.0");
  EXPECT_EQ(double_doc(1.0), "1.0");
  EXPECT_EQ(double_doc(100.0), "100.0");
  EXPECT_EQ(double_doc(-2.5), "-2.5");
  EXPECT_EQ(double_doc(0.0), "0.0");
  EXPECT_EQ(double_doc(-0.0), "-0.0");  // dtoa keeps the sign of zero
  EXPECT_EQ(double_doc(1e-7), "0.0000001");
  EXPECT_EQ(double_doc(-1e-7), "-0.0000001");
  EXPECT_EQ(double_doc(1e-15), "0.000000000000001");
  EXPECT_EQ(double_doc(1e-16), "1e-16");
  EXPECT_EQ(double_doc(1.5e-20), "1.5e-20");
  EXPECT_EQ(double_doc(1234567890123456.7), "1234567890123456.8");
  EXPECT_EQ(double_doc(12345678901234567.0), "1.2345678901234568e16");
  EXPECT_EQ(double_doc(1.7976931348623157e308), "1.7976931348623157e308");
  EXPECT_EQ(double_doc(5e-324), "5e-324");
  EXPECT_EQ(double_doc(1.0 / 3), "0.3333333333333333");
}

TEST(JsonBinary, NonFiniteDoubleIsCorrupt) {
  EXPECT_FALSE(to_text(unhex("0b000000000000f07f")).ok());  // +inf
  EXPECT_FALSE(to_text(unhex("0b000000000000f87f")).ok());  // NaN
}

TEST(JsonBinary, StringsEscapeQuotesBackslashAndControlCharactersOnly) {
  // a " \ \n \t \b \f \r 0x01 0x1f / 0x7f é
  EXPECT_EQ(text_of("0c11"
                    "61"
                    "22"
                    "5c"
                    "0a"
                    "09"
                    "08"
                    "0c"
                    "0d"
                    "01"
                    "1f"
                    "2f"
                    "7f"
                    "c3a9"
                    "e282ac"),
            "\"a\\\"\\\\\\n\\t\\b\\f\\r\\u0001\\u001f/\x7f\xc3\xa9\xe2\x82\xac\"");
}

TEST(JsonBinary, KeysAreEscapedToo) {
  // {"a\"": 1}
  EXPECT_EQ(text_of("0001000d000b0002000501006122"), R"({"a\"": 1})");
}

TEST(JsonBinary, StringLengthUsesSevenBitGroups) {
  std::string h =
      "0c"
      "ac02";  // 300 = 0b10_0101100 -> 0xac 0x02
  for (int i = 0; i < 300; ++i) h += "7a";
  EXPECT_EQ(text_of(h), "\"" + std::string(300, 'z') + "\"");
}

TEST(JsonBinary, TemporalOpaques) {
  // TIMESTAMP (7) uses the DATETIME packing
  EXPECT_EQ(text_of("0f070800000019761f9519"), R"("2015-01-15 23:24:25.000000")");
  // negative TIME -00:00:01.500000: -((1 << 24) + 500000)
  int64_t packed = -((int64_t{1} << 24) + 500000);
  uint64_t u = static_cast<uint64_t>(packed);
  std::string h = "0f0b08";
  char b[3];
  for (int i = 0; i < 8; ++i) {
    std::snprintf(b, sizeof(b), "%02x", static_cast<unsigned>((u >> (8 * i)) & 0xff));
    h += b;
  }
  EXPECT_EQ(text_of(h), R"("-00:00:01.500000")");
  // TIME 838:59:59 ((838<<12 | 59<<6 | 59) << 24)
  uint64_t t = ((uint64_t{838} << 12) | (59 << 6) | 59) << 24;
  h = "0f0b08";
  for (int i = 0; i < 8; ++i) {
    std::snprintf(b, sizeof(b), "%02x", static_cast<unsigned>((t >> (8 * i)) & 0xff));
    h += b;
  }
  EXPECT_EQ(text_of(h), R"("838:59:59.000000")");
  EXPECT_FALSE(to_text(unhex("0f0a0400001e95")).ok());  // packed value shorter than 8 bytes
}

TEST(JsonBinary, DecimalOpaques) {
  EXPECT_EQ(text_of("0ff6050500803039"), "12345");    // decimal(5,0)
  EXPECT_EQ(text_of("0ff60505007fcfc6"), "-12345");   // negative: bytes inverted
  EXPECT_EQ(text_of("0ff60b1402875bcd1500bc614e5a"),  // decimal(20,2)
            "123456789012345678.90");
  EXPECT_EQ(text_of("0ff60404028000"), "0.00");           // decimal(4,2) zero keeps scale
  EXPECT_FALSE(to_text(unhex("0ff6040302ff63")).ok());    // group 127 > 9 (one digit)
  EXPECT_FALSE(to_text(unhex("0ff6044302810000")).ok());  // precision 67 out of range
  EXPECT_FALSE(to_text(unhex("0ff603030281")).ok());      // digits truncated
}

TEST(JsonBinary, OtherOpaquesAreBase64WithMySqlLineBreaks) {
  EXPECT_EQ(text_of("0ffd00"), R"("base64:type253:")");
  // 60 zero bytes -> 80 base64 characters, broken after 76 like MySQL's base64_encode
  std::string h = "0ffc3c" + std::string(120, '0');
  EXPECT_EQ(text_of(h), "\"base64:type252:" + std::string(76, 'A') + "\\n" + "AAAA\"");
}

// Nested small arrays: each level holds one array at offset 7.
std::vector<uint8_t> nested_arrays(int levels) {
  std::vector<uint8_t> data = {0x00, 0x00, 0x04, 0x00};  // innermost []
  for (int i = 1; i < levels; ++i) {
    uint16_t size = static_cast<uint16_t>(7 + data.size());
    std::vector<uint8_t> outer = {
        0x01, 0x00, static_cast<uint8_t>(size & 0xff), static_cast<uint8_t>(size >> 8), 0x02,
        0x07, 0x00};
    outer.insert(outer.end(), data.begin(), data.end());
    data = std::move(outer);
  }
  data.insert(data.begin(), 0x02);
  return data;
}

TEST(JsonBinary, DepthLimitIsOneHundredLikeMySql) {
  auto ok = to_text(nested_arrays(100));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), std::string(100, '[') + std::string(100, ']'));
  auto deep = to_text(nested_arrays(101));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().code, ErrorCode::kCorrupt);
}

TEST(JsonBinary, EveryTruncationOfEveryVectorIsCorrupt) {
  for (const auto& v : load_vectors()) {
    auto full = unhex(v.hex);
    size_t keep = v.number == 9 ? full.size() - 4 : full.size();  // #9 has 4 trailing bytes
    for (size_t n = 1; n < keep; ++n) {
      std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<ptrdiff_t>(n));
      std::string out = "keep";
      Status s = json_binary_to_text(Bytes(cut.data(), cut.size()), out);
      ASSERT_FALSE(s.ok()) << "vector " << v.number << " cut to " << n;
      EXPECT_EQ(s.error().code, ErrorCode::kCorrupt);
      EXPECT_EQ(out, "keep") << "partial output left behind";
    }
  }
}

TEST(JsonBinary, MalformedContainersAreReported) {
  EXPECT_FALSE(to_text(unhex("0001000c000b0001000c7f0061")).ok());    // value offset 127 > size
  EXPECT_FALSE(to_text(unhex("0001000c00ff0001000500020061")).ok());  // key offset out of range
  EXPECT_FALSE(to_text(unhex("02ffff0400")).ok());                    // 65535 entries in 4 bytes
  EXPECT_FALSE(to_text(unhex("0201000700")).ok());                    // entry missing
  EXPECT_FALSE(to_text(unhex("0403")).ok());                          // unknown literal
  EXPECT_FALSE(to_text(unhex("0d00")).ok());                          // unknown type
  EXPECT_FALSE(to_text(unhex("0c8080808010")).ok());                  // length beyond 32 bits
  EXPECT_FALSE(to_text(unhex("0c808080808001")).ok());                // 6-byte length
  auto r = to_text(unhex("0001000c000b0001000c7f0061"));
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(r.error().message.find("byte"), std::string::npos);
}

// Random bytes and single-byte mutations of the vectors must never crash or
// read out of bounds (run under ASan); they may decode or be kCorrupt.
TEST(JsonBinary, GarbageNeverCrashes) {
  std::mt19937 rng(12345);
  std::string out;
  for (int iter = 0; iter < 20000; ++iter) {
    std::vector<uint8_t> doc(1 + rng() % 48);
    for (auto& b : doc) b = static_cast<uint8_t>(rng());
    doc[0] = static_cast<uint8_t>(rng() % 16);  // mostly valid type bytes
    out.clear();
    Status s = json_binary_to_text(Bytes(doc.data(), doc.size()), out);
    if (!s.ok()) {
      EXPECT_EQ(s.error().code, ErrorCode::kCorrupt);
    }
  }
  for (const auto& v : load_vectors()) {
    auto full = unhex(v.hex);
    for (size_t i = 0; i < full.size(); ++i) {
      for (uint8_t x : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
        auto m = full;
        m[i] = x;
        out.clear();
        Status s = json_binary_to_text(Bytes(m.data(), m.size()), out);
        if (!s.ok()) {
          EXPECT_EQ(s.error().code, ErrorCode::kCorrupt);
        }
      }
    }
  }
}

}  // namespace
}  // namespace dbtrail::binlog
