// The embedded change index: a directory holding meta.db (stream_state,
// index_state, schema_snapshots, schema_changes, batch_state) and one SQLite
// database per hourly partition, p_YYYYMMDDHH.db, holding binlog_events.
//
// Exactly-once across files. A batch's rows go into several partition files
// and its checkpoint into meta.db. SQLite's ATTACH cannot make that one atomic
// transaction here: in WAL mode (which we need so queries run while indexing)
// SQLite commits each attached file separately, and it caps attachments at 10.
// Instead meta.db holds a high-water mark, batch_state.committed_event_id, and
// the protocol is:
//   1. meta.db: record the batch as pending (first event id, partitions it
//      touches) and commit;
//   2. each partition: insert its rows (ids above the mark) and commit;
//   3. meta.db: in ONE transaction write the checkpoint / file progress,
//      raise the mark to the batch's last id, clear the pending record.
// Step 3 is the commit point. Readers only see rows with event_id <= mark, so
// a batch is invisible until step 3 and a crash before it leaves nothing
// visible; the next writer deletes the leftover rows (event_id > mark) from
// the partitions the pending record names before writing. Every commit is
// synchronous=FULL, so this also holds across power loss, for any number of
// partitions per batch. One writer at a time: writer.lock (flock).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "index/sqlite/checkpointer.h"
#include "index/sqlite/partition_files.h"
#include "index/sqlite/sqlite_db.h"
#include "index/store.h"

namespace dbtrail::index::sqlite {

class SqliteStore : public Store {
 public:
  explicit SqliteStore(std::string dir);
  ~SqliteStore() override;

  Status init() override;
  Status write_batch(std::vector<ChangeRecord>& changes, const Checkpoint& checkpoint) override;
  Result<std::optional<Checkpoint>> load_checkpoint(std::string_view source) override;
  Result<std::vector<Checkpoint>> checkpoints() override;
  Status write_file_batch(std::vector<ChangeRecord>& changes, const FileProgress& progress) override;
  Result<std::optional<FileProgress>> load_file_progress(std::string_view binlog_file) override;
  Result<std::vector<FileProgress>> file_progress() override;
  Result<std::vector<ChangeRecord>> query(const QueryFilter& filter) override;
  Result<std::vector<PartitionInfo>> partitions() override;
  Result<uint32_t> drop_partitions_before(int64_t cutoff) override;
  Status add_future_partitions(uint32_t hours, int64_t now) override;
  void idle() override;  // serves queued rotation (sqlite_store_upkeep.cpp)
  Status save_schema_snapshot(SchemaSnapshot& snapshot) override;
  Result<std::vector<SchemaSnapshot>> schema_snapshots() override;
  Result<bool> save_schema_change(SchemaChange& change, SchemaSnapshot* version) override;
  Result<std::vector<SchemaChange>> schema_changes() override;

  // Tests only: WAL frames at which a partition goes to the checkpointer, and
  // at which the writer folds it back itself (sqlite_store.cpp's defaults).
  void set_wal_limits_for_testing(int checkpoint_frames, int max_frames) {
    checkpoint_frames_ = checkpoint_frames;
    max_wal_frames_ = max_frames;
  }
  // Tests only: partition files this store has open (a reader keeps the ones
  // its queries opened).
  size_t open_partitions_for_testing() const { return open_.size(); }
  // Tests only: returns once the checkpointer has nothing asked or running.
  void wait_for_checkpoints_for_testing() {
    if (checkpointer_) checkpointer_->wait_all_idle();
  }
  // How long drop_partitions_before / add_future_partitions wait for the
  // process that holds the writer lock to apply their request.
  void set_upkeep_wait_for_testing(int ms) { upkeep_wait_ms_ = ms; }
  // How long a writer waits for writer.lock held by another process.
  void set_lock_wait_for_testing(int ms) { lock_wait_ms_ = ms; }

 private:
  struct Partition {
    Db db;
    Stmt insert;
    // Query statements by their SQL: prepared at a partition's first query of
    // that shape and reset after each use, so a process that queries again
    // skips opening the file and preparing the statement again.
    std::map<std::string, Stmt, std::less<>> queries;
    uint64_t inode = 0;         // the file's when opened for a query; 0 unknown
    uint64_t last_use = 0;      // use_tick_ when last handed out: the LRU one is closed
    bool with_pk_hash = false;  // format 1 (user_version 0): pk_hash column and index
    int wal_frames = 0;         // a writer's: frames in the WAL after its last commit
    bool writer = false;        // opened by the writer (under writer.lock)
    bool bulk = false;          // a writer's, in rollback-journal mode (set_bulk_journal)
  };
  using OpenPartitions = std::map<std::string, std::unique_ptr<Partition>>;

