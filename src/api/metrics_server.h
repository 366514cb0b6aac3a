// A small HTTP endpoint for Prometheus: GET (or HEAD) /metrics answers with
// the text a render function returns at that moment; other paths are 404,
// other methods 405. Used by `dbtrail stream --metrics-addr`.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api/http_listener.h"
#include "util/result.h"

namespace dbtrail::api {

class MetricsServer {
 public:
  // Called on a server thread for every scrape, possibly on two at once: it
  // must be safe to call concurrently with whatever updates its data.
  using Render = std::function<std::string()>;

  // Binds now, so a bad address is reported before the caller starts its
  // work (kListen: in use, not an address of this host, unresolvable), then
  // serves on background threads (HttpListener) until destroyed.
  static Result<std::unique_ptr<MetricsServer>> start(const ListenAddress& address, Render render);

  ~MetricsServer();  // stops serving and joins its threads
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }               // the bound port (the chosen one for port 0)
  const std::string& url() const { return url_; }  // http://HOST:PORT/metrics

 private:
  MetricsServer() = default;
  std::unique_ptr<HttpListener> listener_;
  int port_ = 0;
  std::string url_;
};

}  // namespace dbtrail::api
