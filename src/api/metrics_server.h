// A small HTTP endpoint for Prometheus: GET /metrics answers with the text a
// render function returns at that moment (anything else is 404). Used by
// `dbtrail stream --metrics-addr`. httplib stays inside metrics_server.cpp.
#pragma once

#include <functional>
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

class MetricsServer {
 public:
  // Called on a server thread for every scrape, possibly on two at once: it
  // must be safe to call concurrently with whatever updates its data.
  using Render = std::function<std::string()>;

  // Binds now, so a bad address is reported before the caller starts its
  // work (kListen: in use, not an address of this host, unresolvable), then
  // serves on background threads until destroyed.
  static Result<std::unique_ptr<MetricsServer>> start(const ListenAddress& address, Render render);

  ~MetricsServer();  // stops serving and joins its threads
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }               // the bound port (the chosen one for port 0)
  const std::string& url() const { return url_; }  // http://HOST:PORT/metrics

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::string url_;
};

}  // namespace dbtrail::api
