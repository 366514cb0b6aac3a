#include "cli/time_arg.h"

#include <string>

#include "util/time_format.h"

namespace dbtrail::cli {

namespace {

// Reads exactly `n` digits at `at`.
bool digits(std::string_view s, size_t& at, size_t n, int64_t& v) {
  if (at + n > s.size()) return false;
  v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[at + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  at += n;
  return true;
}

bool lit(std::string_view s, size_t& at, char c) {
  if (at < s.size() && s[at] == c) return ++at, true;
  return false;
}

}  // namespace

Result<int64_t> parse_iso_time(std::string_view s, std::string_view flag) {
  auto bad = [&] {
    return make_error(ErrorCode::kInvalidArgument,
                      std::string(flag) + " \"" + std::string(s) +
                          "\" is not a time dbtrail reads; use ISO 8601 in UTC, e.g. "
                          "2026-11-25T19:00:00Z or 2026-11-25");
  };
  size_t at = 0;
  int64_t y, mo, d, h = 0, mi = 0, se = 0;
  if (!digits(s, at, 4, y) || !lit(s, at, '-') || !digits(s, at, 2, mo) || !lit(s, at, '-') ||
      !digits(s, at, 2, d)) {
    return bad();
  }
  if (at < s.size() && (s[at] == 'T' || s[at] == ' ')) {
    ++at;
    if (!digits(s, at, 2, h) || !lit(s, at, ':') || !digits(s, at, 2, mi)) return bad();
    if (lit(s, at, ':') && !digits(s, at, 2, se)) return bad();
  }
  lit(s, at, 'Z');
  if (at != s.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) {
    return bad();
  }
  int64_t days = days_from_civil(y, unsigned(mo), unsigned(d));
  CivilDate back = civil_from_days(days);
  if (back.month != unsigned(mo) || back.day != unsigned(d)) return bad();
  return days * 86400 + h * 3600 + mi * 60 + se;
}

Result<int64_t> parse_duration(std::string_view s, std::string_view flag) {
  int64_t n = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9' && n < (int64_t(1) << 40); ++i) {
    n = n * 10 + (s[i] - '0');
  }
  int64_t unit = 0;
  if (i > 0 && i + 1 == s.size()) {
    switch (s[i]) {
      case 'd': unit = 86400; break;
      case 'h': unit = 3600; break;
      case 'm': unit = 60; break;
      case 's': unit = 1; break;
      default: break;
    }
  }
  if (unit == 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      std::string(flag) + " \"" + std::string(s) +
                          "\" is not a duration; use a number with d, h, m or s, e.g. 7d or 36h");
  }
  return n * unit;
}

}  // namespace dbtrail::cli
