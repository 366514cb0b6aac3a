// Collation ids and conversions. Expected code points are those a MariaDB
// 10.11 server gives for CONVERT(_cs X'nn' USING utf32), and MySQL 8's
// documented collation ids (SHOW COLLATION).

#include "binlog/charset.h"

#include <gtest/gtest.h>

#include <string>

namespace dbtrail::binlog {
namespace {

std::string conv(Charset cs, std::string_view in) {
  std::string out = "prefix:";
  if (!to_utf8(cs, in, out)) {
    EXPECT_EQ(out, "prefix:") << "a failed conversion must leave the output unchanged";
    return "<invalid>";
  }
  return out.substr(7);
}

TEST(Charset, CollationIdsOfMysqlAndMariadb) {
  EXPECT_EQ(charset_of_collation(0), Charset::kUnknown);
  EXPECT_EQ(charset_of_collation(63), Charset::kBinary);
  for (uint16_t id : {8, 5, 15, 31, 47, 48, 49, 94})
    EXPECT_EQ(charset_of_collation(id), Charset::kLatin1) << id;
  for (uint16_t id : {33, 83, 192, 215, 223, 76})
    EXPECT_EQ(charset_of_collation(id), Charset::kUtf8mb3) << id;
  for (uint16_t id : {45, 46, 224, 247, 255, 300, 309, 323})
    EXPECT_EQ(charset_of_collation(id), Charset::kUtf8mb4) << id;
  EXPECT_EQ(charset_of_collation(11), Charset::kAscii);
  EXPECT_EQ(charset_of_collation(9), Charset::kLatin2);
  EXPECT_EQ(charset_of_collation(51), Charset::kCp1251);
  EXPECT_EQ(charset_of_collation(35), Charset::kUcs2);
  EXPECT_EQ(charset_of_collation(54), Charset::kUtf16);
  EXPECT_EQ(charset_of_collation(56), Charset::kUtf16le);
  EXPECT_EQ(charset_of_collation(60), Charset::kUtf32);
  EXPECT_EQ(charset_of_collation(28), Charset::kGbk);
  EXPECT_EQ(charset_of_collation(248), Charset::kGb18030);
  // MariaDB-only ids: NOPAD variants and the UCA 14.0 collations.
  EXPECT_EQ(charset_of_collation(1032), Charset::kLatin1);
  EXPECT_EQ(charset_of_collation(2048), Charset::kUtf8mb3);
  EXPECT_EQ(charset_of_collation(254), Charset::kUnknown);
  EXPECT_EQ(charset_of_collation(65535), Charset::kUnknown);
  EXPECT_STREQ(charset_name(Charset::kUtf8mb4), "utf8mb4");
  EXPECT_STREQ(charset_name(Charset::kUjis), "ujis");
}

TEST(Charset, Latin1IsCp1252) {
  EXPECT_EQ(conv(Charset::kLatin1, "\xE9"), "é");
  EXPECT_EQ(conv(Charset::kLatin1, "\x80"), "€");
  EXPECT_EQ(conv(Charset::kLatin1, "\x81"), "\xC2\x81");  // cp1252 hole kept as U+0081
  EXPECT_EQ(conv(Charset::kLatin1, "\x9F\xFF"), "Ÿÿ");
  EXPECT_EQ(conv(Charset::kLatin1, "plain"), "plain");
}

TEST(Charset, OtherSingleByteCharsets) {
  EXPECT_EQ(conv(Charset::kLatin2, "\xB1"), "ą");
  EXPECT_EQ(conv(Charset::kCp1251, "\xC0\xE0"), "Аа");
  EXPECT_EQ(conv(Charset::kCp1251, "\x98"), "<invalid>");  // unassigned in cp1251
  EXPECT_EQ(conv(Charset::kAscii, "abc"), "abc");
  EXPECT_EQ(conv(Charset::kAscii, "\x80"), "<invalid>");
}

TEST(Charset, Utf8PassThroughAndValidation) {
  EXPECT_EQ(conv(Charset::kUtf8mb4, "\xF0\x9F\x98\x80"), "😀");
  EXPECT_EQ(conv(Charset::kUtf8mb3, "é€"), "é€");
  EXPECT_EQ(conv(Charset::kUtf8mb4, "\xFF"), "<invalid>");
  EXPECT_EQ(conv(Charset::kUtf8mb4, "\xF0\x9F\x98"), "<invalid>");
}

TEST(Charset, WideCharsets) {
  using namespace std::string_view_literals;
  EXPECT_EQ(conv(Charset::kUcs2, "\x00\xE9"sv), "é");
  EXPECT_EQ(conv(Charset::kUtf16, "\xD8\x3D\xDE\x00"sv), "😀");
  EXPECT_EQ(conv(Charset::kUtf16le, "\x3D\xD8\x00\xDE"sv), "😀");
  EXPECT_EQ(conv(Charset::kUtf32, "\x00\x01\xF6\x00"sv), "😀");
  EXPECT_EQ(conv(Charset::kUtf16, "\x00\x41\x00"sv), "<invalid>");      // odd length
  EXPECT_EQ(conv(Charset::kUtf16, "\xD8\x3D\x00\x41"sv), "<invalid>");  // lone high surrogate
  EXPECT_EQ(conv(Charset::kUtf16, "\xDE\x00"sv), "<invalid>");          // lone low surrogate
  EXPECT_EQ(conv(Charset::kUcs2, "\xD8\x3D\xDE\x00"sv), "<invalid>");   // no pairs in UCS-2
  EXPECT_EQ(conv(Charset::kUtf32, "\x00\x11\x00\x00"sv), "<invalid>");  // above U+10FFFF
}

TEST(Charset, UnconvertedCharsetsRefuse) {
  EXPECT_FALSE(charset_converts(Charset::kGbk));
  EXPECT_FALSE(charset_converts(Charset::kBinary));
  EXPECT_FALSE(charset_converts(Charset::kUnknown));
  EXPECT_TRUE(charset_converts(Charset::kUtf32));
  EXPECT_EQ(conv(Charset::kGbk, "abc"), "<invalid>");
}

}  // namespace
}  // namespace dbtrail::binlog
