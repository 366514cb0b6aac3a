// MysqlStore: sessions, schema creation, open_mysql_store. Writing, querying
// and partitions live in mysql_store_{write,query,partitions}.cpp.
#include "index/mysql_store.h"

#include <algorithm>
#include <chrono>

#include "index/mysql_store_sql.h"

namespace dbtrail::index {
namespace {

// Server error numbers we translate into a clearer sentence.
constexpr unsigned kErBadDb = 1049;  // ER_BAD_DB_ERROR: unknown database

// bintrail's binlog_events, widened where bintrail loses data (see the header).
std::string binlog_events_ddl(int64_t first_hour, uint32_t hours) {
  std::string sql =
      "CREATE TABLE IF NOT EXISTS binlog_events (\n"
      "  event_id        BIGINT UNSIGNED  NOT NULL AUTO_INCREMENT,\n"
      "  binlog_file     VARCHAR(255)     NOT NULL,\n"
      "  start_pos       BIGINT UNSIGNED  NOT NULL,\n"
      "  end_pos         BIGINT UNSIGNED  NOT NULL,\n"
      "  event_timestamp DATETIME         NOT NULL COMMENT 'UTC',\n"
      "  gtid            VARCHAR(255)     DEFAULT NULL,\n"
      "  connection_id   BIGINT UNSIGNED  DEFAULT NULL COMMENT 'pseudo_thread_id of the writer',\n"
      "  schema_name     VARCHAR(64)      NOT NULL,\n"
      "  table_name      VARCHAR(64)      NOT NULL,\n"
      "  event_type      TINYINT UNSIGNED NOT NULL COMMENT '1=INSERT, 2=UPDATE, 3=DELETE',\n"
      "  pk_values       MEDIUMBLOB       NOT NULL COMMENT 'PK values pipe-delimited, e.g. 12345|2; no length limit',\n"
      "  pk_hash         CHAR(64)         AS (SHA2(pk_values, 256)) STORED,\n"
      "  changed_columns JSON             DEFAULT NULL COMMENT 'UPDATE only',\n"
      "  row_before      LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL,\n"
      "  row_after       LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL,\n"
      "  schema_version  INT UNSIGNED     NOT NULL DEFAULT 0,\n"
      "  PRIMARY KEY (event_id, event_timestamp),\n"
      "  INDEX idx_row_lookup (schema_name, table_name, event_timestamp),\n"
      "  INDEX idx_pk_hash (schema_name, table_name, pk_hash, event_timestamp),\n"
      "  INDEX idx_gtid (gtid)\n"
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4\n"
      "PARTITION BY RANGE (TO_SECONDS(event_timestamp)) (\n";
  for (uint32_t i = 0; i < hours; ++i)
    sql += "  " + mysql_sql::hourly_partition_clause(first_hour + int64_t{i} * 3600) + ",\n";
  sql += "  PARTITION p_future VALUES LESS THAN MAXVALUE\n)";
  return sql;
}

// One row per source: where its stream stands (bintrail's column names).
constexpr const char* kStreamStateDdl =
    "CREATE TABLE IF NOT EXISTS stream_state (\n"
    "  source          VARCHAR(255)    NOT NULL PRIMARY KEY,\n"
    "  mode            ENUM('position','gtid') NOT NULL,\n"
    "  binlog_file     VARCHAR(255)    NOT NULL DEFAULT '',\n"
    "  binlog_position BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
    "  gtid_set        MEDIUMTEXT      DEFAULT NULL,\n"
    "  server_uuid     VARCHAR(255)    NOT NULL DEFAULT '',\n"
    "  events_indexed  BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
    "  last_event_time DATETIME        DEFAULT NULL,\n"
    "  last_checkpoint DATETIME        NOT NULL\n"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

// Binlog files indexed from disk: per-file progress so re-running is safe.
constexpr const char* kIndexStateDdl =
    "CREATE TABLE IF NOT EXISTS index_state (\n"
    "  binlog_file    VARCHAR(255)    NOT NULL PRIMARY KEY,\n"
    "  file_size      BIGINT UNSIGNED NOT NULL,\n"
    "  last_position  BIGINT UNSIGNED NOT NULL,\n"
    "  events_indexed BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
    "  status         ENUM('in_progress','completed','failed') NOT NULL,\n"
    "  started_at     DATETIME        NOT NULL,\n"
    "  completed_at   DATETIME        DEFAULT NULL,\n"
    "  error_message  TEXT            DEFAULT NULL\n"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

constexpr const char* kSchemaSnapshotsDdl =
    "CREATE TABLE IF NOT EXISTS schema_snapshots (\n"
    "  snapshot_id     INT UNSIGNED    NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
    "  snapshot_time   DATETIME        NOT NULL,\n"
    "  binlog_file     VARCHAR(255)    NOT NULL DEFAULT '',\n"
    "  binlog_position BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
    "  snapshot_json   LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL\n"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

constexpr const char* kSchemaChangesDdl =
    "CREATE TABLE IF NOT EXISTS schema_changes (\n"
    "  id          INT UNSIGNED    NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
    "  detected_at DATETIME        NOT NULL,\n"
    "  binlog_file VARCHAR(255)    NOT NULL,\n"
    "  binlog_pos  BIGINT UNSIGNED NOT NULL,\n"
    "  gtid        VARCHAR(255)    DEFAULT NULL,\n"
    "  schema_name VARCHAR(64)     NOT NULL,\n"
    "  table_name  VARCHAR(64)     NOT NULL,\n"
    "  ddl_type    VARCHAR(50)     NOT NULL,\n"
    "  ddl_query   MEDIUMTEXT      NOT NULL,\n"
    "  snapshot_id INT UNSIGNED    DEFAULT NULL,\n"
    "  INDEX idx_detected_at (detected_at),\n"
    "  INDEX idx_schema_table (schema_name, table_name)\n"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

}  // namespace

MysqlStore::MysqlStore(mysql::Dsn dsn, const MysqlStoreOptions& options)
    : dsn_(std::move(dsn)), options_(options) {
  database_ = std::move(dsn_.database);
  dsn_.database.clear();
}

MysqlStore::~MysqlStore() = default;

Result<std::unique_ptr<MysqlStore>> MysqlStore::open(const mysql::Dsn& dsn,
                                                     const MysqlStoreOptions& options) {
  if (dsn.database.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "the index DSN names no database (" + dsn.redacted() +
                          "); add one, e.g. mysql://user:pass@host:3306/dbtrail_index");
  std::unique_ptr<MysqlStore> store(new MysqlStore(dsn, options));
  // A missing database is fine here: init() creates it, the rest say so.
  if (Status s = store->connect(); !s && s.error().code != ErrorCode::kNotFound) return s.error();
  return store;
}

uint64_t MysqlStore::session_id() const { return conn_ ? conn_->thread_id() : 0; }

Status MysqlStore::connect(bool create_database) {
  if (!conn_) {
    mysql::ConnectOptions co;
    co.local_infile = true;  // LOAD DATA of the changes from memory (mysql_store_load.cpp)
    auto c = mysql::Connection::open(dsn_, co);
    if (!c) return c.error();
    conn_ = std::move(c.value());
    in_database_ = false;
    // Strict: a value that does not fit is an error, never silently cut
    // (bintrail lost long keys that way). UTC for the DATETIME literals we send.
    auto r = run("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION', "
                 "time_zone = '+00:00'");
    if (!r) return r.error();
    if (!options_.log_index_writes) {
      if (auto b = run("SET SESSION sql_log_bin = 0"); !b)
        return make_error(ErrorCode::kConnection,
                          "keeping index writes out of the binlog of " + dsn_.redacted() +
                              " needs the SUPER or BINLOG ADMIN privilege (" + b.error().message +
                              "); grant it or leave index writes logged");
    }
    // The batch's transaction reads back the ids LOAD DATA gave (see
    // mysql_store_load.cpp); that needs one snapshot for the whole
    // transaction, which READ COMMITTED (a server default some DBAs pick)
    // would not keep.
    if (auto i = run("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"); !i)
      return i.error();
    auto v = run("SELECT @@max_allowed_packet, @@auto_increment_increment");
    if (!v) return v.error();
    if (!v->empty() && (*v)[0].size() == 2) {
      max_packet_ = mysql_sql::to_u64((*v)[0][0]).value_or(4u << 20);
      autoinc_step_ = std::max<uint64_t>(1, mysql_sql::to_u64((*v)[0][1]).value_or(1));
    }
    // Room for the statement's own text around the values.
    size_t from_packet = max_packet_ > (64u << 10) ? max_packet_ - (32u << 10) : max_packet_ / 2;
    statement_limit_ = options_.max_statement_bytes
                           ? options_.max_statement_bytes
                           : std::min<size_t>(from_packet, size_t{8} << 20);
  }
  if (create_database) {
    auto r = run("CREATE DATABASE IF NOT EXISTS " + mysql_sql::identifier(database_) +
                 " CHARACTER SET utf8mb4");
    if (!r) return r.error();
  }
  if (in_database_) return {};
  auto r = run("USE " + mysql_sql::identifier(database_));
  if (!r) {
    if (conn_ && conn_->last_errno() == kErBadDb)
      return make_error(ErrorCode::kNotFound,
                        "the index database '" + database_ + "' does not exist on " +
                            dsn_.redacted() + "; create it with: dbtrail init --index <DSN>");
    return r.error();
  }
  in_database_ = true;
  return {};
}

Result<std::vector<mysql::Row>> MysqlStore::run(std::string_view sql) {
  if (!conn_)
    return make_error(ErrorCode::kConnection,
                      "no session with the index server " + dsn_.redacted() + "; retry");
  auto r = conn_->query(sql);
  if (!r && conn_->lost()) conn_.reset();
  return r;
}

void MysqlStore::rollback() {
  if (conn_) (void)run("ROLLBACK");
}

Status MysqlStore::init() {
  DBT_TRY(connect(/*create_database=*/true));
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  DBT_TRY(run(binlog_events_ddl(mysql_sql::hour_floor(now), options_.initial_partitions)));
  for (const char* ddl : {kStreamStateDdl, kIndexStateDdl, kSchemaSnapshotsDdl, kSchemaChangesDdl})
    DBT_TRY(run(ddl));
  // An index created by bintrail (or an older dbtrail) keeps its own column
  // types; a table that is not range-partitioned cannot be rotated: say so now.
  auto p = run(
      "SELECT COUNT(*) FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() "
      "AND TABLE_NAME = 'binlog_events' AND PARTITION_METHOD = 'RANGE'");
  if (!p) return p.error();
  if (p->empty() || mysql_sql::to_u64((*p)[0][0]).value_or(0) == 0)
    return make_error(ErrorCode::kUnsupported,
                      "binlog_events in '" + database_ +
                          "' exists but is not partitioned by RANGE on the event time; "
                          "rename it away and run init again");
  return {};
}

Result<std::unique_ptr<Store>> open_mysql_store(std::string_view location) {
  auto dsn = mysql::parse_dsn(location);
  if (!dsn) return dsn.error();
  auto store = MysqlStore::open(*dsn);
  if (!store) return store.error();
  return std::unique_ptr<Store>(std::move(store.value()));
}

}  // namespace dbtrail::index
