#include "api/http_listener.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "api/http_message.h"

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

namespace {

// Sends all of `bytes`; false when the peer went away or stalled past the
// socket's send timeout. MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE.
bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void refuse(int fd, int status) {
  HttpResponse r;
  r.status = status;
  r.body = std::string(http_reason(status)) + "\n";
  send_all(fd, serialize_response(r, false));
}

// Reads one request from `fd` and answers it. Every read waits at most the
// socket's receive timeout, and the whole request must arrive within
// kTimeoutSeconds, so a client that trickles bytes cannot hold a thread.
void serve_connection(int fd, const HttpListener::Handler& handler) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::seconds(HttpListener::kTimeoutSeconds);
  std::string buf;
  size_t head_end = std::string::npos;
  ParsedHead parsed;
  char chunk[4096];
  for (;;) {
    if (head_end == std::string::npos) {
      head_end = buf.find("\r\n\r\n");
      if (head_end == std::string::npos && buf.size() > HttpListener::kMaxHeaderBytes)
        return refuse(fd, 431);
      if (head_end != std::string::npos) {
        if (head_end > HttpListener::kMaxHeaderBytes) return refuse(fd, 431);
        parsed = parse_request_head(std::string_view(buf).substr(0, head_end),
                                    HttpListener::kMaxBodyBytes);
        if (parsed.error_status != 0) return refuse(fd, parsed.error_status);
      }
    }
    if (head_end != std::string::npos && buf.size() - (head_end + 4) >= parsed.content_length)
      break;
    if (Clock::now() >= deadline) return refuse(fd, 408);
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return refuse(fd, 408);
    if (n <= 0) return;  // the client left, or the listener is stopping
    buf.append(chunk, static_cast<size_t>(n));
  }
  parsed.request.body = buf.substr(head_end + 4, parsed.content_length);
  HttpResponse response = handler(parsed.request);
  send_all(fd, serialize_response(response, parsed.request.method == "HEAD"));
}

// Runs `fn` on a new thread that blocks every signal.
std::thread start_signal_free_thread(std::function<void()> fn) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  std::thread t(std::move(fn));
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return t;
}

}  // namespace

struct HttpListener::Impl {
  Handler handler;
  int listen_fd = -1;
  int wake_fd = -1;  // eventfd: written once to stop the accept loop
  int port = 0;
  std::thread acceptor;

  std::mutex mu;
  std::set<int> open_fds;               // connections being served
  std::vector<std::thread> workers;     // running or finished, not yet joined
  std::vector<std::thread::id> finished;

  ~Impl() {
    if (acceptor.joinable()) {
      uint64_t one = 1;
      ssize_t ignored = ::write(wake_fd, &one, sizeof one);
      (void)ignored;
      acceptor.join();
    }
    {
      // Wake every connection thread blocked in recv/send; each closes its fd.
      std::lock_guard lock(mu);
      for (int fd : open_fds) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : workers) t.join();
    if (listen_fd >= 0) ::close(listen_fd);
    if (wake_fd >= 0) ::close(wake_fd);
  }

  // Joins the threads that have ended (called by the acceptor between accepts).
  void reap() {
    std::vector<std::thread> done;
    {
      std::lock_guard lock(mu);
      for (auto id : finished) {
        for (auto it = workers.begin(); it != workers.end(); ++it) {
          if (it->get_id() == id) {
            done.push_back(std::move(*it));
            workers.erase(it);
            break;
          }
        }
      }
      finished.clear();
    }
    for (auto& t : done) t.join();
  }

  void accept_loop() {
    for (;;) {
      pollfd fds[2] = {{listen_fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
      int n = ::poll(fds, 2, -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 || (fds[1].revents & POLLIN)) return;
      reap();
      int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        // Out of descriptors (EMFILE) would spin: back off a little.
        if (errno == EMFILE || errno == ENFILE) ::poll(nullptr, 0, 100);
        continue;
      }
      timeval tv{kTimeoutSeconds, 0};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      std::lock_guard lock(mu);
      if (open_fds.size() >= static_cast<size_t>(kMaxConnections)) {
        refuse(fd, 503);  // a fresh socket's buffer takes this without blocking
        ::close(fd);
        continue;
      }
      open_fds.insert(fd);
      workers.push_back(std::thread([this, fd] {
        serve_connection(fd, handler);
        std::lock_guard lock(mu);
        open_fds.erase(fd);
        ::close(fd);
        finished.push_back(std::this_thread::get_id());
      }));
    }
  }
};

HttpListener::HttpListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpListener::~HttpListener() = default;
int HttpListener::port() const { return impl_->port; }

Result<std::unique_ptr<HttpListener>> HttpListener::start(const ListenAddress& address,
                                                          Handler handler) {
  auto fail = [&](const std::string& why) {
    return make_error(ErrorCode::kListen,
                      "cannot listen on " + address.host + ":" + std::to_string(address.port) +
                          " (" + why +
                          "): give a free port of an address of this host (port 0 picks a free "
                          "one)");
  };
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(address.port);
  if (int rc = ::getaddrinfo(address.host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return fail(gai_strerror(rc));
  auto impl = std::make_unique<Impl>();
  impl->handler = std::move(handler);
  std::string last_error = "no address";
  for (addrinfo* ai = found; ai != nullptr && impl->listen_fd < 0; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    // SO_REUSEADDR (restart while old connections linger in TIME_WAIT), never
    // SO_REUSEPORT: a second process must not share the port and half the scrapes.
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 64) != 0) {
      last_error = std::strerror(errno);
      ::close(fd);
      continue;
    }
    impl->listen_fd = fd;
  }
  ::freeaddrinfo(found);
  if (impl->listen_fd < 0) return fail(last_error);

  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(impl->listen_fd, reinterpret_cast<sockaddr*>(&bound), &len);
  impl->port = bound.ss_family == AF_INET6
                   ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                   : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  impl->wake_fd = ::eventfd(0, EFD_CLOEXEC);
  if (impl->wake_fd < 0) return fail(std::strerror(errno));

  // Connection threads inherit the acceptor's all-blocked mask.
  Impl* raw = impl.get();
  impl->acceptor = start_signal_free_thread([raw] { raw->accept_loop(); });
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(impl)));
}

}  // namespace dbtrail::api
