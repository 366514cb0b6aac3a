// A small HTTP/1.1 server on a TCP socket: one request per connection
// (answered with `Connection: close`), a thread per connection (at most
// kMaxConnections at once), bodies only with Content-Length. Our own rather
// than a library's so the `dbtrail` binary links statically and starts fast
// (bench/README.md, query_bench.sh). Protocol errors are answered here
// (400, 408, 413, 431, 501, 503, 505); everything else is the handler's.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"

namespace dbtrail::api {

struct ListenAddress {
  std::string host;  // a name or an IP literal (IPv6 without its brackets)
  int port = 0;      // 0: any free port, chosen at bind time
};

// "HOST:PORT" or "[IPV6]:PORT", port 0..65535. kInvalidArgument with a
// sentence naming the flag `flag` otherwise (an empty host is refused too:
// serving every interface must be asked for, as 0.0.0.0).
Result<ListenAddress> parse_listen_address(std::string_view text, std::string_view flag);

struct HttpRequest {
  std::string method;                         // as sent: "GET", "HEAD", ...
  std::string path;                           // the target up to '?', not decoded
  std::string query;                          // after '?', not decoded
  std::map<std::string, std::string> headers;  // names lower-cased, values trimmed
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers;  // extra ones, e.g. Allow
};

// The reason phrase of the status codes this server sends ("Not Found").
std::string_view http_reason(int status);

class HttpListener {
 public:
  static constexpr int kMaxConnections = 16;
  static constexpr int kTimeoutSeconds = 5;  // to send a whole request, or read the answer
  static constexpr size_t kMaxHeaderBytes = 16 * 1024;
  static constexpr size_t kMaxBodyBytes = 1024 * 1024;

  // Called on a connection thread, possibly on several at once. For HEAD the
  // body it returns is measured for Content-Length, then not sent.
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Binds and listens now, so a bad address is reported before the caller
  // starts its work (kListen: in use, not an address of this host,
  // unresolvable); then accepts on a background thread until destroyed.
  // Server threads block every signal: they go to the caller's threads.
  static Result<std::unique_ptr<HttpListener>> start(const ListenAddress& address, Handler handler);

  // Stops accepting, cuts open connections and joins every thread.
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  int port() const;  // the bound port (the chosen one for port 0)

 private:
  struct Impl;
  explicit HttpListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dbtrail::api
