#include "mysql/connection.h"

#include <mysql.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <mutex>
#include <string_view>
#include <utility>

#include "mysql/local_infile.h"
#include "mysql/native_access.h"

namespace dbtrail::mysql {
namespace {

constexpr const char* kDsnForms =
    "expected mysql://user:pass@host:port/db or user:pass@tcp(host:port)/db";

Error bad_dsn(const std::string& why) {
  // Never quote the DSN itself: it may hold the password.
  return make_error(ErrorCode::kInvalidArgument, "invalid DSN (" + why + "); " + kDsnForms);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

// "host", "host:port", "[v6]", "[v6]:port" (empty host keeps the default).
Status parse_host_port(std::string_view hp, Dsn& dsn) {
  std::string_view host = hp, port;
  if (!hp.empty() && hp.front() == '[') {
    size_t close = hp.find(']');
    if (close == std::string_view::npos) return bad_dsn("unclosed '[' in host");
    host = hp.substr(1, close - 1);
    std::string_view rest = hp.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad_dsn("unexpected text after ']'");
      port = rest.substr(1);
    }
  } else if (size_t colon = hp.rfind(':'); colon != std::string_view::npos) {
    host = hp.substr(0, colon);
    port = hp.substr(colon + 1);
    if (port.empty()) return bad_dsn("empty port");
  }
  if (!host.empty()) dsn.host.assign(host);
  if (!port.empty()) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc() || end != port.data() + port.size() || v == 0 || v > 65535)
      return bad_dsn("port must be a number from 1 to 65535");
    dsn.port = static_cast<uint16_t>(v);
  }
  return {};
}

// "user", "user:", "user:pass" -> user, password; returns whether a password was given.
bool split_userinfo(std::string_view info, std::string& user, std::string& pass) {
  size_t colon = info.find(':');
  if (colon == std::string_view::npos) {
    user.assign(info);
    pass.clear();
    return false;
  }
  user.assign(info.substr(0, colon));
  pass.assign(info.substr(colon + 1));
  return true;
}

Result<Dsn> parse_url(std::string_view rest) {
  Dsn dsn;
  // Query parameters (?tls=...) are not ours to interpret here; drop them.
  if (size_t q = rest.find('?'); q != std::string_view::npos) rest = rest.substr(0, q);
  // The last '@' separates credentials from the host, so an unencoded '@' in a
  // password still works; the path starts at the first '/' after it.
  size_t at = rest.rfind('@');
  std::string_view info, after = rest;
  bool has_info = at != std::string_view::npos;
  if (has_info) {
    info = rest.substr(0, at);
    after = rest.substr(at + 1);
  }
  size_t slash = after.find('/');
  std::string_view hostport = after.substr(0, slash);
  std::string_view db = slash == std::string_view::npos ? "" : after.substr(slash + 1);
  DBT_TRY(parse_host_port(hostport, dsn));

  bool has_password = false;
  if (has_info) {
    std::string user_raw, pass_raw;
    has_password = split_userinfo(info, user_raw, pass_raw);
    if (!percent_decode(user_raw, dsn.user) || !percent_decode(pass_raw, dsn.password))
      return bad_dsn("bad percent-encoding in user or password");
  }
  if (!percent_decode(db, dsn.database)) return bad_dsn("bad percent-encoding in database");
  if (!has_password) {
    if (const char* env = std::getenv("DBTRAIL_SOURCE_PASSWORD")) dsn.password = env;
  }
  return dsn;
}

