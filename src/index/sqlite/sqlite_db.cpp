#include "index/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <mutex>

namespace dbtrail::index::sqlite {

namespace {

// A reader maps each file rather than copying its 64 KiB pages into freshly
// allocated cache memory: a page of a lookup costs one page fault (the
// kernel maps the neighbouring page-cache pages with it) instead of sixteen.
// Partition files are never truncated in place (no vacuum; rotation unlinks
// them, creation renames), so a mapping never loses pages under a reader.
constexpr const char* kReaderMmap = "PRAGMA mmap_size=1073741824";

// Process-wide, before SQLite's first use: no page-cache block allocated up
// front for each connection. SQLite otherwise carves 20 page slots (1.3 MiB
// with 64 KiB pages) per connection and touches every one; a lookup opening
// 24 partitions paid ~500 page faults for slots it mostly never used.
// No memory statistics either: they take a global mutex on every allocation,
// 2% of the index writer's time, and nothing here reads them.
void configure_sqlite() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

}  // namespace

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(s_);
    s_ = o.s_;
    db_ = o.db_;
    o.s_ = nullptr;
  }
  return *this;
}

Stmt::~Stmt() { sqlite3_finalize(s_); }

void Stmt::bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
void Stmt::bind(int i, std::string_view v) {
  sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Stmt::bind_static(int i, std::string_view v) {
  sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
}
void Stmt::bind_null(int i) { sqlite3_bind_null(s_, i); }
void Stmt::bind_blob(int i, std::string_view bytes) {
  sqlite3_bind_blob64(s_, i, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
}

namespace {

// The message of the last error on `db`, with the way out where we know it.
std::string message_of(sqlite3* db) {
  std::string msg = sqlite3_errmsg(db);
  // A bulk writer (`dbtrail index`) stopped mid-commit: only a writer can
  // roll its journal back, and the next one does so when it starts.
  if (sqlite3_extended_errcode(db) == SQLITE_READONLY_ROLLBACK) {
    msg += " (a `dbtrail index` was stopped while writing this file; run `dbtrail index` or "
           "`dbtrail stream` on this index once: it rolls the interrupted write back first)";
  }
  return msg;
}

}  // namespace

Result<bool> Stmt::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* file = sqlite3_db_filename(db_, "main");
  Error e = make_error(ErrorCode::kIo,
                       std::string("index database ") + (file ? file : "?") + ": " + message_of(db_));
  sqlite3_reset(s_);
  return e;
}

Status Stmt::run() {
  for (;;) {
    auto r = step();
    if (!r.ok()) return r.error();
    if (!r.value()) break;
  }
  reset();
  return {};
}

void Stmt::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

int64_t Stmt::col_int(int i) const { return sqlite3_column_int64(s_, i); }
std::string Stmt::col_text(int i) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i));
  if (p == nullptr) return {};
  return std::string(p, sqlite3_column_bytes(s_, i));
}
std::string_view Stmt::col_blob(int i) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(s_, i));
  if (p == nullptr) return {};
  return std::string_view(p, size_t(sqlite3_column_bytes(s_, i)));
}
bool Stmt::col_null(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }

Db& Db::operator=(Db&& o) noexcept {
  if (this != &o) {
    sqlite3_close_v2(db_);
    db_ = o.db_;
    path_ = std::move(o.path_);
    o.db_ = nullptr;
  }
  return *this;
}

Db::~Db() { sqlite3_close_v2(db_); }

Result<Db> Db::connect(const std::string& path, int flags) {
  configure_sqlite();
  Db d;
  d.path_ = path;
  int rc = sqlite3_open_v2(path.c_str(), &d.db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = d.db_ ? sqlite3_errmsg(d.db_) : sqlite3_errstr(rc);
    return make_error(rc == SQLITE_CANTOPEN ? ErrorCode::kNotFound : ErrorCode::kIo,
                      "cannot open index database " + path + ": " + msg);
  }
  // Another process (a query during indexing) may hold a lock for a moment.
  sqlite3_busy_timeout(d.db_, 10000);
  return d;
}

Result<Db> Db::open(const std::string& path, bool create, int page_size) {
  auto d = connect(path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0));
  if (!d.ok()) return d.error();
  // A new file takes its page size before WAL mode fixes it.
  if (page_size > 0) DBT_TRY(d->exec("PRAGMA page_size=" + std::to_string(page_size)));
  DBT_TRY(d->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"));
  return std::move(d.value());
}

Result<Db> Db::open_reader(const std::string& path) {
  // Read-write where the file allows (never created): the only write a
  // reader makes is SQLite rolling back a hot journal, the rest of a
  // transaction a killed writer left in a rollback-journal file (a bulk load,
  // or a writer killed while switching a file's journal mode). A read-only
  // connection could not, and every query would fail until a writer ran.
  auto d = connect(path, SQLITE_OPEN_READWRITE);
  if (!d.ok()) return d.error();
  sqlite3_db_config(d->db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  DBT_TRY(d->exec(kReaderMmap));
  return std::move(d.value());
}

Status Db::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return make_error(ErrorCode::kIo, "index database " + path_ + ": " + msg);
  }
  return {};
}

Result<Stmt> Db::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &s,
                         nullptr) != SQLITE_OK) {
    return error("preparing a statement");
  }
  return Stmt(s, db_);
}

Result<std::string> Db::set_journal_mode(std::string_view mode) {
  auto st = prepare("PRAGMA journal_mode=" + std::string(mode));
  if (!st.ok()) return st.error();
  auto row = st->step();
  if (!row.ok()) return row.error();
  return row.value() ? st->col_text(0) : std::string();
}

Status Db::checkpoint() {
  int rc = sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc != SQLITE_OK) return error("checkpointing the WAL");
  return {};
}

void Db::track_wal_frames(int* frames) {
  sqlite3_wal_hook(
      db_,
      [](void* arg, sqlite3*, const char*, int n) {
        *static_cast<int*>(arg) = n;
        return SQLITE_OK;
      },
      frames);
}

Result<bool> Db::has_column(const char* table, const char* column) {
  int rc = sqlite3_table_column_metadata(db_, "main", table, column, nullptr, nullptr, nullptr,
                                         nullptr, nullptr);
  if (rc == SQLITE_OK) return true;
  // "no such table/column" is SQLITE_ERROR; reading the schema fails otherwise.
  if (rc == SQLITE_ERROR) return false;
  return error("reading the schema");
}

Error Db::error(std::string_view what) const {
  return make_error(ErrorCode::kIo,
                    "index database " + path_ + ": " + std::string(what) + ": " + message_of(db_));
}

}  // namespace dbtrail::index::sqlite
