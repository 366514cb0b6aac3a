// A test's HTTP client: one request over a plain loopback socket, the whole
// answer read until the server closes (our servers answer with
// `Connection: close`). Raw bytes in, so tests can send malformed requests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

namespace dbtrail::testing {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string raw;
};

// Connects to 127.0.0.1:port (10 s timeouts); nullopt if it cannot connect.
inline std::optional<int> connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  return fd;
}

// Reads until EOF and parses status line, headers and body.
inline HttpReply read_reply(int fd) {
  HttpReply r;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) r.raw.append(buf, static_cast<size_t>(n));
  size_t end = r.raw.find("\r\n\r\n");
  if (r.raw.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return r;
  r.status = std::atoi(r.raw.c_str() + 9);
  size_t at = r.raw.find("\r\n") + 2;
  while (at < end) {
    size_t eol = r.raw.find("\r\n", at);
    std::string line = r.raw.substr(at, eol - at);
    size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t v = line.find_first_not_of(' ', colon + 1);
    r.headers[name] = v == std::string::npos ? "" : line.substr(v);
    at = eol + 2;
  }
  r.body = r.raw.substr(end + 4);
  return r;
}

// Sends `request` as is and reads the reply; nullopt if it cannot connect.
inline std::optional<HttpReply> http_exchange(int port, const std::string& request) {
  auto fd = connect_loopback(port);
  if (!fd) return std::nullopt;
  ::send(*fd, request.data(), request.size(), MSG_NOSIGNAL);
  HttpReply r = read_reply(*fd);
  ::close(*fd);
  return r;
}

inline std::optional<HttpReply> http_get(int port, const std::string& path) {
  return http_exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

}  // namespace dbtrail::testing
