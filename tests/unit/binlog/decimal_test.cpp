// Binary NEWDECIMAL -> text. Vectors: MySQL's documented example
// (strings/decimal.cc: 1234567890.1234 as DECIMAL(14,4) is 81 0D FB 38 D2 04 D2,
// its negation 7E F2 04 C7 2D FB 2D) and cells of a real MariaDB 10.11 binlog
// with the text `mariadb-binlog -vv` printed for them.

#include "binlog/decimal.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dbtrail::binlog {
namespace {

std::string text(std::vector<uint8_t> b, unsigned precision, unsigned scale) {
  char buf[kMaxDecimalText];
  size_t n = decimal_to_text(Bytes(b.data(), b.size()), precision, scale, buf);
  return n == 0 ? "<invalid>" : std::string(buf, n);
}

TEST(Decimal, BinarySizeUsesNineDigitGroupsAndLeftoverSizes) {
  EXPECT_EQ(decimal_binary_size(14, 4), 7u);    // 10 int digits: 1 + 4; 4 frac: 2
  EXPECT_EQ(decimal_binary_size(10, 2), 5u);    // 8 int digits: 4; 2 frac: 1
  EXPECT_EQ(decimal_binary_size(65, 30), 30u);  // 35 int: 3*4+4; 30 frac: 3*4+2
  EXPECT_EQ(decimal_binary_size(9, 0), 4u);
  EXPECT_EQ(decimal_binary_size(1, 1), 1u);
  EXPECT_EQ(decimal_binary_size(18, 9), 8u);
  EXPECT_EQ(decimal_binary_size(0, 0), 0u);
  EXPECT_EQ(decimal_binary_size(5, 6), 0u);
}

TEST(Decimal, MysqlDocumentedExample) {
  EXPECT_EQ(text({0x81, 0x0D, 0xFB, 0x38, 0xD2, 0x04, 0xD2}, 14, 4), "1234567890.1234");
  EXPECT_EQ(text({0x7E, 0xF2, 0x04, 0xC7, 0x2D, 0xFB, 0x2D}, 14, 4), "-1234567890.1234");
}

TEST(Decimal, LeadingZerosStrippedFractionKeptAtScale) {
  EXPECT_EQ(text({0x80, 0x00, 0x01}, 5, 0), "1");
  EXPECT_EQ(text({0x80, 0x01}, 4, 4), "0.0001");
  EXPECT_EQ(text({0x6C, 0x77}, 4, 4), "-0.5000");
  EXPECT_EQ(text({0x7F, 0xFF, 0xFF, 0xF3, 0xFE, 0xD3}, 10, 3), "-12.300");
  EXPECT_EQ(text({0x80, 0x12, 0xD6, 0x87, 0x01, 0xF4}, 10, 3), "1234567.500");
  EXPECT_EQ(text({0x80, 0, 0, 0, 0, 0, 0, 0}, 18, 9), "0.000000000");
  EXPECT_EQ(text({0x78, 0xA4, 0x32, 0xEA, 0xF8, 0xA4, 0x32, 0xEA}, 18, 9), "-123456789.123456789");
}

TEST(Decimal, Decimal65Scale30) {
  std::vector<uint8_t> max_neg = {0x7A, 0x0A, 0x1F, 0x00, 0xC4, 0x65, 0x36, 0x00, 0xC4, 0x65,
                                  0x36, 0x00, 0xC4, 0x65, 0x36, 0x00, 0xC4, 0x65, 0x36, 0x00,
                                  0xC4, 0x65, 0x36, 0x00, 0xC4, 0x65, 0x36, 0x00, 0xFC, 0x18};
  EXPECT_EQ(text(max_neg, 65, 30),
            "-99999999999999999999999999999999999.999999999999999999999999999999");
  std::vector<uint8_t> pos = {0x80, 0xBC, 0x61, 0x4E, 0x35, 0xB7, 0xBF, 0x87, 0x35, 0x0E,
                              0x34, 0xC0, 0x2F, 0x07, 0x5F, 0x79, 0x07, 0x5B, 0xCD, 0x15,
                              0x00, 0xBC, 0x61, 0x4E, 0x35, 0xB7, 0xBF, 0x87, 0x03, 0x7A};
  EXPECT_EQ(text(pos, 65, 30),
            "12345678901234567890123456789012345.123456789012345678901234567890");
}

TEST(Decimal, RejectsWrongSizeAndOutOfRangeGroups) {
  EXPECT_EQ(text({0x80, 0x00}, 5, 0), "<invalid>");                     // needs 3 bytes
  EXPECT_EQ(text({0x80 | 0x3B, 0x9A, 0xCA, 0x00}, 9, 0), "<invalid>");  // 1000000000
  EXPECT_EQ(text({0x80, 0x64}, 2, 0), "<invalid>");                     // 100 in a 2-digit group
}

}  // namespace
}  // namespace dbtrail::binlog
