// Rotation (drop_partitions_before) and pre-creation (add_future_partitions)
// of the embedded index, whichever process asks.
//
// Both unlink or create partition files and write key filters, which only
// the writer may do (writer.lock): a file unlinked under a writer that still
// has it open would take the rows written after into nowhere. So:
//   * a process that gets the lock does the work and releases the lock at
//     once (a `rotate --daemon` must never keep a stream from starting);
//   * otherwise it queues a request in meta.db's upkeep_requests and waits;
//     the lock holder (`stream`, `index`) serves the queue between batches
//     and, when its source is idle, at each heartbeat (Store::idle), at most
//     once a second, and records the result; if the lock becomes free
//     meanwhile, the waiting process serves the queue itself.
// The writer applies a request, then marks it done; a crash in between
// applies it again on the next serve, which is harmless: dropping or
// creating the same files again changes nothing.
#include <chrono>
#include <ctime>
#include <thread>

#include "index/sqlite/sqlite_store.h"

namespace dbtrail::index::sqlite {

const char* const SqliteStore::kUpkeepSchema = R"SQL(
CREATE TABLE IF NOT EXISTS upkeep_requests(
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, arg INTEGER NOT NULL, now INTEGER NOT NULL,
  requested_at INTEGER NOT NULL, done_at INTEGER, result INTEGER, error TEXT);
)SQL";

namespace {

constexpr int64_t kServeEveryMs = 1000;
constexpr int kPollMs = 50;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<uint32_t> SqliteStore::drop_partitions_before(int64_t cutoff) {
  auto r = upkeep(Upkeep::kDrop, cutoff, 0);
  if (!r.ok()) return r.error();
  return uint32_t(r.value());
}

Status SqliteStore::add_future_partitions(uint32_t hours, int64_t now) {
  auto r = upkeep(Upkeep::kAddFuture, hours, now);
  if (!r.ok()) return r.error();
  return {};
}

void SqliteStore::idle() {
  // Only a writer serves; a failure stays in the request rows.
  if (lock_fd_ >= 0) (void)serve_upkeep_requests(false);
}

Result<int64_t> SqliteStore::apply_upkeep(Upkeep kind, int64_t arg, int64_t now) {
  if (kind == Upkeep::kAddFuture) {
    DBT_TRY(add_future_as_writer(uint32_t(arg), now));
    return 0;
  }
  auto dropped = drop_partitions_as_writer(arg);
  if (!dropped.ok()) return dropped.error();
  return int64_t(dropped.value());
}

Result<int64_t> SqliteStore::upkeep(Upkeep kind, int64_t arg, int64_t now) {
  if (lock_fd_ >= 0) return apply_upkeep(kind, arg, now);
  auto locked = try_lock_writer();
  if (!locked.ok()) return locked.error();
  if (locked.value()) {
    auto r = apply_upkeep(kind, arg, now);
    release_writer();
    return r;
  }

  // Another process writes: queue the request for it.
  int64_t id = 0;
  DBT_TRY(in_meta_transaction([&]() -> Status {
    DBT_TRY(meta_.exec(kUpkeepSchema));
    auto st = meta_.prepare(
        "INSERT INTO upkeep_requests(kind, arg, now, requested_at) VALUES (?, ?, ?, ?) "
        "RETURNING id");
    if (!st.ok()) return st.error();
    st->bind(1, std::string_view(kind == Upkeep::kDrop ? "drop" : "future"));
    st->bind(2, arg);
    st->bind(3, now);
    st->bind(4, int64_t(std::time(nullptr)));
    auto r = st->step();
    if (!r.ok()) return r.error();
    id = st->col_int(0);
    st->reset();
    return {};
  }));
  auto poll = meta_.prepare("SELECT done_at, result, error FROM upkeep_requests WHERE id = ?");
  if (!poll.ok()) return poll.error();
  const int64_t deadline = steady_ms() + upkeep_wait_ms_;
  for (;;) {
    poll->bind(1, id);
    auto r = poll->step();
    if (!r.ok()) return r.error();
    const bool done = r.value() && !poll->col_null(0);
    const int64_t result = done ? poll->col_int(1) : 0;
    const std::string error = done && !poll->col_null(2) ? poll->col_text(2) : "";
    poll->reset();
    if (done && error.empty()) return result;
    if (done) {
      return make_error(ErrorCode::kIo, "the process writing the index at " + dir_ +
                                            " could not apply it: " + error);
    }
    if (steady_ms() >= deadline) {
      return make_error(
          ErrorCode::kIo,
          "another dbtrail process (a stream or an index run) is writing the index at " + dir_ +
              ": the request is queued (upkeep request " + std::to_string(id) +
              ") and that process applies it after its next batch; nothing changed yet");
    }
    locked = try_lock_writer();  // the writer stopped: serve the queue ourselves
    if (!locked.ok()) return locked.error();
    if (locked.value()) {
      Status served = serve_upkeep_requests(true);
      release_writer();
      DBT_TRY(served);
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
  }
}

Status SqliteStore::serve_upkeep_requests(bool force) {
  const int64_t now_ms = steady_ms();
  if (!force && now_ms - upkeep_checked_ms_ < kServeEveryMs) return {};
  upkeep_checked_ms_ = now_ms;
  struct Request {
    int64_t id, arg, now;
    Upkeep kind;
  };
  std::vector<Request> pending;
  {
    auto st = meta_.prepare(
        "SELECT id, kind, arg, now FROM upkeep_requests WHERE done_at IS NULL ORDER BY id");
    if (!st.ok()) return st.error();
    for (;;) {
      auto r = st->step();
      if (!r.ok()) return r.error();
      if (!r.value()) break;
      pending.push_back({st->col_int(0), st->col_int(2), st->col_int(3),
                         st->col_text(1) == "drop" ? Upkeep::kDrop : Upkeep::kAddFuture});
    }
  }
  for (const Request& q : pending) {
    auto r = apply_upkeep(q.kind, q.arg, q.now);
    DBT_TRY(in_meta_transaction([&]() -> Status {
      auto st = meta_.prepare(
          "UPDATE upkeep_requests SET done_at = ?, result = ?, error = ? WHERE id = ?");
      if (!st.ok()) return st.error();
      st->bind(1, int64_t(std::time(nullptr)));
      if (r.ok()) st->bind(2, r.value()); else st->bind_null(2);
      if (r.ok()) st->bind_null(3); else st->bind(3, std::string_view(r.error().message));
      st->bind(4, q.id);
      return st->run();
    }));
  }
  return {};
}

}  // namespace dbtrail::index::sqlite
