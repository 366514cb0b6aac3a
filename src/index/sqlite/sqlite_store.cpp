#include "index/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <system_error>
#include <thread>

#include "index/json_strings.h"
#include "index/partition_name.h"
#include "util/crash_point.h"
#include "util/sha256.h"

namespace dbtrail::index::sqlite {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMetaSchema = R"SQL(
CREATE TABLE IF NOT EXISTS stream_state(
  source TEXT PRIMARY KEY, binlog_file TEXT NOT NULL, position INTEGER NOT NULL,
  gtid_set TEXT NOT NULL, server_uuid TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS index_state(
  binlog_file TEXT PRIMARY KEY, file_size INTEGER NOT NULL, last_position INTEGER NOT NULL,
  events_indexed INTEGER NOT NULL, status TEXT NOT NULL, started_at INTEGER NOT NULL,
  completed_at INTEGER);
CREATE TABLE IF NOT EXISTS schema_snapshots(
  version INTEGER PRIMARY KEY, taken_at INTEGER NOT NULL, binlog_file TEXT NOT NULL,
  position INTEGER NOT NULL, snapshot TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS schema_changes(
  id INTEGER PRIMARY KEY, detected_at INTEGER NOT NULL, binlog_file TEXT NOT NULL,
  position INTEGER NOT NULL, gtid TEXT, schema_name TEXT NOT NULL, table_name TEXT NOT NULL,
  ddl_type TEXT NOT NULL, ddl_query TEXT NOT NULL, schema_version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS batch_state(
  id INTEGER PRIMARY KEY CHECK (id = 1), committed_event_id INTEGER NOT NULL,
  pending_first_id INTEGER, pending_partitions TEXT);
INSERT OR IGNORE INTO batch_state VALUES (1, 0, NULL, NULL);
)SQL";

// Key filters (sqlite_store_filters.cpp). Also created by a writer of an
// index made before them.
constexpr const char* kKeyFilterSchema = R"SQL(
CREATE TABLE IF NOT EXISTS key_filter_heads(
  partition TEXT PRIMARY KEY, version INTEGER NOT NULL, keys INTEGER NOT NULL,
  blocks INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS key_filter_buckets(
  bucket INTEGER NOT NULL, partition TEXT NOT NULL, bits BLOB NOT NULL,
  PRIMARY KEY (bucket, partition)) WITHOUT ROWID;
)SQL";

// Partition format 2 (PRAGMA user_version = 2): primary-key lookups use an
// index on the key text itself. Format 1 files (user_version 0, written before)
// also hold pk_hash, the SHA-256 hex of pk_values, indexed instead; they stay
// readable and writable as they are.
constexpr const char* kPartitionSchema = R"SQL(
CREATE TABLE IF NOT EXISTS binlog_events(
  event_id INTEGER PRIMARY KEY, binlog_file TEXT NOT NULL, start_pos INTEGER NOT NULL,
  end_pos INTEGER NOT NULL, event_timestamp INTEGER NOT NULL, gtid TEXT, connection_id INTEGER,
  schema_name TEXT NOT NULL, table_name TEXT NOT NULL, event_type INTEGER NOT NULL,
  pk_values TEXT NOT NULL, changed_columns TEXT, row_before TEXT, row_after TEXT,
  schema_version INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS idx_pk ON binlog_events(schema_name, table_name, pk_values);
CREATE INDEX IF NOT EXISTS idx_time ON binlog_events(event_timestamp);
CREATE INDEX IF NOT EXISTS idx_gtid ON binlog_events(gtid);
PRAGMA user_version = 2;
)SQL";

constexpr size_t kMaxOpenPartitions = 32;  // file handles kept between batches
// A writer keeps only the partitions it wrote last (the current hour and a
// late one): each holds up to 64 MiB of page cache, so a stream running for
// days stays at a few of those instead of one per hour it has seen.
constexpr size_t kMaxWriterPartitions = 2;
// Partitions hold large rows written in bulk: big pages mean fewer pages (and
// write calls) per row and shallower trees.
// (Measured on the 1M-event bench: 4 KiB pages 9.8 s CPU and 674 B/event,
// 64 KiB 7.1 s and 617 B/event.) Only new files; older ones keep theirs.
constexpr int kPartitionPageSize = 65536;
// A writer's WAL goes to the checkpointer at 256 frames (16 MiB of 64 KiB
// pages). When the writer commits faster than it is copied, the WAL cannot
// start over and grows: at 4096 frames (256 MiB) the writer folds it back
// itself before its next transaction.
constexpr int kCheckpointFrames = 256;
constexpr int kMaxWalFrames = 4096;

int64_t now_seconds() { return static_cast<int64_t>(std::time(nullptr)); }

// Every row of a SELECT on `db`, each turned into a T by `read(const Stmt&)`.
template <typename T, typename Read>
Result<std::vector<T>> select_all(Db& db, std::string_view sql, Read read) {
  auto st = db.prepare(sql);
  if (!st.ok()) return st.error();
  std::vector<T> out;
  for (;;) {
    auto r = st->step();
    if (!r.ok()) return r.error();
    if (!r.value()) return out;
    out.push_back(read(*st));
  }
}

uint64_t file_bytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (const char* suffix : {"", "-wal"}) {
    auto n = fs::file_size(path + suffix, ec);
    if (!ec) total += n;
  }
  return total;
}

Error missing_index(const std::string& dir) {
  return make_error(ErrorCode::kNotFound, "no index at " + dir +
                                              ": create it with `dbtrail init --index sqlite:" +
                                              dir + "` or check the --index location");
}

}  // namespace

SqliteStore::SqliteStore(std::string dir)
    : dir_(std::move(dir)), checkpoint_frames_(kCheckpointFrames), max_wal_frames_(kMaxWalFrames) {}

SqliteStore::~SqliteStore() {
  release_writer();
  while (!open_.empty()) close_partition(open_.begin());  // a reader's
}

std::string SqliteStore::path_of(const std::string& partition) const {
  return dir_ + "/" + partition + ".db";
}

Status SqliteStore::init() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) {
    return make_error(ErrorCode::kIo, "cannot create the index directory " + dir_ + ": " +
                                          ec.message());
  }
  if (!meta_.is_open() || meta_reader_) {
    auto db = Db::open(dir_ + "/meta.db", true);
    if (!db.ok()) return db.error();
    mark_query_ = Stmt();  // prepared on the connection being replaced
    meta_ = std::move(db.value());
    meta_reader_ = false;
  }
  DBT_TRY(meta_.exec(kMetaSchema));
  return meta_.exec(kKeyFilterSchema);
}

