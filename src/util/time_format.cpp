#include "util/time_format.h"

namespace dbtrail {

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {
void two(std::string& out, unsigned v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}
}  // namespace

void append_iso8601_utc(std::string& out, int64_t t) {
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  CivilDate c = civil_from_days(days);
  int64_t y = c.year;
  if (y < 0 || y > 9999) y = 0;
  out += static_cast<char>('0' + y / 1000);
  out += static_cast<char>('0' + y / 100 % 10);
  two(out, static_cast<unsigned>(y % 100));
  out += '-';
  two(out, c.month);
  out += '-';
  two(out, c.day);
  out += 'T';
  two(out, static_cast<unsigned>(secs / 3600));
  out += ':';
  two(out, static_cast<unsigned>(secs / 60 % 60));
  out += ':';
  two(out, static_cast<unsigned>(secs % 60));
  out += 'Z';
}

std::string iso8601_utc(int64_t t) {
  std::string s;
  append_iso8601_utc(s, t);
  return s;
}

}  // namespace dbtrail
