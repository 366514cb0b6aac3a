// Test helpers for driving the built CLI as a user would: run a command line
// through the shell, capture stdout, stderr and the exit code; private temp
// folders that clean up after themselves.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace dbtrail::testing {

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh folder under /tmp, removed with everything in it when destroyed.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    char tmpl[] = "/tmp/dbtrail-test-XXXXXX";
    if (mkdtemp(tmpl) != nullptr) path_ = tmpl;
  }
  ~ScopedTempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed by one
  std::string out;
  std::string err;
};

// Runs `cmd` through the shell; stderr goes through a file in `tmp`.
inline CommandResult run_command(const std::string& cmd, const std::filesystem::path& tmp) {
  CommandResult r;
  std::filesystem::path err = tmp / "stderr.txt";
  std::string full = cmd + " 2>" + shell_quote(err.string());
  FILE* p = popen(full.c_str(), "r");
  if (p == nullptr) {
    r.err = "popen failed for: " + cmd;
    return r;
  }
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = read_file(err);
  return r;
}

// The built CLI with `args`; stdout then stderr in one string.
struct CliRun {
  int code = -1;
  std::string out;
};
inline CliRun run_dbtrail(const std::string& args) {
  static ScopedTempDir tmp;
  auto r = run_command(std::string(DBTRAIL_BINARY) + " " + args, tmp.path());
  return {r.exit_code, r.out + r.err};
}

}  // namespace dbtrail::testing
