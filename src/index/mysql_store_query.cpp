// MysqlStore::query: a QueryFilter as one SELECT on binlog_events. Key lookups
// go through idx_pk_hash; time bounds are DATETIME comparisons the server
// turns into partition pruning.
#include <string>

#include "index/mysql_store.h"
#include "index/mysql_store_sql.h"

namespace dbtrail::index {

Result<std::vector<ChangeRecord>> MysqlStore::query(const QueryFilter& f) {
  if (f.schema.empty() || f.table.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "a query needs both a schema and a table; give --schema and --table");
  if (f.since && f.until && *f.since > *f.until)
    return make_error(ErrorCode::kInvalidArgument,
                      "--since (" + mysql_sql::datetime(*f.since) + ") is after --until (" +
                          mysql_sql::datetime(*f.until) + "); swap them");
  DBT_TRY(connect());
  mysql::Connection& c = *conn_;
  std::string sql =
      "SELECT event_id, binlog_file, start_pos, end_pos, TO_SECONDS(event_timestamp) - " +
      std::to_string(mysql_sql::kToSecondsAtEpoch) +
      ", gtid, connection_id, schema_name, table_name, event_type, pk_values, changed_columns, "
      "row_before, row_after, schema_version FROM binlog_events WHERE schema_name = " +
      c.quote(f.schema) + " AND table_name = " + c.quote(f.table);
  if (f.pk) {
    // The hash finds the rows; comparing the values too rules out a collision.
    std::string pk = "_binary" + c.quote(*f.pk);
    sql += " AND pk_hash = SHA2(" + pk + ", 256) AND pk_values = " + pk;
  }
  if (f.type) sql += " AND event_type = " + std::to_string(static_cast<unsigned>(*f.type));
  if (f.gtid) sql += " AND gtid = " + c.quote(*f.gtid);
  if (f.since) sql += " AND event_timestamp >= '" + mysql_sql::datetime(*f.since) + "'";
  if (f.until) sql += " AND event_timestamp <= '" + mysql_sql::datetime(*f.until) + "'";
  if (f.changed_column)
    sql += " AND JSON_CONTAINS(changed_columns, JSON_QUOTE(" + c.quote(*f.changed_column) + "))";
  if (f.column_eq) {
    // Either image: an UPDATE matches on its old or its new value.
    const std::string path = c.quote(mysql_sql::member_path(f.column_eq->first));
    const std::string value = c.quote(f.column_eq->second);
    sql += " AND (JSON_UNQUOTE(JSON_EXTRACT(row_after, " + path + ")) = " + value +
           " OR JSON_UNQUOTE(JSON_EXTRACT(row_before, " + path + ")) = " + value + ")";
  }
  // event_id is the binlog order; the timestamp first lets the server walk
  // idx_row_lookup (whose entries end with the primary key) in order.
  sql += f.newest_first ? " ORDER BY event_timestamp DESC, event_id DESC"
                        : " ORDER BY event_timestamp, event_id";
  sql += " LIMIT " + std::to_string(f.limit);

  auto rows = run(sql);
  if (!rows) return rows.error();
  std::vector<ChangeRecord> out;
  out.reserve(rows->size());
  for (mysql::Row& r : *rows) {
    ChangeRecord rec;
    rec.event_id = mysql_sql::to_u64(r[0]).value_or(0);
    rec.binlog_file = r[1].value_or("");
    rec.start_pos = mysql_sql::to_u64(r[2]).value_or(0);
    rec.end_pos = mysql_sql::to_u64(r[3]).value_or(0);
    rec.event_time = mysql_sql::to_i64(r[4]).value_or(0);
    rec.gtid = r[5].value_or("");
    rec.connection_id = mysql_sql::to_u64(r[6]);
    rec.schema = r[7].value_or("");
    rec.table = r[8].value_or("");
    const uint64_t type = mysql_sql::to_u64(r[9]).value_or(0);
    if (type < 1 || type > 3)
      return make_error(ErrorCode::kCorrupt, "binlog_events row " + std::to_string(rec.event_id) +
                                                 " has event_type " + std::to_string(type) +
                                                 " (expected 1, 2 or 3); the index is damaged");
    rec.type = static_cast<ChangeType>(type);
    rec.pk_values = std::move(r[10]).value_or("");
    if (r[11] && !mysql_sql::parse_string_array_json(*r[11], rec.changed_columns))
      return make_error(ErrorCode::kCorrupt, "binlog_events row " + std::to_string(rec.event_id) +
                                                 " has changed_columns that are not a JSON "
                                                 "array of names; the index is damaged");
    rec.row_before = std::move(r[12]);
    rec.row_after = std::move(r[13]);
    rec.schema_version = static_cast<uint32_t>(mysql_sql::to_u64(r[14]).value_or(0));
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace dbtrail::index
