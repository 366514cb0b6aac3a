// The MySQL/MariaDB index backend's tests: one private MariaDB per suite (the
// INDEX server, scripts/sandbox.sh), a database per test named after it, and
// an admin connection to look at what the store wrote.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "index/mysql_store.h"
#include "mysql/connection.h"
#include "sandbox.h"

namespace dbtrail::testing {

class MysqlIndexTest : public ::testing::Test {
 protected:
  // `db_prefix` + the test's name is the database each test writes.
  explicit MysqlIndexTest(std::string db_prefix) : db_prefix_(std::move(db_prefix)) {}

  static void SetUpTestSuite() { sandbox_ = new Sandbox(); }
  static void TearDownTestSuite() {
    delete sandbox_;
    sandbox_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(sandbox_->ok()) << sandbox_->error();
    db_ = db_prefix_ + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto admin = mysql::Connection::open(admin_dsn(""));
    ASSERT_TRUE(admin.ok()) << admin.error().message;
    admin_ = std::move(admin.value());
    ASSERT_TRUE(admin_->query("DROP DATABASE IF EXISTS `" + db_ + "`").ok());
  }

  mysql::Dsn admin_dsn(const std::string& db) const {
    mysql::Dsn d;
    d.user = sandbox_->admin_user();
    d.password = sandbox_->admin_password();
    d.port = static_cast<uint16_t>(sandbox_->port());
    d.database = db;
    return d;
  }

  std::unique_ptr<index::MysqlStore> open_store_ok(index::MysqlStoreOptions o = {}) {
    auto s = index::MysqlStore::open(admin_dsn(db_), o);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? std::move(s.value()) : nullptr;
  }

  static inline Sandbox* sandbox_ = nullptr;
  std::string db_prefix_;
  std::string db_;
  std::unique_ptr<mysql::Connection> admin_;
};

}  // namespace dbtrail::testing
