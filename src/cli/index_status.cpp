// `dbtrail status --index LOC`: partitions, last event, checkpoints, files.
#include <cstdio>
#include <ctime>
#include <string>

#include "cli/commands.h"
#include "cli/index_cli.h"
#include "cli/source_args.h"
#include "mysql/binlog_files.h"
#include "util/time_format.h"

namespace dbtrail::cli {

namespace {

struct StatusArgs {
  std::string index;
  SourceArgs source;       // optional: measure each stream's lag against the live source
  std::string source_name;  // the checkpoint to measure; default host:port of --source-dsn
};

// How far the checkpoint `c` is behind the live source, as one line.
Status print_lag(const SourceArgs& a, const index::Checkpoint& c) {
  auto dsn = source_dsn(a);
  if (!dsn.ok()) return dsn.error();
  mysql::ConnectOptions co;
  DBT_TRY(apply_tls(a, co));
  auto conn = mysql::Connection::open(*dsn, co);
  if (!conn.ok()) return conn.error();
  auto files = mysql::list_binlog_files(**conn);
  if (!files.ok()) return files.error();
  if (files->empty()) {
    return make_error(ErrorCode::kPrerequisite, "the source has no binary logs (log_bin is off)");
  }
  const mysql::BinlogFile& head = files->back();
  auto behind = mysql::bytes_behind(*files, c.binlog_file, c.position);
  if (!behind.ok()) {
    std::printf("stream %s: LOST: %s; see `dbtrail stream --reset-checkpoint`\n",
                c.source.c_str(), behind.error().message.c_str());
    return {};
  }
  std::printf("stream %s: %llu bytes behind the source (at %s:%llu)\n", c.source.c_str(),
              static_cast<unsigned long long>(*behind), head.name.c_str(),
              static_cast<unsigned long long>(head.size));
  return {};
}

int run_status(const StatusArgs& a) {
  auto store = open_index(a.index);
  if (!store.ok()) return report(store.error());
  index::Store& s = *store.value();
  auto parts = s.partitions();
  if (!parts.ok()) return report(parts.error());
  uint64_t events = 0, bytes = 0;
  int64_t last = 0;
  std::printf("%-14s %-20s %12s %14s\n", "PARTITION", "FROM", "EVENTS", "BYTES");
  for (const auto& p : parts.value()) {
    std::printf("%-14s %-20s %12llu %14llu\n", p.name.c_str(), iso8601_utc(p.start).c_str(),
                static_cast<unsigned long long>(p.events), static_cast<unsigned long long>(p.bytes));
    events += p.events;
    bytes += p.bytes;
    if (p.events > 0 && p.last_event_time > last) last = p.last_event_time;
  }
  std::printf("total: %zu partitions, %llu events, %llu bytes\n", parts.value().size(),
              static_cast<unsigned long long>(events), static_cast<unsigned long long>(bytes));
  std::printf("last event: %s\n", events ? iso8601_utc(last).c_str() : "none");
  auto cps = s.checkpoints();
  if (!cps.ok()) return report(cps.error());
  const int64_t now = std::time(nullptr);
  std::string measured = a.source_name;
  if (!a.source.dsn.empty() && measured.empty()) {
    auto dsn = source_dsn(a.source);
    if (!dsn.ok()) return report(dsn.error());
    measured = dsn->host + ":" + std::to_string(dsn->port);
  }
  bool found = false;
  for (const auto& c : cps.value()) {
    std::printf("stream %s: %s:%llu gtid_set=%s updated %s (%llds ago)\n", c.source.c_str(),
                c.binlog_file.c_str(), static_cast<unsigned long long>(c.position),
                c.gtid_set.empty() ? "-" : c.gtid_set.c_str(), iso8601_utc(c.updated_at).c_str(),
                static_cast<long long>(now - c.updated_at));
    if (!a.source.dsn.empty() && c.source == measured) {
      found = true;
      if (Status st = print_lag(a.source, c); !st.ok()) return report(st.error());
    }
  }
  if (!a.source.dsn.empty() && !found) {
    return report(make_error(ErrorCode::kNotFound,
                             "no stream checkpoint named " + measured +
                                 " in this index; pass --source-name as `dbtrail stream` had it"));
  }
  auto files = s.file_progress();
  if (files.ok()) {
    for (const auto& f : files.value()) {
      std::printf("file %s: %s, %llu row changes, position %llu of %llu\n", f.binlog_file.c_str(),
                  f.done ? "completed" : "in progress", static_cast<unsigned long long>(f.events),
                  static_cast<unsigned long long>(f.position),
                  static_cast<unsigned long long>(f.file_size));
    }
  }
  auto changes = s.schema_changes();
  if (!changes.ok()) return report(changes.error());
  const size_t shown = 20;
  size_t from = changes.value().size() > shown ? changes.value().size() - shown : 0;
  if (!changes.value().empty()) {
    std::printf("schema changes: %zu%s\n", changes.value().size(),
                from ? " (the last 20 below)" : "");
  }
  for (size_t i = from; i < changes.value().size(); ++i) {
    const auto& c = changes.value()[i];
    std::string ddl = c.ddl.size() > 100 ? c.ddl.substr(0, 97) + "..." : c.ddl;
    for (char& ch : ddl)
      if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
    std::printf("schema change %s:%llu %s %s %s.%s -> version %u: %s\n", c.binlog_file.c_str(),
                static_cast<unsigned long long>(c.position), iso8601_utc(c.detected_at).c_str(),
                c.ddl_type.c_str(), c.schema.c_str(), c.table.c_str(), c.schema_version,
                ddl.c_str());
  }
  return 0;
}

}  // namespace

void add_status_command(CLI::App& app) {
  auto a = std::make_shared<StatusArgs>();
  auto* cmd = app.add_subcommand(
      "status", "Show partitions, checkpoints, indexed files and schema changes");
  cmd->add_option("--index", a->index, "Index location: sqlite:/dir or a MySQL DSN")->required();
  add_source_options(cmd, a->source, /*required=*/false);
  cmd->add_option("--source-name", a->source_name,
                  "With --source-dsn: the stream checkpoint to measure (default host:port)");
  cmd->callback([a] { exit_status() = run_status(*a); });
}

}  // namespace dbtrail::cli
