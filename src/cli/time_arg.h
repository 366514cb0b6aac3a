// Command-line times and durations: --since/--until (ISO 8601, UTC) and
// --retain (7d, 12h).
#pragma once

#include <cstdint>
#include <string_view>

#include "util/result.h"

namespace dbtrail::cli {

// "2026-11-25", "2026-11-25T19:00", "2026-11-25T19:00:05Z", "2026-11-25 19:00:05"
// -> epoch seconds (UTC). `flag` names the option in the error message.
Result<int64_t> parse_iso_time(std::string_view text, std::string_view flag);
// "7d", "36h", "90m", "30s" -> seconds.
Result<int64_t> parse_duration(std::string_view text, std::string_view flag);

}  // namespace dbtrail::cli