Result<Dsn> parse_go(std::string_view text) {
  Dsn dsn;
  if (size_t q = text.find('?'); q != std::string_view::npos) {
    // '?' may only start parameters after the "tcp(...)/" part; a '?' inside a
    // password comes before "@tcp(". Cut at the first '?' after the ')'.
    size_t close = text.rfind(')');
    size_t q2 = close == std::string_view::npos ? q : text.find('?', close);
    if (q2 != std::string_view::npos) text = text.substr(0, q2);
  }
  size_t open = text.rfind("tcp(");
  if (open == std::string_view::npos) return bad_dsn("no tcp(host:port)");
  bool has_info = open > 0;
  if (has_info && text[open - 1] != '@') return bad_dsn("expected '@' before tcp(");
  size_t close = text.find(')', open);
  if (close == std::string_view::npos) return bad_dsn("unclosed tcp(");
  DBT_TRY(parse_host_port(text.substr(open + 4, close - open - 4), dsn));
  std::string_view after = text.substr(close + 1);
  if (!after.empty()) {
    if (after.front() != '/') return bad_dsn("expected '/' after tcp(...)");
    dsn.database.assign(after.substr(1));
  }
  bool has_password = false;
  if (has_info) has_password = split_userinfo(text.substr(0, open - 1), dsn.user, dsn.password);
  if (!has_password) {
    if (const char* env = std::getenv("DBTRAIL_SOURCE_PASSWORD")) dsn.password = env;
  }
  return dsn;
}

// Removes every occurrence of the password from a message (servers and the
// library echo user names and hosts; never let a password through by accident).
std::string scrub(std::string msg, const std::string& password) {
  if (password.size() < 3) return msg;  // too short to replace without mangling words
  for (size_t p = msg.find(password); p != std::string::npos; p = msg.find(password, p))
    msg.replace(p, password.size(), "***");
  return msg;
}

std::once_flag g_library_once;

// Maps --ssl-mode onto libmariadb 3.3: use_ssl (mysql_ssl_set) asks for TLS
// when the server offers it; SSL_ENFORCE fails without it; a CA file makes
// the library check the certificate chain; VERIFY_SERVER_CERT adds the host
// name check.
Status apply_tls(MYSQL* db, const ConnectOptions& o) {
  if (o.ssl_mode == SslMode::kDisabled) return {};
  bool verify = o.ssl_mode == SslMode::kVerifyCa || o.ssl_mode == SslMode::kVerifyIdentity;
  if (verify && o.ssl_ca.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      std::string("--ssl-mode ") + ssl_mode_name(o.ssl_mode) +
                          " needs --ssl-ca (the CA certificate that signed the server's "
                          "certificate)");
  }
  auto opt = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
  mysql_ssl_set(db, opt(o.ssl_key), opt(o.ssl_cert), opt(o.ssl_ca), nullptr, nullptr);
  if (o.ssl_mode != SslMode::kPreferred) {
    my_bool on = 1;
    mysql_optionsv(db, MYSQL_OPT_SSL_ENFORCE, &on);
  }
  my_bool check_host = o.ssl_mode == SslMode::kVerifyIdentity ? 1 : 0;
  mysql_optionsv(db, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &check_host);
  return {};
}

}  // namespace

std::string Dsn::redacted() const {
  std::string host_part = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return (user.empty() ? "" : user + "@") + host_part + ":" + std::to_string(port) +
         (database.empty() ? "" : "/" + database);
}

Result<SslMode> parse_ssl_mode(std::string_view text) {
  std::string t;
  for (char c : text)
    t.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (t == "disabled") return SslMode::kDisabled;
  if (t == "preferred") return SslMode::kPreferred;
  if (t == "required") return SslMode::kRequired;
  if (t == "verify-ca") return SslMode::kVerifyCa;
  if (t == "verify-identity") return SslMode::kVerifyIdentity;
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown --ssl-mode '" + std::string(text) +
                        "'; use disabled, preferred, required, verify-ca or verify-identity");
}

const char* ssl_mode_name(SslMode mode) {
  switch (mode) {
    case SslMode::kDisabled:
      return "disabled";
    case SslMode::kPreferred:
      return "preferred";
    case SslMode::kRequired:
      return "required";
    case SslMode::kVerifyCa:
      return "verify-ca";
    case SslMode::kVerifyIdentity:
      return "verify-identity";
  }
  return "?";
}

