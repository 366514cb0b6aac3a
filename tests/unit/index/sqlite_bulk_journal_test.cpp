// `dbtrail index` (Store::write_file_batch) writes partitions with a rollback
// journal instead of WAL, a stream (write_batch) writes in WAL mode; a
// partition goes to rollback-journal ("delete") mode when its writer closes
// it. A bulk writer stopped mid-commit leaves a hot journal: readers say how
// to recover, the next writer rolls it back, and nothing committed is lost or
// doubled, whenever the kill lands.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "index/partition_name.h"
#include "index/sqlite/sqlite_store.h"
#include "kill_writer.h"
#include "temp_dir.h"

namespace dbtrail::index {
namespace {

constexpr int64_t kT0 = 1764097200;  // 2025-11-25T19:00:00Z
constexpr int kRows = 200;
const std::string kFile = "mysql-bin.000007";

std::vector<ChangeRecord> batch(uint64_t k) {
  std::vector<ChangeRecord> out;
  for (int i = 0; i < kRows; ++i) {
    ChangeRecord c;
    c.binlog_file = kFile;
    c.event_time = kT0 + i;
    c.schema = "db";
    c.table = "t";
    c.pk_values = std::to_string(k) + "|" + std::to_string(i);
    // ~2 KB images: a batch spans several 64 KiB pages, so a commit takes a while.
    c.row_after = "{\"k\":" + std::to_string(k) + ",\"pad\":\"" + std::string(2000, 'p') + "\"}";
    out.push_back(std::move(c));
  }
  return out;
}

FileProgress progress(uint64_t k) {
  FileProgress p;
  p.binlog_file = kFile;
  p.file_size = 1 << 30;
  p.position = k;  // batches written so far (the test's stand-in for a position)
  p.events = k * kRows;
  return p;
}

// Bytes 18 and 19 of a SQLite file: 2 in WAL mode, 1 with a rollback journal.
int file_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char header[20] = {};
  in.read(header, sizeof header);
  return in ? header[18] : -1;
}

std::string partition_path(const std::string& dir) {
  return dir + "/" + partition_name(kT0) + ".db";
}

// Every change of db.t the store shows, oldest first.
Result<std::vector<ChangeRecord>> all_rows(Store& s) {
  QueryFilter f;
  f.schema = "db";
  f.table = "t";
  f.limit = 1000000;
  return s.query(f);
}

// Runs a writer's recovery (the writer lock rolls back what a crashed one
// left), then checks every committed batch is there once; returns how many.
uint64_t recover_and_verify(const std::string& dir) {
  {
    sqlite::SqliteStore w(dir);
    EXPECT_TRUE(w.drop_partitions_before(0).ok());  // drops nothing; takes the writer lock
  }
  sqlite::SqliteStore r(dir);
  auto p = r.load_file_progress(kFile);
  EXPECT_TRUE(p.ok());
  const uint64_t k = (p.ok() && p.value()) ? p.value()->position : 0;
  auto rows = all_rows(r);
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
  if (!rows.ok()) return 0;
  std::map<std::string, int> seen;
  for (const auto& c : *rows) ++seen[c.pk_values];
  EXPECT_EQ(rows->size(), k * kRows);
  for (uint64_t b = 1; b <= k; ++b)
    for (int i = 0; i < kRows; ++i)
      EXPECT_EQ(seen[std::to_string(b) + "|" + std::to_string(i)], 1) << b << "|" << i;
  return k;
}

TEST(SqliteBulkJournal, FileBatchesUseARollbackJournalStreamsKeepWal) {
  testing::TempDir dir;
  {
    sqlite::SqliteStore s(dir.path());
    ASSERT_TRUE(s.init().ok());
    auto b = batch(1);
    ASSERT_TRUE(s.write_file_batch(b, progress(1)).ok());
    EXPECT_EQ(file_format(partition_path(dir.path())), 1) << "bulk writes should not use WAL";
    // A reader between two bulk batches sees what is committed.
    sqlite::SqliteStore reader(dir.path());
    auto rows = all_rows(reader);
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    EXPECT_EQ(rows->size(), size_t(kRows));
    b = batch(2);
    ASSERT_TRUE(s.write_file_batch(b, progress(2)).ok());
  }
  EXPECT_EQ(file_format(partition_path(dir.path())), 1) << "closed: a rollback journal";
  EXPECT_FALSE(std::filesystem::exists(partition_path(dir.path()) + "-journal"))
      << "closed files are in delete mode: no journal file left behind";
  EXPECT_EQ(recover_and_verify(dir.path()), 2u);

  testing::TempDir streamed;
  Checkpoint cp;
  cp.source = "s";
  cp.binlog_file = kFile;
  {
    sqlite::SqliteStore s(streamed.path());
    ASSERT_TRUE(s.init().ok());
    auto b = batch(1);
    cp.position = 1;
    ASSERT_TRUE(s.write_batch(b, cp).ok());
    EXPECT_EQ(file_format(partition_path(streamed.path())), 2) << "a stream writes in WAL mode";
  }
  EXPECT_EQ(file_format(partition_path(streamed.path())), 1) << "closed by the stream";
  // A reader holding the file open keeps it in WAL mode when the writer leaves.
  auto s = std::make_unique<sqlite::SqliteStore>(streamed.path());
  auto b = batch(2);
  cp.position = 2;
  ASSERT_TRUE(s->write_batch(b, cp).ok());
  EXPECT_EQ(file_format(partition_path(streamed.path())), 2) << "a stream back: WAL again";
  sqlite::SqliteStore reader(streamed.path());
  ASSERT_TRUE(all_rows(reader).ok());
  s.reset();
  EXPECT_EQ(file_format(partition_path(streamed.path())), 2) << "in use by a reader: kept";
  auto rows = all_rows(reader);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(rows->size(), size_t(2 * kRows));
}

// A bulk writer killed (SIGKILL) at a random moment, again and again: after
// each kill the next writer rolls back a half-written commit, and the index
// holds exactly the batches its progress row names.
TEST(SqliteBulkJournal, KillNineWhileBulkWritingKeepsExactlyOnce) {
  testing::TempDir dir;
  {
    sqlite::SqliteStore s(dir.path());
    ASSERT_TRUE(s.init().ok());
  }
  std::mt19937 rng(4242);
  uint64_t committed = 0;
  for (int round = 0; round < 6; ++round) {
    ASSERT_TRUE(testing::kill_writer_at_random(
        [&]() -> uint64_t {
          sqlite::SqliteStore s(dir.path());
          auto p = s.load_file_progress(kFile);
          return (p.ok() && p.value()) ? p.value()->position : 0;
        },
        [&, s = std::unique_ptr<sqlite::SqliteStore>()](uint64_t k) mutable {
          if (!s) s = std::make_unique<sqlite::SqliteStore>(dir.path());  // in the child
          auto b = batch(k);
          return s->write_file_batch(b, progress(k));
        },
        rng, 300));
    const uint64_t now = recover_and_verify(dir.path());
    EXPECT_GT(now, committed);
    committed = now;
  }
}

// A hot journal (a bulk commit cut off after it started writing the file):
// the next reader rolls it back, as SQLite does for any connection that may
// write the file, and the rows committed before are all there.
TEST(SqliteBulkJournal, HotJournalIsRolledBackByTheNextReader) {
  testing::TempDir dir;
  {
    sqlite::SqliteStore s(dir.path());
    ASSERT_TRUE(s.init().ok());
    auto b = batch(1);
    ASSERT_TRUE(s.write_file_batch(b, progress(1)).ok());
  }
  const std::string path = partition_path(dir.path());
  pid_t pid = fork();
  if (pid == 0) {
    // Spill an open transaction into the file: the journal is hot from then on.
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) _exit(2);
    sqlite3_exec(db, "PRAGMA journal_mode=truncate; PRAGMA cache_size=2; BEGIN;", nullptr,
                 nullptr, nullptr);
    for (int i = 0; i < 400; ++i) {
      sqlite3_exec(db,
                   "UPDATE binlog_events SET row_after = printf('%.*c', 3000, 'x') "
                   "WHERE event_id % 7 = 0",
                   nullptr, nullptr, nullptr);
    }
    _exit(0);  // no COMMIT, no ROLLBACK: the process is gone mid-transaction
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  {
    std::error_code ec;
    ASSERT_GT(std::filesystem::file_size(path + "-journal", ec), 0u) << "no hot journal made";
    sqlite::SqliteStore reader(dir.path());
    auto rows = all_rows(reader);
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    EXPECT_EQ(rows->size(), size_t(kRows));
    for (const auto& r : *rows) ASSERT_EQ(r.row_after->find("xxx"), std::string::npos);
  }
  EXPECT_EQ(recover_and_verify(dir.path()), 1u);
}

}  // namespace
}  // namespace dbtrail::index
