// Internal to src/mysql: the source of LOAD DATA LOCAL INFILE data for one
// connection. The server names the file it wants in its answer to the
// statement; the library would open that path on this machine. Every
// connection therefore gets this handler instead: it serves only a buffer the
// caller armed for the one statement (Connection::query_with_local_data), and
// refuses any other request, so a hostile server cannot read our files.
#pragma once

#include <mysql.h>

#include <cstddef>
#include <string_view>

namespace dbtrail::mysql {

struct LocalInfileSource {
  // The file name the statement uses; the server must ask for exactly this.
  static constexpr std::string_view kFileName = "dbtrail-memory";

  bool armed = false;
  std::string_view data;  // valid while armed
  size_t offset = 0;      // bytes already handed to the library
};

// Installs the handler on `db`; `source` must outlive the connection.
void install_local_infile_handler(MYSQL* db, LocalInfileSource* source);

}  // namespace dbtrail::mysql