Result<Dsn> parse_dsn(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n'))
    text.remove_suffix(1);
  if (text.empty()) return bad_dsn("empty");
  for (std::string_view scheme : {"mysql://", "mariadb://"}) {
    if (text.substr(0, scheme.size()) == scheme) return parse_url(text.substr(scheme.size()));
  }
  if (text.find("://") != std::string_view::npos) return bad_dsn("unknown URL scheme");
  return parse_go(text);
}

struct Connection::Impl {
  MYSQL* db = nullptr;
  // Of the last statement, read before its results are drained (draining
  // resets the library's own values).
  uint64_t affected_rows = 0;
  uint64_t insert_id = 0;
  unsigned warnings = 0;
  LocalInfileSource infile;  // the only data LOAD DATA LOCAL may send
  ~Impl() {
    if (db) mysql_close(db);
  }
};

Connection::Connection(std::unique_ptr<Impl> impl, Dsn dsn)
    : impl_(std::move(impl)), dsn_(std::move(dsn)) {}

Connection::~Connection() = default;

MYSQL* NativeAccess::handle(Connection& c) { return c.impl_->db; }
Error NativeAccess::error(const Connection& c, const char* what) {
  return c.error_from_server(what);
}

std::string Connection::server_description() const {
  return std::string(server_is_mariadb() ? "MariaDB " : "MySQL ") +
         mysql_get_server_info(impl_->db);
}

bool Connection::server_is_mariadb() const {
  // MariaDB 10.x+ announces "5.5.5-10.11.6-MariaDB" to old clients; the
  // library strips the prefix, the name stays.
  std::string_view v = mysql_get_server_info(impl_->db);
  return v.find("MariaDB") != std::string_view::npos;
}

unsigned long Connection::server_version() const { return mysql_get_server_version(impl_->db); }

Error Connection::error_from_server(const char* what) const {
  std::string msg = std::string(what) + " on " + dsn_.redacted() +
                    " failed: " + mysql_error(impl_->db) + " (error " +
                    std::to_string(mysql_errno(impl_->db)) + ")";
  return make_error(ErrorCode::kConnection, scrub(std::move(msg), dsn_.password));
}

