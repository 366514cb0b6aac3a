// `dbtrail stream --source-dsn DSN --index LOC --server-id N`: follows a live
// source as a replica and writes its row changes into the index exactly once
// (see stream/pipeline.h). Stops cleanly on SIGTERM/SIGINT: complete
// transactions are flushed with their checkpoint and the exit code is 0.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "api/metrics_server.h"
#include "cli/commands.h"
#include "cli/source_args.h"
#include "index/store.h"
#include "mysql/connection.h"
#include "stream/pipeline.h"
#include "stream/stream_metrics_page.h"

namespace dbtrail::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct StreamArgs {
  SourceArgs source;
  std::string index;
  uint32_t server_id = 0;
  std::string source_name;
  std::vector<std::string> schemas;
  std::vector<std::string> tables;
  size_t batch_size = 1000;
  std::string checkpoint = "10s";
  std::string start_file;
  uint64_t start_pos = 4;
  std::string start_gtid;
  bool reset_checkpoint = false;
  double heartbeat = 1;
  std::string metrics_addr;
};

int fail(const Error& e) {
  std::fprintf(stderr, "dbtrail: error: %s\n", e.message.c_str());
  return exit_code(e.code);
}

// "10s", "500ms", "2m", or plain seconds.
Result<double> parse_interval(const std::string& text) {
  try {
    size_t used = 0;
    double v = std::stod(text, &used);
    std::string unit = text.substr(used);
    double mult = unit.empty() || unit == "s" ? 1
                  : unit == "ms"              ? 0.001
                  : unit == "m"               ? 60
                  : unit == "h"               ? 3600
                                              : -1;
    if (mult > 0 && v > 0) return v * mult;
  } catch (const std::exception&) {
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "--checkpoint '" + text + "' is not an interval: use e.g. 10s, 500ms, 2m, 1h");
}

int run(const StreamArgs& a) {
  auto dsn = source_dsn(a.source);
  if (!dsn.ok()) return fail(dsn.error());
  stream::StreamOptions o;
  o.dsn = *dsn;
  if (Status t = apply_tls(a.source, o.connect); !t.ok()) return fail(t.error());
  o.server_id = a.server_id;
  o.source_name = a.source_name;
  o.schemas.insert(a.schemas.begin(), a.schemas.end());
  for (const auto& t : a.tables) {
    if (t.find('.') == std::string::npos) {
      return fail(make_error(ErrorCode::kInvalidArgument,
                             "--tables takes db.table names; '" + t + "' has no database"));
    }
    o.tables.insert(t);
  }
  o.batch_size = a.batch_size;
  auto interval = parse_interval(a.checkpoint);
  if (!interval.ok()) return fail(interval.error());
  o.checkpoint_interval_s = *interval;
  o.start_file = a.start_file;
  o.start_pos = a.start_pos;
  o.start_gtid = a.start_gtid;
  o.reset_checkpoint = a.reset_checkpoint;
  o.heartbeat_s = a.heartbeat;
  o.stop = &g_stop;
  o.log = [](const std::string& line) {
    std::fprintf(stderr, "dbtrail stream: %s\n", line.c_str());
    std::fflush(stderr);
  };

  // Bound before anything streams, so a bad address fails the start (exit 2
  // malformed, 11 cannot bind). Declared before the server, which reads it.
  stream::StreamMetrics metrics;
  std::unique_ptr<api::MetricsServer> metrics_server;
  if (!a.metrics_addr.empty()) {
    auto addr = api::parse_listen_address(a.metrics_addr, "--metrics-addr");
    if (!addr.ok()) return fail(addr.error());
    auto server = api::MetricsServer::start(
        *addr, [&metrics] { return stream::render_stream_metrics(metrics); });
    if (!server.ok()) return fail(server.error());
    metrics_server = std::move(*server);
    o.metrics = &metrics;
    // One line with the bound port: what a caller of port 0 reads to find it.
    o.log("metrics: serving " + metrics_server->url());
  }

  auto store = index::open_store(a.index);
  if (!store.ok()) return fail(store.error());
  if (Status s = (*store)->init(); !s.ok()) return fail(s.error());

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  auto stats = stream::run_stream(**store, o);
  if (!stats.ok()) return fail(stats.error());
  std::fprintf(
      stderr, "dbtrail stream: %llu rows in %llu batches, %llu transactions, %llu reconnects\n",
      static_cast<unsigned long long>(stats->rows), static_cast<unsigned long long>(stats->batches),
      static_cast<unsigned long long>(stats->transactions),
      static_cast<unsigned long long>(stats->reconnects));
  return 0;
}

}  // namespace

void add_stream_command(CLI::App& app) {
  auto a = std::make_shared<StreamArgs>();
  auto* cmd = app.add_subcommand(
      "stream", "Follow a live source as a replica and index its row changes exactly once");
  add_source_options(cmd, a->source);
  cmd->add_option("--index", a->index, "Index location: sqlite:/dir or a MySQL DSN")->required();
  cmd->add_option("--server-id", a->server_id,
                  "Replica id, unique among the source's replicas (non-zero)")
      ->required();
  cmd->add_option("--source-name", a->source_name,
                  "Name the checkpoint is kept under (default: host:port of the source)");
  cmd->add_option("--schemas", a->schemas, "Only these databases (comma-separated)")
      ->delimiter(',');
  cmd->add_option("--tables", a->tables, "Only these tables, db.table (comma-separated)")
      ->delimiter(',');
  cmd->add_option("--batch-size", a->batch_size, "Rows per index write (whole transactions)")
      ->capture_default_str();
  cmd->add_option("--checkpoint", a->checkpoint,
                  "Write complete transactions and the checkpoint at least this often")
      ->capture_default_str();
  cmd->add_option("--start-file", a->start_file,
                  "Without a stored checkpoint: binlog file to start from (default: the source's "
                  "current position)");
  cmd->add_option("--start-pos", a->start_pos, "Offset in --start-file")->capture_default_str();
  cmd->add_option("--start-gtid", a->start_gtid,
                  "Without a stored checkpoint: start after this GTID set (MariaDB 0-1-5 or MySQL "
                  "uuid:1-5)");
  cmd->add_flag("--reset-checkpoint", a->reset_checkpoint,
                "Discard the stored checkpoint (rebuilt source, purged binlog); what is skipped "
                "is logged");
  cmd->add_option("--heartbeat", a->heartbeat, "Seconds between the source's heartbeats when idle")
      ->capture_default_str();
  cmd->add_option("--metrics-addr", a->metrics_addr,
                  "Serve Prometheus metrics at http://HOST:PORT/metrics while streaming (port 0: "
                  "a free port, logged)");
  cmd->callback([a] { exit_status() = run(*a); });
}

}  // namespace dbtrail::cli
