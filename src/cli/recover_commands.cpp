// `dbtrail recover` and `dbtrail reconstruct` over `binlog decode` output
// (--from-decode): usable before the index store exists; the index path will
// hand the same ChangeRecords to the same library calls.
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "mysql/connection.h"
#include "mysql/schema_lookup.h"
#include "recover/decode_lines.h"
#include "recover/live_rows.h"
#include "recover/reconstruct.h"
#include "recover/reversal_sql.h"
#include "util/json_writer.h"

namespace dbtrail::cli {

namespace {

struct RecoverOptions {
  std::string from_decode;
  std::string source_dsn;
  std::string output;
  bool dry_run = false;
  std::string format = "sql";
  std::string schema, table;
  // reconstruct only
  std::string at;
  std::string pk;
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

Result<std::vector<index::ChangeRecord>> load_changes(const RecoverOptions& o) {
  auto text = read_file(o.from_decode);
  if (!text.ok()) return text.error();
  auto all = recover::changes_from_decode_output(*text);
  if (!all.ok()) return all.error();
  std::vector<index::ChangeRecord> out;
  for (auto& c : *all) {
    if (!o.schema.empty() && c.schema != o.schema) continue;
    if (!o.table.empty() && c.table != o.table) continue;
    out.push_back(std::move(c));
  }
  return out;
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
  auto changes = load_changes(o);
  if (!changes.ok()) return fail(changes.error());
  auto conn = connect(o.source_dsn);
  if (!conn.ok()) return fail(conn.error());
  recover::FactsCatalog catalog;
  std::set<std::pair<std::string, std::string>> tables;
  for (const auto& c : *changes) tables.insert({c.schema, c.table});
  for (const auto& [s, t] : tables) {
    auto f = facts_of(**conn, s, t);
    if (!f.ok()) return fail(f.error());
    catalog.add(std::move(*f));
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
  auto changes = load_changes(o);
  if (!changes.ok()) return fail(changes.error());
  auto conn = connect(o.source_dsn);
  if (!conn.ok()) return fail(conn.error());
  auto facts = facts_of(**conn, o.schema, o.table);
  if (!facts.ok()) return fail(facts.error());
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
  for (auto& row : r->rows)
    if (o.pk.empty() || row.pk_values == o.pk) rows.push_back(std::move(row));
  if (!o.pk.empty() && rows.empty()) {
    std::fprintf(stderr, "dbtrail: row %s did not exist at %s\n", o.pk.c_str(), o.at.c_str());
  }
  std::string out;
  if (o.format == "sql") {
    auto sql = recover::rows_insert_sql(rows, *facts, o.schema, o.table);
    if (!sql.ok()) return fail(sql.error());
    out = std::move(*sql);
  } else {
    for (const auto& row : rows) out += row.row + "\n";
  }
  Status st = write_output(o, out);
  return st.ok() ? 0 : fail(st.error());
}

void common_options(CLI::App* cmd, RecoverOptions& o) {
  cmd->add_option("--from-decode", o.from_decode,
                  "JSON lines written by `dbtrail binlog decode` (the changes to work from)")
      ->required();
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
  rec->add_option("--schema", ro->schema, "Only changes of this schema");
  rec->add_option("--table", ro->table, "Only changes of this table");
  rec->add_option("--format", ro->format,
                  "sql (default) or json ({sql, affected_rows, operations})")
      ->check(CLI::IsMember({"sql", "json"}));
  rec->callback([ro] { exit_status() = run_recover(*ro); });

  auto co = std::make_shared<RecoverOptions>();
  auto* con = app.add_subcommand(
      "reconstruct",
      "A table's rows (or one row, --pk) as they were at --at, from the live rows and the changes");
  common_options(con, *co);
  con->add_option("--schema", co->schema, "Schema of the table")->required();
  con->add_option("--table", co->table, "The table")->required();
  con->add_option("--at", co->at,
                  "Moment, UTC: YYYY-MM-DDTHH:MM:SSZ (changes at or before it count)")
      ->required();
  con->add_option("--pk", co->pk, "Only this row: primary-key values, composite as a|b");
  con->add_flag("--from-history", co->from_history,
                "Use only the changes (rows they touched), not the live table");
  co->format = "json";
  con->add_option("--format", co->format,
                  "json (one row per line, default) or sql (INSERT statements)")
      ->check(CLI::IsMember({"sql", "json"}));
  con->callback([co] { exit_status() = run_reconstruct(*co); });
}

}  // namespace dbtrail::cli
