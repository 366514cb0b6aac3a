// MysqlStore writes: a batch of changes and its checkpoint in one transaction,
// checkpoints, schema snapshots.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>
#include <string>

#include "index/mysql_store.h"
#include "index/mysql_store_sql.h"

namespace dbtrail::index {
namespace {

constexpr std::string_view kInsertHead =
    "INSERT INTO binlog_events (binlog_file, start_pos, end_pos, event_timestamp, gtid, "
    "connection_id, schema_name, table_name, event_type, pk_values, changed_columns, "
    "row_before, row_after, schema_version) VALUES ";

void append_nullable(mysql::Connection& c, std::string& sql, const std::optional<std::string>& v) {
  if (v) {
    c.append_quoted(sql, *v);
  } else {
    sql += "NULL";
  }
}

// One "(...)" tuple of kInsertHead's columns.
void append_values(mysql::Connection& c, std::string& sql, const ChangeRecord& r) {
  sql += '(';
  c.append_quoted(sql, r.binlog_file);
  sql += ',';
  sql += std::to_string(r.start_pos);
  sql += ',';
  sql += std::to_string(r.end_pos);
  sql += ",'";
  sql += mysql_sql::datetime(r.event_time);
  sql += "',";
  if (r.gtid.empty()) {
    sql += "NULL";
  } else {
    c.append_quoted(sql, r.gtid);
  }
  sql += ',';
  sql += r.connection_id ? std::to_string(*r.connection_id) : "NULL";
  sql += ',';
  c.append_quoted(sql, r.schema);
  sql += ',';
  c.append_quoted(sql, r.table);
  sql += ',';
  sql += std::to_string(static_cast<unsigned>(r.type));
  // Key values may be raw bytes of a binary column: keep them out of any
  // charset conversion.
  sql += ",_binary";
  c.append_quoted(sql, r.pk_values);
  sql += ',';
  if (r.changed_columns.empty()) {
    sql += "NULL";
  } else {
    c.append_quoted(sql, mysql_sql::string_array_json(r.changed_columns));
  }
  sql += ',';
  append_nullable(c, sql, r.row_before);
  sql += ',';
  append_nullable(c, sql, r.row_after);
  sql += ',';
  sql += std::to_string(r.schema_version);
  sql += ')';
}

}  // namespace

Status MysqlStore::write_changes(std::vector<ChangeRecord>& changes) {
  size_t from = 0;
  if (load_data_) {
    size_t refused_at = changes.size();
    DBT_TRY(load_changes(changes, 0, &refused_at));
    if (refused_at == changes.size()) return {};
    from = refused_at;
  }
  return insert_changes(changes, from);
}

Error MysqlStore::change_too_big(const ChangeRecord& c, size_t bytes) const {
  return make_error(ErrorCode::kUnsupported,
                    "a change of " + c.schema + "." + c.table + " at " + c.binlog_file + ":" +
                        std::to_string(c.start_pos) + " needs " + std::to_string(bytes) +
                        " bytes, more than the index server's max_allowed_packet (" +
                        std::to_string(max_packet_) +
                        "); raise it there (SET GLOBAL max_allowed_packet=1073741824) and retry");
}

Status MysqlStore::insert_changes(std::vector<ChangeRecord>& changes, size_t from) {
  std::string sql;
  sql.reserve(std::min<size_t>(statement_limit_, size_t{1} << 20) + 4096);
  size_t first = from;  // index of the first change in `sql`
  auto flush = [&](size_t end) -> Status {
    DBT_TRY(run(sql));
    // A multi-row INSERT takes consecutive values (one allocation for a
    // statement whose row count is known) spaced by auto_increment_increment;
    // LAST_INSERT_ID() is the first.
    const uint64_t id = conn_->last_insert_id();
    if (conn_->affected_rows() != end - first)
      return make_error(ErrorCode::kInternal,
                        "the index server stored " + std::to_string(conn_->affected_rows()) +
                            " of " + std::to_string(end - first) + " rows of one INSERT");
    for (size_t i = first; i < end; ++i) changes[i].event_id = id + (i - first) * autoinc_step_;
    return {};
  };
  for (size_t i = from; i < changes.size(); ++i) {
    const size_t before = sql.size();
    if (i == first) {
      sql.assign(kInsertHead);
    } else {
      sql += ',';
    }
    append_values(*conn_, sql, changes[i]);
    if (sql.size() <= statement_limit_) continue;
    if (i == first) {
      // This change alone is too big for one statement.
      if (sql.size() + 1024 > max_packet_) return change_too_big(changes[i], sql.size());
      continue;  // over our preferred size but within the server's limit
    }
    // Send what fitted before this change, then start over with it.
    sql.resize(before);
    DBT_TRY(flush(i));
    first = i;
    --i;
  }
  if (first < changes.size()) DBT_TRY(flush(changes.size()));
  return {};
}

Status MysqlStore::refuse_replay(const Checkpoint& cp) {
  auto rows = run("SELECT binlog_file, binlog_position, COALESCE(gtid_set, ''), server_uuid "
                  "FROM stream_state WHERE source = " + conn_->quote(cp.source) + " FOR UPDATE");
  if (!rows) return rows.error();
  if (rows->empty()) return {};
  const mysql::Row& r = (*rows)[0];
  if (r[0].value_or("") == cp.binlog_file &&
      mysql_sql::to_u64(r[1]).value_or(0) == cp.position && r[2].value_or("") == cp.gtid_set &&
      r[3].value_or("") == cp.server_uuid)
    return make_error(ErrorCode::kInternal,
                      "refusing to index a batch twice: source '" + cp.source +
                          "' already has its checkpoint " + cp.binlog_file + ":" +
                          std::to_string(cp.position) +
                          "; resume after load_checkpoint() (this is a bug in the caller)");
  return {};
}

Status MysqlStore::write_checkpoint(const Checkpoint& cp, const std::vector<ChangeRecord>& changes) {
  std::string last_event = "NULL";
  if (!changes.empty()) {
    int64_t t = changes.front().event_time;
    for (const ChangeRecord& c : changes) t = std::max(t, c.event_time);
    last_event = "'" + mysql_sql::datetime(t) + "'";
  }
  const std::string mode = cp.gtid_set.empty() ? "'position'" : "'gtid'";
  const std::string file = conn_->quote(cp.binlog_file);
  const std::string pos = std::to_string(cp.position);
  const std::string gtids = cp.gtid_set.empty() ? "NULL" : conn_->quote(cp.gtid_set);
  const std::string uuid = conn_->quote(cp.server_uuid);
  const std::string count = std::to_string(changes.size());
  const std::string at = "'" + mysql_sql::datetime(cp.updated_at) + "'";
  // Literals repeated in the UPDATE part rather than VALUES(): that function
  // is deprecated in MySQL 8.0.20+.
  auto r = run("INSERT INTO stream_state (source, mode, binlog_file, binlog_position, gtid_set, "
             "server_uuid, events_indexed, last_event_time, last_checkpoint) VALUES (" +
             conn_->quote(cp.source) + "," + mode + "," + file + "," + pos + "," + gtids + "," +
             uuid + "," + count + "," + last_event + "," + at +
             ") ON DUPLICATE KEY UPDATE mode=" + mode + ", binlog_file=" + file +
             ", binlog_position=" + pos + ", gtid_set=" + gtids + ", server_uuid=" + uuid +
             ", events_indexed=events_indexed+" + count + ", last_event_time=COALESCE(" +
             last_event + ", last_event_time), last_checkpoint=" + at);
  if (!r) return r.error();
  return {};
}

Status MysqlStore::write_in_transaction(std::vector<ChangeRecord>& changes,
                                        std::string_view resume_hint,
                                        const std::function<Status()>& record) {
  DBT_TRY(connect());
  auto fail = [&](Error e) -> Status {
    rollback();
    for (ChangeRecord& c : changes) c.event_id = 0;
    return e;
  };
  // The snapshot starts now, before any id is taken: load_changes relies on
  // it to tell its own rows from other writers'.
  if (auto r = run("START TRANSACTION WITH CONSISTENT SNAPSHOT"); !r) return fail(r.error());
  if (Status s = write_changes(changes); !s) return fail(s.error());
  if (Status s = record(); !s) return fail(s.error());
  if (auto r = run("COMMIT"); !r) {
    // The server may or may not have committed; the stored record tells
    // (see the protocol in mysql_store.h).
    Error e = r.error();
    e.message += "; whether this batch was committed is unknown: ";
    e.message += resume_hint;
    return fail(std::move(e));
  }
  return {};
}

Status MysqlStore::write_batch(std::vector<ChangeRecord>& changes, const Checkpoint& checkpoint) {
  if (checkpoint.source.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "a checkpoint needs the source's name; none was given (a bug in the caller)");
  const std::string hint =
      "reload the checkpoint of '" + checkpoint.source + "' and resume after it";
  return write_in_transaction(changes, hint, [&]() -> Status {
    if (!changes.empty()) DBT_TRY(refuse_replay(checkpoint));
    return write_checkpoint(checkpoint, changes);
  });
}

Status MysqlStore::write_progress(const FileProgress& fp) {
  const std::string file = conn_->quote(fp.binlog_file);
  const std::string size = std::to_string(fp.file_size);
  const std::string pos = std::to_string(fp.position);
  const std::string events = std::to_string(fp.events);
  const std::string status = fp.done ? "'completed'" : "'in_progress'";
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string started = "'" + mysql_sql::datetime(fp.started_at ? fp.started_at : now) + "'";
  const std::string completed =
      fp.done ? "'" + mysql_sql::datetime(fp.updated_at ? fp.updated_at : now) + "'" : "NULL";
  auto r = run("INSERT INTO index_state (binlog_file, file_size, last_position, events_indexed, "
               "status, started_at, completed_at) VALUES (" + file + "," + size + "," + pos + "," +
               events + "," + status + "," + started + "," + completed +
               ") ON DUPLICATE KEY UPDATE file_size=" + size + ", last_position=" + pos +
               ", events_indexed=" + events + ", status=" + status + ", completed_at=" + completed);
  if (!r) return r.error();
  return {};
}

Status MysqlStore::write_file_batch(std::vector<ChangeRecord>& changes, const FileProgress& fp) {
  const std::string hint =
      "reload the progress of " + fp.binlog_file + " (index_state) and resume after it";
  return write_in_transaction(changes, hint, [&] { return write_progress(fp); });
}

Result<std::vector<FileProgress>> MysqlStore::file_progress() {
  DBT_TRY(connect());
  const std::string epoch = std::to_string(mysql_sql::kToSecondsAtEpoch);
  auto rows = run("SELECT binlog_file, file_size, last_position, events_indexed, status, "
                  "TO_SECONDS(started_at) - " + epoch + ", TO_SECONDS(completed_at) - " + epoch +
                  " FROM index_state ORDER BY binlog_file");
  if (!rows) return rows.error();
  std::vector<FileProgress> out;
  for (const mysql::Row& r : *rows) {
    FileProgress f;
    f.binlog_file = r[0].value_or("");
    f.file_size = mysql_sql::to_u64(r[1]).value_or(0);
    f.position = mysql_sql::to_u64(r[2]).value_or(0);
    f.events = mysql_sql::to_u64(r[3]).value_or(0);
    f.done = r[4].value_or("") == "completed";
    f.started_at = mysql_sql::to_i64(r[5]).value_or(0);
    f.updated_at = mysql_sql::to_i64(r[6]).value_or(0);
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::optional<FileProgress>> MysqlStore::load_file_progress(std::string_view file) {
  auto all = file_progress();
  if (!all.ok()) return all.error();
  for (FileProgress& f : all.value()) {
    if (f.binlog_file == file) return std::optional<FileProgress>(std::move(f));
  }
  return std::optional<FileProgress>();
}

Result<std::optional<Checkpoint>> MysqlStore::load_checkpoint(std::string_view source) {
  DBT_TRY(connect());
  auto rows = run("SELECT binlog_file, binlog_position, COALESCE(gtid_set, ''), server_uuid, "
                  "TO_SECONDS(last_checkpoint) - " + std::to_string(mysql_sql::kToSecondsAtEpoch) +
                  " FROM stream_state WHERE source = " + conn_->quote(source));
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Checkpoint>{};
  const mysql::Row& r = (*rows)[0];
  Checkpoint cp;
  cp.source.assign(source);
  cp.binlog_file = r[0].value_or("");
  cp.position = mysql_sql::to_u64(r[1]).value_or(0);
  cp.gtid_set = r[2].value_or("");
  cp.server_uuid = r[3].value_or("");
  cp.updated_at = mysql_sql::to_i64(r[4]).value_or(0);
  return std::optional<Checkpoint>(std::move(cp));
}

Status MysqlStore::insert_snapshot(SchemaSnapshot& snapshot) {
  int64_t at = snapshot.taken_at ? snapshot.taken_at : int64_t(std::time(nullptr));
  auto r = run("INSERT INTO schema_snapshots (snapshot_time, binlog_file, binlog_position, "
               "snapshot_json) VALUES ('" + mysql_sql::datetime(at) + "'," +
               conn_->quote(snapshot.binlog_file) + "," + std::to_string(snapshot.position) + "," +
               conn_->quote(snapshot.json) + ")");
  if (!r) return r.error();
  snapshot.version = static_cast<uint32_t>(conn_->last_insert_id());
  return {};
}

Status MysqlStore::save_schema_snapshot(SchemaSnapshot& snapshot) {
  DBT_TRY(connect());
  return insert_snapshot(snapshot);
}

namespace {

std::string change_columns() {
  return "id, TO_SECONDS(detected_at) - " + std::to_string(mysql_sql::kToSecondsAtEpoch) +
         ", binlog_file, binlog_pos, COALESCE(gtid, ''), schema_name, table_name, ddl_type, "
         "ddl_query, COALESCE(snapshot_id, 0)";
}

SchemaChange change_from(const mysql::Row& r) {
  SchemaChange c;
  c.id = mysql_sql::to_u64(r[0]).value_or(0);
  c.detected_at = mysql_sql::to_i64(r[1]).value_or(0);
  c.binlog_file = r[2].value_or("");
  c.position = mysql_sql::to_u64(r[3]).value_or(0);
  c.gtid = r[4].value_or("");
  c.schema = r[5].value_or("");
  c.table = r[6].value_or("");
  c.ddl_type = r[7].value_or("");
  c.ddl = r[8].value_or("");
  c.schema_version = static_cast<uint32_t>(mysql_sql::to_u64(r[9]).value_or(0));
  return c;
}

}  // namespace

Result<bool> MysqlStore::save_schema_change(SchemaChange& change, SchemaSnapshot* version) {
  DBT_TRY(connect());
  auto fail = [&](Error e) -> Result<bool> {
    rollback();
    return e;
  };
  if (auto r = run("START TRANSACTION"); !r) return fail(r.error());
  // FOR UPDATE: a second writer of the same DDL waits here instead of adding a twin.
  auto found = run("SELECT " + change_columns() + " FROM schema_changes WHERE binlog_file = " +
                   conn_->quote(change.binlog_file) +
                   " AND binlog_pos = " + std::to_string(change.position) + " FOR UPDATE");
  if (!found) return fail(found.error());
  if (!found->empty()) {
    if (auto r = run("COMMIT"); !r) return fail(r.error());
    change = change_from(found->front());
    if (version) version->version = change.schema_version;
    return false;
  }
  SchemaChange c = change;
  std::optional<uint32_t> new_version;
  if (version) {
    SchemaSnapshot v = *version;
    if (Status s = insert_snapshot(v); !s) return fail(s.error());
    new_version = v.version;
    c.schema_version = v.version;
  }
  if (!c.detected_at) c.detected_at = int64_t(std::time(nullptr));
  auto ins = run("INSERT INTO schema_changes (detected_at, binlog_file, binlog_pos, gtid, "
                 "schema_name, table_name, ddl_type, ddl_query, snapshot_id) VALUES ('" +
                 mysql_sql::datetime(c.detected_at) + "'," + conn_->quote(c.binlog_file) + "," +
                 std::to_string(c.position) + "," +
                 (c.gtid.empty() ? std::string("NULL") : conn_->quote(c.gtid)) + "," +
                 conn_->quote(c.schema) + "," + conn_->quote(c.table) + "," +
                 conn_->quote(c.ddl_type) + "," + conn_->quote(c.ddl) + "," +
                 (c.schema_version ? std::to_string(c.schema_version) : std::string("NULL")) + ")");
  if (!ins) return fail(ins.error());
  c.id = conn_->last_insert_id();
  if (auto r = run("COMMIT"); !r) {
    Error e = r.error();
    e.message += "; whether the schema change was stored is unknown: it is written again (once) "
                 "when its DDL is read again";
    return fail(std::move(e));
  }
  change = std::move(c);
  if (version) version->version = *new_version;
  return true;
}

Result<std::vector<SchemaChange>> MysqlStore::schema_changes() {
  DBT_TRY(connect());
  auto rows = run("SELECT " + change_columns() +
                  " FROM schema_changes ORDER BY binlog_file, binlog_pos, id");
  if (!rows) return rows.error();
  std::vector<SchemaChange> out;
  for (const mysql::Row& r : *rows) out.push_back(change_from(r));
  return out;
}

Result<std::vector<SchemaSnapshot>> MysqlStore::schema_snapshots() {
  DBT_TRY(connect());
  auto rows = run("SELECT snapshot_id, TO_SECONDS(snapshot_time) - " +
                  std::to_string(mysql_sql::kToSecondsAtEpoch) +
                  ", binlog_file, binlog_position, snapshot_json FROM schema_snapshots "
                  "ORDER BY snapshot_id");
  if (!rows) return rows.error();
  std::vector<SchemaSnapshot> out;
  for (const mysql::Row& r : *rows) {
    SchemaSnapshot s;
    s.version = static_cast<uint32_t>(mysql_sql::to_u64(r[0]).value_or(0));
    s.taken_at = mysql_sql::to_i64(r[1]).value_or(0);
    s.binlog_file = r[2].value_or("");
    s.position = mysql_sql::to_u64(r[3]).value_or(0);
    s.json = r[4].value_or("");
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace dbtrail::index
