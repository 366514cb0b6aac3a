// The source-connection flags shared by check, stream and binlog dump:
// --source-dsn, --source-password-file, --ssl-mode and --ssl-ca/cert/key.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "mysql/connection.h"
#include "util/result.h"

namespace dbtrail::cli {

struct SourceArgs {
  std::string dsn;
  std::string password_file;
  std::string ssl_mode = "preferred";
  std::string ssl_ca, ssl_cert, ssl_key;
};

// The DSN with the password from --source-password-file when given (trailing
// newlines dropped; the file keeps the password out of process lists).
Result<mysql::Dsn> source_dsn(const SourceArgs& a);

// Registers --source-dsn (required unless told), --source-password-file and
// the TLS flags on `cmd`.
void add_source_options(CLI::App* cmd, SourceArgs& a, bool required = true);

// Applies the TLS flags to `co`; kInvalidArgument for an unknown --ssl-mode.
Status apply_tls(const SourceArgs& a, mysql::ConnectOptions& co);

}  // namespace dbtrail::cli
