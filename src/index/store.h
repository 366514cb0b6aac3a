// The change index behind one narrow interface with two real backends:
// embedded SQLite (one database file per hourly partition) and MySQL/MariaDB
// (bintrail's schema, binlog_events range-partitioned by hour). Every method
// is a whole operation: a failure leaves nothing half-written.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "index/change_record.h"
#include "util/result.h"

namespace dbtrail::index {

struct PartitionInfo {
  std::string name;        // "p_2026112519" (bintrail's naming), "p_future"
  int64_t start = 0;       // epoch seconds covered: [start, end)
  int64_t end = 0;
  uint64_t events = 0;
  uint64_t bytes = 0;
  int64_t last_event_time = 0;  // newest event_time in it; 0 when empty or unknown
};

struct SchemaSnapshot {
  uint32_t version = 0;
  int64_t taken_at = 0;
  std::string binlog_file;     // position the snapshot is valid from ("" = before streaming)
  uint64_t position = 0;
  std::string json;            // columns, keys, generated columns, FKs per table (snapshot format)
};

// One table DDL met in the binlog (schema_changes): what changed where, and
// the schema version the rows after it are named with.
struct SchemaChange {
  uint64_t id = 0;             // assigned by the store
  int64_t detected_at = 0;     // the DDL's binlog timestamp (epoch seconds)
  std::string binlog_file;     // base name
  uint64_t position = 0;       // start of the DDL's QUERY event
  std::string gtid;            // "" when the source logs none
  std::string schema;          // the first table it affects
  std::string table;
  std::string ddl_type;        // "CREATE", "ALTER", "RENAME", "DROP", "TRUNCATE"
  std::string ddl;             // the statement as logged
  uint32_t schema_version = 0; // the version valid after it
};

// Progress of indexing one binlog file from disk (`dbtrail index`), kept in
// index_state. `position` is always a transaction boundary: the rows of every
// transaction ending at or before it are in the index, none after it.
struct FileProgress {
  std::string binlog_file;     // base name, e.g. "mysql-bin.000012"
  uint64_t file_size = 0;      // size when last indexed
  uint64_t position = 0;
  uint64_t events = 0;         // row changes indexed from this file so far
  bool done = false;           // the whole file is indexed
  int64_t started_at = 0;
  int64_t updated_at = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Creates the schema if missing (idempotent).
  virtual Status init() = 0;

  // Appends `changes` (event ids assigned in order) and records `checkpoint`
  // for checkpoint.source in ONE transaction: after a crash either both are
  // there or neither is. This is what makes indexing exactly-once.
  virtual Status write_batch(std::vector<ChangeRecord>& changes, const Checkpoint& checkpoint) = 0;

  virtual Result<std::optional<Checkpoint>> load_checkpoint(std::string_view source) = 0;
  virtual Result<std::vector<Checkpoint>> checkpoints() { return std::vector<Checkpoint>{}; }

  // File indexing: like write_batch, but the progress row of the file is what
  // commits with the changes. Backends without index_state answer kUnsupported.
  virtual Status write_file_batch(std::vector<ChangeRecord>& changes, const FileProgress& progress);
  virtual Result<std::optional<FileProgress>> load_file_progress(std::string_view binlog_file);
  virtual Result<std::vector<FileProgress>> file_progress();

  // Changes matching the filter, oldest first unless filter.newest_first.
  virtual Result<std::vector<ChangeRecord>> query(const QueryFilter& filter) = 0;

  virtual Result<std::vector<PartitionInfo>> partitions() = 0;
  // Drops whole partitions that end at or before `cutoff` (epoch seconds).
  virtual Result<uint32_t> drop_partitions_before(int64_t cutoff) = 0;
  // Pre-creates the next `hours` hourly partitions from now.
  virtual Status add_future_partitions(uint32_t hours, int64_t now) = 0;
  // The writer has nothing to write for now (a stream's heartbeat from an
  // idle source): a moment for work others queued for it, like rotation.
  virtual void idle() {}

  virtual Status save_schema_snapshot(SchemaSnapshot& snapshot) = 0;  // assigns version
  virtual Result<std::vector<SchemaSnapshot>> schema_snapshots() = 0;

  // Records a DDL met in the binlog. With `version` (may be null) it also
  // stores that snapshot as the next schema version and sets
  // change.schema_version to it: both in ONE transaction, so a crash never
  // leaves a version without its change row or the reverse. Idempotent per
  // DDL: when a change at change.binlog_file/position is stored already,
  // nothing is written and `change` (and version->version) are filled from the
  // stored row. Returns true when written now.
  virtual Result<bool> save_schema_change(SchemaChange& change, SchemaSnapshot* version) = 0;
  // Every stored change, oldest binlog position first (file, then position).
  virtual Result<std::vector<SchemaChange>> schema_changes() = 0;
};

// Opens an index location: "sqlite:/path/dir", "mysql://user:pass@host:port/db",
// or bintrail's "user:pass@tcp(host:port)/db". kInvalidArgument names the
// accepted forms; errors never include the password.
Result<std::unique_ptr<Store>> open_store(std::string_view location);

}  // namespace dbtrail::index
