#include "stream/gtid_set.h"

#include <gtest/gtest.h>

namespace dbtrail::stream {
namespace {

TEST(GtidSet, MariaDbKeepsNewestPerDomain) {
  auto s = GtidSet::parse("0-1-5,1-2-9");
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(s->add("0-1-6").ok());
  ASSERT_TRUE(s->add("2-1-1").ok());
  EXPECT_EQ(s->to_string(), "0-1-6,1-2-9,2-1-1");
}

TEST(GtidSet, MySqlMergesIntervals) {
  const std::string u = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  auto s = GtidSet::parse(u + ":1-3:7");
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(s->add(u + ":4").ok());
  EXPECT_EQ(s->to_string(), u + ":1-4:7");
  ASSERT_TRUE(s->add(u + ":6").ok());
  ASSERT_TRUE(s->add(u + ":5").ok());
  EXPECT_EQ(s->to_string(), u + ":1-7");
  ASSERT_TRUE(s->add(u + ":10").ok());
  EXPECT_EQ(s->to_string(), u + ":1-7:10");
}

TEST(GtidSet, TaggedAndRefusals) {
  const std::string u = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  auto s = GtidSet::parse(u + ":1-2:tg:1-3");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->to_string(), u + ":1-2," + u + ":tg:1-3");
  EXPECT_FALSE(GtidSet::parse("0-1-5," + u + ":1").ok());
  EXPECT_FALSE(GtidSet::parse("0-1").ok());
  EXPECT_FALSE(GtidSet::parse(u + ":5-2").ok());
}

}  // namespace
}  // namespace dbtrail::stream
