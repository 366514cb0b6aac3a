// `dbtrail index` semantics over the shared fixtures: exactly once across
// re-runs and across a run cut short, and the indexed rows answer by key.
#include "stream/file_indexer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "../index/temp_dir.h"
#include "index/store.h"

namespace dbtrail::stream {
namespace {

const std::string kFixtures = std::string(DBTRAIL_SHARED_DIR) + "/fixtures/binlog/";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

binlog::Bytes bytes(const std::string& s) {
  return binlog::Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

uint64_t total_events(index::Store& s) {
  auto p = s.partitions();
  EXPECT_TRUE(p.ok());
  uint64_t n = 0;
  if (p.ok()) for (auto& i : *p) n += i.events;
  return n;
}

std::unique_ptr<index::Store> open(const std::string& dir) {
  auto s = index::open_store("sqlite:" + dir);
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(s.value()->init().ok());
  return std::move(s.value());
}

TEST(FileIndexer, RerunOverFixturesIndexesNothingTwice) {
  testing::TempDir dir;
  const std::string a = read_file(kFixtures + "go-parse/mysql-bin.000012");
  const std::string b = read_file(kFixtures + "MyFlash/haha.000041");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  for (int run = 0; run < 2; ++run) {
    auto store = open(dir.path());
    FileIndexOptions o;
    o.batch_size = 100;
    FileIndexer ix(*store, o);
    auto ra = ix.index_file("mysql-bin.000012", bytes(a));
    ASSERT_TRUE(ra.ok()) << ra.error().message;
    auto rb = ix.index_file("haha.000041", bytes(b));
    ASSERT_TRUE(rb.ok()) << rb.error().message;
    EXPECT_EQ(ra->rows_indexed, run == 0 ? 492u : 0u);
    EXPECT_EQ(rb->rows_indexed, run == 0 ? 192u : 0u);
    EXPECT_EQ(ra->already_done, run == 1);
    EXPECT_EQ(total_events(*store), 492u + 192u);
    auto fp = store->load_file_progress("mysql-bin.000012");
    ASSERT_TRUE(fp.ok() && fp.value().has_value());
    EXPECT_TRUE(fp.value()->done);
    EXPECT_EQ(fp.value()->events, 492u);
  }
}

TEST(FileIndexer, ResumesAfterACutShortRunWithoutDuplicates) {
  testing::TempDir dir;
  const std::string a = read_file(kFixtures + "go-parse/mysql-bin.000012");
  auto store = open(dir.path());
  FileIndexOptions o;
  o.batch_size = 10;
  FileIndexer ix(*store, o);
  // First the file as it was while the server was still writing it.
  auto part = ix.index_file("mysql-bin.000012", bytes(a.substr(0, a.size() / 2 + 17)));
  ASSERT_FALSE(part.ok());
  EXPECT_EQ(part.error().code, ErrorCode::kTruncated);
  uint64_t first = total_events(*store);
  EXPECT_GT(first, 0u);
  EXPECT_LT(first, 492u);
  auto fp = store->load_file_progress("mysql-bin.000012");
  ASSERT_TRUE(fp.ok() && fp.value().has_value());
  EXPECT_FALSE(fp.value()->done);
  EXPECT_EQ(fp.value()->events, first);
  // Then the whole file: only the rest is added.
  auto rest = ix.index_file("mysql-bin.000012", bytes(a));
  ASSERT_TRUE(rest.ok()) << rest.error().message;
  EXPECT_EQ(rest->rows_indexed, 492u - first);
  EXPECT_EQ(total_events(*store), 492u);
  // Each (position, row) once: event positions are non-decreasing with ids.
  index::QueryFilter f;
  f.schema = "sbtest";
  f.table = "sbtest1";
  f.limit = 100000;
  auto rows = store->query(f);
  ASSERT_TRUE(rows.ok());
  for (size_t i = 1; i < rows->size(); ++i) {
    EXPECT_LE((*rows)[i - 1].start_pos, (*rows)[i].start_pos);
  }
}

TEST(FileIndexer, FiltersBySchemaAndTable) {
  testing::TempDir dir;
  const std::string a = read_file(kFixtures + "go-parse/mysql-bin.000012");
  auto store = open(dir.path());
  FileIndexOptions o;
  o.tables = {"sbtest.sbtest1"};
  FileIndexer ix(*store, o);
  auto r = ix.index_file("mysql-bin.000012", bytes(a));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(total_events(*store), 16u);  // sbtest1's share of the 492
}

TEST(FileIndexer, QueryByPrimaryKeyFromFullMetadata) {
  testing::TempDir dir;
  const std::string m = read_file(kFixtures + "rust_mysql_common/mariadb-bin.000001");
  ASSERT_FALSE(m.empty());
  auto store = open(dir.path());
  FileIndexer ix(*store, {});
  auto r = ix.index_file("mariadb-bin.000001", bytes(m));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_GE(r->rows_indexed, 2u);
  index::QueryFilter f;
  f.schema = "toddy_test";
  f.table = "outbox";
  f.pk = "63";
  auto rows = store->query(f);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  const auto& c = (*rows)[0];
  EXPECT_EQ(c.pk_values, "63");
  EXPECT_EQ(c.gtid, "0-1-2");
  EXPECT_EQ(c.start_pos, 984u);
  EXPECT_EQ(c.row_after.value(),
            "{\"id\":63,\"topic\":\"foo\",\"event_type\":\"JSON\",\"event\":{\"base64\":"
            "\"eyJmb28iOjF9\"},\"created\":\"2022-04-20 22:19:55\"}");
  f.pk = "64";
  auto none = store->query(f);
  ASSERT_TRUE(none.ok());
  for (const auto& x : *none) EXPECT_EQ(x.pk_values, "64");
}

}  // namespace
}  // namespace dbtrail::stream
