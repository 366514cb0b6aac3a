// `dbtrail recover` / `dbtrail reconstruct` over the change index (--index):
// each kind of bad input is one error line with its own exit code, found
// before any server is contacted (the DSN here points nowhere).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli_run.h"

namespace {

const std::string kBin = DBTRAIL_BINARY;
const std::string kFix = std::string(DBTRAIL_SHARED_DIR) + "/fixtures/binlog/";

using dbtrail::testing::CliRun;
CliRun run(const std::string& args) { return dbtrail::testing::run_dbtrail(args); }

TEST(RecoverCli, BadInputOverTheIndexIsOneLineWithItsExitCode) {
  char tmpl[] = "/tmp/dbtrail-reccli.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string loc = "sqlite:" + dir + "/idx";
  CliRun idx =
      run("index --index " + loc + " --files " + kFix + "rust_mysql_common/mariadb-bin.000001");
  ASSERT_EQ(idx.code, 0) << idx.out;
  const std::string dsn = " --source-dsn 'mysql://u:hunter2@127.0.0.1:1/'";
  const std::string rec = "recover --index " + loc + dsn + " ";
  const std::string con = "reconstruct --index " + loc + dsn + " --at 2026-01-01T00:00:00Z ";
  struct Case {
    std::string args;
    int code;
    const char* says;
  } cases[] = {
      {rec + "--schema toddy_test --table nope", 3,
       "no changes recorded for toddy_test.nope; check the name or run dbtrail status"},
      {rec + "--schema nodb --table outbox", 3, "no changes recorded for nodb.outbox"},
      {con + "--schema toddy_test --table nope", 3, "no changes recorded for toddy_test.nope"},
      {rec + "--schema toddy_test --table outbox --pk 'a\\'", 2, "--pk"},
      {con + "--schema toddy_test --table outbox --pk 'x|'\\\\", 2, "--pk"},
      {rec + "--schema toddy_test --table outbox --since 2026-01-02 --until 2026-01-01", 2,
       "after --until"},
      {rec + "--schema toddy_test --table outbox --since yesterday", 2, "ISO 8601"},
      {rec + "--schema toddy_test --table outbox --event-type UPSERT", 2, "--event-type"},
      {rec + "--schema toddy_test", 2, "--schema and --table"},
      {"recover --from-decode /dev/null --index " + loc + dsn, 2, "exactly one"},
      {"recover" + dsn, 2, "exactly one"},
      {"recover --from-decode /dev/null --pk 1" + dsn, 2, "--pk needs --index"},
      {"recover --index sqlite:" + dir + "/missing --schema s --table t" + dsn, 3, "dbtrail init"},
  };
  for (const auto& c : cases) {
    CliRun r = run(c.args);
    EXPECT_EQ(r.code, c.code) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << c.args << "\n" << r.out;
    EXPECT_EQ(r.out.find("hunter2"), std::string::npos) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
