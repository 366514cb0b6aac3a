#include "sandbox.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace dbtrail::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string script_path() { return std::string(DBTRAIL_SOURCE_DIR) + "/scripts/sandbox.sh"; }

}  // namespace

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  q += "'";
  return q;
}

int run_command(const std::string& command, std::string* out) {
  // stdin from /dev/null: nothing we run may wait for a terminal.
  const std::string full = "exec </dev/null; " + command;
  FILE* p = popen(full.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
    if (out != nullptr) out->append(buf, n);
  }
  const int status = pclose(p);
  if (status == -1) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

Sandbox::Sandbox(const SandboxOptions& options) : options_(options) {
  char tmpl[] = "/tmp/dbtrail-it.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = tmpl;
  ok_ = start("");
}

bool Sandbox::start(const std::string& extra_env) {
  const std::string err_file = dir_ + "/start.stderr";
  const std::string cmd = extra_env + "BINLOG_ROW_METADATA=" + shell_quote(options_.row_metadata) +
                          " SANDBOX_OWNER_PID=" + std::to_string(getpid()) + " bash " +
                          shell_quote(script_path()) + " start " + shell_quote(dir_) + " 2>" +
                          shell_quote(err_file);
  std::string out;
  const int rc = run_command(cmd, &out);
  env_.clear();
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) env_[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (rc != 0 || get("SANDBOX_PORT").empty()) {
    error_ = "scripts/sandbox.sh start " + dir_ + " failed (exit " + std::to_string(rc) +
             "):\n" + read_file(err_file);
    return false;
  }
  stopped_ = false;
  return true;
}

bool Sandbox::restart() {
  const int old_port = port();
  stop();
  ok_ = start("SANDBOX_FIXED_PORT=" + std::to_string(old_port) + " ");
  return ok_;
}

Sandbox::~Sandbox() {
  stop();
  const char* keep = std::getenv("DBTRAIL_KEEP_SANDBOX");
  if (!dir_.empty() && (keep == nullptr || *keep == '\0')) {
    run_command("rm -rf " + shell_quote(dir_), nullptr);
  }
}

void Sandbox::stop() {
  if (stopped_ || dir_.empty()) return;
  stopped_ = true;
  run_command("bash " + shell_quote(script_path()) + " stop " + shell_quote(dir_) + " 2>/dev/null",
              nullptr);
}

std::string Sandbox::get(const std::string& key) const {
  const auto it = env_.find(key);
  return it == env_.end() ? std::string() : it->second;
}

int Sandbox::port() const {
  const std::string p = get("SANDBOX_PORT");
  return p.empty() ? 0 : std::atoi(p.c_str());
}

std::string Sandbox::password() const { return trim(read_file(get("SANDBOX_PASSWORD_FILE"))); }

std::string Sandbox::admin_password() const {
  return trim(read_file(get("SANDBOX_ADMIN_PASSWORD_FILE")));
}

std::string Sandbox::admin_dsn() const {
  return "mysql://" + admin_user() + ":" + admin_password() + "@" + host() + ":" +
         std::to_string(port()) + "/";
}

std::vector<std::string> Sandbox::binlog_files() const {
  std::vector<std::string> files;
  std::istringstream index(read_file(binlog_dir() + "/mysql-bin.index"));
  std::string line;
  while (std::getline(index, line)) {
    line = trim(line);
    if (line.empty()) continue;
    // The index holds what log-bin was given: absolute here, but accept
    // names relative to the datadir too.
    if (line[0] != '/') line = datadir() + "/" + line;
    files.push_back(line);
  }
  return files;
}

}  // namespace dbtrail::testing
