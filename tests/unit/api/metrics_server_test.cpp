// The endpoint on a real loopback socket (127.0.0.1 only), scraped with a
// plain-socket HTTP client.
#include "api/metrics_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "loopback_http.h"
#include "stream/stream_metrics.h"
#include "stream/stream_metrics_page.h"
#include "util/prometheus_text.h"

namespace dbtrail::api {
namespace {

TEST(ListenAddress, ParsesHostAndPort) {
  auto a = parse_listen_address("127.0.0.1:9104", "--metrics-addr");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9104);
  auto z = parse_listen_address("localhost:0", "--metrics-addr");
  ASSERT_TRUE(z.ok()) << z.error().message;
  EXPECT_EQ(z->port, 0);
  auto v6 = parse_listen_address("[::1]:65535", "--metrics-addr");
  ASSERT_TRUE(v6.ok()) << v6.error().message;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 65535);
}

TEST(ListenAddress, RefusesMalformedWithTheFlagAndAnExample) {
  for (const char* bad : {"127.0.0.1", ":9104", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                          "127.0.0.1:91x", "::1:9104", "[]:9104", ""}) {
    auto a = parse_listen_address(bad, "--metrics-addr");
    ASSERT_FALSE(a.ok()) << bad;
    EXPECT_EQ(a.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_NE(a.error().message.find("--metrics-addr '" + std::string(bad) + "'"),
              std::string::npos)
        << a.error().message;
    EXPECT_NE(a.error().message.find("127.0.0.1:9104"), std::string::npos) << a.error().message;
  }
}

TEST(MetricsServer, PortZeroServesTheRenderedTextAtMetricsOnly) {
  std::atomic<int> scrapes{0};
  auto s = MetricsServer::start({"127.0.0.1", 0}, [&] {
    return "# HELP n_total h\n# TYPE n_total counter\nn_total " + std::to_string(++scrapes) + "\n";
  });
  ASSERT_TRUE(s.ok()) << s.error().message;
  int port = (*s)->port();
  ASSERT_GT(port, 0);
  EXPECT_EQ((*s)->url(), "http://127.0.0.1:" + std::to_string(port) + "/metrics");

  for (int i = 1; i <= 2; ++i) {
    auto r = testing::http_get(port, "/metrics");
    ASSERT_TRUE(r) << "cannot connect";
    EXPECT_EQ(r->status, 200) << r->raw;
    EXPECT_EQ(r->headers["content-type"], kPrometheusContentType);
    EXPECT_EQ(r->body,
              "# HELP n_total h\n# TYPE n_total counter\nn_total " + std::to_string(i) + "\n");
  }
  auto query = testing::http_get(port, "/metrics?name[]=x");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->status, 200) << "a query string is still /metrics";
  auto head = testing::http_exchange(port, "HEAD /metrics HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "") << "HEAD sends no body";
  EXPECT_NE(head->headers["content-length"], "0") << "but says how long it would be";
  auto other = testing::http_get(port, "/");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  auto post = testing::http_exchange(
      port, "POST /metrics HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->headers["allow"], "GET, HEAD");
  EXPECT_EQ(scrapes.load(), 4) << "405/404 must not render";
}

TEST(MetricsServer, APortInUseIsAListenErrorNotASharedPort) {
  auto first = MetricsServer::start({"127.0.0.1", 0}, [] { return std::string(); });
  ASSERT_TRUE(first.ok()) << first.error().message;
  int port = (*first)->port();
  auto second = MetricsServer::start({"127.0.0.1", port}, [] { return std::string(); });
  ASSERT_FALSE(second.ok()) << "bound a port another server listens on";
  EXPECT_EQ(second.error().code, ErrorCode::kListen);
  EXPECT_NE(second.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << second.error().message;
}

TEST(MetricsServer, StopsRightAfterStarting) {
  // The destructor must not hang when it runs before the listener loop starts.
  for (int i = 0; i < 20; ++i) {
    auto s = MetricsServer::start({"127.0.0.1", 0}, [] { return std::string(); });
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
}

TEST(MetricsServer, ScrapesWhileTheCountersMove) {
  stream::StreamMetrics m;
  auto s = MetricsServer::start({"127.0.0.1", 0}, [&m] { return stream::render_stream_metrics(m); });
  ASSERT_TRUE(s.ok()) << s.error().message;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (!stop) {
      m.rows_indexed.fetch_add(1, stream::StreamMetrics::kRelaxed);
      m.pending_since.store(m.pending_since.load() == 0 ? 100 : 0);
    }
  });
  uint64_t last = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = testing::http_get((*s)->port(), "/metrics");
    ASSERT_TRUE(r) << "cannot connect";
    const std::string key = "\ndbtrail_stream_rows_indexed_total ";
    size_t at = r->body.find(key);
    ASSERT_NE(at, std::string::npos) << r->body;
    uint64_t rows = std::stoull(r->body.substr(at + key.size()));
    EXPECT_GE(rows, last) << "a counter went backwards";
    last = rows;
  }
  stop = true;
  writer.join();
}

}  // namespace
}  // namespace dbtrail::api
