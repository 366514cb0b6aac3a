#include "api/http_message.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace dbtrail::api {
namespace {

// RFC 9110 token characters (method and header names).
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                                  std::string_view::npos;
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view http_reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Status";
  }
}

ParsedHead parse_request_head(std::string_view head, size_t max_body) {
  ParsedHead out;
  auto fail = [&](int status) {
    out.error_status = status;
    return out;
  };
  size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  std::string_view rest = eol == std::string_view::npos ? "" : head.substr(eol + 2);

  // METHOD SP TARGET SP HTTP/1.x, single spaces.
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return fail(400);
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method) || target.empty() || target.front() != '/') return fail(400);
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/") return fail(400);
  if (version.substr(5) != "1.1" && version.substr(5) != "1.0") return fail(505);
  out.request.method.assign(method);
  size_t q = target.find('?');
  out.request.path.assign(target.substr(0, q));
  if (q != std::string_view::npos) out.request.query.assign(target.substr(q + 1));

  while (!rest.empty()) {
    eol = rest.find("\r\n");
    std::string_view h = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? "" : rest.substr(eol + 2);
    size_t colon = h.find(':');
    // No obsolete line folding: a line starting with whitespace is refused.
    if (colon == std::string_view::npos || !is_token(h.substr(0, colon))) return fail(400);
    std::string name(h.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = trim(h.substr(colon + 1));
    auto [it, inserted] = out.request.headers.emplace(name, std::string(value));
    if (!inserted) {
      // Two lengths could be read two ways by two parsers: refuse.
      if (name == "content-length" || name == "host") return fail(400);
      it->second += ", ";
      it->second += value;
    }
  }
  if (out.request.headers.count("transfer-encoding")) return fail(501);
  if (auto it = out.request.headers.find("content-length"); it != out.request.headers.end()) {
    const std::string& v = it->second;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out.content_length);
    if (v.empty() || ec == std::errc::invalid_argument || end != v.data() + v.size())
      return fail(400);
    if (ec == std::errc::result_out_of_range || out.content_length > max_body) return fail(413);
  }
  return out;
}

std::string serialize_response(const HttpResponse& response, bool head_only) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " ";
  out += http_reason(response.status);
  out += "\r\nContent-Type: " + response.content_type;
  out += "\r\nContent-Length: " + std::to_string(response.body.size());
  out += "\r\nConnection: close\r\n";
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  if (!head_only) out += response.body;
  return out;
}

}  // namespace dbtrail::api