  Status open_meta();         // for writing: reopens a reader connection as a writer's
  Status open_meta_reader();  // for reading: any open connection will do
  // Runs `body` in one BEGIN IMMEDIATE transaction of meta.db (rolled back on error).
  Status in_meta_transaction(const std::function<Status()>& body);
  Status insert_snapshot(SchemaSnapshot& s);
  Status lock_writer();
  Result<bool> try_lock_writer();  // false: another process holds writer.lock
  void release_writer();           // what the destructor does, the store stays usable

  // Rotation and pre-creation (sqlite_store_upkeep.cpp): done by the writer.
  // A process without the writer lock queues them in meta.db's
  // upkeep_requests; the writer serves the queue between batches.
  enum class Upkeep { kDrop, kAddFuture };
  Result<int64_t> upkeep(Upkeep kind, int64_t arg, int64_t now);
  Result<int64_t> apply_upkeep(Upkeep kind, int64_t arg, int64_t now);  // as the writer
  Status serve_upkeep_requests(bool force);  // else at most once a second
  static const char* const kUpkeepSchema;
  Result<uint32_t> drop_partitions_as_writer(int64_t cutoff);
  Status add_future_as_writer(uint32_t hours, int64_t now);
  Status recover_pending();
  Status roll_back_hot_journals();
  Result<int64_t> committed_mark();
  // The open connection to a partition, opening it first if needed. `inode`
  // (from the directory listing, 0 if unknown) differing from the one it was
  // opened at means the file was replaced: the old connection goes.
  Result<Partition*> partition(const std::string& name, bool create, uint64_t inode = 0);
  // Closes connections to partition files no longer in `listed` (dropped by
  // another process's rotate), so a long-lived reader holds no deleted files.
  void forget_unlisted(const std::vector<PartitionFile>& listed);
  // Closes a partition connection (and the checkpointer's to the same file);
  // the iterator after it.
  OpenPartitions::iterator close_partition(OpenPartitions::iterator it);
  // File indexing writes partitions in rollback-journal mode (see the .cpp).
  Status set_bulk_journal(Partition& p);
  // After a partition commit: hands the WAL to the checkpointer once it holds
  // enough frames, or folds it back right here when it has grown too long.
  Status fold_wal(const std::string& name, Partition& part);
  Status write_rows(std::vector<ChangeRecord>& changes,
                    const std::function<Status()>& commit_in_meta);

  // Key filters (sqlite_store_filters.cpp): which keys a partition may hold,
  // kept in meta.db so a --pk lookup skips the files that cannot answer.
  // The keys this writer added to a partition since its filter was last
  // built; `complete` when that is every key the file holds (it was empty).
  struct WrittenKeys {
    std::vector<uint64_t> hashes;
    bool complete = false;
  };
  // Step 2 of a batch: remembers the keys of `rows` written to `part`.
  Status note_written_keys(const std::string& name, Partition& part,
                           const std::vector<ChangeRecord>& changes,
                           const std::vector<size_t>& rows);
  // Inside a meta.db transaction: the filters of `names` go (step 1 of a batch,
  // before their files change), with their bucket rows too if `buckets` (a
  // dropped partition).
  Status forget_key_filters(const std::vector<std::string>& names, bool buckets);
  // Between batches only: filters for the partitions written since their
  // last one, those no longer open unless `open_too` (they are done being
  // written, unless late events come). A failed build leaves no filter.
  void build_key_filters(bool open_too);
  Status build_key_filter(const std::string& name, WrittenKeys& keys);
  // Partitions a --pk lookup can skip: their filter excludes the key.
  Result<std::vector<std::string>> partitions_without_key(const QueryFilter& f);
  std::string path_of(const std::string& partition) const;

  std::string dir_;
  Db meta_;
  bool meta_reader_ = false;  // meta_ is a read-only connection
  Stmt mark_query_;           // committed_mark's, on meta_; reset after each use
  Stmt filter_probe_;         // partitions_without_key's, on meta_; reset after each use
  std::map<std::string, WrittenKeys> written_keys_;  // a writer's, by partition
  int lock_fd_ = -1;
  OpenPartitions open_;
  std::unique_ptr<Checkpointer> checkpointer_;  // a writer's only
  bool bulk_ = false;  // writing binlog files (write_file_batch), not a stream
  int checkpoint_frames_;
  int max_wal_frames_;
  uint64_t use_tick_ = 0;
  int upkeep_wait_ms_ = 60000;
  int lock_wait_ms_ = 10000;
  int64_t upkeep_checked_ms_ = 0;  // a writer's: when it last looked for requests
};

}  // namespace dbtrail::index::sqlite
