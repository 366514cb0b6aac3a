// `dbtrail check` driven as a DBA would: the CLI against a private MariaDB in
// a good state, then after breaking each prerequisite on purpose. Every
// break must be reported as FAIL/WARN with the statement that fixes it.
#include <gtest/gtest.h>

#include <string>

#include "mysql/connection.h"
#include "sandbox.h"

namespace dbtrail {
namespace {

using testing::Sandbox;
using testing::shell_quote;

struct CliRun {
  int status = -1;
  std::string out;  // stdout then stderr
};

// Runs `dbtrail check` as `user` with the password passed through the
// environment (never on the command line).
CliRun check(const Sandbox& sb, const std::string& user, const std::string& password,
             const std::string& extra = "", const std::string& env = "") {
  CliRun r;
  std::string cmd = env + " DBTRAIL_SOURCE_PASSWORD=" + shell_quote(password) + " " +
                    shell_quote(DBTRAIL_BINARY) + " check --source-dsn " +
                    shell_quote(user + "@tcp(127.0.0.1:" + std::to_string(sb.port()) + ")/") + " " +
                    extra + " 2>&1";
  r.status = testing::run_command(cmd, &r.out);
  return r;
}

bool has(const std::string& out, const std::string& needle) {
  return out.find(needle) != std::string::npos;
}

void exec(mysql::Connection& c, const std::string& sql) {
  auto r = c.query(sql);
  ASSERT_TRUE(r.ok()) << sql << ": " << r.error().message;
}

class CheckCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sb_.ok()) << sb_.error();
    mysql::Dsn d;
    d.user = sb_.admin_user();
    d.password = sb_.admin_password();
    d.port = static_cast<uint16_t>(sb_.port());
    auto c = mysql::Connection::open(d);
    ASSERT_TRUE(c.ok()) << c.error().message;
    admin_ = std::move(c.value());
  }
  Sandbox sb_;
  std::unique_ptr<mysql::Connection> admin_;
};

TEST_F(CheckCommand, GoodSourcePassesThenEachBreakIsReportedWithItsFix) {
  exec(*admin_, "CREATE DATABASE shop");
  exec(*admin_, "CREATE TABLE shop.ok (id INT PRIMARY KEY) ENGINE=InnoDB");
  CliRun good = check(sb_, sb_.user(), sb_.password());
  EXPECT_EQ(good.status, 0) << good.out;
  EXPECT_FALSE(has(good.out, "FAIL")) << good.out;
  EXPECT_TRUE(has(good.out, "PASS  binlog_row_image")) << good.out;
  EXPECT_TRUE(has(good.out, "PASS  privileges")) << good.out;
  EXPECT_FALSE(has(good.out, sb_.password()));

  exec(*admin_, "SET GLOBAL binlog_row_image = 'MINIMAL'");
  exec(*admin_, "SET GLOBAL binlog_row_metadata = 'MINIMAL'");
  exec(*admin_, "SET GLOBAL binlog_format = 'MIXED'");
  exec(*admin_, "SET GLOBAL expire_logs_days = 0.25");
  exec(*admin_, "CREATE TABLE shop.legacy (id INT PRIMARY KEY) ENGINE=MyISAM");
  exec(*admin_, "CREATE TABLE shop.heap (a INT, b TEXT) ENGINE=InnoDB");
  CliRun bad = check(sb_, sb_.user(), sb_.password());
  EXPECT_EQ(bad.status, 10) << bad.out;  // kPrerequisite
  EXPECT_TRUE(has(bad.out, "FAIL  binlog_row_image     binlog_row_image is MINIMAL")) << bad.out;
  EXPECT_TRUE(has(bad.out, "SET GLOBAL binlog_row_image = 'FULL'")) << bad.out;
  EXPECT_TRUE(has(bad.out, "FAIL  binlog_format        binlog_format is MIXED")) << bad.out;
  EXPECT_TRUE(has(bad.out, "SET GLOBAL binlog_format = 'ROW'")) << bad.out;
  EXPECT_TRUE(has(bad.out, "WARN  binlog_row_metadata")) << bad.out;
  EXPECT_TRUE(has(bad.out, "SET GLOBAL binlog_row_metadata = 'FULL'")) << bad.out;
  EXPECT_TRUE(has(bad.out, "FAIL  innodb")) << bad.out;
  EXPECT_TRUE(has(bad.out, "shop.legacy (MyISAM)")) << bad.out;
  EXPECT_TRUE(has(bad.out, "ALTER TABLE `shop`.`legacy` ENGINE=InnoDB;")) << bad.out;
  EXPECT_TRUE(has(bad.out, "FAIL  primary_keys")) << bad.out;
  EXPECT_TRUE(has(bad.out, "ALTER TABLE `shop`.`heap` ADD PRIMARY KEY (column);")) << bad.out;
  EXPECT_FALSE(has(bad.out, "`shop`.`ok`")) << bad.out;
  EXPECT_TRUE(has(bad.out, "WARN  binlog_retention     binlogs are purged after 6.0 h")) << bad.out;
  EXPECT_TRUE(has(bad.out, "4 prerequisite(s) failed")) << bad.out;

  // The same as JSON: one object per check, machine-readable status.
  CliRun json = check(sb_, sb_.user(), sb_.password(), "--format json");
  EXPECT_EQ(json.status, 10) << json.out;
  EXPECT_TRUE(has(json.out, "\"ok\":false")) << json.out;
  EXPECT_TRUE(has(json.out, "{\"name\":\"binlog_row_image\",\"status\":\"fail\"")) << json.out;
  EXPECT_TRUE(has(json.out, "\"summary\":{\"pass\":")) << json.out;
}

