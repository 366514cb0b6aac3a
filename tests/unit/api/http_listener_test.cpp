// The HTTP server under the metrics endpoint (and later the REST API): its
// byte-level rules, then a real listener on 127.0.0.1 driven by raw sockets.
#include "api/http_listener.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "api/http_message.h"
#include "loopback_http.h"

namespace dbtrail::api {
namespace {

TEST(HttpMessage, ParsesRequestLineHeadersAndLength) {
  ParsedHead p = parse_request_head(
      "POST /a/b?x=1&y HTTP/1.1\r\nHost: h\r\nX-Twice: 1\r\nx-twice:  2 \r\n"
      "Content-Length: 12",
      100);
  ASSERT_EQ(p.error_status, 0);
  EXPECT_EQ(p.request.method, "POST");
  EXPECT_EQ(p.request.path, "/a/b");
  EXPECT_EQ(p.request.query, "x=1&y");
  EXPECT_EQ(p.request.headers["host"], "h");
  EXPECT_EQ(p.request.headers["x-twice"], "1, 2");
  EXPECT_EQ(p.content_length, 12u);
  ParsedHead ten = parse_request_head("GET / HTTP/1.0", 100);
  EXPECT_EQ(ten.error_status, 0);
  EXPECT_EQ(ten.content_length, 0u);
}

TEST(HttpMessage, RefusesWhatItCannotReadOneWay) {
  struct Case {
    const char* head;
    int status;
  };
  for (const Case& c : std::vector<Case>{
           {"", 400},
           {"GET /", 400},
           {"GET  / HTTP/1.1", 400},
           {"GET / HTTP/1.1 extra", 400},
           {"GET http://h/ HTTP/1.1", 400},
           {"G(T / HTTP/1.1", 400},
           {"GET / HTTX/1.1", 400},
           {"GET / HTTP/2.0", 505},
           {"GET / HTTP/1.1\r\nno colon", 400},
           {"GET / HTTP/1.1\r\n folded: x", 400},
           {"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1", 400},
           {"GET / HTTP/1.1\r\nContent-Length: -1", 400},
           {"GET / HTTP/1.1\r\nContent-Length: 1x", 400},
           {"GET / HTTP/1.1\r\nContent-Length: 101", 413},
           {"GET / HTTP/1.1\r\nContent-Length: 99999999999999999999999", 413},
           {"GET / HTTP/1.1\r\nTransfer-Encoding: chunked", 501},
       }) {
    EXPECT_EQ(parse_request_head(c.head, 100).error_status, c.status) << c.head;
  }
}

TEST(HttpMessage, SerializesWithLengthAndCloseAndHeadWithoutBody) {
  HttpResponse r;
  r.status = 405;
  r.body = "no\n";
  r.headers["Allow"] = "GET";
  EXPECT_EQ(serialize_response(r, false),
            "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 3\r\nConnection: close\r\nAllow: GET\r\n\r\nno\n");
  EXPECT_EQ(serialize_response(r, true).find("no\n"), std::string::npos);
  EXPECT_NE(serialize_response(r, true).find("Content-Length: 3\r\n"), std::string::npos);
}

// A listener on 127.0.0.1:0 that echoes what it received.
std::unique_ptr<HttpListener> echo_listener() {
  auto l = HttpListener::start({"127.0.0.1", 0}, [](const HttpRequest& req) {
    HttpResponse r;
    r.body = req.method + " " + req.path + " ?" + req.query + " [" + req.body + "]";
    return r;
  });
  EXPECT_TRUE(l.ok()) << l.error().message;
  return l.ok() ? std::move(*l) : nullptr;
}

TEST(HttpListener, AnswersOneRequestPerConnectionWithItsBody) {
  auto l = echo_listener();
  ASSERT_TRUE(l);
  auto r = testing::http_get(l->port(), "/x?y=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->raw;
  EXPECT_EQ(r->body, "GET /x ?y=1 []");
  EXPECT_EQ(r->headers["connection"], "close");

  // The head and the body in pieces, with pauses: read until complete.
  auto fd = testing::connect_loopback(l->port());
  ASSERT_TRUE(fd);
  for (const char* piece : {"PUT /p HTTP/1.1\r\nCont", "ent-Length: 11\r\n\r", "\nhello", " world"}) {
    ::send(*fd, piece, strlen(piece), MSG_NOSIGNAL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  testing::HttpReply put = testing::read_reply(*fd);
  ::close(*fd);
  EXPECT_EQ(put.status, 200) << put.raw;
  EXPECT_EQ(put.body, "PUT /p ? [hello world]");
}

TEST(HttpListener, AnswersProtocolErrorsItself) {
  auto l = echo_listener();
  ASSERT_TRUE(l);
  auto garbage = testing::http_exchange(l->port(), "hello\r\n\r\n");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400) << garbage->raw;
  std::string huge = "GET / HTTP/1.1\r\nX: " + std::string(HttpListener::kMaxHeaderBytes, 'a');
  auto big = testing::http_exchange(l->port(), huge);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 431) << big->raw.substr(0, 100);
  auto chunked = testing::http_exchange(
      l->port(), "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->status, 501);
}

TEST(HttpListener, ASilentClientTimesOutWithoutHoldingOthersUp) {
  auto l = echo_listener();
  ASSERT_TRUE(l);
  auto silent = testing::connect_loopback(l->port());
  ASSERT_TRUE(silent);
  ::send(*silent, "GET / HT", 8, MSG_NOSIGNAL);
  auto other = testing::http_get(l->port(), "/other");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->body, "GET /other ? []") << "served while another client is silent";
  testing::HttpReply timed_out = testing::read_reply(*silent);  // after kTimeoutSeconds
  ::close(*silent);
  EXPECT_EQ(timed_out.status, 408) << timed_out.raw;
}

TEST(HttpListener, BusyBeyondItsConnectionLimitSays503) {
  auto l = echo_listener();
  ASSERT_TRUE(l);
  std::vector<int> held;
  for (int i = 0; i < HttpListener::kMaxConnections; ++i) {
    auto fd = testing::connect_loopback(l->port());
    ASSERT_TRUE(fd);
    held.push_back(*fd);
  }
  // The acceptor takes connections in order: once it refuses one, all the
  // held ones are being served. Retry until then (it accepts asynchronously).
  int status = 0;
  for (int attempt = 0; attempt < 100 && status != 503; ++attempt) {
    auto r = testing::http_get(l->port(), "/");
    ASSERT_TRUE(r);
    status = r->status;
  }
  EXPECT_EQ(status, 503);
  for (int fd : held) ::close(fd);
  auto after = testing::http_get(l->port(), "/");
  for (int attempt = 0; attempt < 100 && after && after->status != 200; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    after = testing::http_get(l->port(), "/");
  }
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200) << "serves again once the held connections are gone";
}

TEST(HttpListener, StopsAtOnceWithClientsConnected) {
  // Destroying it must cut idle connections, not wait for their timeouts:
  // the held client sees the close (EOF) without sending anything.
  for (int i = 0; i < 5; ++i) {
    auto l = echo_listener();
    ASSERT_TRUE(l);
    auto fd = testing::connect_loopback(l->port());
    ASSERT_TRUE(fd);
    auto served = testing::http_get(l->port(), "/");  // the held one is accepted by now
    ASSERT_TRUE(served);
    l.reset();
    testing::HttpReply r = testing::read_reply(*fd);
    ::close(*fd);
    EXPECT_EQ(r.raw, "") << "cut without an answer";
  }
}

TEST(HttpListener, APortInUseIsAListenErrorNamingTheAddress) {
  auto first = echo_listener();
  ASSERT_TRUE(first);
  auto second = HttpListener::start({"127.0.0.1", first->port()}, nullptr);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kListen);
  EXPECT_NE(second.error().message.find("Address already in use"), std::string::npos)
      << second.error().message;
  auto nowhere = HttpListener::start({"no-such-host.invalid", 0}, nullptr);
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.error().code, ErrorCode::kListen);
}

}  // namespace
}  // namespace dbtrail::api
