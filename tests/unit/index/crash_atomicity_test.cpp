// Exactly-once under crashes: a writer process dies inside write_batch (at
// each step of the protocol, and at random moments by SIGKILL) and the index,
// reopened, holds every change of every committed batch exactly once and
// nothing of the batch that was cut off. Batches span 14 hourly partition
// files, more than SQLite's default limit of 10 attached databases.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <thread>

#include "index/sqlite/sqlite_store.h"
#include "util/crash_point.h"
#include "kill_writer.h"
#include "temp_dir.h"
#include "test_checkpoint.h"

namespace dbtrail::index {
namespace {

constexpr int64_t kT0 = 1764097200;
constexpr int kRowsPerBatch = 56;
constexpr int kHoursPerBatch = 14;

std::vector<ChangeRecord> batch(uint64_t k) {
  std::vector<ChangeRecord> out;
  for (int i = 0; i < kRowsPerBatch; ++i) {
    ChangeRecord c;
    c.binlog_file = "mysql-bin.000001";
    c.event_time = kT0 + (i % kHoursPerBatch) * 3600 + int64_t(k % 60);
    c.schema = "db";
    c.table = "t";
    c.pk_values = std::to_string(k) + "|" + std::to_string(i);
    c.row_after = "{\"k\":" + std::to_string(k) + ",\"i\":" + std::to_string(i) + "}";
    out.push_back(std::move(c));
  }
  return out;
}

Checkpoint cp(uint64_t k) { return testing::checkpoint_at(k, "s"); }

// Committed batches according to the checkpoint; checks the rows agree.
uint64_t verify(const std::string& dir) {
  sqlite::SqliteStore store(dir);
  auto c = store.load_checkpoint("s");
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  uint64_t k = (c.ok() && c.value()) ? c.value()->position : 0;
  QueryFilter f;
  f.schema = "db";
  f.table = "t";
  f.limit = 1000000;
  auto rows = store.query(f);
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
  if (!rows.ok()) return k;
  std::map<std::string, int> seen;
  uint64_t last_id = 0;
  for (const auto& r : *rows) {
    ++seen[r.pk_values];
    last_id = std::max(last_id, r.event_id);
  }
  EXPECT_EQ(rows->size(), k * kRowsPerBatch) << "committed batches: " << k;
  for (uint64_t b = 1; b <= k; ++b) {
    for (int i = 0; i < kRowsPerBatch; ++i) {
      EXPECT_EQ(seen[std::to_string(b) + "|" + std::to_string(i)], 1) << b << "|" << i;
    }
  }
  EXPECT_EQ(last_id, k * kRowsPerBatch);  // ids dense: no id of a lost batch survives
  // By key too: a key filter (sqlite_store_filters.cpp) left from before the
  // crash must not hide a row written after it.
  QueryFilter by_key = f;
  for (uint64_t b = 1; b <= k; ++b) {
    for (int i = 0; i < kRowsPerBatch; ++i) {
      by_key.pk = std::to_string(b) + "|" + std::to_string(i);
      auto one = store.query(by_key);
      EXPECT_EQ(one.ok() ? one->size() : 0u, 1u) << *by_key.pk;
    }
  }
  return k;
}

// Runs `child` in a forked process; returns its wait status.
template <typename F>
int in_child(F child) {
  pid_t pid = fork();
  if (pid == 0) {
    child();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

class CrashAtStep : public ::testing::TestWithParam<std::pair<const char*, int>> {};

TEST_P(CrashAtStep, LeavesEachChangeExactlyOnce) {
  testing::TempDir dir;
  {
    sqlite::SqliteStore s(dir.path());
    ASSERT_TRUE(s.init().ok());
    auto b = batch(1);
    ASSERT_TRUE(s.write_batch(b, cp(1)).ok());
  }
  const std::string stage = GetParam().first;
  const int nth = GetParam().second;
  int status = in_child([&] {
    arm_crash_point("batch-" + stage, nth);  // SIGKILL: no destructors, no rollback
    sqlite::SqliteStore s(dir.path());
    auto b = batch(2);
    (void)s.write_batch(b, cp(2));
    _exit(1);  // the crash point was not reached
  });
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the crash point was not reached (exit " << WEXITSTATUS(status) << ")";
  EXPECT_EQ(verify(dir.path()), 1u);  // the cut-off batch is not there at all
  // The next writer cleans up and continues with dense ids.
  {
    sqlite::SqliteStore s(dir.path());
    auto b = batch(2);
    ASSERT_TRUE(s.write_batch(b, cp(2)).ok());
    EXPECT_EQ(b.front().event_id, uint64_t(kRowsPerBatch + 1));
  }
  EXPECT_EQ(verify(dir.path()), 2u);
}

INSTANTIATE_TEST_SUITE_P(Steps, CrashAtStep,
                         ::testing::Values(std::make_pair("pending", 1),
                                           std::make_pair("partition", 1),
                                           std::make_pair("partition", 11),  // past 10 files
                                           std::make_pair("partition", 14),  // all rows in
                                           std::make_pair("before-commit", 1)));

TEST(CrashAtRandom, KillNineWhileWritingKeepsExactlyOnce) {
  testing::TempDir dir;
  {
    sqlite::SqliteStore s(dir.path());
    ASSERT_TRUE(s.init().ok());
  }
  std::mt19937 rng(12345);
  uint64_t committed = 0;
  int kills = 0;
  for (int round = 0; round < 5; ++round) {
    const bool killed = testing::kill_writer_at_random(
        [&]() -> uint64_t {
          sqlite::SqliteStore s(dir.path());
          auto c = s.load_checkpoint("s");
          return (c.ok() && c.value()) ? c.value()->position : 0;
        },
        [&, s = std::unique_ptr<sqlite::SqliteStore>()](uint64_t k) mutable {
          if (!s) s = std::make_unique<sqlite::SqliteStore>(dir.path());  // in the child
          auto b = batch(k);
          return s->write_batch(b, cp(k));
        },
        rng, 400);
    if (killed) ++kills;
    uint64_t now = verify(dir.path());
    EXPECT_GE(now, committed);
    committed = now;
  }
  EXPECT_EQ(kills, 5);
  EXPECT_GE(committed, 5u);  // each round committed at least once before its kill
}

}  // namespace
}  // namespace dbtrail::index
