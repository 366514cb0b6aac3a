#include "util/json_writer.h"

#include <gtest/gtest.h>

namespace dbtrail {
namespace {

TEST(JsonWriter, CommasAndNesting) {
  std::string s;
  JsonWriter w(s);
  w.begin_object();
  w.key("a");
  w.int64(-1);
  w.key("b");
  w.begin_array();
  w.uint64(18446744073709551615ull);
  w.null();
  w.boolean(false);
  w.end_array();
  w.key("c");
  w.string("x");
  w.end_object();
  EXPECT_EQ(s, R"({"a":-1,"b":[18446744073709551615,null,false],"c":"x"})");
}

TEST(JsonWriter, EscapesControlQuotesAndKeepsUtf8) {
  std::string s;
  JsonWriter::append_escaped(s, std::string("q\"b\\n\n\x01 \xf0\x9f\x98\x80 \xc3\xa9", 15));
  EXPECT_EQ(s, "\"q\\\"b\\\\n\\n\\u0001 \xf0\x9f\x98\x80 \xc3\xa9\"");
}

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacter) {
  std::string s;
  JsonWriter::append_escaped(s, "a\xe9z");
  EXPECT_EQ(s, "\"a\xef\xbf\xbdz\"");
}

TEST(Utf8, Validity) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xe9"));              // latin1 é
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // cut short
}

}  // namespace
}  // namespace dbtrail
