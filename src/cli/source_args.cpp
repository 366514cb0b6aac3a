#include "cli/source_args.h"

#include <fstream>
#include <sstream>

namespace dbtrail::cli {

Result<mysql::Dsn> source_dsn(const SourceArgs& a) {
  auto dsn = mysql::parse_dsn(a.dsn);
  if (!dsn.ok()) return dsn.error();
  if (!a.password_file.empty()) {
    std::ifstream in(a.password_file, std::ios::binary);
    if (!in) {
      return make_error(ErrorCode::kNotFound, "cannot read --source-password-file " +
                                                  a.password_file + ": no such readable file");
    }
    std::ostringstream s;
    s << in.rdbuf();
    std::string pw = s.str();
    while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
    dsn->password = std::move(pw);
  }
  return dsn;
}

void add_source_options(CLI::App* cmd, SourceArgs& a, bool required) {
  auto* dsn = cmd->add_option("--source-dsn", a.dsn,
                  "Source DSN: mysql://user:pass@host:port/ or user:pass@tcp(host:port)/; leave "
                  "the password out to take it from DBTRAIL_SOURCE_PASSWORD or "
                  "--source-password-file");
  if (required) dsn->required();
  cmd->add_option("--source-password-file", a.password_file,
                  "File holding the source password (keeps it out of the process list)");
  cmd->add_option("--ssl-mode", a.ssl_mode, "disabled|preferred|required|verify-ca|verify-identity")
      ->capture_default_str();
  cmd->add_option("--ssl-ca", a.ssl_ca, "CA certificate (PEM) for verify-ca/verify-identity");
  cmd->add_option("--ssl-cert", a.ssl_cert, "Client certificate (PEM)");
  cmd->add_option("--ssl-key", a.ssl_key, "Client private key (PEM)");
}

Status apply_tls(const SourceArgs& a, mysql::ConnectOptions& co) {
  auto mode = mysql::parse_ssl_mode(a.ssl_mode);
  if (!mode.ok()) return mode.error();
  co.ssl_mode = *mode;
  co.ssl_ca = a.ssl_ca;
  co.ssl_cert = a.ssl_cert;
  co.ssl_key = a.ssl_key;
  return {};
}

}  // namespace dbtrail::cli
