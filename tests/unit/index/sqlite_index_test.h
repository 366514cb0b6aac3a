// What the embedded-index tests share: an initialized index in a temporary
// directory, rows of shop.t at a given hour after kHour0, batches written
// with increasing checkpoints, and lookups by key.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "index/sqlite/sqlite_store.h"
#include "temp_dir.h"
#include "test_checkpoint.h"

namespace dbtrail::testing {

constexpr int64_t kHour0 = 1764097200;  // 2025-11-25T19:00:00Z: p_2025112519

// An INSERT of shop.t, key `pk`, `second`s into hour `hour` after kHour0.
inline index::ChangeRecord shop_row(const std::string& pk, int hour, int64_t second = 0) {
  index::ChangeRecord c;
  c.binlog_file = "mysql-bin.000001";
  c.event_time = kHour0 + hour * 3600 + second;
  c.schema = "shop";
  c.table = "t";
  c.type = index::ChangeType::kInsert;
  c.pk_values = pk;
  c.row_after = "{\"id\":\"" + pk + "\"}";
  return c;
}

inline index::QueryFilter shop_key(const std::string& pk) {
  index::QueryFilter f;
  f.schema = "shop";
  f.table = "t";
  f.pk = pk;
  f.limit = 100000;
  return f;
}

// How many changes of shop.t key `pk` the store finds.
inline size_t changes_of(index::Store& s, const std::string& pk) {
  auto r = s.query(shop_key(pk));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r->size() : 0;
}

class SqliteIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index::sqlite::SqliteStore s(dir_.path());
    ASSERT_TRUE(s.init().ok());
  }
  void write(index::sqlite::SqliteStore& s, std::vector<index::ChangeRecord> b) {
    Status st = s.write_batch(b, checkpoint_at(++pos_));
    ASSERT_TRUE(st.ok()) << st.error().message;
  }

  TempDir dir_;
  uint64_t pos_ = 0;
};

}  // namespace dbtrail::testing
