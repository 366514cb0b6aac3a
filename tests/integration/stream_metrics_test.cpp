// `dbtrail stream --metrics-addr 127.0.0.1:0` against a private MariaDB,
// scraped over HTTP as Prometheus would: the counters must agree with what
// was written (rows exactly), and a bad address must stop the command before
// it streams.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>

#include "loopback_http.h"
#include "stream_fixture.h"

namespace dbtrail::stream {
namespace {

// "name{labels}" -> value of every sample line; HELP/TYPE lines checked to
// come before their samples.
std::map<std::string, double> parse_exposition(const std::string& text) {
  std::map<std::string, double> out;
  std::set<std::string> typed;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# TYPE ", 0) == 0) typed.insert(line.substr(7, line.find(' ', 7) - 7));
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.rfind(' ');
    std::string key = line.substr(0, sp);
    EXPECT_TRUE(typed.count(key.substr(0, key.find('{')))) << "no # TYPE before " << line;
    out[key] = std::strtod(line.c_str() + sp + 1, nullptr);
  }
  return out;
}

class StreamMetricsTest : public StreamTest {
 protected:
  // The URL the stream logged ("metrics: serving URL"), polled for.
  std::string served_url(int seconds) {
    static const std::regex re("metrics: serving (http://127\\.0\\.0\\.1:[0-9]+/metrics)");
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < until) {
      std::smatch m;
      std::string log = log_text();
      if (std::regex_search(log, m, re)) return m[1];
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
  }

  std::map<std::string, double> scrape(const std::string& url) {
    // http://127.0.0.1:PORT/metrics
    size_t colon = url.rfind(':');
    int port = std::stoi(url.substr(colon + 1));
    auto r = testing::http_get(port, "/metrics");
    EXPECT_TRUE(r) << "cannot connect to " << url;
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->raw;
    EXPECT_EQ(r->headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    return parse_exposition(r->body);
  }
};

TEST_F(StreamMetricsTest, CountersAgreeWithWhatWasWritten) {
  exec(*admin_, "CREATE DATABASE shop");
  exec(*admin_, "CREATE DATABASE other");
  exec(*admin_, "CREATE TABLE shop.t (id INT PRIMARY KEY, v INT)");
  exec(*admin_, "CREATE TABLE other.t (id INT PRIMARY KEY)");
  // Start right after the DDL: every transaction from here on is ours.
  std::tie(start_file_, start_pos_) = master_status(*admin_);
  const int64_t started = std::time(nullptr);
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = spawn("200ms", {"--metrics-addr", "127.0.0.1:0", "--heartbeat", "1"});
  std::string url = served_url(60);
  ASSERT_NE(url, "") << log_text();

  // 10 filtered-out transactions, 150 one-row transactions, one of 150 rows.
  const int kRows = 300;
  for (int i = 1; i <= 10; ++i)
    exec(*admin_, "INSERT INTO other.t VALUES (" + std::to_string(i) + ")");
  for (int i = 1; i <= 150; ++i)
    exec(*admin_, "INSERT INTO shop.t VALUES (" + std::to_string(i) + ", 0)");
  exec(*admin_, "BEGIN");
  for (int i = 151; i <= kRows; ++i)
    exec(*admin_, "INSERT INTO shop.t VALUES (" + std::to_string(i) + ", 1)");
  exec(*admin_, "COMMIT");
  const int kTransactions = 10 + 150 + 1;

  // Until every row is durable and a heartbeat found nothing more: lag 0.
  std::map<std::string, double> m;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < until) {
    m = scrape(url);
    if (m["dbtrail_stream_rows_indexed_total"] >= kRows &&
        m["dbtrail_stream_replication_lag_seconds"] == 0)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(m["dbtrail_stream_rows_indexed_total"], kRows) << log_text();
  EXPECT_EQ(m["dbtrail_stream_replication_lag_seconds"], 0) << "never caught up";
  EXPECT_EQ(m["dbtrail_stream_transactions_indexed_total"], kTransactions);
  EXPECT_GE(m["dbtrail_stream_batches_committed_total"], 1);
  // Each transaction is at least GTID, TABLE_MAP, WRITE_ROWS and XID.
  EXPECT_GT(m["dbtrail_stream_events_received_total"], kRows);
  EXPECT_GE(m["dbtrail_stream_events_received_total"], 4 * kTransactions);
  // Written by this run (fresh index), so no older than the run itself.
  double age = m["dbtrail_stream_checkpoint_age_seconds"];
  EXPECT_TRUE(std::isfinite(age)) << age;
  EXPECT_GE(age, 0);
  EXPECT_LE(age, elapsed);
  double last = m["dbtrail_stream_last_event_timestamp_seconds"];
  EXPECT_GE(last, started - 1);
  EXPECT_LE(last, std::time(nullptr) + 1);
  EXPECT_EQ(m["dbtrail_stream_reconnects_total"], 0);
  for (const char* kind : {"connection", "decode", "store", "source"}) {
    std::string key = std::string("dbtrail_stream_errors_total{kind=\"") + kind + "\"}";
    ASSERT_TRUE(m.count(key)) << key;
    EXPECT_EQ(m[key], 0) << key;
  }

  int status = stop(pid, SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log_text();
  EXPECT_NE(log_text().find("300 rows"), std::string::npos) << log_text();
  // The index agrees with the counter.
  EXPECT_EQ(index_keys(loc_, "shop", {"t"}).size(), static_cast<size_t>(kRows));
}

// `dbtrail stream` with a bad --metrics-addr: its exit code and stderr.
std::pair<int, std::string> run_with_metrics_addr(const std::string& index_dir,
                                                  const std::string& addr) {
  std::string out;
  int rc = testing::run_command(
      std::string(DBTRAIL_BINARY) +
          " stream --source-dsn mysql://nobody@127.0.0.1:1/ --server-id 7 --index sqlite:" +
          testing::shell_quote(index_dir) + " --metrics-addr " + testing::shell_quote(addr) +
          " 2>&1",
      &out);
  return {rc, out};
}

TEST(StreamMetricsAddress, BadAddressIsOneLineAndADistinctExitBeforeStreaming) {
  char tmpl[] = "/tmp/dbtrail-metrics-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string index_dir = std::string(tmpl) + "/index";  // never created if nothing runs

  // Malformed: a bad flag value (2), naming the flag and an example.
  for (const char* bad : {"127.0.0.1", "127.0.0.1:70000", "127.0.0.1:x"}) {
    auto [rc, err] = run_with_metrics_addr(index_dir, bad);
    EXPECT_EQ(rc, 2) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_EQ(err.rfind("dbtrail: error: --metrics-addr '" + std::string(bad) + "'", 0), 0) << err;
  }

  // A port another socket listens on (127.0.0.1 only): cannot listen (11).
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof sa;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len), 0);
  std::string busy = "127.0.0.1:" + std::to_string(ntohs(sa.sin_port));
  auto [rc, err] = run_with_metrics_addr(index_dir, busy);
  close(fd);
  EXPECT_EQ(rc, 11) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(err.rfind("dbtrail: error: cannot listen on " + busy, 0), 0) << err;

  // Nothing streamed: the index was never even opened.
  EXPECT_FALSE(std::filesystem::exists(index_dir));
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace dbtrail::stream
