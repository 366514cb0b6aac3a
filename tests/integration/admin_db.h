// An admin session on a sandbox for the flashback tests: statements that must
// succeed (a failure names the SQL), single values, CHECKSUM TABLE, and the
// runner for generated one-statement-per-line scripts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "mysql/connection.h"
#include "sandbox.h"

namespace dbtrail::testing {

class AdminDb {
 public:
  explicit AdminDb(std::unique_ptr<mysql::Connection> c) : c_(std::move(c)) {}
  // Fatal test failure (naming the statement) when it fails.
  void exec(const std::string& sql);
  // The last column of the first row ("NULL" for NULL, "" for no row).
  std::string one(const std::string& sql);
  std::string checksum(const std::string& table) {
    return one("CHECKSUM TABLE " + table + " EXTENDED");
  }
  int64_t now() { return std::stoll(one("SELECT UNIX_TIMESTAMP()")); }
  // Returns once the server clock has moved past `t`: binlog times have
  // one-second resolution, so a moment must be a second of its own.
  void wait_past(int64_t t);
  mysql::Connection& conn() { return *c_; }

 private:
  std::unique_ptr<mysql::Connection> c_;
};

// The sandbox's admin user over TCP; nullptr (and a test failure) if refused.
std::unique_ptr<AdminDb> connect_admin(const Sandbox& sb);

// Runs a reversal/reconstruct script one statement per line (the generators
// write each statement on one line, never a raw newline inside a literal),
// from a session far from UTC, as a DBA's client may be: the script itself
// must switch to UTC for its TIMESTAMP values.
void apply_script(AdminDb& db, const std::string& sql);

}  // namespace dbtrail::testing
