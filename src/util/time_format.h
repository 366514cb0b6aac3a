// Calendar arithmetic without the C library's time zone: binlog times are UTC
// seconds and must print the same on every host (defect 7 of the old engine).
#pragma once

#include <cstdint>
#include <string>

namespace dbtrail {

struct CivilDate {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Days since 1970-01-01 -> proleptic Gregorian date (Howard Hinnant's algorithm).
CivilDate civil_from_days(int64_t days);
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

// "YYYY-MM-DDTHH:MM:SSZ"
std::string iso8601_utc(int64_t epoch_seconds);
void append_iso8601_utc(std::string& out, int64_t epoch_seconds);

}  // namespace dbtrail
