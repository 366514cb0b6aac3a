// The index commands end to end through the real binary: init, index (twice:
// nothing doubles), query by key, status, rotate, and one clear error line
// with its exit code for each kind of bad input.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "cli_run.h"

namespace {

const std::string kBin = DBTRAIL_BINARY;
const std::string kFix = std::string(DBTRAIL_SHARED_DIR) + "/fixtures/binlog/";

using dbtrail::testing::CliRun;
CliRun run(const std::string& args) { return dbtrail::testing::run_dbtrail(args); }

class IndexCli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dbtrail-cli.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    loc_ = "sqlite:" + dir_ + "/idx";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_, loc_;
};

TEST_F(IndexCli, IndexTwiceQueryStatusRotate) {
  ASSERT_EQ(run("init --index " + loc_).code, 0);
  std::string files = " --files " + kFix + "go-parse/mysql-bin.000012 " + kFix + "MyFlash/haha.000041 " +
                      kFix + "rust_mysql_common/mariadb-bin.000001";
  CliRun first = run("index --index " + loc_ + files);
  ASSERT_EQ(first.code, 0) << first.out;
  EXPECT_NE(first.out.find("mysql-bin.000012: 492 row changes indexed"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("haha.000041: 192 row changes indexed"), std::string::npos) << first.out;
  CliRun second = run("index --index " + loc_ + files);
  ASSERT_EQ(second.code, 0) << second.out;
  EXPECT_NE(second.out.find("already indexed (492 row changes), skipped"), std::string::npos);

  CliRun status = run("status --index " + loc_);
  ASSERT_EQ(status.code, 0) << status.out;
  CliRun q = run("query --index " + loc_ + " --schema toddy_test --table outbox --pk 63 --format json");
  ASSERT_EQ(q.code, 0) << q.out;
  EXPECT_NE(q.out.find("\"pk_values\":\"63\""), std::string::npos) << q.out;
  EXPECT_EQ(q.out.find("\"pk_values\":\"62\""), std::string::npos) << q.out;

  CliRun rot = run("rotate --index " + loc_ + " --retain 1h --add-future 2");
  ASSERT_EQ(rot.code, 0) << rot.out;
  EXPECT_NE(rot.out.find("dropped 3 partitions"), std::string::npos) << rot.out;  // fixtures are old
}

// The daemon rotates at once, again every interval, and stops cleanly on
// SIGTERM; --interval alone is refused rather than silently doing one pass.
TEST_F(IndexCli, RotateDaemonRepeatsUntilSigterm) {
  ASSERT_EQ(run("init --index " + loc_).code, 0);
  ASSERT_EQ(run("index --index " + loc_ + " --files " + kFix + "go-parse/mysql-bin.000012").code, 0);
  const std::string out = dir_ + "/rotate.out";
  const std::string script =
      kBin + " rotate --index " + loc_ + " --retain 1h --daemon --interval 1s >" + out +
      " 2>&1 & pid=$!; for i in $(seq 600); do kill -0 $pid 2>/dev/null || break; [ \"$(grep -c dropped " + out +
      ")\" -ge 2 ] && break; sleep 0.1; done; kill -TERM $pid; wait $pid; echo exit=$?";
  auto r = dbtrail::testing::run_command(script, dir_);
  EXPECT_NE(r.out.find("exit=0"), std::string::npos) << r.out << r.err;
  std::string log = dbtrail::testing::read_file(out);
  EXPECT_NE(log.find("dropped 1 partitions"), std::string::npos) << log;  // the fixture is old
  EXPECT_NE(log.find("dropped 0 partitions"), std::string::npos) << log;  // the next pass
  EXPECT_NE(log.find("rotate daemon stopped"), std::string::npos) << log;

  CliRun lone = run("rotate --index " + loc_ + " --retain 1h --interval 1s");
  EXPECT_EQ(lone.code, 2) << lone.out;
  EXPECT_NE(lone.out.find("--interval only applies with --daemon"), std::string::npos) << lone.out;
}

// A rotate daemon between passes holds no lock: `index` (a writer) runs
// meanwhile instead of failing with "another dbtrail process is writing".
TEST_F(IndexCli, RotateDaemonLeavesTheIndexWritable) {
  ASSERT_EQ(run("init --index " + loc_).code, 0);
  const std::string out = dir_ + "/rotate.out";
  const std::string script =
      kBin + " rotate --index " + loc_ + " --retain 1h --daemon --interval 1s >" + out +
      " 2>&1 & pid=$!; for i in $(seq 600); do grep -q dropped " + out +
      " && break; sleep 0.1; done; " + kBin + " index --index " + loc_ + " --files " + kFix +
      "go-parse/mysql-bin.000012; echo index=$?; kill -TERM $pid; wait $pid; echo exit=$?";
  auto r = dbtrail::testing::run_command(script, dir_);
  EXPECT_NE(r.out.find("index=0"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("exit=0"), std::string::npos) << r.out << r.err;
}

TEST_F(IndexCli, BadInputIsOneLineWithItsExitCode) {
  ASSERT_EQ(run("init --index " + loc_).code, 0);
  const std::string q = "query --index " + loc_ + " --schema s --table t ";
  struct Case {
    std::string args;
    int code;
    const char* says;
  } cases[] = {
      {q + "--pk 'a\\'", 2, "--pk"},
      {q + "--since 2026-01-02 --until 2026-01-01", 2, "after --until"},
      {q + "--format xml", 2, "--format"},
      {q + "--event-type UPSERT", 2, "--event-type"},
      {q + "--since yesterday", 2, "ISO 8601"},
      {q + "--column-eq novalue", 2, "column=value"},
      {"query --index sqlite:" + dir_ + "/missing --schema s --table t", 3, "dbtrail init"},
      {"query --index 'mysql://u:hunter2@127.0.0.1:1/db' --schema s --table t", 8, "127.0.0.1:1"},
      {"rotate --index " + loc_ + " --retain 7x", 2, "--retain"},
      {"index --index " + loc_, 2, "--files"},
  };
  for (const auto& c : cases) {
    CliRun r = run(c.args);
    EXPECT_EQ(r.code, c.code) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << c.args << "\n" << r.out;
    EXPECT_EQ(r.out.find("hunter2"), std::string::npos) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  }
}

}  // namespace
