// `dbtrail check --source-dsn DSN`: the source's prerequisites, one
// pass/warn/fail line each with its fix. Exit 0 when nothing fails (warnings
// allowed), kPrerequisite when something does, kConnection when the source
// cannot be asked.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "cli/source_args.h"
#include "mysql/connection.h"
#include "mysql/prereq_check.h"
#include "util/json_writer.h"

namespace dbtrail::cli {
namespace {

struct CheckArgs {
  SourceArgs source;
  std::string format = "text";
  unsigned connect_timeout = 10;
};

void print_text(const mysql::CheckReport& rep) {
  std::printf("source %s: %s\n", rep.source.c_str(), rep.server.c_str());
  for (const auto& it : rep.items) {
    const char* tag = it.level == mysql::CheckLevel::kPass   ? "PASS"
                      : it.level == mysql::CheckLevel::kWarn ? "WARN"
                                                             : "FAIL";
    std::printf("%s  %-20s %s\n", tag, it.name.c_str(), it.detail.c_str());
    if (it.level == mysql::CheckLevel::kPass || it.fix.empty()) continue;
    // Multi-line fixes (one ALTER per table) stay aligned under "fix:".
    std::string fix = it.fix;
    for (size_t p = fix.find('\n'); p != std::string::npos; p = fix.find('\n', p + 1))
      fix.insert(p + 1, "            ");
    std::printf("      fix:  %s\n", fix.c_str());
  }
  std::printf("%zu passed, %zu warning(s), %zu failed\n", rep.count(mysql::CheckLevel::kPass),
              rep.count(mysql::CheckLevel::kWarn), rep.count(mysql::CheckLevel::kFail));
}

void print_json(const mysql::CheckReport& rep) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("source");
  w.string(rep.source);
  w.key("server");
  w.string(rep.server);
  w.key("ok");
  w.boolean(rep.count(mysql::CheckLevel::kFail) == 0);
  w.key("checks");
  w.begin_array();
  for (const auto& it : rep.items) {
    w.begin_object();
    w.key("name");
    w.string(it.name);
    w.key("status");
    w.string(mysql::check_level_name(it.level));
    w.key("detail");
    w.string(it.detail);
    w.key("fix");
    if (it.fix.empty()) {
      w.null();
    } else {
      w.string(it.fix);
    }
    w.end_object();
  }
  w.end_array();
  w.key("summary");
  w.begin_object();
  for (auto level :
       {mysql::CheckLevel::kPass, mysql::CheckLevel::kWarn, mysql::CheckLevel::kFail}) {
    w.key(mysql::check_level_name(level));
    w.uint64(rep.count(level));
  }
  w.end_object();
  w.end_object();
  std::printf("%s\n", out.c_str());
}

int fail(const Error& e) {
  std::fprintf(stderr, "dbtrail: error: %s\n", e.message.c_str());
  return exit_code(e.code);
}

int run_check(const CheckArgs& a) {
  auto dsn = source_dsn(a.source);
  if (!dsn.ok()) return fail(dsn.error());
  mysql::ConnectOptions co;
  if (Status t = apply_tls(a.source, co); !t.ok()) return fail(t.error());
  co.connect_timeout_s = a.connect_timeout;
  auto conn = mysql::Connection::open(*dsn, co);
  if (!conn.ok()) return fail(conn.error());
  auto rep = mysql::run_prereq_checks(**conn);
  if (!rep.ok()) return fail(rep.error());
  if (a.format == "json") {
    print_json(*rep);
  } else {
    print_text(*rep);
  }
  std::fflush(stdout);
  if (rep->count(mysql::CheckLevel::kFail) > 0) {
    std::fprintf(stderr,
                 "dbtrail: error: %zu prerequisite(s) failed on %s; apply the fixes above "
                 "and run dbtrail check again\n",
                 rep->count(mysql::CheckLevel::kFail), rep->source.c_str());
    return exit_code(ErrorCode::kPrerequisite);
  }
  return 0;
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto a = std::make_shared<CheckArgs>();
  auto* cmd =
      app.add_subcommand("check",
                         "Check a source's prerequisites (binlog settings, InnoDB, primary keys, "
                         "privileges, retention): one pass/warn/fail line each, with the fix");
  add_source_options(cmd, a->source);
  cmd->add_option("--format", a->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--connect-timeout", a->connect_timeout, "Seconds to wait for the connection")
      ->capture_default_str();
  cmd->callback([a] { exit_status() = run_check(*a); });
}

}  // namespace dbtrail::cli
