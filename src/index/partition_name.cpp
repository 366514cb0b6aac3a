#include "index/partition_name.h"

#include <cstdio>

#include "util/time_format.h"

namespace dbtrail::index {

int64_t partition_start(int64_t t) {
  int64_t q = t / kPartitionSeconds;
  if (t % kPartitionSeconds < 0) --q;
  return q * kPartitionSeconds;
}

std::string partition_name(int64_t t) {
  int64_t start = partition_start(t);
  int64_t days = start / 86400;
  if (start % 86400 < 0) --days;
  CivilDate d = civil_from_days(days);
  int hour = int((start - days * 86400) / 3600);
  char buf[32];
  std::snprintf(buf, sizeof buf, "p_%04lld%02u%02u%02d", static_cast<long long>(d.year), d.month,
                d.day, hour);
  return buf;
}

std::optional<int64_t> parse_partition_name(std::string_view name) {
  if (name.size() != 12 || name.substr(0, 2) != "p_") return std::nullopt;
  int64_t v[4] = {0, 0, 0, 0};
  const int widths[4] = {4, 2, 2, 2};
  size_t at = 2;
  for (int f = 0; f < 4; ++f) {
    for (int k = 0; k < widths[f]; ++k, ++at) {
      char c = name[at];
      if (c < '0' || c > '9') return std::nullopt;
      v[f] = v[f] * 10 + (c - '0');
    }
  }
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23) return std::nullopt;
  int64_t days = days_from_civil(v[0], unsigned(v[1]), unsigned(v[2]));
  // Reject dates that do not exist (Feb 30) by round-tripping.
  CivilDate back = civil_from_days(days);
  if (back.month != unsigned(v[1]) || back.day != unsigned(v[2])) return std::nullopt;
  return days * 86400 + v[3] * 3600;
}

}  // namespace dbtrail::index
