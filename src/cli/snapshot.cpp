// `dbtrail snapshot --source-dsn DSN --index LOC [--schemas a,b]`: reads every
// table of the chosen schemas from the source's information_schema and stores
// it as the next schema version (docs/schema-snapshot.md). The snapshot is
// read completely before anything is written, and stored in one statement:
// a failure stores nothing and moves no version forward.
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/index_cli.h"
#include "mysql/connection.h"
#include "schema/snapshot_taker.h"

namespace dbtrail::cli {

namespace {

struct SnapshotArgs {
  std::string source_dsn;
  std::string index;
  std::vector<std::string> schemas;
};

int run_snapshot(const SnapshotArgs& a) {
  auto dsn = mysql::parse_dsn(a.source_dsn);
  if (!dsn.ok())
    return report(make_error(dsn.error().code, "--source-dsn: " + dsn.error().message));
  auto store = open_index(a.index);
  if (!store.ok()) return report(store.error());
  if (Status s = store.value()->init(); !s.ok()) return report(s.error());
  auto conn = mysql::Connection::open(*dsn);
  if (!conn.ok()) return report(conn.error());
  std::set<std::string> schemas(a.schemas.begin(), a.schemas.end());
  auto taken = schema::take_snapshot(*conn.value(), schemas);
  if (!taken.ok()) return report(taken.error());
  for (const auto& s : schemas) {
    bool any = false;
    for (const auto& [key, t] : taken.value().snapshot.tables) any = any || key.first == s;
    if (!any) {
      std::fprintf(stderr,
                   "dbtrail: warning: schema %s has no tables on %s (or the user may not "
                   "see them)\n",
                   s.c_str(), dsn->redacted().c_str());
    }
  }
  index::SchemaSnapshot stored;
  stored.binlog_file = taken.value().binlog_file;
  stored.position = taken.value().position;
  stored.json = schema::to_json(taken.value().snapshot);
  if (Status s = store.value()->save_schema_snapshot(stored); !s.ok()) return report(s.error());
  std::printf("schema version %u: %zu tables of %s at %s:%llu\n", stored.version,
              taken.value().snapshot.tables.size(), conn.value()->server_description().c_str(),
              stored.binlog_file.empty() ? "(binary log off)" : stored.binlog_file.c_str(),
              static_cast<unsigned long long>(stored.position));
  return 0;
}

}  // namespace

void add_snapshot_command(CLI::App& app) {
  auto a = std::make_shared<SnapshotArgs>();
  auto* cmd = app.add_subcommand(
      "snapshot", "Store the source's table definitions as the next schema version of the index");
  cmd->add_option("--source-dsn", a->source_dsn,
                  "Source server: mysql://user:pass@host:port/ or user:pass@tcp(host:port)/")
      ->required();
  cmd->add_option("--index", a->index, "Index location: sqlite:/path/to/dir or a MySQL DSN")
      ->required();
  cmd->add_option("--schemas", a->schemas,
                  "Only these schemas (comma-separated; default: all "
                  "but the server's own)")
      ->delimiter(',');
  cmd->callback([a] { exit_status() = run_snapshot(*a); });
}

}  // namespace dbtrail::cli
