// --ssl-mode against a private MariaDB that has a certificate signed by a CA
// made for this test (openssl CLI): each mode connects or refuses as it
// promises, for queries and for the binlog dump alike.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "mysql/connection.h"
#include "sandbox.h"
#include "stream/binlog_source.h"

namespace dbtrail::mysql {
namespace {

using testing::Sandbox;
using testing::shell_quote;

// CA, a server certificate for IP 127.0.0.1 signed by it, and an unrelated CA.
bool make_certs(const std::string& dir) {
  const std::string d = shell_quote(dir);
  const std::string cmd =
      "cd " + d + " && " +
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
      "-subj /CN=dbtrail-test-ca 2>/dev/null && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other-ca.pem -days 2 "
      "-subj /CN=someone-else 2>/dev/null && "
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
      "-subj /CN=127.0.0.1 2>/dev/null && "
      "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
      "-out server.pem -days 2 -extfile san.ext 2>/dev/null";
  return testing::run_command(cmd, nullptr) == 0;
}

class TlsModes : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/dbtrail-tls.XXXXXX";
    if (!mkdtemp(tmpl)) return;
    certs_ = tmpl;
    if (!make_certs(certs_)) return;
    // The sandbox script adds these lines under [mariadbd].
    setenv("SANDBOX_EXTRA_CNF",
           ("ssl-ca=" + certs_ + "/ca.pem;ssl-cert=" + certs_ + "/server.pem;ssl-key=" + certs_ +
            "/server.key")
               .c_str(),
           1);
    sb_ = new Sandbox();
    unsetenv("SANDBOX_EXTRA_CNF");
  }
  static void TearDownTestSuite() {
    delete sb_;
    sb_ = nullptr;
    if (!certs_.empty()) testing::run_command("rm -rf " + shell_quote(certs_), nullptr);
  }
  void SetUp() override {
    ASSERT_TRUE(sb_ && sb_->ok()) << "no TLS sandbox: " << (sb_ ? sb_->error() : "certificates");
  }

  static Dsn dsn(const std::string& host = "127.0.0.1") {
    Dsn d;
    d.user = sb_->user();
    d.password = sb_->password();
    d.host = host;
    d.port = static_cast<uint16_t>(sb_->port());
    return d;
  }
  static ConnectOptions mode(SslMode m, const std::string& ca = "ca.pem") {
    ConnectOptions o;
    o.ssl_mode = m;
    if (!ca.empty()) o.ssl_ca = certs_ + "/" + ca;
    return o;
  }
  // The cipher of the session, "" when the connection is plain.
  static std::string cipher(Connection& c) {
    auto r = c.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    if (!r.ok() || r->empty() || !(*r)[0][1]) return "";
    return *(*r)[0][1];
  }

  static Sandbox* sb_;
  static std::string certs_;
};
Sandbox* TlsModes::sb_ = nullptr;
std::string TlsModes::certs_;

TEST_F(TlsModes, DisabledIsPlainAndRequiredIsEncrypted) {
  auto plain = Connection::open(dsn(), mode(SslMode::kDisabled, ""));
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(cipher(**plain), "");
  for (SslMode m : {SslMode::kPreferred, SslMode::kRequired}) {
    auto c = Connection::open(dsn(), mode(m, ""));
    ASSERT_TRUE(c.ok()) << ssl_mode_name(m) << ": " << c.error().message;
    EXPECT_NE(cipher(**c), "") << ssl_mode_name(m);
  }
}

TEST_F(TlsModes, VerifyCaChecksTheChain) {
  auto good = Connection::open(dsn(), mode(SslMode::kVerifyCa));
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_NE(cipher(**good), "");
  auto bad = Connection::open(dsn(), mode(SslMode::kVerifyCa, "other-ca.pem"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kConnection);
  EXPECT_EQ(bad.error().message.find(sb_->password()), std::string::npos);
}

TEST_F(TlsModes, VerifyIdentityChecksTheHostName) {
  auto good = Connection::open(dsn("127.0.0.1"), mode(SslMode::kVerifyIdentity));
  ASSERT_TRUE(good.ok()) << good.error().message;
  // "localhost" reaches the same server, but the certificate names 127.0.0.1 only.
  auto wrong_name = Connection::open(dsn("localhost"), mode(SslMode::kVerifyIdentity));
  ASSERT_FALSE(wrong_name.ok());
  EXPECT_EQ(wrong_name.error().code, ErrorCode::kConnection);
  // verify-ca does not look at the name.
  auto ca_only = Connection::open(dsn("localhost"), mode(SslMode::kVerifyCa));
  EXPECT_TRUE(ca_only.ok()) << ca_only.error().message;
}

TEST_F(TlsModes, BinlogDumpRunsOverVerifiedTls) {
  stream::NetworkSourceOptions o;
  o.dsn = dsn();
  o.connect = mode(SslMode::kVerifyIdentity);
  o.dump.server_id = 99;
  o.dump.file = "mysql-bin.000001";
  o.dump.stop_at_end = true;
  auto src = stream::open_network_source(o);
  ASSERT_TRUE(src.ok()) << src.error().message;
  int events = 0;
  while (true) {
    auto ev = (*src)->next();
    ASSERT_TRUE(ev.ok()) << ev.error().message;
    if (!ev->has_value()) break;
    ++events;
  }
  EXPECT_GE(events, 2);  // at least the ROTATE and the FORMAT_DESCRIPTION
}

}  // namespace
}  // namespace dbtrail::mysql
