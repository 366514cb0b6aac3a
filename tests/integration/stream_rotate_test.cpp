// `dbtrail rotate` beside a running `dbtrail stream` on the embedded index,
// as DBAs run bintrail's: the stream holds the writer lock, so rotate queues
// its pass and the stream applies it between two batches. The old hour goes,
// every row of the other hours stays, once.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "stream_fixture.h"

namespace dbtrail::stream {
namespace {

namespace fs = std::filesystem;

// The partition files' names (p_YYYYMMDDHH), oldest first.
std::set<std::string> partition_files(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("p_", 0) == 0 && e.path().extension() == ".db") out.insert(name);
  }
  return out;
}

// pk_values -> number of changes of shop.t in the index.
std::map<std::string, int> changes_by_key(const std::string& loc) {
  std::map<std::string, int> out;
  auto store = index::open_store(loc);
  EXPECT_TRUE(store.ok()) << store.error().message;
  if (!store.ok()) return out;
  index::QueryFilter f;
  f.schema = "shop";
  f.table = "t";
  f.limit = 1000000;
  auto rows = (*store)->query(f);
  EXPECT_TRUE(rows.ok()) << rows.error().message;
  if (rows.ok())
    for (const auto& r : *rows) ++out[r.pk_values];
  return out;
}

// `dbtrail rotate --index LOC --retain 1d`: its output and exit status.
std::string rotate_a_day(const std::string& loc) {
  const std::string cmd =
      std::string(DBTRAIL_BINARY) + " rotate --index " + loc + " --retain 1d 2>&1; echo exit=$?";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  return out;
}

class StreamRotateTest : public StreamTest {
 protected:
  // shop.t: ids 1-10 in an hour two days back (binlog time follows SET
  // TIMESTAMP), 11 now; a stream (extra flags `extra`) indexes them. The
  // partition files then, oldest first.
  std::set<std::string> old_and_new_rows_streamed(pid_t& pid, const std::vector<std::string>& extra) {
    exec(*admin_, "CREATE DATABASE shop");
    exec(*admin_, "CREATE TABLE shop.t (id INT PRIMARY KEY, v INT)");
    exec(*admin_, "SET TIMESTAMP = UNIX_TIMESTAMP() - 2 * 86400");
    for (int i = 1; i <= 10; ++i)
      exec(*admin_, "INSERT INTO shop.t VALUES (" + std::to_string(i) + ", 0)");
    exec(*admin_, "SET TIMESTAMP = DEFAULT");
    exec(*admin_, "INSERT INTO shop.t VALUES (11, 0)");
    pid = spawn("300ms", extra);
    EXPECT_TRUE(caught_up(90)) << log_text();
    return partition_files(index_dir_);
  }
};

TEST_F(StreamRotateTest, RotateBesideAStreamIsAppliedByIt) {
  pid_t pid = 0;
  const std::set<std::string> before = old_and_new_rows_streamed(pid, {});
  ASSERT_GE(before.size(), 2u) << "the old hour and this one";
  const std::string old = *before.begin();

  // Rows keep coming while rotate waits, so the stream writes batches.
  std::atomic<bool> done{false};
  std::atomic<int> last{11};
  std::thread load([&] {
    auto c = admin(sb_);
    while (!done) {
      exec(*c, "INSERT INTO shop.t VALUES (" + std::to_string(last + 1) + ", 1)");
      ++last;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  const std::string out = rotate_a_day(loc_);
  done = true;
  load.join();
  ASSERT_TRUE(caught_up(90)) << log_text();
  EXPECT_EQ(stop(pid, SIGTERM), 0) << log_text();

  EXPECT_NE(out.find("dropped 1 partitions"), std::string::npos) << out;
  EXPECT_NE(out.find("exit=0"), std::string::npos) << out;
  const std::set<std::string> after = partition_files(index_dir_);
  EXPECT_EQ(after.count(old), 0u) << old << " is older than a day";
  for (const auto& name : before) {
    if (name != old) {
      EXPECT_EQ(after.count(name), 1u) << name << " is not";
    }
  }
  auto keys = changes_by_key(loc_);
  for (int i = 1; i <= 10; ++i) EXPECT_EQ(keys.count(std::to_string(i)), 0u) << i;
  for (int i = 11; i <= last; ++i) EXPECT_EQ(keys[std::to_string(i)], 1) << i;
  EXPECT_EQ(keys.size(), size_t(last - 10));
}

// A stream whose source is idle writes no batch: it serves the queue at its
// heartbeats instead.
TEST_F(StreamRotateTest, AnIdleStreamAppliesItAtAHeartbeat) {
  pid_t pid = 0;
  const std::set<std::string> before = old_and_new_rows_streamed(pid, {"--heartbeat", "1"});
  ASSERT_GE(before.size(), 2u) << "the old hour and this one";
  const std::string out = rotate_a_day(loc_);  // no row arrives meanwhile
  EXPECT_EQ(stop(pid, SIGTERM), 0) << log_text();
  EXPECT_NE(out.find("dropped 1 partitions"), std::string::npos) << out;
  EXPECT_NE(out.find("exit=0"), std::string::npos) << out;
  EXPECT_EQ(partition_files(index_dir_).count(*before.begin()), 0u);
  EXPECT_EQ(changes_by_key(loc_).count("11"), 1u);
}

}  // namespace
}  // namespace dbtrail::stream
