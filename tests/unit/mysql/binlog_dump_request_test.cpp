// The pure parts of the dump request: the MySQL GTID set block of
// COM_BINLOG_DUMP_GTID and the --ssl-mode names.
#include <gtest/gtest.h>

#include <string>

#include "mysql/binlog_dump.h"
#include "mysql/connection.h"

namespace dbtrail::mysql {
namespace {

std::string u64le(uint64_t v) {
  std::string s;
  for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
  return s;
}

TEST(MySqlGtidSetBlock, OneUuidTwoIntervalsHaveExclusiveEnds) {
  auto r = encode_mysql_gtid_set("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7");
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::string want = u64le(1);
  const unsigned char uuid[16] = {0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1,
                                  0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62};
  want.append(reinterpret_cast<const char*>(uuid), 16);
  want += u64le(2) + u64le(1) + u64le(6) + u64le(7) + u64le(8);
  EXPECT_EQ(*r, want);
}

TEST(MySqlGtidSetBlock, EmptySetIsZeroSids) {
  auto r = encode_mysql_gtid_set("  ");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, u64le(0));
}

TEST(MySqlGtidSetBlock, SeveralUuidsAndNewlinesAsInGtidExecuted) {
  auto r = encode_mysql_gtid_set(
      "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3,\n"
      "4e11fa47-71ca-11e1-9e33-c80aa9429562:10");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 8u + 2 * (16 + 8 + 16));
  EXPECT_EQ(r->substr(0, 8), u64le(2));
}

TEST(MySqlGtidSetBlock, MalformedSetsAreInvalidArguments) {
  for (const char* bad :
       {"nouuid", "3e11fa47-71ca-11e1-9e33-c80aa9429562:", "3e11fa47-71ca-11e1-9e33-c80aa942956:1",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:5-2", "3e11fa47-71ca-11e1-9e33-c80aa9429562:0",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-x"}) {
    auto r = encode_mysql_gtid_set(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(MySqlGtidSetBlock, TaggedGtidsAreUnsupportedNotMangled) {
  auto r = encode_mysql_gtid_set("3e11fa47-71ca-11e1-9e33-c80aa9429562:blue:1-3");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
}

TEST(SslModeNames, AllFiveRoundTripAndOthersAreRefused) {
  for (SslMode m : {SslMode::kDisabled, SslMode::kPreferred, SslMode::kRequired, SslMode::kVerifyCa,
                    SslMode::kVerifyIdentity}) {
    auto r = parse_ssl_mode(ssl_mode_name(m));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, m);
  }
  EXPECT_EQ(*parse_ssl_mode("VERIFY_IDENTITY"), SslMode::kVerifyIdentity);
  auto bad = parse_ssl_mode("on");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace dbtrail::mysql
