#include <gtest/gtest.h>

#include "util/base64.h"
#include "util/time_format.h"

namespace dbtrail {
namespace {

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_decode("Zm9vYg==").value(), "foob");
  EXPECT_FALSE(base64_decode("Zm9").has_value());
  EXPECT_FALSE(base64_decode("Z=9v").has_value());
}

TEST(Base64, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(base64_decode(base64_encode(all)).value(), all);
}

TEST(TimeFormat, UtcIndependentOfHostZone) {
  setenv("TZ", "America/New_York", 1);
  EXPECT_EQ(iso8601_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso8601_utc(1550192291), "2019-02-15T00:58:11Z");
  EXPECT_EQ(iso8601_utc(951782400), "2000-02-29T00:00:00Z");  // leap day
  EXPECT_EQ(iso8601_utc(4102444799), "2099-12-31T23:59:59Z");
  unsetenv("TZ");
}

TEST(TimeFormat, CivilRoundTrip) {
  for (int64_t d = -800000; d < 800000; d += 997) {
    CivilDate c = civil_from_days(d);
    EXPECT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
}

}  // namespace
}  // namespace dbtrail
