// The row-image reader keeps number tokens and value text exactly.
#include "recover/json_reader.h"

#include <gtest/gtest.h>

namespace dbtrail::recover {
namespace {

TEST(JsonReader, NumbersKeepTheirTokenAndValuesTheirText) {
  auto v = parse_json(
      R"( {"u":18446744073709551615, "d":0.10, "j":{"a": [1, 2]}, "s":"\u00e9\ud83d\ude00"} )");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->find("u")->text, "18446744073709551615");
  EXPECT_EQ(v->find("d")->text, "0.10");
  EXPECT_EQ(v->find("j")->raw, R"({"a": [1, 2]})");
  EXPECT_EQ(v->find("s")->text, "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(v->find("missing"), nullptr);
}

TEST(JsonReader, RejectsMalformedInputWithTheOffset) {
  for (const char* bad :
       {"{", "[1,]", "{\"a\" 1}", "01x", "\"\\ud800\"", "\"a\nb\"", "tru", "1 2", "-"}) {
    auto v = parse_json(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_NE(v.error().message.find("byte"), std::string::npos);
  }
  EXPECT_FALSE(parse_json(std::string(10000, '[')).ok());
}

}  // namespace
}  // namespace dbtrail::recover
