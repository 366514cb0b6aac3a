// `dbtrail binlog dump --source-dsn DSN`: `binlog decode` for a live server
// (what `mysqlbinlog --read-from-remote-server` does): registers as a
// replica, reads the binlog through the replication protocol and prints the
// same JSON lines as `binlog decode` does for the files.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "binlog/decoder.h"
#include "cli/change_printer.h"
#include "cli/commands.h"
#include "cli/source_args.h"
#include "mysql/binlog_files.h"
#include "mysql/connection.h"
#include "stream/binlog_source.h"

namespace dbtrail::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct DumpArgs {
  SourceArgs source;
  uint32_t server_id = 0;
  std::string start_file;
  uint64_t start_pos = 4;
  std::string start_gtid;
  bool stop_never = false;
  double heartbeat = 1;
  bool events = false;
};

int fail(const Error& e) {
  std::fprintf(stderr, "dbtrail: error: %s\n", e.message.c_str());
  return exit_code(e.code);
}

// The oldest binlog the source still has (SHOW BINARY LOGS needs REPLICATION CLIENT).
Result<std::string> oldest_binlog(const mysql::Dsn& dsn, const mysql::ConnectOptions& co) {
  auto c = mysql::Connection::open(dsn, co);
  if (!c.ok()) return c.error();
  auto files = mysql::list_binlog_files(**c);
  if (!files.ok()) return files.error();
  if (files->empty()) {
    return make_error(ErrorCode::kNotFound,
                      "the source lists no binary logs (SHOW BINARY LOGS is empty): is log_bin ON? "
                      "run dbtrail check");
  }
  return files->front().name;
}

int run_dump(const DumpArgs& a) {
  auto dsn = source_dsn(a.source);
  if (!dsn.ok()) return fail(dsn.error());
  stream::NetworkSourceOptions o;
  o.dsn = *dsn;
  if (Status t = apply_tls(a.source, o.connect); !t.ok()) return fail(t.error());
  o.dump.server_id = a.server_id;
  o.dump.stop_at_end = !a.stop_never;
  o.dump.heartbeat_period_s = a.heartbeat;
  if (!a.start_gtid.empty() && !a.start_file.empty()) {
    return fail(make_error(ErrorCode::kInvalidArgument,
                           "give either --start-file/--start-pos or --start-gtid, not both"));
  }
  if (!a.start_gtid.empty()) {
    // uuid:1-5 is MySQL's notation, domain-server-seq MariaDB's.
    o.dump.gtid_mode = a.start_gtid.find(':') != std::string::npos ? mysql::DumpGtidMode::kMySql
                                                                   : mysql::DumpGtidMode::kMariaDb;
    o.dump.gtid_set = a.start_gtid == "-" ? "" : a.start_gtid;
  } else if (!a.start_file.empty()) {
    o.dump.file = a.start_file;
    o.dump.position = a.start_pos;
  } else {
    auto first = oldest_binlog(*dsn, o.connect);
    if (!first.ok()) return fail(first.error());
    o.dump.file = *first;
  }
  if (a.stop_never) {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
  }
  auto src = stream::open_network_source(o);
  if (!src.ok()) return fail(src.error());
  binlog::DecoderOptions dopts;
  dopts.event_details = a.events;
  binlog::Decoder dec(dopts);
  ChangePrinter out(stdout, a.events);
  std::string file;
  while (!g_stop) {
    auto ev = (*src)->next();
    if (!ev.ok()) {
      out.flush();
      return fail(ev.error());
    }
    if (!ev->has_value()) break;
    const stream::SourceEvent& e = **ev;
    if (e.kind == stream::SourceEventKind::kHeartbeat) {
      out.flush();  // idle: let readers of a pipe see everything so far
      continue;
    }
    if (!e.decodable()) continue;
    if (e.file != file) {
      file.assign(e.file);
      out.set_file(file);
    }
    Status st = dec.feed(e.bytes, e.pos, out);
    if (!st.ok()) {
      out.flush();
      return fail(make_error(st.error().code, file + ": " + st.error().message));
    }
  }
  out.flush();
  return 0;
}

}  // namespace

void add_binlog_dump_command(CLI::App& binlog) {
  auto a = std::make_shared<DumpArgs>();
  auto* cmd = binlog.add_subcommand(
      "dump", "Read a live server's binlog as a replica and print it like 'binlog decode'");
  add_source_options(cmd, a->source);
  cmd->add_option("--server-id", a->server_id,
                  "Replica id, unique among the source's replicas (non-zero)")
      ->required();
  cmd->add_option("--start-file", a->start_file, "Binlog file to start from (default: the oldest)");
  cmd->add_option("--start-pos", a->start_pos, "Offset in --start-file")->capture_default_str();
  cmd->add_option("--start-gtid", a->start_gtid,
                  "Start after this GTID set: MariaDB 0-1-5[,..] or MySQL uuid:1-5[,..]; '-' = "
                  "MariaDB from the first binlog");
  cmd->add_flag("--stop-never", a->stop_never, "Keep waiting for new events (stop with Ctrl-C)");
  cmd->add_option("--heartbeat", a->heartbeat, "Seconds between the source's heartbeats when idle")
      ->capture_default_str();
  cmd->add_flag("--events", a->events, "Print every event instead of row changes");
  cmd->callback([a] { exit_status() = run_dump(*a); });
}

}  // namespace dbtrail::cli
