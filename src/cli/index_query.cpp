// `dbtrail query`: changes from the index, as a table, JSON lines or CSV.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/filter_args.h"
#include "cli/index_cli.h"
#include "util/json_writer.h"
#include "util/time_format.h"

namespace dbtrail::cli {

namespace {

struct QueryOptions {
  std::string index, schema, table, pk, event_type, gtid, since, until, changed_column, column_eq;
  uint32_t limit = 100;
  std::string format = "table";
  bool newest_first = false;
};

Error invalid(std::string msg) { return make_error(ErrorCode::kInvalidArgument, std::move(msg)); }

Result<index::QueryFilter> make_filter(const QueryOptions& o) {
  if (o.limit < 1 || o.limit > 1000000) return invalid("--limit must be between 1 and 1000000");
  auto made = make_query_filter(
      FilterArgs{o.schema, o.table, o.pk, o.event_type, o.gtid, o.since, o.until});
  if (!made.ok()) return made.error();
  index::QueryFilter f = std::move(made.value());
  f.limit = o.limit;
  f.newest_first = o.newest_first;
  if (!o.changed_column.empty()) f.changed_column = o.changed_column;
  if (!o.column_eq.empty()) {
    size_t eq = o.column_eq.find('=');
    if (eq == std::string::npos || eq == 0) {
      return invalid("--column-eq \"" + o.column_eq + "\" needs the form column=value");
    }
    f.column_eq = std::make_pair(o.column_eq.substr(0, eq), o.column_eq.substr(eq + 1));
  }
  return f;
}

void print_json(const index::ChangeRecord& c, std::string& out) {
  out.clear();
  JsonWriter w(out);
  w.begin_object();
  w.key("event_id"); w.uint64(c.event_id);
  w.key("binlog_file"); w.string(c.binlog_file);
  w.key("start_pos"); w.uint64(c.start_pos);
  w.key("end_pos"); w.uint64(c.end_pos);
  w.key("timestamp"); w.string(iso8601_utc(c.event_time));
  w.key("event_type"); w.string(index::change_type_name(c.type));
  w.key("schema"); w.string(c.schema);
  w.key("table"); w.string(c.table);
  w.key("pk_values"); w.string(c.pk_values);
  w.key("gtid"); if (c.gtid.empty()) w.null(); else w.string(c.gtid);
  w.key("connection_id"); if (c.connection_id) w.uint64(*c.connection_id); else w.null();
  w.key("changed_columns");
  w.begin_array();
  for (const auto& col : c.changed_columns) w.string(col);
  w.end_array();
  w.key("before"); if (c.row_before) w.raw(*c.row_before); else w.null();
  w.key("after"); if (c.row_after) w.raw(*c.row_after); else w.null();
  w.key("schema_version"); w.uint64(c.schema_version);
  w.end_object();
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stdout);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

int run_query(const QueryOptions& o) {
  if (o.format != "table" && o.format != "json" && o.format != "csv") {
    return report(invalid("--format \"" + o.format + "\" is not table, json or csv"));
  }
  auto f = make_filter(o);
  if (!f.ok()) return report(f.error());
  auto store = open_index(o.index);
  if (!store.ok()) return report(store.error());
  auto rows = store.value()->query(f.value());
  if (!rows.ok()) return report(rows.error());
  // Read-only: nothing to flush or close cleanly; main exits without
  // tearing it down (closing each SQLite connection costs more than exiting).
  static std::unique_ptr<index::Store> kept_until_exit;
  kept_until_exit = std::move(store.value());
  if (o.format == "json") {
    std::string buf;
    for (const auto& c : rows.value()) print_json(c, buf);
  } else if (o.format == "csv") {
    std::printf("event_id,timestamp,event_type,schema,table,pk_values,gtid,binlog_file,start_pos,"
                "changed_columns,before,after\n");
    for (const auto& c : rows.value()) {
      std::printf("%llu,%s,%s,%s,%s,%s,%s,%s,%llu,%s,%s,%s\n",
                  static_cast<unsigned long long>(c.event_id), iso8601_utc(c.event_time).c_str(),
                  index::change_type_name(c.type), csv_field(c.schema).c_str(),
                  csv_field(c.table).c_str(), csv_field(c.pk_values).c_str(),
                  csv_field(c.gtid).c_str(), csv_field(c.binlog_file).c_str(),
                  static_cast<unsigned long long>(c.start_pos),
                  csv_field(joined(c.changed_columns)).c_str(),
                  csv_field(c.row_before.value_or("")).c_str(),
                  csv_field(c.row_after.value_or("")).c_str());
    }
  } else {
    std::printf("%-10s %-20s %-6s %-20s %-28s %s\n", "EVENT_ID", "TIMESTAMP", "TYPE", "PK", "GTID",
                "CHANGED");
    for (const auto& c : rows.value()) {
      std::printf("%-10llu %-20s %-6s %-20s %-28s %s\n",
                  static_cast<unsigned long long>(c.event_id), iso8601_utc(c.event_time).c_str(),
                  index::change_type_name(c.type), c.pk_values.c_str(),
                  c.gtid.empty() ? "-" : c.gtid.c_str(), joined(c.changed_columns).c_str());
    }
    std::printf("(%zu row changes)\n", rows.value().size());
  }
  return 0;
}

}  // namespace

void add_query_command(CLI::App& app) {
  auto o = std::make_shared<QueryOptions>();
  auto* cmd = app.add_subcommand("query", "Find row changes in the index");
  cmd->add_option("--index", o->index, "Index location: sqlite:/path/to/dir")->required();
  cmd->add_option("--schema", o->schema, "Schema (database) name")->required();
  cmd->add_option("--table", o->table, "Table name")->required();
  cmd->add_option("--pk", o->pk, "Primary key value; composite keys as 1|2");
  cmd->add_option("--event-type", o->event_type, "INSERT, UPDATE or DELETE");
  cmd->add_option("--gtid", o->gtid, "Only the changes of this transaction");
  cmd->add_option("--since", o->since, "From this time (ISO 8601, UTC, inclusive)");
  cmd->add_option("--until", o->until, "Up to this time (ISO 8601, UTC, inclusive)");
  cmd->add_option("--changed-column", o->changed_column, "Only UPDATEs that changed this column");
  cmd->add_option("--column-eq", o->column_eq, "col=value: the column had or has this value");
  cmd->add_option("--limit", o->limit, "At most this many changes (default 100)");
  cmd->add_option("--format", o->format, "table (default), json (one object per line) or csv");
  cmd->add_flag("--newest-first", o->newest_first, "Newest changes first");
  cmd->callback([o] { exit_status() = run_query(*o); });
}

}  // namespace dbtrail::cli
