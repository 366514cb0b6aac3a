// Reading and writing HTTP/1.1 messages as bytes, apart from sockets so each
// rule is tested on its own (tests/unit/api/http_listener_test.cpp, HttpMessage.*).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "api/http_listener.h"

namespace dbtrail::api {

// A request head (request line + header lines, without the blank line that
// ends it) parsed, or the status to refuse it with: 400 (malformed), 413
// (Content-Length over max_body), 501 (Transfer-Encoding: we take bodies
// only with a length), 505 (not HTTP/1.x).
struct ParsedHead {
  int error_status = 0;  // 0: parsed
  HttpRequest request;   // body empty; content_length says how much follows
  size_t content_length = 0;
};
ParsedHead parse_request_head(std::string_view head, size_t max_body);

// Status line, Content-Type, Content-Length, Connection: close, the extra
// headers, then the body unless `head_only`.
std::string serialize_response(const HttpResponse& response, bool head_only);

}  // namespace dbtrail::api
