// Thin RAII over the SQLite C API for the embedded index backend. Only files
// in src/index/sqlite/ include this: sqlite3* never leaves the backend.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace dbtrail::index::sqlite {

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3_stmt* s, sqlite3* db) : s_(s), db_(db) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_), db_(o.db_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binds are 1-based like SQLite's; text is copied (SQLITE_TRANSIENT).
  void bind(int i, int64_t v);
  void bind(int i, std::string_view v);
  void bind_null(int i);
  void bind_blob(int i, std::string_view bytes);  // copied, stored as a BLOB
  // Not copied: `v` must stay unchanged until the statement is reset.
  void bind_static(int i, std::string_view v);
  void bind_static(int i, const std::string& v) { bind_static(i, std::string_view(v)); }
  void bind_static(int i, const std::optional<std::string>& v) {
    if (v) bind_static(i, std::string_view(*v)); else bind_null(i);
  }
  void bind_static(int, std::string&&) = delete;  // would dangle
  void bind_static(int, std::optional<std::string>&&) = delete;
  void bind(int i, const std::optional<std::string>& v) {
    if (v) bind(i, std::string_view(*v)); else bind_null(i);
  }
  // true: a row is ready; false: done. Errors carry the SQLite message.
  Result<bool> step();
  Status run();  // step to completion, then reset
  void reset();

  bool is_ready() const { return s_ != nullptr; }
  int64_t col_int(int i) const;
  std::string col_text(int i) const;
  // The bytes of a BLOB (or TEXT) column, valid until the next step or reset.
  std::string_view col_blob(int i) const;
  bool col_null(int i) const;

 private:
  sqlite3_stmt* s_ = nullptr;
  sqlite3* db_ = nullptr;
};

class Db {
 public:
  Db() = default;
  Db(Db&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // Opens (creating if `create`) with WAL and synchronous=FULL: a commit is on
  // disk when it returns, which the batch protocol relies on (sqlite_store.cpp).
  // page_size > 0: the page size of a file created by this call.
  static Result<Db> open(const std::string& path, bool create, int page_size = 0);
  // Opens an existing file for reading: no pragmas (the journal mode is a
  // property of the file, set by its writer) and no checkpoint when the last
  // connection closes, so a query never writes the database or unlinks its
  // WAL and -shm files (it creates them if missing, as any WAL reader must),
  // except to roll back a hot journal a killed writer left (sqlite_db.cpp).
  static Result<Db> open_reader(const std::string& path);

  Status exec(std::string_view sql);
  Result<Stmt> prepare(std::string_view sql);
  // Whether `table` has `column`. Reads the schema if this connection has
  // not yet (a later prepare then does not read it again).
  Result<bool> has_column(const char* table, const char* column);
  // Sets the journal mode ("wal", "truncate"); the mode in effect afterwards,
  // which stays the old one when SQLite cannot change it now (another
  // connection has the file open in WAL mode).
  Result<std::string> set_journal_mode(std::string_view mode);
  // PASSIVE checkpoint: copies the WAL frames no reader needs into the
  // database, without waiting for (or blocking) the writer or readers.
  Status checkpoint();
  // After each commit, stores the number of frames in the WAL at `*frames`.
  // This replaces SQLite's automatic checkpoint: the owner decides when.
  void track_wal_frames(int* frames);
  bool is_open() const { return db_ != nullptr; }
  const std::string& path() const { return path_; }
  Error error(std::string_view what) const;

 private:
  static Result<Db> connect(const std::string& path, int flags);

  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace dbtrail::index::sqlite