TEST_F(CheckCommand, UserWithoutReplicationPrivilegesIsToldTheGrant) {
  exec(*admin_, "CREATE USER 'reader'@'127.0.0.1' IDENTIFIED BY 'readerpw42'");
  exec(*admin_, "GRANT SELECT ON *.* TO 'reader'@'127.0.0.1'");
  CliRun r = check(sb_, "reader", "readerpw42");
  EXPECT_EQ(r.status, 10) << r.out;
  EXPECT_TRUE(has(r.out,
                  "FAIL  privileges           reader@127.0.0.1 lacks REPLICATION SLAVE, "
                  "REPLICATION CLIENT"))
      << r.out;
  EXPECT_TRUE(has(r.out,
                  "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO "
                  "'reader'@'127.0.0.1';"))
      << r.out;
  EXPECT_FALSE(has(r.out, "readerpw42"));

  exec(*admin_, "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'reader'@'127.0.0.1'");
  exec(*admin_, "REVOKE SELECT ON *.* FROM 'reader'@'127.0.0.1'");
  CliRun no_select = check(sb_, "reader", "readerpw42");
  EXPECT_TRUE(has(no_select.out, "lacks SELECT")) << no_select.out;
  EXPECT_TRUE(has(no_select.out, "GRANT SELECT ON *.* TO 'reader'@'127.0.0.1';")) << no_select.out;
}

TEST_F(CheckCommand, WrongPasswordIsOneConnectionErrorWithoutThePassword) {
  CliRun r = check(sb_, sb_.user(), "NotTheRightPassword7");
  EXPECT_EQ(r.status, 8) << r.out;  // kConnection
  EXPECT_TRUE(has(r.out, "dbtrail: error: connecting on bintrail@127.0.0.1")) << r.out;
  EXPECT_TRUE(has(r.out, "check the user name and password")) << r.out;
  EXPECT_FALSE(has(r.out, "NotTheRightPassword7")) << r.out;
  EXPECT_FALSE(has(r.out, "PASS")) << r.out;
}

// The shipped binary is fully static; libmariadb still loads every
// authentication method but native passwords from its plugin directory
// (scripts/static_link.sh). ed25519 is the one a MariaDB server can ask for;
// a binary that could not load it fails the sign-in (exit 8), not a check.
TEST_F(CheckCommand, AnEd25519AccountSignsInThroughTheLoadedPlugin) {
  exec(*admin_, "INSTALL SONAME 'auth_ed25519'");
  exec(*admin_,
       "CREATE USER 'edward'@'127.0.0.1' IDENTIFIED VIA ed25519 USING PASSWORD('edPass-3419')");
  exec(*admin_,
       "GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'edward'@'127.0.0.1'");
  CliRun r = check(sb_, "edward", "edPass-3419");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(has(r.out, "PASS  privileges")) << r.out;
  CliRun wrong = check(sb_, "edward", "notHisPass-1");
  EXPECT_EQ(wrong.status, 8) << wrong.out;
  EXPECT_TRUE(has(wrong.out, "Access denied for user 'edward'")) << wrong.out;
  // Without the plugin the error says where it is looked for.
  CliRun unloaded = check(sb_, "edward", "edPass-3419", "", "MARIADB_PLUGIN_DIR=/nonexistent");
  EXPECT_EQ(unloaded.status, 8) << unloaded.out;
  EXPECT_TRUE(has(unloaded.out, "client_ed25519 could not be loaded")) << unloaded.out;
  EXPECT_TRUE(has(unloaded.out, "install libmariadb3")) << unloaded.out;
  EXPECT_FALSE(has(unloaded.out, "check the user name and password")) << unloaded.out;
}

TEST_F(CheckCommand, BadFlagsAreInvalidArguments) {
  CliRun fmt = check(sb_, sb_.user(), sb_.password(), "--format yaml");
  EXPECT_EQ(fmt.status, 2) << fmt.out;
  CliRun ssl = check(sb_, sb_.user(), sb_.password(), "--ssl-mode verify-ca");
  EXPECT_EQ(ssl.status, 2) << ssl.out;
  EXPECT_TRUE(has(ssl.out, "needs --ssl-ca")) << ssl.out;
  CliRun req = check(sb_, sb_.user(), sb_.password(), "--ssl-mode required");
  // The sandbox has no TLS certificate: required must refuse plain text.
  EXPECT_EQ(req.status, 8) << req.out;
}

}  // namespace
}  // namespace dbtrail