Status SqliteStore::open_meta() {
  if (meta_.is_open() && !meta_reader_) return {};
  if (!fs::exists(dir_ + "/meta.db")) return missing_index(dir_);
  auto db = Db::open(dir_ + "/meta.db", false);
  if (!db.ok()) return db.error();
  mark_query_ = Stmt();
  meta_ = std::move(db.value());
  meta_reader_ = false;
  return {};
}

Status SqliteStore::open_meta_reader() {
  if (meta_.is_open()) return {};
  if (!fs::exists(dir_ + "/meta.db")) return missing_index(dir_);
  auto db = Db::open_reader(dir_ + "/meta.db");
  if (!db.ok()) return db.error();
  meta_ = std::move(db.value());
  meta_reader_ = true;
  return {};
}

// Waits a little for the lock: a rotate pass holds it for a moment only, and
// a stream or index run starting meanwhile must not fail for that.
Status SqliteStore::lock_writer() {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(lock_wait_ms_);
  for (;;) {
    auto locked = try_lock_writer();
    if (!locked.ok()) return locked.error();
    if (locked.value()) return {};
    if (std::chrono::steady_clock::now() >= until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return make_error(ErrorCode::kIo,
                    "another dbtrail process is writing the index at " + dir_ + " (waited " +
                        std::to_string(lock_wait_ms_ / 1000) +
                        " s for writer.lock); only one stream or index run can write an index: "
                        "wait for it to finish or stop it first");
}

Result<bool> SqliteStore::try_lock_writer() {
  if (lock_fd_ >= 0) return true;
  DBT_TRY(open_meta());
  std::string path = dir_ + "/writer.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return make_error(ErrorCode::kIo, "cannot open " + path + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  lock_fd_ = fd;
  DBT_TRY(meta_.exec(kKeyFilterSchema));
  DBT_TRY(meta_.exec(kUpkeepSchema));
  // Partitions opened for reading before the lock are reopened as a writer's.
  open_.clear();
  // We are the only writer now: whatever a crashed writer left half-done goes.
  DBT_TRY(roll_back_hot_journals());
  DBT_TRY(recover_pending());
  return true;
}

void SqliteStore::release_writer() {
  if (lock_fd_ < 0) return;
  build_key_filters(true);  // the partitions this writer leaves
  while (!open_.empty()) close_partition(open_.begin());
  checkpointer_.reset();  // after the writer's connections: its own are the last
  ::close(lock_fd_);
  lock_fd_ = -1;
  bulk_ = false;
}

// A bulk writer killed mid-commit leaves a journal that is not empty: the
// first writer connection to the file rolls it back (readers cannot). The
// pending batch names such a file too; this also covers any other cut-off
// transaction, and it is one stat per partition at the writer's start.
Status SqliteStore::roll_back_hot_journals() {
  for (const auto& f : list_partition_files(dir_)) {
    std::error_code ec;
    if (fs::file_size(path_of(f.name) + "-journal", ec) == 0 || ec) continue;
    auto p = partition(f.name, false);  // opening reads the schema: the rollback
    if (!p.ok()) return p.error();
  }
  return {};
}

Result<int64_t> SqliteStore::committed_mark() {
  DBT_TRY(open_meta_reader());
  if (!mark_query_.is_ready()) {
    auto st = meta_.prepare("SELECT committed_event_id FROM batch_state WHERE id = 1");
    if (!st.ok()) return st.error();
    mark_query_ = std::move(st.value());
  }
  auto r = mark_query_.step();
  if (!r.ok()) return r.error();
  int64_t mark = r.value() ? mark_query_.col_int(0) : 0;
  mark_query_.reset();  // ends the read transaction: the next call sees a newer mark
  return mark;
}

Status SqliteStore::recover_pending() {
  auto st = meta_.prepare(
      "SELECT committed_event_id, pending_first_id, pending_partitions FROM batch_state WHERE id = 1");
  if (!st.ok()) return st.error();
  auto r = st->step();
  if (!r.ok()) return r.error();
  if (!r.value() || st->col_null(1)) return {};
  int64_t mark = st->col_int(0);
  std::string names = st->col_text(2);
  st->reset();
  size_t at = 0;
  while (at < names.size()) {
    size_t comma = names.find(',', at);
    std::string name = names.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    at = comma == std::string::npos ? names.size() : comma + 1;
    if (name.empty() || !fs::exists(path_of(name))) continue;  // crashed before creating it
    // Its filter went in step 1: the next build scans the file.
    written_keys_.try_emplace(name).first->second.complete = false;
    auto p = partition(name, false);
    if (!p.ok()) return p.error();
    auto del = p.value()->db.prepare("DELETE FROM binlog_events WHERE event_id > ?");
    if (!del.ok()) return del.error();
    del->bind(1, mark);
    DBT_TRY(del->run());
  }
  return meta_.exec(
      "UPDATE batch_state SET pending_first_id = NULL, pending_partitions = NULL WHERE id = 1");
}

Result<SqliteStore::Partition*> SqliteStore::partition(const std::string& name, bool create,
                                                       uint64_t inode) {
  auto it = open_.find(name);
  if (it != open_.end()) {
    if (inode == 0 || it->second->inode == inode) {
      it->second->last_use = ++use_tick_;
      return it->second.get();
    }
    close_partition(it);  // replaced (or first seen by a query): reopen, once
  }
  // Without the writer lock this process only reads (query, status): the
  // cheaper reader connection, a handful of system calls fewer per partition
  // file, which a --pk lookup opens one of per hour of history.
  const bool writer = lock_fd_ >= 0;
  while (open_.size() >= (writer ? kMaxWriterPartitions : kMaxOpenPartitions)) {
    auto lru = open_.begin();
    for (auto o = open_.begin(); o != open_.end(); ++o)
      if (o->second->last_use < lru->second->last_use) lru = o;
    close_partition(lru);
  }
  const std::string path = path_of(name);
  if (create && !fs::exists(path)) {
    // Built under a temporary name and renamed into place, so a partition
    // file never exists without its table, whenever a crash comes.
    const std::string tmp = path + ".new";
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(tmp + suffix, ec);
    {
      auto fresh = Db::open(tmp, true, kPartitionPageSize);
      if (!fresh.ok()) return fresh.error();
      DBT_TRY(fresh.value().exec(kPartitionSchema));
      DBT_TRY(fresh.value().exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    }  // closed: the last connection folds the WAL back and removes it
    fs::rename(tmp, path, ec);
    if (ec) {
      return make_error(ErrorCode::kIo, "cannot create partition file " + path + ": " + ec.message());
    }
  }
  auto db = writer ? Db::open(path, false) : Db::open_reader(path);
  if (!db.ok()) return db.error();
  auto p = std::make_unique<Partition>();
  p->db = std::move(db.value());
  p->inode = inode;
  p->last_use = ++use_tick_;
  // Keep the hot index pages in memory (64 MiB); the checkpointer folds the
  // WAL back (fold_wal).
  if (writer) {
    p->writer = true;
    DBT_TRY(p->db.exec("PRAGMA cache_size=-65536"));
    p->db.track_wal_frames(&p->wal_frames);
    if (bulk_) DBT_TRY(set_bulk_journal(*p));
  }
  // Format 1 is the file with pk_hash. Asking the schema (rather than
  // user_version) reads it now, in the one read the first query needs anyway.
  auto hashed = p->db.has_column("binlog_events", "pk_hash");
  if (!hashed.ok()) return hashed.error();
  p->with_pk_hash = hashed.value();
  Partition* raw = p.get();
  open_[name] = std::move(p);
  return raw;
}

// Indexing binlog files writes large batches, and in WAL mode every byte went
// to disk twice: into the WAL at commit, then into the database file at the
// checkpoint, each synced. Appended pages need no journal copy, so a
// rollback journal writes (and syncs) the batch about once: on the 1M-event
// bench 5.6 s instead of 7.6 s (median of 3, bench/README.md). Readers then
// wait for a commit instead of reading past it, which a bulk load can afford;
// a stream keeps WAL. Commits stay synchronous=FULL, so the batch protocol
// above holds as before. When the writer closes the file it goes to "delete"
// mode (close_partition). The switch is skipped (the file keeps its mode,
// still correct) while another process has the file open in WAL mode.
Status SqliteStore::set_bulk_journal(Partition& p) {
  auto mode = p.db.set_journal_mode("truncate");
  if (!mode.ok()) return mode.error();
  p.bulk = mode.value() == "truncate";
  return {};
}

// A writer leaves a partition in rollback-journal mode ("delete"): a reader
// then opens it with a handful of system calls, where a WAL file needs its
// -wal and -shm files created, mapped and locked, and, for a one-shot query
// (the first connection), the wal-index rebuilt. A writer coming back puts it
// in WAL (a stream) or truncate (a bulk load) mode again. The switch needs
// the file to itself: while a reader has it open it fails at once (no busy
// wait) and the file stays as it was, which is as correct.
SqliteStore::OpenPartitions::iterator SqliteStore::close_partition(OpenPartitions::iterator it) {
  const std::string path = path_of(it->first);
  if (checkpointer_) checkpointer_->forget(path);  // its connection would block the switch
  if (it->second->writer) (void)it->second->db.set_journal_mode("delete");
  return open_.erase(it);
}

Status SqliteStore::fold_wal(const std::string& name, Partition& part) {
  if (part.wal_frames < checkpoint_frames_ && part.wal_frames < max_wal_frames_) return {};
  const std::string path = path_of(name);
  // Started at the first WAL that needs folding: rotate, a bulk load in
  // rollback-journal mode and small streams never need the thread.
  if (!checkpointer_) checkpointer_ = std::make_unique<Checkpointer>();
  if (part.wal_frames < max_wal_frames_) {
    checkpointer_->request(path);
    return {};
  }
  checkpointer_->wait_idle(path);
  return part.db.checkpoint();
}

Status SqliteStore::write_rows(std::vector<ChangeRecord>& changes,
                               const std::function<Status()>& commit_in_meta) {
  DBT_TRY(lock_writer());
  if (checkpointer_) DBT_TRY(checkpointer_->take_error());
  auto mark = committed_mark();
  if (!mark.ok()) return mark.error();
  int64_t next = mark.value() + 1;

  // Rows per partition, in event-id order within each.
  std::map<std::string, std::vector<size_t>> by_partition;
  std::vector<size_t>* rows_of_hour = nullptr;  // consecutive rows share an hour:
  int64_t hour = 0;                             // one name per hour, not per row
  for (size_t i = 0; i < changes.size(); ++i) {
    changes[i].event_id = uint64_t(next + int64_t(i));
    const int64_t h = partition_start(changes[i].event_time);
    if (rows_of_hour == nullptr || h != hour) {
      rows_of_hour = &by_partition[partition_name(h)];
      hour = h;
    }
    rows_of_hour->push_back(i);
  }
  const int64_t last = next + int64_t(changes.size()) - 1;

  if (!changes.empty()) {
    // Step 1: announce the batch so a crash in step 2 can be undone, and
    // drop the key filters of the files it writes before they change.
    std::string names;
    std::vector<std::string> touched;
    for (const auto& [name, rows] : by_partition) {
      if (!names.empty()) names += ',';
      names += name;
      touched.push_back(name);
    }
    DBT_TRY(in_meta_transaction([&]() -> Status {
      auto pend = meta_.prepare(
          "UPDATE batch_state SET pending_first_id = ?, pending_partitions = ? WHERE id = 1");
      if (!pend.ok()) return pend.error();
      pend->bind(1, next);
      pend->bind(2, std::string_view(names));
      DBT_TRY(pend->run());
      return forget_key_filters(touched, false);
    }));
    crash_point("batch-pending");  // tests: util/crash_point.h

    // Step 2: rows into their partitions, one transaction each.
    auto undo = [&](const Error& e) -> Error {
      for (auto& [name, p] : open_) (void)p->db.exec("ROLLBACK");
      (void)recover_pending();
      return e;
    };
    std::string hash;
    std::string changed;
    for (const auto& [name, rows] : by_partition) {
      auto p = partition(name, true);
      if (!p.ok()) return undo(p.error());
      Partition& part = *p.value();
      if (Status s = note_written_keys(name, part, changes, rows); !s.ok()) return undo(s.error());
      if (Status s = part.db.exec("BEGIN"); !s.ok()) return undo(s.error());
      if (!part.insert.is_ready()) {
        auto ins = part.db.prepare(
            "INSERT INTO binlog_events(event_id, binlog_file, start_pos, end_pos, event_timestamp, "
            "gtid, connection_id, schema_name, table_name, event_type, pk_values, "
            "changed_columns, row_before, row_after, schema_version" +
            std::string(part.with_pk_hash ? ", pk_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                                          : ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
        if (!ins.ok()) return undo(ins.error());
        part.insert = std::move(ins.value());
      }
      Stmt& ins = part.insert;
      for (size_t i : rows) {
        const ChangeRecord& c = changes[i];
        ins.bind(1, int64_t(c.event_id));
        ins.bind_static(2, c.binlog_file);
        ins.bind(3, int64_t(c.start_pos));
        ins.bind(4, int64_t(c.end_pos));
        ins.bind(5, c.event_time);
        if (c.gtid.empty()) ins.bind_null(6); else ins.bind_static(6, c.gtid);
        if (c.connection_id) ins.bind(7, int64_t(*c.connection_id)); else ins.bind_null(7);
        ins.bind_static(8, c.schema);
        ins.bind_static(9, c.table);
        ins.bind(10, int64_t(c.type));
        ins.bind_static(11, c.pk_values);
        if (c.type == ChangeType::kUpdate) {
          changed = json_string_array(c.changed_columns);
          ins.bind_static(12, changed);
        } else {
          ins.bind_null(12);
        }
        ins.bind_static(13, c.row_before);
        ins.bind_static(14, c.row_after);
        ins.bind(15, int64_t(c.schema_version));
        if (part.with_pk_hash) {
          hash = sha256_hex(c.pk_values);
          ins.bind_static(16, hash);
        }
        if (Status s = ins.run(); !s.ok()) return undo(s.error());
      }
      if (Status s = part.db.exec("COMMIT"); !s.ok()) return undo(s.error());
      if (Status s = fold_wal(name, part); !s.ok()) return undo(s.error());
      crash_point("batch-partition");
    }
  }

  // Step 3: the commit point.
  auto fail = [&](const Error& e) -> Error {
    (void)meta_.exec("ROLLBACK");
    if (!changes.empty()) (void)recover_pending();
    return e;
  };
  if (Status s = meta_.exec("BEGIN IMMEDIATE"); !s.ok()) return fail(s.error());
  if (Status s = commit_in_meta(); !s.ok()) return fail(s.error());
  if (!changes.empty()) {
    auto done = meta_.prepare(
        "UPDATE batch_state SET committed_event_id = ?, pending_first_id = NULL, "
        "pending_partitions = NULL WHERE id = 1");
    if (!done.ok()) return fail(done.error());
    done->bind(1, last);
    if (Status s = done->run(); !s.ok()) return fail(s.error());
  }
  crash_point("batch-before-commit");
  if (Status s = meta_.exec("COMMIT"); !s.ok()) return fail(s.error());
  build_key_filters(false);  // of the partitions this batch moved past
  // Between batches: rotation queued by another process. Its failure is the
  // request's (recorded for the requester), not this batch's.
  (void)serve_upkeep_requests(false);
  return {};
}

Status SqliteStore::write_batch(std::vector<ChangeRecord>& changes, const Checkpoint& cp) {
  return write_rows(changes, [&]() -> Status {
    auto st = meta_.prepare(
        "INSERT INTO stream_state(source, binlog_file, position, gtid_set, server_uuid, updated_at) "
        "VALUES (?,?,?,?,?,?) ON CONFLICT(source) DO UPDATE SET binlog_file = excluded.binlog_file, "
        "position = excluded.position, gtid_set = excluded.gtid_set, "
        "server_uuid = excluded.server_uuid, updated_at = excluded.updated_at");
    if (!st.ok()) return st.error();
    st->bind(1, std::string_view(cp.source));
    st->bind(2, std::string_view(cp.binlog_file));
    st->bind(3, int64_t(cp.position));
    st->bind(4, std::string_view(cp.gtid_set));
    st->bind(5, std::string_view(cp.server_uuid));
    st->bind(6, cp.updated_at ? cp.updated_at : now_seconds());
    return st->run();
  });
}

Status SqliteStore::write_file_batch(std::vector<ChangeRecord>& changes, const FileProgress& fp) {
  if (!bulk_) {
    bulk_ = true;
    // Partitions this writer opened before (any a reader had open go at the lock).
    if (lock_fd_ >= 0)
      for (auto& [name, p] : open_) DBT_TRY(set_bulk_journal(*p));
  }
  return write_rows(changes, [&]() -> Status {
    auto st = meta_.prepare(
        "INSERT INTO index_state(binlog_file, file_size, last_position, events_indexed, status, "
        "started_at, completed_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT(binlog_file) DO UPDATE SET "
        "file_size = excluded.file_size, last_position = excluded.last_position, "
        "events_indexed = excluded.events_indexed, status = excluded.status, "
        "completed_at = excluded.completed_at");
    if (!st.ok()) return st.error();
    st->bind(1, std::string_view(fp.binlog_file));
    st->bind(2, int64_t(fp.file_size));
    st->bind(3, int64_t(fp.position));
    st->bind(4, int64_t(fp.events));
    st->bind(5, std::string_view(fp.done ? "completed" : "in_progress"));
    st->bind(6, fp.started_at ? fp.started_at : now_seconds());
    int64_t updated = fp.updated_at ? fp.updated_at : now_seconds();
    if (fp.done) st->bind(7, updated); else st->bind_null(7);
    return st->run();
  });
}

Result<std::vector<Checkpoint>> SqliteStore::checkpoints() {
  DBT_TRY(open_meta_reader());
  return select_all<Checkpoint>(
      meta_,
      "SELECT source, binlog_file, position, gtid_set, server_uuid, updated_at FROM stream_state "
      "ORDER BY source",
      [](const Stmt& st) {
        Checkpoint c;
        c.source = st.col_text(0);
        c.binlog_file = st.col_text(1);
        c.position = uint64_t(st.col_int(2));
        c.gtid_set = st.col_text(3);
        c.server_uuid = st.col_text(4);
        c.updated_at = st.col_int(5);
        return c;
      });
}

Result<std::optional<Checkpoint>> SqliteStore::load_checkpoint(std::string_view source) {
  auto all = checkpoints();
  if (!all.ok()) return all.error();
  for (auto& c : all.value()) {
    if (c.source == source) return std::optional<Checkpoint>(std::move(c));
  }
  return std::optional<Checkpoint>();
}

Result<std::vector<FileProgress>> SqliteStore::file_progress() {
  DBT_TRY(open_meta_reader());
  return select_all<FileProgress>(
      meta_,
      "SELECT binlog_file, file_size, last_position, events_indexed, status, started_at, "
      "completed_at FROM index_state ORDER BY binlog_file",
      [](const Stmt& st) {
        FileProgress f;
        f.binlog_file = st.col_text(0);
        f.file_size = uint64_t(st.col_int(1));
        f.position = uint64_t(st.col_int(2));
        f.events = uint64_t(st.col_int(3));
        f.done = st.col_text(4) == "completed";
        f.started_at = st.col_int(5);
        f.updated_at = st.col_null(6) ? 0 : st.col_int(6);
        return f;
      });
}

Result<std::optional<FileProgress>> SqliteStore::load_file_progress(std::string_view file) {
  auto all = file_progress();
  if (!all.ok()) return all.error();
  for (auto& f : all.value()) {
    if (f.binlog_file == file) return std::optional<FileProgress>(std::move(f));
  }
  return std::optional<FileProgress>();
}

Result<std::vector<PartitionInfo>> SqliteStore::partitions() {
  auto mark = committed_mark();
  if (!mark.ok()) return mark.error();
  std::vector<PartitionInfo> out;
  auto files = list_partition_files(dir_);
  forget_unlisted(files);
  for (const auto& [start, name, inode] : files) {
    PartitionInfo info;
    info.name = name;
    info.start = start;
    info.end = start + kPartitionSeconds;
    auto p = partition(name, false, inode);
    if (!p.ok()) return p.error();
    auto st = p.value()->db.prepare(
        "SELECT count(*), max(event_timestamp) FROM binlog_events WHERE event_id <= ?");
    if (!st.ok()) return st.error();
    st->bind(1, mark.value());
    auto r = st->step();
    if (!r.ok()) return r.error();
    info.events = uint64_t(st->col_int(0));
    info.last_event_time = st->col_null(1) ? 0 : st->col_int(1);
    info.bytes = file_bytes(path_of(name));
    out.push_back(std::move(info));
  }
  return out;
}

// Under the writer lock: no writer of ours can be filling a file we unlink.
Result<uint32_t> SqliteStore::drop_partitions_as_writer(int64_t cutoff) {
  uint32_t dropped = 0;
  for (const auto& [start, name, inode] : list_partition_files(dir_)) {
    if (start + kPartitionSeconds > cutoff) continue;
    // The filter first: a file without one is merely opened by lookups.
    DBT_TRY(in_meta_transaction([&] { return forget_key_filters({name}, true); }));
    written_keys_.erase(name);
    if (auto it = open_.find(name); it != open_.end()) close_partition(it);
    std::error_code ec;
    std::string path = path_of(name);
    for (const char* suffix : {"-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);
    if (!fs::remove(path, ec) || ec) {
      return make_error(ErrorCode::kIo, "cannot delete partition file " + path + ": " +
                                            (ec ? ec.message() : "it vanished"));
    }
    ++dropped;
  }
  return dropped;
}

// Creating files is writing: under the writer lock, one process at a time.
Status SqliteStore::add_future_as_writer(uint32_t hours, int64_t now) {
  for (uint32_t h = 1; h <= hours; ++h) {
    const std::string name = partition_name(now + int64_t(h) * kPartitionSeconds);
    if (fs::exists(path_of(name))) continue;
    auto p = partition(name, true);
    if (!p.ok()) return p.error();
    // An empty filter: lookups skip the file until rows arrive in it. Built
    // now for these only: a stream serving this keeps its other files open.
    WrittenKeys none;
    none.complete = true;
    DBT_TRY(build_key_filter(name, none));
  }
  return {};
}

// Inside meta.db's open transaction: the next version.
Status SqliteStore::insert_snapshot(SchemaSnapshot& s) {
  auto st = meta_.prepare(
      "INSERT INTO schema_snapshots(version, taken_at, binlog_file, position, snapshot) "
      "VALUES ((SELECT COALESCE(MAX(version), 0) + 1 FROM schema_snapshots), ?, ?, ?, ?) "
      "RETURNING version");
  if (!st.ok()) return st.error();
  st->bind(1, s.taken_at ? s.taken_at : now_seconds());
  st->bind(2, std::string_view(s.binlog_file));
  st->bind(3, int64_t(s.position));
  st->bind(4, std::string_view(s.json));
  auto r = st->step();
  if (!r.ok()) return r.error();
  if (!r.value()) return meta_.error("saving a schema snapshot");
  s.version = uint32_t(st->col_int(0));
  st->reset();
  return {};
}

Status SqliteStore::in_meta_transaction(const std::function<Status()>& body) {
  DBT_TRY(open_meta());
  DBT_TRY(meta_.exec("BEGIN IMMEDIATE"));
  if (Status s = body(); !s.ok()) {
    (void)meta_.exec("ROLLBACK");
    return s;
  }
  if (Status s = meta_.exec("COMMIT"); !s.ok()) {
    (void)meta_.exec("ROLLBACK");
    return s;
  }
  return {};
}

Status SqliteStore::save_schema_snapshot(SchemaSnapshot& s) {
  return in_meta_transaction([&] { return insert_snapshot(s); });
}

namespace {

constexpr const char* kChangeColumns =
    "id, detected_at, binlog_file, position, COALESCE(gtid, ''), schema_name, table_name, "
    "ddl_type, ddl_query, schema_version";

SchemaChange change_from(const Stmt& st) {
  SchemaChange c;
  c.id = uint64_t(st.col_int(0));
  c.detected_at = st.col_int(1);
  c.binlog_file = st.col_text(2);
  c.position = uint64_t(st.col_int(3));
  c.gtid = st.col_text(4);
  c.schema = st.col_text(5);
  c.table = st.col_text(6);
  c.ddl_type = st.col_text(7);
  c.ddl = st.col_text(8);
  c.schema_version = uint32_t(st.col_int(9));
  return c;
}

}  // namespace

Result<bool> SqliteStore::save_schema_change(SchemaChange& change, SchemaSnapshot* version) {
  SchemaChange c = change;
  std::optional<SchemaSnapshot> v;
  if (version) v = *version;
  bool written = false;
  DBT_TRY(in_meta_transaction([&]() -> Status {
    auto found = meta_.prepare(std::string("SELECT ") + kChangeColumns +
                               " FROM schema_changes WHERE binlog_file = ? AND position = ?");
    if (!found.ok()) return found.error();
    found->bind(1, std::string_view(c.binlog_file));
    found->bind(2, int64_t(c.position));
    auto r = found->step();
    if (!r.ok()) return r.error();
    if (r.value()) {
      c = change_from(*found);
      if (v) v->version = c.schema_version;
      return {};
    }
    if (v) {
      DBT_TRY(insert_snapshot(*v));
      c.schema_version = v->version;
    }
    if (!c.detected_at) c.detected_at = now_seconds();
    auto ins = meta_.prepare(
        "INSERT INTO schema_changes(detected_at, binlog_file, position, gtid, schema_name, "
        "table_name, ddl_type, ddl_query, schema_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id");
    if (!ins.ok()) return ins.error();
    ins->bind(1, c.detected_at);
    ins->bind(2, std::string_view(c.binlog_file));
    ins->bind(3, int64_t(c.position));
    if (c.gtid.empty())
      ins->bind_null(4);
    else
      ins->bind(4, std::string_view(c.gtid));
    ins->bind(5, std::string_view(c.schema));
    ins->bind(6, std::string_view(c.table));
    ins->bind(7, std::string_view(c.ddl_type));
    ins->bind(8, std::string_view(c.ddl));
    ins->bind(9, int64_t(c.schema_version));
    auto done = ins->step();
    if (!done.ok()) return done.error();
    if (!done.value()) return meta_.error("saving a schema change");
    c.id = uint64_t(ins->col_int(0));
    ins->reset();
    written = true;
    return {};
  }));
  change = std::move(c);
  if (version) *version = std::move(*v);
  return written;
}

Result<std::vector<SchemaChange>> SqliteStore::schema_changes() {
  DBT_TRY(open_meta_reader());
  return select_all<SchemaChange>(
      meta_,
      std::string("SELECT ") + kChangeColumns +
          " FROM schema_changes ORDER BY binlog_file, position, id",
      change_from);
}

Result<std::vector<SchemaSnapshot>> SqliteStore::schema_snapshots() {
  DBT_TRY(open_meta_reader());
  return select_all<SchemaSnapshot>(
      meta_,
      "SELECT version, taken_at, binlog_file, position, snapshot FROM schema_snapshots ORDER BY "
      "version",
      [](const Stmt& st) {
        SchemaSnapshot s;
        s.version = uint32_t(st.col_int(0));
        s.taken_at = st.col_int(1);
        s.binlog_file = st.col_text(2);
        s.position = uint64_t(st.col_int(3));
        s.json = st.col_text(4);
        return s;
      });
}

}  // namespace dbtrail::index::sqlite
