// A writer's partition WAL is folded back into the database: by the
// checkpointer thread while the writer goes on, or by the writer itself when
// the WAL has grown past its limit. Either way the WAL starts over instead of
// growing with everything written, and no row is lost on the way.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "index/partition_name.h"
#include "index/sqlite/sqlite_store.h"
#include "temp_dir.h"
#include "test_checkpoint.h"

namespace dbtrail::index {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kHour0 = 1764097200;  // 2025-11-25T19:00:00Z
constexpr int kRowsPerBatch = 40;
constexpr size_t kImageBytes = 50000;   // 40 rows: about 2 MB, 31 pages of 64 KiB
constexpr uintmax_t kBatchBytes = kRowsPerBatch * kImageBytes;
constexpr int kBatches = 4;

std::string image(int row) {
  return "{\"id\":" + std::to_string(row) + ",\"blob\":\"" +
         std::string(kImageBytes, char('a' + row % 26)) + "\"}";
}

std::vector<ChangeRecord> batch(int b) {
  std::vector<ChangeRecord> out;
  for (int i = 0; i < kRowsPerBatch; ++i) {
    const int row = b * kRowsPerBatch + i;
    ChangeRecord c;
    c.binlog_file = "mysql-bin.000001";
    c.event_time = kHour0 + row;
    c.schema = "shop";
    c.table = "t";
    c.type = ChangeType::kInsert;
    c.pk_values = std::to_string(row);
    c.row_after = image(row);
    out.push_back(std::move(c));
  }
  return out;
}

uintmax_t size_of(const std::string& path) {
  std::error_code ec;
  auto n = fs::file_size(path, ec);
  return ec ? 0 : n;
}

class SqliteWalFoldTest : public ::testing::Test {
 protected:
  std::string db() const { return dir_.path() + "/" + partition_name(kHour0) + ".db"; }

  // Writes the batches with the given WAL limits and checks after each that
  // the database file holds it (after the checkpointer's work, if asked).
  void write_all(int checkpoint_frames, int max_frames, bool wait_for_checkpointer) {
    sqlite::SqliteStore store(dir_.path());
    ASSERT_TRUE(store.init().ok());
    store.set_wal_limits_for_testing(checkpoint_frames, max_frames);
    for (int b = 0; b < kBatches; ++b) {
      auto rows = batch(b);
      ASSERT_TRUE(store.write_batch(rows, testing::checkpoint_at(b + 1)).ok());
      const uintmax_t written = uintmax_t(b + 1) * kBatchBytes;
      if (wait_for_checkpointer) store.wait_for_checkpoints_for_testing();
      ASSERT_GE(size_of(db()), written) << "batch " << b << " is not in the database file: the WAL "
                                        << "was not folded back";
    }
    // The WAL started over after each fold: it holds about one batch, not all four.
    EXPECT_LT(size_of(db() + "-wal"), 2 * kBatchBytes);
  }

  // After the writer is gone: no WAL left, every row there with its image.
  void expect_all_rows() {
    EXPECT_FALSE(fs::exists(db() + "-wal")) << "the last connection did not fold the WAL back";
    auto reader = open_store("sqlite:" + dir_.path());
    ASSERT_TRUE(reader.ok());
    QueryFilter f;
    f.schema = "shop";
    f.table = "t";
    f.limit = 1000;
    auto rows = reader.value()->query(f);
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows->size(), size_t(kBatches * kRowsPerBatch));
    for (size_t i = 0; i < rows->size(); ++i) {
      EXPECT_EQ((*rows)[i].row_after, image(int(i))) << "row " << i;
    }
  }

  testing::TempDir dir_;
};

TEST_F(SqliteWalFoldTest, CheckpointerFoldsTheWalBack) {
  write_all(/*checkpoint_frames=*/16, /*max_frames=*/1 << 30, /*wait_for_checkpointer=*/true);
  expect_all_rows();
}

TEST_F(SqliteWalFoldTest, WriterFoldsAWalThatGrewPastItsLimitItself) {
  write_all(/*checkpoint_frames=*/1 << 30, /*max_frames=*/16, /*wait_for_checkpointer=*/false);
  expect_all_rows();
}

}  // namespace
}  // namespace dbtrail::index
