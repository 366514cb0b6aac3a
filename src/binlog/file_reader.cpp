#include "binlog/file_reader.h"

#include <cstring>
#include <string>

namespace dbtrail::binlog {

namespace {
constexpr uint32_t kMaxEventSize = 1u << 30;  // max_allowed_packet ceiling
}

Status check_magic(Bytes file) {
  if (file.size() < sizeof kMagic) {
    return make_error(ErrorCode::kTruncated,
                      "file is " + std::to_string(file.size()) +
                          " bytes, shorter than the 4-byte binlog magic");
  }
  if (std::memcmp(file.data(), kMagic, sizeof kMagic) != 0) {
    return make_error(ErrorCode::kCorrupt,
                      "not a binary log: the first 4 bytes are not fe 62 69 6e (\\xfebin); "
                      "is this a relay-log index, a gzip file or a text dump?");
  }
  return {};
}

Result<FrameStatus> next_event(Bytes file, uint64_t& offset, RawEvent& out) {
  if (offset >= file.size()) return FrameStatus::kEnd;
  size_t avail = file.size() - offset;
  if (avail < kHeaderLen) return FrameStatus::kIncomplete;
  Bytes at = file.subspan(offset);
  EventHeader h = parse_header(at);
  if (h.event_size < kHeaderLen || h.event_size > kMaxEventSize) {
    return make_error(ErrorCode::kCorrupt,
                      "event header at offset " + std::to_string(offset) + " declares size " +
                          std::to_string(h.event_size) + " (type " + std::to_string(h.type) +
                          "), which no server writes");
  }
  if (avail < h.event_size) return FrameStatus::kIncomplete;
  out.pos = offset;
  out.bytes = at.first(h.event_size);
  out.header = h;
  offset += h.event_size;
  return FrameStatus::kEvent;
}

}  // namespace dbtrail::binlog
