// Internal to src/mysql: lets the layer's own files (the binlog dump
// transport) reach the libmariadb handle behind a Connection. Never include
// this header outside src/mysql: MYSQL* stays inside its layer.
#pragma once

#include <mysql.h>

#include "mysql/connection.h"

namespace dbtrail::mysql {

struct NativeAccess {
  static MYSQL* handle(Connection& c);
  // kConnection error "<what> on user@host:port failed: <server message> (error N)",
  // scrubbed of the password.
  static Error error(const Connection& c, const char* what);
};

}  // namespace dbtrail::mysql
