// Hourly partitions named as bintrail names them: p_YYYYMMDDHH (UTC), holding
// the events with event_time in [hour start, hour start + 3600).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dbtrail::index {

constexpr int64_t kPartitionSeconds = 3600;

// Start of the hour holding `t` (floor, also for times before 1970).
int64_t partition_start(int64_t t);
// "p_2026112519"
std::string partition_name(int64_t t);
// Start of the hour a name stands for; nullopt if `name` is not p_YYYYMMDDHH.
std::optional<int64_t> parse_partition_name(std::string_view name);

}  // namespace dbtrail::index
