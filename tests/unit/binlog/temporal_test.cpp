// Temporal layouts and text forms. Calendar expectations were computed with
// Python's datetime (an independent implementation); TIME2 vectors are real
// MariaDB 10.11 cells with the text mariadb-binlog printed.

#include "binlog/temporal.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dbtrail::binlog {
namespace {

std::string ts(uint64_t s, uint32_t micro = 0, unsigned frac = 0) {
  char buf[kMaxTemporalText];
  return std::string(buf, format_timestamp(s, micro, frac, buf));
}

std::string time2(std::vector<uint8_t> b, unsigned fsp) {
  Temporal t;
  if (!time2_from_binary(Bytes(b.data(), b.size()), fsp, t)) return "<invalid>";
  char buf[kMaxTemporalText];
  return std::string(buf, format_time(t, fsp, buf));
}

TEST(Temporal, EpochToUtcCivilAcrossLeapDaysAndCenturies) {
  EXPECT_EQ(ts(1), "1970-01-01 00:00:01");
  EXPECT_EQ(ts(68169600), "1972-02-29 00:00:00");
  EXPECT_EQ(ts(951782400), "2000-02-29 00:00:00");
  EXPECT_EQ(ts(4107542400), "2100-03-01 00:00:00");  // 2100 is not a leap year
  EXPECT_EQ(ts(2147483647, 100000, 1), "2038-01-19 03:14:07.1");
  EXPECT_EQ(ts(4294967295, 999999, 6), "2106-02-07 06:28:15.999999");
  EXPECT_EQ(ts(1709208000, 123000, 3), "2024-02-29 12:00:00.123");
}

TEST(Temporal, ZeroTimestampKeepsItsFractionDigits) {
  EXPECT_EQ(ts(0), "0000-00-00 00:00:00");
  EXPECT_EQ(ts(0, 0, 3), "0000-00-00 00:00:00.000");
}

TEST(Temporal, FracBytesPerPrecision) {
  EXPECT_EQ(frac_bytes(0), 0u);
  EXPECT_EQ(frac_bytes(1), 1u);
  EXPECT_EQ(frac_bytes(2), 1u);
  EXPECT_EQ(frac_bytes(3), 2u);
  EXPECT_EQ(frac_bytes(4), 2u);
  EXPECT_EQ(frac_bytes(5), 3u);
  EXPECT_EQ(frac_bytes(6), 3u);
}

TEST(Temporal, NegativeTime2WithFractionUsesComplementedStorage) {
  EXPECT_EQ(time2({0x7F, 0xFF, 0xFF, 0xCE}, 1), "-00:00:00.5");
  EXPECT_EQ(time2({0x7F, 0xEF, 0x7C, 0xEE, 0x30}, 3), "-01:02:03.456");
  EXPECT_EQ(time2({0x4B, 0x91, 0x04, 0x9D}, 2), "-838:59:59.99");
  EXPECT_EQ(time2({0x7F, 0xFF, 0xFE, 0xFF, 0xFF, 0xF6}, 5), "-00:00:01.00001");
  EXPECT_EQ(time2({0x86, 0x40, 0x00, 0x32}, 1), "100:00:00.5");
  // An impossible fraction for a negative int part (would be below -1 s).
  EXPECT_EQ(time2({0x7F, 0xFF, 0xFF, 0x10}, 1), "<invalid>");
  EXPECT_EQ(time2({0x80, 0x00}, 0), "<invalid>");
}

TEST(Temporal, OldLayoutsFromDecimalNumbers) {
  Temporal t = time_from_int(-8385959);
  EXPECT_TRUE(t.negative);
  EXPECT_EQ(t.hour, 838u);
  EXPECT_EQ(t.minute, 59);
  EXPECT_EQ(t.second, 59);
  t = datetime_from_uint(20240229235959ULL);
  EXPECT_EQ(t.year, 2024);
  EXPECT_EQ(t.month, 2);
  EXPECT_EQ(t.day, 29);
  EXPECT_EQ(t.hour, 23u);
  // DATE: day | month << 5 | year << 9 = 29 | 2 << 5 | 2024 << 9 = 0x0FD05D.
  t = date_from_uint(0x0FD05D);
  EXPECT_EQ(t.year, 2024);
  EXPECT_EQ(t.month, 2);
  EXPECT_EQ(t.day, 29);
}

TEST(Temporal, FormatsPadFieldsAndWriteExactlyFracDigits) {
  Temporal t;
  t.year = 5;
  t.month = 1;
  t.day = 2;
  t.hour = 3;
  t.minute = 4;
  t.second = 5;
  t.micro = 500000;
  char buf[kMaxTemporalText];
  EXPECT_EQ(std::string(buf, format_date(t, buf)), "0005-01-02");
  EXPECT_EQ(std::string(buf, format_datetime(t, 0, buf)), "0005-01-02 03:04:05");
  EXPECT_EQ(std::string(buf, format_datetime(t, 2, buf)), "0005-01-02 03:04:05.50");
  EXPECT_EQ(std::string(buf, format_datetime(t, 6, buf)), "0005-01-02 03:04:05.500000");
  t.hour = 100;
  t.negative = true;
  EXPECT_EQ(std::string(buf, format_time(t, 1, buf)), "-100:04:05.5");
}

}  // namespace
}  // namespace dbtrail::binlog
