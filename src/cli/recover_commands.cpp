// `dbtrail recover` and `dbtrail reconstruct`: the changes come from the
// change index (--index, selected through a QueryFilter) or from `binlog
// decode` output (--from-decode); both hand the same ChangeRecords to the same
// recover library calls. The source server (--source-dsn) supplies what the
// images do not say: primary key, column types, and (reconstruct) live rows.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "cli/filter_args.h"
#include "index/store.h"
#include "mysql/connection.h"
#include "mysql/schema_lookup.h"
#include "recover/decode_lines.h"
#include "recover/live_rows.h"
#include "recover/reconstruct.h"
#include "recover/reversal_sql.h"
#include "stream/change_builder.h"
#include "util/json_writer.h"

namespace dbtrail::cli {

namespace {

struct RecoverOptions {
  std::string index;
  std::string from_decode;
  std::string source_dsn;
  std::string output;
  bool dry_run = false;
  std::string format = "sql";
  FilterArgs filter;  // schema, table, pk, event type, gtid, since, until
  // reconstruct only
  std::string at;
  bool from_history = false;
};

int fail(const Error& e) {
  std::fprintf(stderr, "dbtrail: error: %s\n", e.message.c_str());
  return exit_code(e.code);
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorCode::kNotFound,
                      "cannot open --from-decode file " + path +
                          ": check the path (it is the output of `dbtrail binlog decode`)");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Error invalid(std::string msg) { return make_error(ErrorCode::kInvalidArgument, std::move(msg)); }

// Checks the flags that need no server: exactly one source of changes, and
// the selection itself (make_query_filter names the bad flag).
Result<index::QueryFilter> checked_filter(const RecoverOptions& o) {
  if (o.index.empty() == o.from_decode.empty()) {
    return invalid("give either --index LOC (the change index) or --from-decode FILE, exactly one");
  }
  if (!o.index.empty() && (o.filter.schema.empty() || o.filter.table.empty())) {
    return invalid("--index needs --schema and --table: the index is read one table at a time");
  }
  if (!o.from_decode.empty() && !o.filter.pk.empty() && o.at.empty()) {
    return invalid("--pk needs --index: `binlog decode` lines carry no key values to match");
  }
  auto f = make_query_filter(o.filter);
  if (!f.ok()) return f.error();
  f.value().limit = UINT32_MAX;  // recovery needs every matching change, not a page
  return f;
}

bool decode_line_matches(const index::ChangeRecord& c, const index::QueryFilter& f) {
  if (!f.schema.empty() && c.schema != f.schema) return false;
  if (!f.table.empty() && c.table != f.table) return false;
  if (f.type && c.type != *f.type) return false;
  if (f.gtid && c.gtid != *f.gtid) return false;
  if (f.since && c.event_time < *f.since) return false;
  if (f.until && c.event_time > *f.until) return false;
  return true;
}

Result<std::vector<index::ChangeRecord>> load_from_decode(const std::string& path,
                                                          const index::QueryFilter& f) {
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  auto all = recover::changes_from_decode_output(*text);
  if (!all.ok()) return all.error();
  std::vector<index::ChangeRecord> out;
  for (auto& c : *all)
    if (decode_line_matches(c, f)) out.push_back(std::move(c));
  return out;
}

// The changes of one table from the index. An empty answer is told apart:
// a table the index never saw (a typo, or not indexed yet) is an error; a
// filter that matches nothing of a known table is an empty result.
Result<std::vector<index::ChangeRecord>> load_from_index(const std::string& location,
                                                         const index::QueryFilter& f) {
  auto store = index::open_store(location);
  if (!store.ok()) return store.error();
  auto rows = store.value()->query(f);
  if (!rows.ok()) return rows.error();
  if (!rows->empty()) return rows;
  index::QueryFilter any;
  any.schema = f.schema;
  any.table = f.table;
  any.limit = 1;
  auto probe = store.value()->query(any);
  if (!probe.ok()) return probe.error();
  if (probe->empty()) {
    return make_error(ErrorCode::kNotFound, "no changes recorded for " + f.schema + "." + f.table +
                                                "; check the name or run dbtrail status");
  }
  return rows;
}

Result<std::vector<index::ChangeRecord>> load_changes(const RecoverOptions& o,
                                                      const index::QueryFilter& f) {
  if (!o.index.empty()) return load_from_index(o.index, f);
  return load_from_decode(o.from_decode, f);
}

Result<std::unique_ptr<mysql::Connection>> connect(const std::string& dsn_text) {
  auto dsn = mysql::parse_dsn(dsn_text);
  if (!dsn.ok()) return dsn.error();
  return mysql::Connection::open(*dsn);
}

Result<recover::TableFacts> facts_of(mysql::Connection& conn, const std::string& schema,
                                     const std::string& table) {
  auto cols = mysql::load_table_columns(conn, schema, table);
  if (!cols.ok()) return cols.error();
  return recover::table_facts_from_schema(schema, table, *cols);
}

// A --pk must give one value per key column: otherwise it can match nothing,
// and saying so beats an empty result.
Status check_pk_arity(const std::string& pk, const recover::TableFacts& t) {
  if (pk.empty() || t.pk.empty()) return {};
  std::vector<std::string> parts;
  stream::split_pk_values(pk, parts);  // well-formed: checked_filter passed
  if (parts.size() == t.pk.size()) return {};
  std::string names;
  for (uint32_t i : t.pk) names += (names.empty() ? "" : ", ") + t.columns[i].name;
  return invalid("--pk \"" + pk + "\" has " + std::to_string(parts.size()) + " value(s) but " +
                 t.schema + "." + t.table + "'s primary key has " + std::to_string(t.pk.size()) +
                 " column(s) (" + names + "); separate them with '|'");
}

Status write_output(const RecoverOptions& o, const std::string& text) {
  if (o.dry_run || o.output.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return {};
  }
  std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return make_error(ErrorCode::kIo, "cannot write --output file " + o.output);
  return {};
}

std::string plan_json(const recover::ReversalPlan& p) {
  std::string s;
  JsonWriter w(s);
  w.begin_object();
  w.key("success");
  w.boolean(true);
  w.key("sql");
  w.string(p.sql);
  w.key("affected_rows");
  w.uint64(p.affected_rows);
  w.key("operations");
  w.begin_array();
  for (const auto& op : p.operations) {
    w.begin_object();
    w.key("event_id");
    w.uint64(op.event_id);
    w.key("binlog_file");
    w.string(op.binlog_file);
    w.key("start_pos");
    w.uint64(op.start_pos);
    w.key("gtid");
    w.string(op.gtid);
    w.key("schema");
    w.string(op.schema);
    w.key("table");
    w.string(op.table);
    w.key("event_type");
    w.string(recover::change_type_text(op.original));
    w.key("action");
    w.string(op.action);
    w.key("pk_values");
    w.string(op.pk_values);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  s += '\n';
  return s;
}

int run_recover(const RecoverOptions& o) {
  auto filter = checked_filter(o);
  if (!filter.ok()) return fail(filter.error());
  auto changes = load_changes(o, *filter);
  if (!changes.ok()) return fail(changes.error());
  auto conn = connect(o.source_dsn);
  if (!conn.ok()) return fail(conn.error());
  recover::FactsCatalog catalog;
  std::set<std::pair<std::string, std::string>> tables;
  for (const auto& c : *changes) tables.insert({c.schema, c.table});
  for (const auto& [s, t] : tables) {
    auto f = facts_of(**conn, s, t);
    if (!f.ok()) return fail(f.error());
    Status arity = check_pk_arity(o.filter.pk, *f);
    if (!arity.ok()) return fail(arity.error());
    catalog.add(std::move(*f));
  }
  if (changes->empty()) {
    std::fprintf(stderr, "dbtrail: no change matches the selection; nothing to undo\n");
  }
  auto plan = recover::generate_reversal(std::move(*changes), catalog);
  if (!plan.ok()) return fail(plan.error());
  Status st = write_output(o, o.format == "json" ? plan_json(*plan) : plan->sql);
  if (!st.ok()) return fail(st.error());
  if (!o.dry_run && !o.output.empty()) {
    std::fprintf(stderr, "dbtrail: wrote %llu statements to %s\n",
                 static_cast<unsigned long long>(plan->affected_rows), o.output.c_str());
  }
  return 0;
}

int run_reconstruct(const RecoverOptions& o) {
  auto at = recover::parse_utc_time(o.at);
  if (!at.ok()) return fail(make_error(ErrorCode::kInvalidArgument, "--at: " + at.error().message));
  auto filter = checked_filter(o);
  if (!filter.ok()) return fail(filter.error());
  // --pk picks rows of the result: a key may have moved, so every change of
  // the table is read. Undoing from the live rows needs only those after --at.
  filter->pk.reset();
  if (!o.from_history) filter->since = *at + 1;
  auto changes = load_changes(o, *filter);
  if (!changes.ok()) return fail(changes.error());
  auto conn = connect(o.source_dsn);
  if (!conn.ok()) return fail(conn.error());
  const std::string& schema = o.filter.schema;
  const std::string& table = o.filter.table;
  auto facts = facts_of(**conn, schema, table);
  if (!facts.ok()) return fail(facts.error());
  Status arity = check_pk_arity(o.filter.pk, *facts);
  if (!arity.ok()) return fail(arity.error());
  Result<recover::Reconstruction> r = make_error(ErrorCode::kInternal, "unset");
  if (o.from_history) {
    r = recover::reconstruct_from_history(*facts, std::move(*changes), *at);
  } else {
    auto live = recover::read_live_rows(**conn, *facts);
    if (!live.ok()) return fail(live.error());
    r = recover::reconstruct_table(*facts, *live, std::move(*changes), *at);
  }
  if (!r.ok()) return fail(r.error());
  for (const auto& w : r->warnings) std::fprintf(stderr, "dbtrail: warning: %s\n", w.c_str());
  std::vector<recover::ReconstructedRow> rows;
  const std::string& pk = o.filter.pk;
  for (auto& row : r->rows)
    if (pk.empty() || row.pk_values == pk) rows.push_back(std::move(row));
  if (!pk.empty() && rows.empty()) {
    std::fprintf(stderr, "dbtrail: row %s did not exist at %s\n", pk.c_str(), o.at.c_str());
  }
  std::string out;
  if (o.format == "sql") {
    auto sql = recover::rows_insert_sql(rows, *facts, schema, table);
    if (!sql.ok()) return fail(sql.error());
    out = std::move(*sql);
  } else {
    for (const auto& row : rows) out += row.row + "\n";
  }
  Status st = write_output(o, out);
  return st.ok() ? 0 : fail(st.error());
}

void common_options(CLI::App* cmd, RecoverOptions& o) {
  cmd->add_option("--index", o.index,
                  "Change index to read the changes from: sqlite:/dir, mysql://... or "
                  "user:pass@tcp(host:port)/db (needs --schema and --table)");
  cmd->add_option("--from-decode", o.from_decode,
                  "Or: JSON lines written by `dbtrail binlog decode` (the changes to work from)");
  cmd->add_option(
         "--source-dsn", o.source_dsn,
         "Server holding the tables (mysql://user:pass@host:port/ or user:pass@tcp(host:port)/); "
         "the password may come from DBTRAIL_SOURCE_PASSWORD instead")
      ->required();
  cmd->add_option("--output,-o", o.output, "Write to this file instead of stdout");
  cmd->add_flag("--dry-run", o.dry_run, "Print to stdout, write no file");
}

}  // namespace

void add_recover_commands(CLI::App& app) {
  auto ro = std::make_shared<RecoverOptions>();
  auto* rec = app.add_subcommand(
      "recover", "Reversal SQL (newest first, one transaction) that undoes the given changes");
  common_options(rec, *ro);
  rec->add_option("--schema", ro->filter.schema, "Only changes of this schema");
  rec->add_option("--table", ro->filter.table, "Only changes of this table");
  rec->add_option("--pk", ro->filter.pk,
                  "Only this row: primary-key values, composite as a|b (--index only)");
  rec->add_option("--since", ro->filter.since, "Changes from this time (ISO 8601, UTC, inclusive)");
  rec->add_option("--until", ro->filter.until,
                  "Changes up to this time (ISO 8601, UTC, inclusive)");
  rec->add_option("--event-type", ro->filter.event_type, "Only INSERT, UPDATE or DELETE changes");
  rec->add_option("--gtid", ro->filter.gtid, "Only the changes of this transaction");
  rec->add_option("--format", ro->format,
                  "sql (default) or json ({sql, affected_rows, operations})")
      ->check(CLI::IsMember({"sql", "json"}));
  rec->callback([ro] { exit_status() = run_recover(*ro); });

  auto co = std::make_shared<RecoverOptions>();
  auto* con = app.add_subcommand(
      "reconstruct",
      "A table's rows (or one row, --pk) as they were at --at, from the live rows and the changes");
  common_options(con, *co);
  con->add_option("--schema", co->filter.schema, "Schema of the table")->required();
  con->add_option("--table", co->filter.table, "The table")->required();
  con->add_option("--at", co->at,
                  "Moment, UTC: YYYY-MM-DDTHH:MM:SSZ (changes at or before it count)")
      ->required();
  con->add_option("--pk", co->filter.pk, "Only this row: primary-key values, composite as a|b");
  con->add_flag("--from-history", co->from_history,
                "Use only the changes (rows they touched), not the live table");
  co->format = "json";
  con->add_option("--format", co->format,
                  "json (one row per line, default) or sql (INSERT statements)")
      ->check(CLI::IsMember({"sql", "json"}));
  con->callback([co] { exit_status() = run_reconstruct(*co); });
}

}  // namespace dbtrail::cli
