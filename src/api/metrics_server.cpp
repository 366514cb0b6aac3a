#include "api/metrics_server.h"

#include "util/prometheus_text.h"

namespace dbtrail::api {

MetricsServer::~MetricsServer() = default;

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const ListenAddress& address,
                                                            Render render) {
  auto listener = HttpListener::start(address, [render = std::move(render)](const HttpRequest& req) {
    HttpResponse res;
    if (req.path != "/metrics") {
      res.status = 404;
      res.body = "not found: scrape /metrics\n";
    } else if (req.method != "GET" && req.method != "HEAD") {
      res.status = 405;
      res.headers["Allow"] = "GET, HEAD";
      res.body = "method not allowed: GET /metrics\n";
    } else {
      res.content_type = kPrometheusContentType;
      res.body = render();
    }
    return res;
  });
  if (!listener.ok()) return listener.error();
  std::unique_ptr<MetricsServer> out(new MetricsServer());
  out->listener_ = std::move(*listener);
  out->port_ = out->listener_->port();
  bool v6 = address.host.find(':') != std::string::npos;
  out->url_ = "http://" + (v6 ? "[" + address.host + "]" : address.host) + ":" +
              std::to_string(out->port_) + "/metrics";
  return out;
}

}  // namespace dbtrail::api
