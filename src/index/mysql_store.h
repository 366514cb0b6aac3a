// The MySQL/MariaDB backend of Store: bintrail's schema in a database of the
// index server (DESIGN.md "Index layout"), so existing bintrail tooling can
// read it. Differences from bintrail, each to avoid losing data:
//   * pk_values is MEDIUMBLOB (bintrail: VARCHAR(512), defect 9; binary keys
//     are stored byte for byte); pk_hash stays SHA2(pk_values, 256), a stored
//     generated column, so the server is the only one computing it.
//   * row_before/row_after are LONGTEXT utf8mb4_bin, not JSON: MySQL's JSON
//     type reorders keys and re-renders numbers; the value encoding must come
//     back byte for byte.
//   * stream_state holds one row per source (keyed by Checkpoint.source).
//   * schema_snapshots holds one row per snapshot (the snapshot JSON);
//     schema_changes one row per DDL met, its snapshot_id the version it starts.
//
// Exactly-once protocol (what a caller such as the stream does):
//   1. on start, and after ANY write_batch error, call load_checkpoint(source)
//      (the store reconnects by itself when the session was lost);
//   2. resume reading the source just after that checkpoint;
//   3. write each batch together with the checkpoint that ends it.
// A batch is committed with its checkpoint or not at all, so the stored
// checkpoint always says exactly which changes are in the index. When COMMIT's
// answer is lost the outcome is unknown to us but not to the index: step 1
// tells. As a safety net write_batch refuses a non-empty batch whose checkpoint
// equals the stored one (a replay) instead of indexing it twice.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "index/store.h"
#include "mysql/connection.h"

namespace dbtrail::index {

struct MysqlStoreOptions {
  // Hourly partitions init() creates, from the current hour (bintrail's default).
  uint32_t initial_partitions = 48;
  // Upper bound of one multi-row INSERT, in bytes. 0 = derived from the
  // server's max_allowed_packet (capped at 8 MiB: larger statements are not
  // faster and hold more memory). A single change larger than
  // max_allowed_packet is refused with an error naming the setting.
  size_t max_statement_bytes = 0;
  // false: SET SESSION sql_log_bin = 0, keeping the index's own writes out of
  // the index server's binlog (needs SUPER / BINLOG ADMIN; the index is then
  // not replicated). A DBA's choice, off by default.
  bool log_index_writes = true;
};

// One session with the index server; not for concurrent use by several
// threads (open one store per thread).
class MysqlStore final : public Store {
 public:
  // Connects (kConnection on failure). The database is created by init(); the
  // other methods report kNotFound while it does not exist.
  static Result<std::unique_ptr<MysqlStore>> open(const mysql::Dsn& dsn,
                                                  const MysqlStoreOptions& options = {});
  ~MysqlStore() override;

  Status init() override;
  Status write_batch(std::vector<ChangeRecord>& changes, const Checkpoint& checkpoint) override;
  Result<std::optional<Checkpoint>> load_checkpoint(std::string_view source) override;
  // `dbtrail index`: the batch and its file's index_state row in one transaction.
  Status write_file_batch(std::vector<ChangeRecord>& changes, const FileProgress& progress) override;
  Result<std::optional<FileProgress>> load_file_progress(std::string_view binlog_file) override;
  Result<std::vector<FileProgress>> file_progress() override;
  Result<std::vector<ChangeRecord>> query(const QueryFilter& filter) override;
  Result<std::vector<PartitionInfo>> partitions() override;
  Result<uint32_t> drop_partitions_before(int64_t cutoff) override;
  Status add_future_partitions(uint32_t hours, int64_t now) override;
  Status save_schema_snapshot(SchemaSnapshot& snapshot) override;
  Result<std::vector<SchemaSnapshot>> schema_snapshots() override;
  Result<bool> save_schema_change(SchemaChange& change, SchemaSnapshot* version) override;
  Result<std::vector<SchemaChange>> schema_changes() override;

  // The server's id of the current session (0 when disconnected): tests use
  // it to KILL the session mid-transaction.
  uint64_t session_id() const;

 private:
  MysqlStore(mysql::Dsn dsn, const MysqlStoreOptions& options);
  // (Re)connects when there is no live session; with create_database, creates
  // the index database first (init), else kNotFound when it is missing.
  Status connect(bool create_database = false);
  // Runs one statement; when the session is lost, forgets it so the next call
  // reconnects (the server has rolled back any open transaction).
  Result<std::vector<mysql::Row>> run(std::string_view sql);
  // Best-effort ROLLBACK after a failed step of a transaction.
  void rollback();
  // Adds the changes to binlog_events and sets their event_id: by LOAD DATA
  // while the server takes it (mysql_store_load.cpp), else by INSERTs.
  Status write_changes(std::vector<ChangeRecord>& changes);
  // changes[from..] as multi-row INSERTs.
  Status insert_changes(std::vector<ChangeRecord>& changes, size_t from);
  // changes[from..] by LOAD DATA LOCAL INFILE from memory, in a transaction
  // started WITH CONSISTENT SNAPSHOT (write_in_transaction). When the server
  // refuses the statement, *refused_at is the first change not loaded
  // (earlier chunks stay in the transaction) and the result is ok.
  Status load_changes(std::vector<ChangeRecord>& changes, size_t from, size_t* refused_at);
  // Sets the event_id of changes[first, end), just loaded by one LOAD DATA.
  Status read_loaded_ids(std::vector<ChangeRecord>& changes, size_t first, size_t end);
  // Stops using LOAD DATA for this store, with one line on stderr saying why.
  void stop_load_data(const std::string& why);
  // kUnsupported: one change needs more than max_allowed_packet.
  Error change_too_big(const ChangeRecord& change, size_t bytes) const;
  Status write_checkpoint(const Checkpoint& checkpoint, const std::vector<ChangeRecord>& changes);
  Status refuse_replay(const Checkpoint& checkpoint);
  Status insert_snapshot(SchemaSnapshot& snapshot);  // on the session, in its transaction
  Status write_progress(const FileProgress& progress);
  // START TRANSACTION, the changes, `record` (checkpoint or file progress), COMMIT.
  Status write_in_transaction(std::vector<ChangeRecord>& changes, std::string_view resume_hint,
                              const std::function<Status()>& record);

  mysql::Dsn dsn_;  // database cleared: the session USEs it after connecting
  std::string database_;
  MysqlStoreOptions options_;
  std::unique_ptr<mysql::Connection> conn_;
  bool in_database_ = false;     // the session has USEd database_
  size_t statement_limit_ = 0;   // bytes, from options or max_allowed_packet
  uint64_t max_packet_ = 0;      // the server's max_allowed_packet
  uint64_t autoinc_step_ = 1;    // @@auto_increment_increment
  // LOAD DATA for the changes; false for good once the server refused it.
  bool load_data_ = true;
};

// open_store() for "mysql://..." / "mariadb://..." and bintrail's
// "user:pass@tcp(host:port)/db". The database name is required.
Result<std::unique_ptr<Store>> open_mysql_store(std::string_view location);

}  // namespace dbtrail::index