Result<std::unique_ptr<Connection>> Connection::open(const Dsn& dsn,
                                                     const ConnectOptions& options) {
  std::call_once(g_library_once, [] { mysql_library_init(0, nullptr, nullptr); });
  auto impl = std::make_unique<Impl>();
  impl->db = mysql_init(nullptr);
  if (!impl->db) return make_error(ErrorCode::kInternal, "out of memory creating a MySQL client");
  MYSQL* db = impl->db;
  unsigned connect_timeout = options.connect_timeout_s;
  unsigned read_timeout = options.read_timeout_s;
  unsigned write_timeout = options.write_timeout_s;
  unsigned protocol = MYSQL_PROTOCOL_TCP;  // "localhost" would otherwise mean a socket
  mysql_optionsv(db, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_optionsv(db, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_optionsv(db, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  mysql_optionsv(db, MYSQL_OPT_PROTOCOL, &protocol);
  mysql_optionsv(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  unsigned local_infile = options.local_infile ? 1 : 0;
  mysql_optionsv(db, MYSQL_OPT_LOCAL_INFILE, &local_infile);
  // On every connection, also without the option: a server may ask for a
  // local file in answer to any statement.
  install_local_infile_handler(db, &impl->infile);
  DBT_TRY(apply_tls(db, options));

  std::unique_ptr<Connection> conn(new Connection(std::move(impl), dsn));
  if (!mysql_real_connect(db, dsn.host.c_str(), dsn.user.c_str(), dsn.password.c_str(),
                          dsn.database.empty() ? nullptr : dsn.database.c_str(), dsn.port, nullptr,
                          0)) {
    Error e = conn->error_from_server("connecting");
    // libmariadb reports a plugin it could not load with 1045 as well.
    if (std::string_view(mysql_error(db)).find("could not be loaded") != std::string_view::npos) {
      e.message +=
          "; the account signs in with an authentication plugin libmariadb loads from its "
          "plugin directory: install libmariadb3 (Debian ships the plugins there), or point "
          "MARIADB_PLUGIN_DIR at a directory that holds it";
    } else if (mysql_errno(db) == 1045) {
      e.message +=
          "; check the user name and password, and that the account's host part "
          "allows connections from this machine";
    }
    return e;
  }
  // libmariadb 3.3 may settle for a plain connection even when TLS was
  // enforced (servers without a certificate): never let required mean "maybe".
  if (options.ssl_mode != SslMode::kDisabled && options.ssl_mode != SslMode::kPreferred &&
      mysql_get_ssl_cipher(db) == nullptr) {
    return make_error(ErrorCode::kConnection,
                      "connecting on " + dsn.redacted() + " with --ssl-mode " +
                          ssl_mode_name(options.ssl_mode) +
                          " failed: the server did not agree to TLS; configure ssl_cert/ssl_key "
                          "on the server, or choose --ssl-mode preferred/disabled");
  }
  return conn;
}

Result<std::vector<Row>> Connection::query(std::string_view sql) {
  MYSQL* db = impl_->db;
  if (mysql_real_query(db, sql.data(), static_cast<unsigned long>(sql.size())) != 0)
    return error_from_server("query");
  impl_->affected_rows = mysql_affected_rows(db);
  impl_->insert_id = mysql_insert_id(db);
  impl_->warnings = mysql_warning_count(db);
  std::vector<Row> rows;
  // Drain every result set (a CALL or multi-statement may produce several);
  // rows of the first one are returned.
  bool first = true;
  do {
    MYSQL_RES* res = mysql_store_result(db);
    if (!res) {
      if (mysql_field_count(db) != 0) return error_from_server("reading a result");
    } else {
      unsigned n = mysql_num_fields(res);
      while (MYSQL_ROW r = mysql_fetch_row(res)) {
        if (!first) continue;
        unsigned long* len = mysql_fetch_lengths(res);
        Row row(n);
        for (unsigned i = 0; i < n; ++i)
          if (r[i]) row[i].emplace(r[i], len[i]);
        rows.push_back(std::move(row));
      }
      mysql_free_result(res);
      first = false;
    }
  } while (mysql_next_result(db) == 0);
  if (mysql_errno(db) != 0) return error_from_server("query");
  return rows;
}

Result<std::vector<Row>> Connection::query_with_local_data(std::string_view sql,
                                                          std::string_view data) {
  impl_->infile.armed = true;
  impl_->infile.data = data;
  auto r = query(sql);
  impl_->infile.armed = false;
  impl_->infile.data = {};
  return r;
}

void Connection::append_quoted(std::string& out, std::string_view value) {
  size_t at = out.size();
  out.resize(at + value.size() * 2 + 2);
  out[at] = '\'';
  unsigned long n = mysql_real_escape_string(impl_->db, out.data() + at + 1, value.data(),
                                             static_cast<unsigned long>(value.size()));
  out[at + 1 + n] = '\'';
  out.resize(at + n + 2);
}

uint64_t Connection::last_insert_id() const { return impl_->insert_id; }
uint64_t Connection::affected_rows() const { return impl_->affected_rows; }
unsigned Connection::warning_count() const { return impl_->warnings; }
unsigned Connection::last_errno() const { return mysql_errno(impl_->db); }
uint64_t Connection::thread_id() const { return mysql_thread_id(impl_->db); }

bool Connection::lost() const {
  switch (mysql_errno(impl_->db)) {
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
      return true;
    default:
      return false;
  }
}

std::string Connection::quote(std::string_view value) {
  std::string out(value.size() * 2 + 3, '\0');
  out[0] = '\'';
  unsigned long n = mysql_real_escape_string(impl_->db, out.data() + 1, value.data(),
                                             static_cast<unsigned long>(value.size()));
  out[n + 1] = '\'';
  out.resize(n + 2);
  return out;
}

}  // namespace dbtrail::mysql
