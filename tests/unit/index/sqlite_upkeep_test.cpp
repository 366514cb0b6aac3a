// Rotation and pre-creation of the embedded index while another process
// (here: another SqliteStore on the same directory, with its own writer.lock
// descriptor, as `stream` and `rotate --daemon` would be) holds the writer
// lock: the request is queued and served by the writer between batches.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "index/sqlite/sqlite_store.h"
#include "sqlite_index_test.h"

namespace dbtrail::index {
namespace {

using sqlite::SqliteStore;
namespace fs = std::filesystem;

using testing::kHour0;

ChangeRecord row(const std::string& pk, int hour) { return testing::shop_row(pk, hour); }

class SqliteUpkeepTest : public testing::SqliteIndexTest {
 protected:
  bool has_file(const std::string& name) const {
    return fs::exists(dir_.path() + "/" + name + ".db");
  }
  size_t rows_of(SqliteStore& s, const std::string& pk) { return testing::changes_of(s, pk); }
  // One-row batches ("k1", "k2", ... into `hour`), 100 ms apart, until the
  // request behind `asked` is answered; how many were written.
  template <class T>
  int write_until(SqliteStore& s, std::future<T>& asked, int hour) {
    int batches = 0;
    while (asked.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      write(s, {row("k" + std::to_string(++batches), hour)});
      EXPECT_LT(batches, 300) << "the writer never served the request";
      if (batches >= 300) break;
    }
    return batches;
  }
};

TEST_F(SqliteUpkeepTest, ARotationLeavesTheWriterLockFree) {
  {
    SqliteStore w(dir_.path());
    write(w, {row("a", 0), row("b", 1)});
  }
  SqliteStore rotator(dir_.path());  // a `rotate --daemon` that stays up
  auto dropped = rotator.drop_partitions_before(kHour0 + 3600);
  ASSERT_TRUE(dropped.ok()) << dropped.error().message;
  EXPECT_EQ(dropped.value(), 1u);
  ASSERT_TRUE(rotator.add_future_partitions(2, kHour0 + 3600).ok());
  EXPECT_TRUE(has_file("p_2025112521"));

  // A stream starts while the rotator is still up: it must get the lock.
  SqliteStore stream(dir_.path());
  write(stream, {row("c", 1)});
  EXPECT_EQ(rows_of(stream, "b"), 1u);
  EXPECT_EQ(rows_of(stream, "c"), 1u);
}

TEST_F(SqliteUpkeepTest, AWriterServesAQueuedRotationBetweenBatches) {
  SqliteStore stream(dir_.path());
  write(stream, {row("old", 0), row("new", 2)});
  ASSERT_TRUE(has_file("p_2025112519"));

  SqliteStore rotator(dir_.path());
  auto asked = std::async(std::launch::async,
                          [&] { return rotator.drop_partitions_before(kHour0 + 3600); });
  // The stream keeps writing; one of its batches, a second or so apart, serves it.
  const int batches = write_until(stream, asked, 2);
  auto dropped = asked.get();
  ASSERT_TRUE(dropped.ok()) << dropped.error().message;
  EXPECT_EQ(dropped.value(), 1u);
  EXPECT_FALSE(has_file("p_2025112519"));

  // The writer goes on as before, into the hour it had open, and nothing it
  // wrote is lost.
  write(stream, {row("after", 2)});
  EXPECT_EQ(rows_of(stream, "old"), 0u);
  EXPECT_EQ(rows_of(stream, "new"), 1u);
  EXPECT_EQ(rows_of(stream, "after"), 1u);
  for (int i = 1; i <= batches; ++i) EXPECT_EQ(rows_of(stream, "k" + std::to_string(i)), 1u);
}

TEST_F(SqliteUpkeepTest, AQueuedPreCreationIsServedToo) {
  SqliteStore stream(dir_.path());
  write(stream, {row("a", 0)});
  SqliteStore rotator(dir_.path());
  auto asked = std::async(std::launch::async,
                          [&] { return rotator.add_future_partitions(3, kHour0); });
  write_until(stream, asked, 0);
  Status s = asked.get();
  ASSERT_TRUE(s.ok()) << s.error().message;
  for (const char* name : {"p_2025112520", "p_2025112521", "p_2025112522"})
    EXPECT_TRUE(has_file(name)) << name;
}

TEST_F(SqliteUpkeepTest, AnIdleWriterLeavesTheRequestQueuedAndSaysSo) {
  SqliteStore stream(dir_.path());
  write(stream, {row("old", 0), row("new", 2)});
  SqliteStore rotator(dir_.path());
  rotator.set_upkeep_wait_for_testing(300);
  auto dropped = rotator.drop_partitions_before(kHour0 + 3600);
  ASSERT_FALSE(dropped.ok());
  EXPECT_NE(dropped.error().message.find("queued"), std::string::npos) << dropped.error().message;
  EXPECT_TRUE(has_file("p_2025112519")) << "nothing changes until the writer serves it";

  // The next batch applies it (a writer looks at most once a second).
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  write(stream, {row("next", 2)});
  EXPECT_FALSE(has_file("p_2025112519"));
  EXPECT_EQ(rows_of(stream, "next"), 1u);
}

TEST_F(SqliteUpkeepTest, AWriterThatStopsLetsTheWaitingProcessServeItself) {
  auto stream = std::make_unique<SqliteStore>(dir_.path());
  write(*stream, {row("old", 0), row("new", 2)});
  SqliteStore rotator(dir_.path());
  auto asked = std::async(std::launch::async,
                          [&] { return rotator.drop_partitions_before(kHour0 + 3600); });
  ASSERT_EQ(asked.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  stream.reset();  // stops without another batch: the lock is free
  auto dropped = asked.get();
  ASSERT_TRUE(dropped.ok()) << dropped.error().message;
  EXPECT_EQ(dropped.value(), 1u);
  EXPECT_FALSE(has_file("p_2025112519"));
  SqliteStore next(dir_.path());
  write(next, {row("again", 2)});  // and the lock was released after
  EXPECT_EQ(rows_of(next, "new"), 1u);
}

TEST_F(SqliteUpkeepTest, ASecondWriterWaitsThenSaysTheIndexHasAWriter) {
  SqliteStore first(dir_.path());
  write(first, {row("a", 0)});
  SqliteStore second(dir_.path());
  second.set_lock_wait_for_testing(200);
  std::vector<ChangeRecord> b = {row("b", 0)};
  Status s = second.write_batch(b, testing::checkpoint_at(100));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("another dbtrail process is writing"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("only one stream or index run"), std::string::npos)
      << s.error().message;
  EXPECT_EQ(rows_of(first, "b"), 0u);
}

TEST_F(SqliteUpkeepTest, AWriterWaitsOutARotationPass) {
  // writer.lock held for a moment by another process, as a rotate pass does.
  const std::string lock = dir_.path() + "/writer.lock";
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  std::thread release([fd] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::close(fd);
  });
  SqliteStore stream(dir_.path());
  write(stream, {row("a", 0)});  // waits, then writes
  release.join();
  EXPECT_EQ(rows_of(stream, "a"), 1u);
}

}  // namespace
}  // namespace dbtrail::index
