// The `dbtrail stream` integration tests' shared parts: a fixture with a
// private MariaDB that runs the built binary as a child process (its stderr
// in a log file), and the truth to compare an index with (the server's own
// binlog files decoded with the library).
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "binlog/decoder.h"
#include "index/store.h"
#include "mysql/connection.h"
#include "sandbox.h"
#include "stream/change_builder.h"

namespace dbtrail::stream {

using testing::Sandbox;

// (file, position, kind, gtid, pk, before, after) of a row change.
std::string key_of(const index::ChangeRecord& r);

// The row changes of schema `db` in the server's binlog files, as multiset keys.
class FileRows : public binlog::Sink {
 public:
  explicit FileRows(std::string db) : db_(std::move(db)) {}
  std::map<std::string, int> keys;
  std::map<std::string, std::vector<index::ChangeRecord>> by_table;
  std::string file;
  Status on_row(const binlog::RowChange& c) override {
    if (c.table->schema != db_) return {};
    index::ChangeRecord r;
    build_change(c, file, BuildOptions{}, r);
    ++keys[key_of(r)];
    by_table[c.table->table].push_back(std::move(r));
    return {};
  }

 private:
  std::string db_;
};

// The row changes of schema `db` in the sandbox's binlog files.
FileRows decode_files(const Sandbox& sb, const std::string& db);

// The row changes of `db`.`tables` in the index at `loc`, as multiset keys.
std::map<std::string, int> index_keys(const std::string& loc, const std::string& db,
                                      const std::vector<std::string>& tables);

std::unique_ptr<mysql::Connection> admin(const Sandbox& sb);
void exec(mysql::Connection& c, const std::string& sql);
// SHOW MASTER STATUS: file and position ("", 0 if none).
std::pair<std::string, uint64_t> master_status(mysql::Connection& c);

// Starts `dbtrail stream --schemas shop` (spawn) on an empty SQLite index.
class StreamTest : public ::testing::Test {
 protected:
  explicit StreamTest(const testing::SandboxOptions& o = {}) : sb_(o) {}

  void SetUp() override {
    ASSERT_TRUE(sb_.ok()) << sb_.error();
    index_dir_ = sb_.dir() + "/index";
    std::filesystem::create_directories(index_dir_);
    loc_ = "sqlite:" + index_dir_;
    log_ = sb_.dir() + "/stream.log";
    admin_ = admin(sb_);
    ASSERT_NE(admin_, nullptr);
    start_file_ = std::filesystem::path(sb_.binlog_files().at(0)).filename().string();
  }

  // Starts the built binary; the password goes through the environment.
  pid_t spawn(const std::string& checkpoint = "300ms", const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {
        DBTRAIL_BINARY, "stream",
        "--source-dsn", "mysql://" + sb_.user() + "@127.0.0.1:" + std::to_string(sb_.port()) + "/",
        "--index",      loc_,
        "--server-id",  "4242",
        "--schemas",    "shop",
        "--batch-size", "50",
        "--checkpoint", checkpoint,
        "--ssl-mode",   "disabled"};
    if (pass_start_) {
      for (const std::string& a : {std::string("--start-file"), start_file_,
                                   std::string("--start-pos"), std::to_string(start_pos_)})
        args.push_back(a);
    }
    args.insert(args.end(), extra.begin(), extra.end());
    std::string pw = sb_.password();
    pid_t pid = fork();
    if (pid == 0) {
      setenv("DBTRAIL_SOURCE_PASSWORD", pw.c_str(), 1);
      FILE* f = freopen(log_.c_str(), "a", stderr);
      (void)f;
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    return pid;
  }

  int stop(pid_t pid, int sig) {
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
  }

  // The schema_changes rows of the index (empty when it cannot be read yet).
  std::vector<index::SchemaChange> schema_changes() {
    auto store = index::open_store(loc_);
    if (!store.ok()) return {};
    auto c = (*store)->schema_changes();
    return c.ok() ? *c : std::vector<index::SchemaChange>{};
  }

  std::optional<index::Checkpoint> checkpoint() {
    auto store = index::open_store(loc_);
    if (!store.ok()) return std::nullopt;
    auto cp = (*store)->load_checkpoint("127.0.0.1:" + std::to_string(sb_.port()));
    if (!cp.ok()) return std::nullopt;
    return *cp;
  }

  // Polls until the stored checkpoint reaches the source's current position
  // (read again each time: MariaDB appends a BINLOG_CHECKPOINT event on its own
  // some time after a rotation).
  bool caught_up(int seconds) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    std::pair<std::string, uint64_t> target;
    while (std::chrono::steady_clock::now() < until) {
      target = master_status(*admin_);
      auto cp = checkpoint();
      if (cp && cp->binlog_file == target.first && cp->position == target.second) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto cp = checkpoint();
    ADD_FAILURE() << "checkpoint "
                  << (cp ? cp->binlog_file + ":" + std::to_string(cp->position)
                         : std::string("none"))
                  << " never reached " << target.first << ":" << target.second;
    return false;
  }

  std::string log_text() {
    std::ifstream in(log_);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  Sandbox sb_;
  std::unique_ptr<mysql::Connection> admin_;
  std::string index_dir_, loc_, log_;
  // --start-file/--start-pos (used only without a checkpoint): the first
  // binlog from its head unless a test says otherwise.
  std::string start_file_;
  uint64_t start_pos_ = 4;
  bool pass_start_ = true;
};

}  // namespace dbtrail::stream
