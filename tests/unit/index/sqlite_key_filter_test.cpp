// Key filters let a --pk lookup skip partition files that cannot hold the
// key. They may only ever skip a file that truly lacks it: these tests write
// late rows into filtered hours, restart writers, rotate and pre-create
// files, and check every lookup against what was written.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "index/sqlite/key_filter.h"
#include "index/sqlite/sqlite_db.h"
#include "index/sqlite/sqlite_store.h"
#include "sqlite_index_test.h"

namespace dbtrail::index {
namespace {

using sqlite::SqliteStore;

using testing::kHour0;

TEST(KeyFilter, HoldsEveryKeyAndFewOthers) {
  std::vector<uint64_t> in;
  for (int i = 0; i < 100000; ++i) in.push_back(sqlite::key_hash("shop", "orders", std::to_string(i)));
  const std::string bits = sqlite::key_filter_bits(in);
  const uint64_t blocks = sqlite::key_filter_blocks(in.size());
  ASSERT_EQ(bits.size(), blocks * sqlite::kKeyFilterBlockBytes);
  auto has = [&](uint64_t h) {
    const uint64_t b = sqlite::key_filter_block(h, blocks);
    return sqlite::key_filter_block_has(
        std::string_view(bits).substr(b * sqlite::kKeyFilterBlockBytes, sqlite::kKeyFilterBlockBytes),
        h);
  };
  for (uint64_t h : in) ASSERT_TRUE(has(h));
  int false_positives = 0;
  for (int i = 100000; i < 200000; ++i)
    false_positives += has(sqlite::key_hash("shop", "orders", std::to_string(i)));
  EXPECT_LT(false_positives, 1500) << "of 100000 absent keys";  // about 0.5% expected
  EXPECT_GT(false_positives, 0) << "a Bloom filter this size has some";
}

TEST(KeyFilter, AKeysBlockIsAmongItsBucketsBlocks) {
  for (uint64_t blocks : {1ull, 3ull, 1023ull, 1024ull, 1025ull, 28125ull}) {
    uint64_t next = 0;  // buckets leave no block out: each starts at or before the next one
    for (uint64_t b = 0; b < sqlite::kKeyFilterBuckets; ++b) {
      ASSERT_LE(sqlite::key_filter_bucket_first(b, blocks), sqlite::key_filter_bucket_last(b, blocks));
      ASSERT_LE(sqlite::key_filter_bucket_first(b, blocks), next) << blocks << " " << b;
      next = sqlite::key_filter_bucket_last(b, blocks) + 1;
    }
    EXPECT_EQ(next, blocks);
    for (int i = 0; i < 20000; ++i) {
      const uint64_t h = sqlite::key_hash("s", "t", std::to_string(i));
      const uint64_t bucket = sqlite::key_filter_bucket(h);
      const uint64_t block = sqlite::key_filter_block(h, blocks);
      ASSERT_GE(block, sqlite::key_filter_bucket_first(bucket, blocks)) << blocks << " " << i;
      ASSERT_LE(block, sqlite::key_filter_bucket_last(bucket, blocks)) << blocks << " " << i;
    }
  }
}

TEST(KeyFilter, HashSeparatesSchemaTableAndKey) {
  EXPECT_NE(sqlite::key_hash("ab", "c", "1"), sqlite::key_hash("a", "bc", "1"));
  EXPECT_NE(sqlite::key_hash("a", "b", "1|2"), sqlite::key_hash("a", "b|1", "2"));
  EXPECT_NE(sqlite::key_hash("a", "b", ""), sqlite::key_hash("a", "", "b"));
  EXPECT_EQ(sqlite::key_filter_blocks(0), 0u);
}

ChangeRecord row(const std::string& pk, int hour, int64_t second = 0) {
  return testing::shop_row(pk, hour, second);
}

size_t count_of(Store& s, const std::string& pk) { return testing::changes_of(s, pk); }

// Partition files a fresh reader opens to look `pk` up.
size_t files_opened_for(const std::string& dir, const std::string& pk, size_t expect) {
  SqliteStore reader(dir);
  EXPECT_EQ(count_of(reader, pk), expect) << pk;
  return reader.open_partitions_for_testing();
}

// Filters in meta.db, by partition name: their key counts.
std::map<std::string, int64_t> filters(const std::string& dir) {
  std::map<std::string, int64_t> out;
  auto db = sqlite::Db::open_reader(dir + "/meta.db");
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return out;
  auto st = db->prepare("SELECT partition, keys FROM key_filter_heads");
  EXPECT_TRUE(st.ok());
  if (!st.ok()) return out;
  for (auto r = st->step(); r.ok() && r.value(); r = st->step()) out[st->col_text(0)] = st->col_int(1);
  return out;
}

class SqliteKeyFilterTest : public testing::SqliteIndexTest {
 protected:
  // Hours 0..hours-1, `per_hour` keys each: "h<hour>-<i>".
  void fill(SqliteStore& s, int hours, int per_hour) {
    for (int h = 0; h < hours; ++h) {
      std::vector<ChangeRecord> b;
      for (int i = 0; i < per_hour; ++i) b.push_back(row("h" + std::to_string(h) + "-" + std::to_string(i), h, i));
      write(s, std::move(b));
    }
  }
};

TEST_F(SqliteKeyFilterTest, LookupOpensOnlyTheFilesThatMayHoldTheKey) {
  {
    SqliteStore w(dir_.path());
    fill(w, 6, 200);
  }  // a writer leaving builds the filters of what it wrote
  EXPECT_EQ(filters(dir_.path()).size(), 6u);
  EXPECT_EQ(files_opened_for(dir_.path(), "h3-17", 1), 1u);
  EXPECT_EQ(files_opened_for(dir_.path(), "h0-0", 1), 1u);
  EXPECT_EQ(files_opened_for(dir_.path(), "nowhere", 0), 0u);
  // A key with the same text in another table is another key.
  SqliteStore reader(dir_.path());
  QueryFilter other = testing::shop_key("h3-17");
  other.table = "u";
  EXPECT_EQ(reader.query(other)->size(), 0u);
}

TEST_F(SqliteKeyFilterTest, LateRowsInAFilteredHourAreFoundWhileAndAfterTheWriterRuns) {
  SqliteStore w(dir_.path());
  fill(w, 4, 50);  // hours 0 and 1 are left behind: their filters are built
  ASSERT_EQ(filters(dir_.path()).count("p_2025112519"), 1u);
  SqliteStore reader(dir_.path());
  EXPECT_EQ(count_of(reader, "late"), 0u);  // the reader's statements are prepared now
  write(w, {row("late", 0, 3000), row("h1-7", 1, 3000)});
  // The filters of hours 0 and 1 went with the batch that wrote into them.
  EXPECT_EQ(count_of(reader, "late"), 1u);
  EXPECT_EQ(count_of(reader, "h1-7"), 2u);
  EXPECT_EQ(filters(dir_.path()).count("p_2025112519"), 0u);
  fill(w, 4, 1);  // moves on: hours 0 and 1 get filters again, from their files
  const auto f = filters(dir_.path());
  ASSERT_EQ(f.count("p_2025112519"), 1u);
  EXPECT_EQ(f.at("p_2025112519"), 51);  // every key in the file: 50 + "late"
  EXPECT_EQ(count_of(reader, "late"), 1u);
  EXPECT_EQ(files_opened_for(dir_.path(), "late", 1), 3u);  // hour 0 + the two still open
}

TEST_F(SqliteKeyFilterTest, FuturePartitionsAreSkippedUntilRowsArrive) {
  {
    SqliteStore w(dir_.path());
    ASSERT_TRUE(w.add_future_partitions(3, kHour0 - 3600).ok());  // hours 0, 1, 2
  }
  EXPECT_EQ(filters(dir_.path()), (std::map<std::string, int64_t>{
                                      {"p_2025112519", 0}, {"p_2025112520", 0}, {"p_2025112521", 0}}));
  EXPECT_EQ(files_opened_for(dir_.path(), "k", 0), 0u);
  SqliteStore w(dir_.path());
  write(w, {row("k", 1)});
  EXPECT_EQ(files_opened_for(dir_.path(), "k", 1), 1u);
}

TEST_F(SqliteKeyFilterTest, RotationDropsTheFiltersOfDroppedFiles) {
  {
    SqliteStore w(dir_.path());
    fill(w, 3, 10);
  }
  SqliteStore w(dir_.path());
  auto dropped = w.drop_partitions_before(kHour0 + 2 * 3600);
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(dropped.value(), 2u);
  EXPECT_EQ(filters(dir_.path()), (std::map<std::string, int64_t>{{"p_2025112521", 10}}));
}

TEST_F(SqliteKeyFilterTest, IndexWithoutFiltersIsReadAsBefore) {
  {
    SqliteStore w(dir_.path());
    fill(w, 3, 10);
  }
  {
    auto db = sqlite::Db::open(dir_.path() + "/meta.db", false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("DROP TABLE key_filter_buckets; DROP TABLE key_filter_heads").ok());
  }
  EXPECT_EQ(files_opened_for(dir_.path(), "h2-3", 1), 3u);  // every file, as before filters
  SqliteStore w(dir_.path());
  write(w, {row("new", 2, 100)});  // a writer adds the tables back
  EXPECT_EQ(count_of(w, "new"), 1u);
}

// A model of what was written against lookups through a second store, while
// one writer (restarted now and then) writes batches whose rows land in
// random hours, often long-filtered ones.
TEST_F(SqliteKeyFilterTest, RandomLateWritesNeverHideAKey) {
  std::mt19937 rng(20261202);
  std::map<std::string, size_t> model;
  auto w = std::make_unique<SqliteStore>(dir_.path());
  SqliteStore reader(dir_.path());
  for (int batch = 0; batch < 120; ++batch) {
    if (batch % 25 == 24) w = std::make_unique<SqliteStore>(dir_.path());  // restart
    std::vector<ChangeRecord> b;
    const int rows = 1 + int(rng() % 12);
    for (int i = 0; i < rows; ++i) {
      const std::string pk = std::to_string(rng() % 400);
      b.push_back(row(pk, int(rng() % 8), int64_t(rng() % 3600)));
      ++model[pk];
    }
    write(*w, std::move(b));
    for (int probe = 0; probe < 20; ++probe) {
      const std::string pk = std::to_string(rng() % 420);  // some never written
      const auto it = model.find(pk);
      ASSERT_EQ(count_of(reader, pk), it == model.end() ? 0u : it->second)
          << "key " << pk << " after batch " << batch;
    }
  }
  w.reset();
  EXPECT_EQ(filters(dir_.path()).size(), 8u);
  for (const auto& [pk, n] : model) ASSERT_EQ(count_of(reader, pk), n) << pk;
}

}  // namespace
}  // namespace dbtrail::index
