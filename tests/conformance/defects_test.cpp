// Known defects of the engine dbtrail replaces (spec/reference.md) that the
// shared binlog fixtures can show, through the real binary: `dbtrail index`
// into a fresh SQLite index, then `dbtrail query`. The defects that need a
// live server are in tests/integration/defects_test.cpp.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli_run.h"

namespace {

const std::string kBin = DBTRAIL_BINARY;
const std::string kFix = std::string(DBTRAIL_SHARED_DIR) + "/fixtures/binlog/";

using dbtrail::testing::CliRun;
CliRun run(const std::string& args) { return dbtrail::testing::run_dbtrail(args); }

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string l;
  while (std::getline(in, l))
    if (!l.empty()) out.push_back(l);
  return out;
}

class FixtureDefects : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dbtrail-fixdefects.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    loc_ = "sqlite:" + dir_ + "/idx";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void index(const std::string& fixture) {
    CliRun r = run("index --index " + loc_ + " --files " + kFix + fixture);
    ASSERT_EQ(r.code, 0) << r.out;
  }
  std::vector<std::string> query(const std::string& args) {
    CliRun r = run("query --index " + loc_ + " --format json " + args);
    EXPECT_EQ(r.code, 0) << r.out;
    return lines(r.out);
  }
  std::string dir_, loc_;
};

// Defect 8: partial JSON updates (PARTIAL_UPDATE_ROWS, binlog_row_value_options
// = PARTIAL_JSON) were silently skipped. The fixture's last statement updates
// six rows that way; all six must be in the index with their JSON diff cell.
TEST_F(FixtureDefects, D8_PartialJsonUpdatesAreIndexed) {
  index("rust_mysql_common/json.binlog.000001");
  auto rows = query("--schema mysql --table t --event-type UPDATE");
  ASSERT_EQ(rows.size(), 12u) << "6 full-image updates + 6 partial JSON updates";
  size_t partial = 0;
  for (const auto& r : rows) {
    if (r.find("\"start_pos\":3750") == std::string::npos) continue;
    ++partial;
    EXPECT_NE(r.find("\"@2\":{\"base64\":"), std::string::npos) << "the JSON diff is kept: " << r;
  }
  EXPECT_EQ(partial, 6u);
  EXPECT_NE(rows[6].find("\"@4\":26"), std::string::npos) << rows[6];
}

// Defect 12: compressed transaction payloads (MySQL 8 TRANSACTION_PAYLOAD,
// zstd) were not supported.
TEST_F(FixtureDefects, D12_CompressedTransactionPayloadsAreIndexed) {
  index("rust_mysql_common/transaction_compression.000001");
  auto rows = query("--schema test --table tb1");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].find("\"after\":{\"@1\":1}"), std::string::npos) << rows[0];

  index("binlog-connector-java/mysql-bin.compressed");
  rows = query("--schema demo --table movies");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].find("\"event_type\":\"UPDATE\""), std::string::npos);
  EXPECT_NE(rows[0].find("Once Upon a Time in the West"), std::string::npos) << rows[0];
}

// Defect 12: MariaDB binlogs (MariaDB GTID events, its own event types) were
// not supported: they index, and rows are found by key with the GTID.
TEST_F(FixtureDefects, D12_MariadbBinlogIsIndexed) {
  index("rust_mysql_common/mariadb-bin.000001");
  auto rows = query("--schema toddy_test --table outbox --pk 62");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].find("\"gtid\":\"0-1-1\""), std::string::npos) << rows[0];
  EXPECT_NE(rows[0].find("\"topic\":\"foo\""), std::string::npos) << rows[0];
}

}  // namespace
