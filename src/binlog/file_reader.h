// Splits the bytes of a binlog file into whole events, LevelDB log_reader
// style: the reader owns nothing, and each returned event view is valid as
// long as the buffer given to it is. A file may still be growing (the
// server is writing it): an event cut off at the end of the buffer is
// reported as kIncomplete, never as corruption, so a follower can wait and
// retry with a longer buffer from the same offset.
#pragma once

#include <cstdint>

#include "binlog/cursor.h"
#include "binlog/format_description.h"
#include "util/result.h"

namespace dbtrail::binlog {

struct RawEvent {
  uint64_t pos = 0;  // offset of the event in its file
  Bytes bytes;       // header + body + checksum trailer
  EventHeader header;
};

enum class FrameStatus { kEvent, kEnd, kIncomplete };

// kCorrupt if the first 4 bytes are not the binlog magic; kTruncated if fewer than 4.
Status check_magic(Bytes file);

// Reads the event at `offset` in `file` (offset >= 4). On kEvent fills `out`
// and advances `offset` past it. kEnd: offset == file size. kIncomplete: the
// buffer ends inside the event (offset unchanged). Errors (kCorrupt): an
// event size below the header size or above the 1 GiB protocol limit.
Result<FrameStatus> next_event(Bytes file, uint64_t& offset, RawEvent& out);

}  // namespace dbtrail::binlog
