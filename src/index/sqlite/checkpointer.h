// Folds partition WAL files back into their databases on a thread of its own,
// so the index writer's thread only appends to the WAL. A checkpoint reads
// every frame back, writes it into the database and syncs that file: about a
// quarter of the writer's time when it ran inside the writer's commits (1 M
// row events: 0.4 s pread, 0.8 s pwrite, 0.55 s fdatasync of 8-9 s).
//
// SQLite allows this: a PASSIVE checkpoint from another connection never
// blocks the writer, it copies the frames committed when it started. The WAL
// starts over at the writer's next transaction once all of it is copied; the
// writer bounds its growth itself (SqliteStore::fold_wal).
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "index/sqlite/sqlite_db.h"
#include "util/result.h"

namespace dbtrail::index::sqlite {

class Checkpointer {
 public:
  Checkpointer();
  ~Checkpointer();  // finishes the pending checkpoints, closes its connections
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Asks for a checkpoint of the partition file at `path` (coalesced with one
  // already asked for and not yet started).
  void request(const std::string& path);
  // Waits until no checkpoint of `path` is asked for or running.
  void wait_idle(const std::string& path);
  // Waits until no checkpoint at all is asked for or running.
  void wait_all_idle();
  // Waits as wait_idle, then closes this thread's connection to `path`: the
  // writer closed its own, so this last one folds the WAL back and removes it.
  void forget(const std::string& path);
  // The first checkpoint error since the last call (the writer reports it).
  Status take_error();

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, bool> asked_;  // path -> asked (true) / forget asked (false)
  std::string running_;                // the path being checkpointed now
  std::map<std::string, Db> open_;     // used by the thread only
  Status error_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace dbtrail::index::sqlite
