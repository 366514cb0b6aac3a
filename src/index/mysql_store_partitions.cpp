// MysqlStore partitions: binlog_events is RANGE-partitioned on
// TO_SECONDS(event_timestamp), one p_YYYYMMDDHH partition per hour and a
// p_future catch-all. Rotation drops whole partitions (no row-by-row DELETE).
#include <limits>
#include <string>

#include "index/mysql_store.h"
#include "index/mysql_store_sql.h"

namespace dbtrail::index {

Result<std::vector<PartitionInfo>> MysqlStore::partitions() {
  DBT_TRY(connect());
  // TABLE_ROWS is InnoDB's estimate (exact enough for status and rotation;
  // ANALYZE TABLE refreshes it). Bytes include the secondary indexes.
  auto rows = run(
      "SELECT PARTITION_NAME, PARTITION_DESCRIPTION, COALESCE(TABLE_ROWS, 0), "
      "COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) FROM information_schema.PARTITIONS "
      "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'binlog_events' "
      "AND PARTITION_NAME IS NOT NULL ORDER BY PARTITION_ORDINAL_POSITION");
  if (!rows) return rows.error();
  if (rows->empty())
    return make_error(ErrorCode::kNotFound,
                      "binlog_events in '" + database_ +
                          "' does not exist or is not partitioned; run dbtrail init first");
  std::vector<PartitionInfo> out;
  int64_t prev_end = std::numeric_limits<int64_t>::min();
  for (const mysql::Row& r : *rows) {
    PartitionInfo p;
    p.name = r[0].value_or("");
    auto bound = mysql_sql::to_i64(r[1]);  // nullopt for MAXVALUE
    p.end = bound ? *bound - mysql_sql::kToSecondsAtEpoch : std::numeric_limits<int64_t>::max();
    // The first partition also holds anything older than its hour; we report
    // the hour its name says, as bintrail does.
    if (prev_end != std::numeric_limits<int64_t>::min()) {
      p.start = prev_end;
    } else if (auto h = mysql_sql::partition_hour(p.name)) {
      p.start = *h;
    } else {
      p.start = bound ? p.end - 3600 : 0;
    }
    p.events = mysql_sql::to_u64(r[2]).value_or(0);
    p.bytes = mysql_sql::to_u64(r[3]).value_or(0);
    prev_end = p.end;
    out.push_back(std::move(p));
  }
  return out;
}

Result<uint32_t> MysqlStore::drop_partitions_before(int64_t cutoff) {
  auto parts = partitions();
  if (!parts) return parts.error();
  std::string names;
  uint32_t n = 0;
  for (const PartitionInfo& p : *parts) {
    if (p.end > cutoff || p.end == std::numeric_limits<int64_t>::max()) continue;
    names += (n ? "," : "") + mysql_sql::identifier(p.name);
    ++n;
  }
  if (n == 0) return n;
  // Ending in p_future, the table always keeps at least one partition.
  auto r = run("ALTER TABLE binlog_events DROP PARTITION " + names);
  if (!r) return r.error();
  return n;
}

Status MysqlStore::add_future_partitions(uint32_t hours, int64_t now) {
  auto parts = partitions();
  if (!parts) return parts.error();
  const PartitionInfo& last = parts->back();
  if (last.end != std::numeric_limits<int64_t>::max())
    return make_error(ErrorCode::kUnsupported,
                      "binlog_events in '" + database_ + "' has no catch-all partition (" +
                          last.name + " is last); add one: ALTER TABLE binlog_events ADD "
                          "PARTITION (PARTITION p_future VALUES LESS THAN MAXVALUE)");
  // Named partitions must keep ascending: start after the last one, or at the
  // current hour when the table lags behind (that partition then also covers
  // the gap).
  int64_t named_end = parts->size() > 1 ? (*parts)[parts->size() - 2].end
                                        : std::numeric_limits<int64_t>::min();
  const int64_t first = mysql_sql::hour_floor(now);
  const int64_t stop = first + int64_t{hours} * 3600;
  std::string clauses;
  for (int64_t h = first; h < stop; h += 3600) {
    if (h + 3600 <= named_end) continue;  // exists already
    clauses += mysql_sql::hourly_partition_clause(h) + ", ";
  }
  if (clauses.empty()) return {};
  // Rows already in p_future that fall into a new hour move with it.
  auto r = run("ALTER TABLE binlog_events REORGANIZE PARTITION p_future INTO (" + clauses +
               "PARTITION p_future VALUES LESS THAN MAXVALUE)");
  if (!r) return r.error();
  return {};
}

}  // namespace dbtrail::index
