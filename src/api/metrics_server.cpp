#include "api/metrics_server.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <thread>

#include "util/prometheus_text.h"

namespace dbtrail::api {

Result<ListenAddress> parse_listen_address(std::string_view text, std::string_view flag) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kInvalidArgument,
                      std::string(flag) + " '" + std::string(text) + "' " + why +
                          ": give HOST:PORT, e.g. 127.0.0.1:9104 ([::1]:9104 for IPv6; port 0 "
                          "picks a free one)");
  };
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("has no port");
  ListenAddress a;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("is an IPv6 address without [brackets]");
  }
  if (host.empty()) return bad("has no host");
  a.host.assign(host);
  std::string_view port = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), a.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || a.port < 0 ||
      a.port > 65535) {
    return bad("has no valid port (0-65535)");
  }
  return a;
}

struct MetricsServer::Impl {
  httplib::Server server;
  std::thread listener;
  std::atomic<bool> done{false};

  ~Impl() {
    if (!listener.joinable()) return;
    // stop() does nothing until the listener thread has marked the server
    // running, so repeat it until that thread is out of its loop.
    while (!done.load()) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    listener.join();
  }
};

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MetricsServer::~MetricsServer() = default;

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const ListenAddress& address,
                                                            Render render) {
  auto impl = std::make_unique<Impl>();
  httplib::Server& s = impl->server;
  // Replaces httplib's default, which adds SO_REUSEPORT on Linux: with it a
  // second process could bind the same port and take half the scrapes.
  s.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Scrapes are rare and cheap: two threads, not httplib's default pool.
  s.new_task_queue = [] { return new httplib::ThreadPool(2); };
  s.Get("/metrics", [render = std::move(render)](const httplib::Request&, httplib::Response& res) {
    res.set_content(render(), kPrometheusContentType);
  });

  errno = 0;
  int port = address.port == 0                            ? s.bind_to_any_port(address.host)
             : s.bind_to_port(address.host, address.port) ? address.port
                                                          : -1;
  if (port <= 0) {
    int err = errno;
    return make_error(ErrorCode::kListen,
                      "cannot listen on " + address.host + ":" + std::to_string(address.port) +
                          (err != 0 ? std::string(" (") + std::strerror(err) + ")" : "") +
                          ": give a free port of an address of this host (port 0 picks a free "
                          "one)");
  }

  // The listener (and the pool it creates) block every signal, so a SIGTERM
  // for the process is handled by the thread that runs the stream.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  Impl* raw = impl.get();
  impl->listener = std::thread([raw] {
    raw->server.listen_after_bind();
    raw->done = true;
  });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);

  std::unique_ptr<MetricsServer> out(new MetricsServer(std::move(impl)));
  out->port_ = port;
  bool v6 = address.host.find(':') != std::string::npos;
  out->url_ = "http://" + (v6 ? "[" + address.host + "]" : address.host) + ":" +
              std::to_string(port) + "/metrics";
  return out;
}

}  // namespace dbtrail::api
