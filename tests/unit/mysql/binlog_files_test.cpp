#include "mysql/binlog_files.h"

#include <gtest/gtest.h>

namespace dbtrail::mysql {
namespace {

const std::vector<BinlogFile> kFiles = {
    {"mysql-bin.000007", 1000}, {"mysql-bin.000008", 500}, {"mysql-bin.000009", 256}};

TEST(BytesBehind, SameFileIsTheRestOfIt) {
  EXPECT_EQ(bytes_behind(kFiles, "mysql-bin.000009", 200).value(), 56u);
  EXPECT_EQ(bytes_behind(kFiles, "mysql-bin.000009", 256).value(), 0u);
}

TEST(BytesBehind, OlderFilesCountTheirRestAndEveryNewerFile) {
  EXPECT_EQ(bytes_behind(kFiles, "mysql-bin.000007", 900).value(), 100u + 500u + 256u);
}

TEST(BytesBehind, APositionPastTheReportedSizeIsNotNegative) {
  // SHOW BINARY LOGS may lag the writer by an event.
  EXPECT_EQ(bytes_behind(kFiles, "mysql-bin.000009", 300).value(), 0u);
}

TEST(BytesBehind, APurgedFileIsNotFoundNamingTheOldest) {
  auto r = bytes_behind(kFiles, "mysql-bin.000003", 4);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("oldest available: mysql-bin.000007"), std::string::npos);
}

}  // namespace
}  // namespace dbtrail::mysql
