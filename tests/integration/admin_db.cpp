#include "admin_db.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

namespace dbtrail::testing {

void AdminDb::exec(const std::string& sql) {
  auto r = c_->query(sql);
  ASSERT_TRUE(r.ok()) << r.error().message << "\n  in: " << sql.substr(0, 400);
}

std::string AdminDb::one(const std::string& sql) {
  auto r = c_->query(sql);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message) << "\n  in: " << sql;
  if (!r.ok() || r->empty() || r->front().empty()) return "";
  return r->front().back().value_or("NULL");
}

void AdminDb::wait_past(int64_t t) {
  while (now() <= t) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

std::unique_ptr<AdminDb> connect_admin(const Sandbox& sb) {
  mysql::Dsn dsn;
  dsn.user = sb.admin_user();
  dsn.password = sb.admin_password();
  dsn.port = static_cast<uint16_t>(sb.port());
  auto c = mysql::Connection::open(dsn);
  if (!c.ok()) {
    ADD_FAILURE() << c.error().message;
    return nullptr;
  }
  return std::make_unique<AdminDb>(std::move(*c));
}

void apply_script(AdminDb& db, const std::string& sql) {
  db.exec("SET time_zone = '+05:30'");
  std::istringstream lines(sql);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line.rfind("--", 0) == 0) continue;
    db.exec(line);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

}  // namespace dbtrail::testing
