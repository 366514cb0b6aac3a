// A SqliteStore keeps its partition connections and their query statements
// between queries: what it answers must be what a fresh store answers, also
// after writes, after a partition is dropped and after one is replaced.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "index/partition_name.h"
#include "index/store.h"
#include "temp_dir.h"
#include "test_checkpoint.h"

namespace dbtrail::index {
namespace {

constexpr int64_t kHour0 = 1764097200;  // 2025-11-25T19:00:00Z

ChangeRecord insert(std::string pk, int64_t t) {
  ChangeRecord c;
  c.binlog_file = "mysql-bin.000001";
  c.start_pos = 100;
  c.end_pos = 200;
  c.event_time = t;
  c.schema = "shop";
  c.table = "t";
  c.type = ChangeType::kInsert;
  c.row_after = "{\"id\":" + pk + "}";
  c.pk_values = std::move(pk);
  return c;
}

Checkpoint cp(uint64_t pos) { return testing::checkpoint_at(pos); }

QueryFilter by_pk(std::string pk) {
  QueryFilter f;
  f.schema = "shop";
  f.table = "t";
  f.pk = std::move(pk);
  f.limit = 1000;
  return f;
}

// "event_id:pk:time" of each change, in the order returned.
std::vector<std::string> found(Store& s, const QueryFilter& f) {
  auto r = s.query(f);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  std::vector<std::string> out;
  if (r.ok()) {
    for (const auto& c : *r) {
      out.push_back(std::to_string(c.event_id) + ":" + c.pk_values + ":" +
                    std::to_string(c.event_time));
    }
  }
  return out;
}

std::unique_ptr<Store> open(const std::string& dir) {
  auto s = open_store("sqlite:" + dir);
  EXPECT_TRUE(s.ok());
  return s.ok() ? std::move(s.value()) : nullptr;
}

// Files this process holds open that were deleted (readlink says so).
int deleted_files_open() {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(e.path(), ec).string();
    if (!ec && target.find(" (deleted)") != std::string::npos) ++n;
  }
  return n;
}

// Partition database files (not -wal/-shm) under `dir` this process holds open.
int partition_files_open(const std::string& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(e.path(), ec).string();
    if (ec || target.rfind(dir, 0) != 0) continue;
    if (target.size() > 3 && target.compare(target.size() - 3, 3, ".db") == 0 &&
        target.find("meta") == std::string::npos)
      ++n;
  }
  return n;
}

class SqliteQueryCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    writer_ = open(dir_.path());
    ASSERT_TRUE(writer_ && writer_->init().ok());
    reader_ = open(dir_.path());  // never writes: read-only connections
    ASSERT_TRUE(reader_);
  }
  void write(std::vector<ChangeRecord> b, uint64_t pos) {
    ASSERT_TRUE(writer_->write_batch(b, cp(pos)).ok());
  }
  testing::TempDir dir_;
  std::unique_ptr<Store> writer_;
  std::unique_ptr<Store> reader_;
};

TEST_F(SqliteQueryCacheTest, RepeatedLookupsOfEveryShapeMatchAFreshStore) {
  write({insert("1", kHour0), insert("2", kHour0 + 1), insert("1", kHour0 + 3600),
         insert("3", kHour0 + 7200)},
        1);
  QueryFilter whole = by_pk("1");
  whole.pk.reset();
  QueryFilter newest = by_pk("1");
  newest.newest_first = true;
  newest.limit = 1;
  const std::vector<QueryFilter> shapes = {by_pk("1"), by_pk("2"), whole, newest, by_pk("9")};
  auto fresh = open(dir_.path());
  for (int round = 0; round < 3; ++round) {
    for (const auto& f : shapes) EXPECT_EQ(found(*reader_, f), found(*fresh, f)) << round;
  }
  EXPECT_EQ(found(*reader_, by_pk("1")),
            (std::vector<std::string>{"1:1:" + std::to_string(kHour0),
                                      "3:1:" + std::to_string(kHour0 + 3600)}));
  EXPECT_TRUE(found(*reader_, by_pk("9")).empty());
}

TEST_F(SqliteQueryCacheTest, KeptConnectionsSeeLaterBatches) {
  write({insert("1", kHour0)}, 1);
  EXPECT_EQ(found(*reader_, by_pk("1")).size(), 1u);
  write({insert("1", kHour0 + 5), insert("1", kHour0 + 3600)}, 2);  // same file and a new one
  EXPECT_EQ(found(*reader_, by_pk("1")), found(*open(dir_.path()), by_pk("1")));
  EXPECT_EQ(found(*reader_, by_pk("1")).size(), 3u);
}

TEST_F(SqliteQueryCacheTest, ReplacedPartitionFileIsReopened) {
  write({insert("1", kHour0), insert("2", kHour0 + 3600)}, 1);
  ASSERT_EQ(found(*reader_, by_pk("1")).size(), 1u);
  // Rotation drops the hour, then late events for it create the file again.
  auto dropped = writer_->drop_partitions_before(kHour0 + 3600);
  ASSERT_TRUE(dropped.ok());
  ASSERT_EQ(dropped.value(), 1u);
  write({insert("1", kHour0 + 60)}, 2);
  // A connection kept to the deleted file would still find event 1 (its id
  // is under the committed mark); the new file holds event 3 only.
  EXPECT_EQ(found(*reader_, by_pk("1")),
            (std::vector<std::string>{"3:1:" + std::to_string(kHour0 + 60)}));
  EXPECT_EQ(found(*reader_, by_pk("1")), found(*open(dir_.path()), by_pk("1")));
}

TEST_F(SqliteQueryCacheTest, DroppedPartitionIsNotKeptOpen) {
  write({insert("1", kHour0), insert("1", kHour0 + 3600)}, 1);
  ASSERT_EQ(found(*reader_, by_pk("1")).size(), 2u);
  const int before = deleted_files_open();
  ASSERT_TRUE(writer_->drop_partitions_before(kHour0 + 3600).ok());
  EXPECT_EQ(found(*reader_, by_pk("1")),
            (std::vector<std::string>{"2:1:" + std::to_string(kHour0 + 3600)}));
  EXPECT_EQ(deleted_files_open(), before);
}

// A stream runs for days: its writer keeps the partitions it wrote last (each
// with a 64 MiB page cache), not one per hour seen, and still writes to a
// partition it closed (a late event) correctly.
TEST_F(SqliteQueryCacheTest, WriterKeepsOnlyItsLatestPartitionsOpen) {
  for (int h = 0; h < 6; ++h) write({insert(std::to_string(h), kHour0 + h * 3600)}, h + 1);
  EXPECT_EQ(partition_files_open(dir_.path()), 2);
  write({insert("late", kHour0 + 10)}, 7);
  EXPECT_EQ(partition_files_open(dir_.path()), 2);
  EXPECT_EQ(found(*reader_, by_pk("late")),
            (std::vector<std::string>{"7:late:" + std::to_string(kHour0 + 10)}));
}

}  // namespace
}  // namespace dbtrail::index
