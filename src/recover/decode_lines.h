// ChangeRecords from `dbtrail binlog decode` JSON lines
// ({"file","pos","end_pos","ts","gtid","connection_id","schema","table","type",
// "before","after"}), so reversal works from a decoded binlog today; the index
// store hands out the same ChangeRecords.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "index/change_record.h"
#include "util/result.h"

namespace dbtrail::recover {

// One line; event_id is set to `sequence` (1-based input order) so sorting
// keeps the order of the lines. kCorrupt names the problem and the line.
Result<index::ChangeRecord> change_from_decode_line(std::string_view line, uint64_t sequence);

// Every non-empty line of a whole decode output.
Result<std::vector<index::ChangeRecord>> changes_from_decode_output(std::string_view text);

// "YYYY-MM-DDTHH:MM:SSZ" (or with a space, without Z) -> epoch seconds (UTC).
Result<int64_t> parse_utc_time(std::string_view text);

}  // namespace dbtrail::recover
