// DSN parsing (both accepted forms), the password fallback from the environment,
// ENUM/SET member lists, and that no error ever quotes a password. No server here:
// live-server tests are in tests/integration/schema_lookup_test.cpp.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "mysql/connection.h"
#include "mysql/schema_lookup.h"

namespace dbtrail::mysql {
namespace {

// Runs a test body with DBTRAIL_SOURCE_PASSWORD set or unset, restoring it after.
class EnvPassword {
 public:
  explicit EnvPassword(const char* value) {
    if (const char* old = std::getenv("DBTRAIL_SOURCE_PASSWORD")) old_ = old, had_ = true;
    if (value) {
      setenv("DBTRAIL_SOURCE_PASSWORD", value, 1);
    } else {
      unsetenv("DBTRAIL_SOURCE_PASSWORD");
    }
  }
  ~EnvPassword() {
    if (had_) {
      setenv("DBTRAIL_SOURCE_PASSWORD", old_.c_str(), 1);
    } else {
      unsetenv("DBTRAIL_SOURCE_PASSWORD");
    }
  }

 private:
  std::string old_;
  bool had_ = false;
};

TEST(Dsn, UrlForm) {
  EnvPassword env(nullptr);
  auto d = parse_dsn("mysql://repl:s3cret@db.example.com:3307/shop");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->user, "repl");
  EXPECT_EQ(d->password, "s3cret");
  EXPECT_EQ(d->host, "db.example.com");
  EXPECT_EQ(d->port, 3307);
  EXPECT_EQ(d->database, "shop");
}

TEST(Dsn, UrlFormPercentDecodingAndDefaults) {
  EnvPassword env(nullptr);
  auto d = parse_dsn("mysql://us%40er:p%40ss%3Aw%2Fd@h");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->user, "us@er");
  EXPECT_EQ(d->password, "p@ss:w/d");
  EXPECT_EQ(d->host, "h");
  EXPECT_EQ(d->port, 3306);
  EXPECT_EQ(d->database, "");
  EXPECT_FALSE(parse_dsn("mysql://u:bad%zzpass@h/db").ok());
  EXPECT_FALSE(parse_dsn("mysql://u:bad%4@h/db").ok());
}

TEST(Dsn, UrlFormIpv6AndQueryIgnored) {
  EnvPassword env(nullptr);
  auto d = parse_dsn("mysql://u:p@[::1]:3310/db?tls=skip-verify");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->host, "::1");
  EXPECT_EQ(d->port, 3310);
  EXPECT_EQ(d->database, "db");
  EXPECT_EQ(d->redacted(), "u@[::1]:3310/db");
}

TEST(Dsn, BintrailForm) {
  EnvPassword env(nullptr);
  auto d = parse_dsn("root:pw@tcp(127.0.0.1:13306)/orders");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->user, "root");
  EXPECT_EQ(d->password, "pw");
  EXPECT_EQ(d->host, "127.0.0.1");
  EXPECT_EQ(d->port, 13306);
  EXPECT_EQ(d->database, "orders");
}

TEST(Dsn, BintrailFormPasswordWithSpecialCharactersIsLiteral) {
  EnvPassword env(nullptr);
  auto d = parse_dsn("u:p@ss:w%41rd@tcp(h:1)/");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->user, "u");
  EXPECT_EQ(d->password, "p@ss:w%41rd");  // no percent-decoding in this form
  EXPECT_EQ(d->port, 1);
  EXPECT_EQ(d->database, "");
}

TEST(Dsn, EmptyPasswordIsKeptEvenWithEnv) {
  EnvPassword env("from-env");
  auto url = parse_dsn("mysql://u:@h/db");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->password, "");
  auto go = parse_dsn("u:@tcp(h:3306)/db");
  ASSERT_TRUE(go.ok());
  EXPECT_EQ(go->password, "");
}

TEST(Dsn, MissingPasswordComesFromEnvironment) {
  {
    EnvPassword env("from-env");
    auto url = parse_dsn("mysql://u@h/db");
    ASSERT_TRUE(url.ok());
    EXPECT_EQ(url->password, "from-env");
    auto go = parse_dsn("u@tcp(h:3306)/db");
    ASSERT_TRUE(go.ok());
    EXPECT_EQ(go->password, "from-env");
  }
  {
    EnvPassword env(nullptr);
    auto url = parse_dsn("mysql://u@h/db");
    ASSERT_TRUE(url.ok());
    EXPECT_EQ(url->password, "");
  }
}

TEST(Dsn, RejectsMalformedWithoutEchoingThePassword) {
  EnvPassword env(nullptr);
  const char* bad[] = {
      "",
      "u:Hunter2Secret@tcp(h:notaport)/db",
      "u:Hunter2Secret@tcp(h:3306/db",
      "u:Hunter2Secret@udp(h:3306)/db",
      "u:Hunter2Secret@tcp(h:70000)/db",
      "postgres://u:Hunter2Secret@h/db",
      "mysql://u:Hunter2Secret@h:/db",
      "mysql://u:Hunter2Secret@[::1/db",
  };
  for (const char* text : bad) {
    auto d = parse_dsn(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(d.error().message.find("Hunter2Secret"), std::string::npos) << d.error().message;
  }
}

TEST(Dsn, RedactedNeverShowsPassword) {
  EnvPassword env(nullptr);
  auto d = parse_dsn("mysql://alice:Hunter2Secret@h:3306/db");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->redacted(), "alice@h:3306/db");
}

// A refused TCP connection: the error is kConnection and does not carry the password.
TEST(Connection, RefusedConnectionErrorHasNoPassword) {
  EnvPassword env(nullptr);
  auto d = parse_dsn("mysql://alice:Hunter2Secret@127.0.0.1:1/db");
  ASSERT_TRUE(d.ok());
  ConnectOptions opt;
  opt.connect_timeout_s = 2;
  auto c = Connection::open(*d, opt);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kConnection);
  EXPECT_EQ(c.error().message.find("Hunter2Secret"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("127.0.0.1:1"), std::string::npos) << c.error().message;
}

TEST(EnumValues, ParsesQuotedMembers) {
  auto v = parse_enum_values("enum('a','it''s','back\\\\slash','with,comma','')");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (std::vector<std::string>{"a", "it's", "back\\slash", "with,comma", ""}));
  auto s = parse_enum_values("set('x','y')");
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, (std::vector<std::string>{"x", "y"}));
  auto none = parse_enum_values("int(11) unsigned");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(parse_enum_values("enum('a','b'"));
  EXPECT_FALSE(parse_enum_values("enum('a)"));
  EXPECT_FALSE(parse_enum_values("enum(a)"));
}

}  // namespace
}  // namespace dbtrail::mysql
