// A client connection to a MySQL/MariaDB server (libmariadb wrapped in RAII).
// The library's MYSQL* never leaves src/mysql. Error messages never contain the
// password, whatever the server or the library says.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace dbtrail::mysql {

// Where and as whom to connect. Parsed from either DSN form:
//   mysql://user:pass@host:port/db            (URL; user/pass/db percent-decoded)
//   user:pass@tcp(host:port)/db               (bintrail / Go driver form)
// The password may be empty or absent; when absent (no ':' after the user), the
// DBTRAIL_SOURCE_PASSWORD environment variable supplies it if set. Port defaults
// to 3306, host to 127.0.0.1; db may be empty.
struct Dsn {
  std::string user;
  std::string password;
  std::string host = "127.0.0.1";
  uint16_t port = 3306;
  std::string database;

  // "user@host:port/db": for logs and messages (never the password).
  std::string redacted() const;
};

// Parses a DSN. On error the message quotes the DSN with its password removed.
Result<Dsn> parse_dsn(std::string_view text);

// TLS modes, as the MySQL clients name them (--ssl-mode).
//   disabled         never TLS
//   preferred        TLS when the server offers it, else plain (the default)
//   required         TLS or fail; the certificate is not checked
//   verify-ca        TLS, certificate chain checked against ssl_ca
//   verify-identity  verify-ca plus the host name must match the certificate
enum class SslMode { kDisabled, kPreferred, kRequired, kVerifyCa, kVerifyIdentity };

// Parses "disabled|preferred|required|verify-ca|verify-identity" (case-insensitive,
// '_' accepted for '-'). kInvalidArgument otherwise.
Result<SslMode> parse_ssl_mode(std::string_view text);
const char* ssl_mode_name(SslMode mode);

struct ConnectOptions {
  unsigned connect_timeout_s = 10;
  unsigned read_timeout_s = 30;
  unsigned write_timeout_s = 30;
  SslMode ssl_mode = SslMode::kPreferred;
  std::string ssl_ca;    // PEM file of the CA(s); required by verify-ca/verify-identity
  std::string ssl_cert;  // client certificate (PEM), optional
  std::string ssl_key;   // its private key (PEM), optional
  // Lets query_with_local_data() run LOAD DATA LOCAL INFILE (the server must
  // allow it too: local_infile=ON). The data only ever comes from memory.
  bool local_infile = false;
};

using Row = std::vector<std::optional<std::string>>;  // nullopt = SQL NULL

class Connection {
 public:
  // Connects over TCP with utf8mb4 as the connection character set.
  // kConnection when the server is unreachable or refuses the login.
  static Result<std::unique_ptr<Connection>> open(const Dsn& dsn,
                                                  const ConnectOptions& options = {});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement. For statements that return rows, every row with each
  // column as text (or nullopt for NULL); for others an empty vector.
  Result<std::vector<Row>> query(std::string_view sql);

  // Runs one `LOAD DATA LOCAL INFILE 'dbtrail-memory' ...` statement (the
  // file name must be exactly that) with `data` as the file's content. Needs
  // ConnectOptions::local_infile. `data` is read during the call only.
  Result<std::vector<Row>> query_with_local_data(std::string_view sql, std::string_view data);

  // Quotes a string as a SQL literal ('...'), escaped for this connection's charset.
  std::string quote(std::string_view value);
  // Appends quote(value) to out without a temporary (for building large
  // multi-row statements).
  void append_quoted(std::string& out, std::string_view value);

  // About the last statement run on this connection.
  uint64_t last_insert_id() const;  // first AUTO_INCREMENT value of a multi-row INSERT
  uint64_t affected_rows() const;
  unsigned warning_count() const;   // warnings the last statement raised
  unsigned last_errno() const;      // server/client error number, 0 if none
  // True when the last error means the session is gone (server restarted,
  // connection killed or timed out): a new connection is needed, and any open
  // transaction was rolled back by the server.
  bool lost() const;
  uint64_t thread_id() const;       // the server's connection id (for KILL, processlist)

  const Dsn& dsn() const { return dsn_; }

  // "MariaDB 10.11.6" / "MySQL 8.0.36": flavor and version from the handshake.
  std::string server_description() const;
  bool server_is_mariadb() const;
  // Version as major*10000 + minor*100 + patch (100 for 0.1.0).
  unsigned long server_version() const;

 private:
  friend struct NativeAccess;  // src/mysql internals reach the MYSQL* through it
  struct Impl;
  Connection(std::unique_ptr<Impl> impl, Dsn dsn);
  Error error_from_server(const char* what) const;

  std::unique_ptr<Impl> impl_;
  Dsn dsn_;
};

}  // namespace dbtrail::mysql
