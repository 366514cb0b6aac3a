// A private MariaDB for integration tests: scripts/sandbox.sh started in a
// fresh temporary directory, stopped (and the directory removed) when the
// object dies. The server is also told our pid, so it stops by itself if the
// test process crashes or is killed by a ctest timeout.
//
//   Sandbox sb({.row_metadata = "MINIMAL"});
//   ASSERT_TRUE(sb.ok()) << sb.error();
//   ... sb.port(), sb.admin_password(), sb.binlog_files() ...
//
// Set DBTRAIL_KEEP_SANDBOX=1 to keep the directory (and its logs) after a run.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace dbtrail::testing {

struct SandboxOptions {
  std::string row_metadata = "FULL";  // binlog_row_metadata: FULL | MINIMAL | NO_LOG
};

class Sandbox {
 public:
  explicit Sandbox(const SandboxOptions& options = {});
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // False if the server did not start; error() then says why (with the
  // script's stderr).
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }

  const std::string& dir() const { return dir_; }
  std::string host() const { return "127.0.0.1"; }
  int port() const;
  std::string socket() const { return get("SANDBOX_SOCKET"); }
  std::string binlog_dir() const { return get("SANDBOX_BINLOG_DIR"); }
  std::string datadir() const { return get("SANDBOX_DATADIR"); }

  // The replication user (REPLICATION SLAVE/CLIENT, SELECT) and the root-like
  // test admin; passwords are read from the sandbox's mode-600 files.
  std::string user() const { return get("SANDBOX_USER"); }
  std::string password() const;
  std::string admin_user() const { return get("SANDBOX_ADMIN_USER"); }
  std::string admin_password() const;
  // mysql://dbtrail_admin:PASSWORD@127.0.0.1:PORT/ (passwords are [A-Za-z0-9]).
  std::string admin_dsn() const;

  // Absolute paths of the binlog files, oldest first, from the index file.
  std::vector<std::string> binlog_files() const;

  // Stops the server now (idempotent; the destructor calls it too).
  void stop();

  // Stops the server and starts it again on the same data, binlogs and port,
  // as a source restarted by its DBA. False (and error()) if it did not come back.
  bool restart();

  // A value of the env file the script wrote ("" if absent).
  std::string get(const std::string& key) const;

 private:
  bool start(const std::string& extra_env);

  SandboxOptions options_;
  bool ok_ = false;
  bool stopped_ = false;
  std::string error_;
  std::string dir_;
  std::map<std::string, std::string> env_;
};

// Runs `sh -c command` with stdin from /dev/null, collects its stdout into
// *out (when non-null), and returns its exit status (-1 if it could not run,
// 128+signal if killed).
int run_command(const std::string& command, std::string* out);

// Quotes s for sh (single quotes).
std::string shell_quote(const std::string& s);

}  // namespace dbtrail::testing
