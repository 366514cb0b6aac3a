// The v4 common event header and the FORMAT_DESCRIPTION event (FDE), which
// tells how to read every later event of its file: header length, per-type
// post-header lengths, and whether events carry a CRC32 trailer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "binlog/cursor.h"
#include "util/result.h"

namespace dbtrail::binlog {

inline constexpr size_t kHeaderLen = 19;
inline constexpr size_t kChecksumLen = 4;
inline constexpr uint8_t kMagic[4] = {0xfe, 'b', 'i', 'n'};

// Common header, 19 bytes:
//   timestamp u32 | type u8 | server_id u32 | event_size u32 | log_pos u32 | flags u16
struct EventHeader {
  uint32_t timestamp = 0;
  uint8_t type = 0;
  uint32_t server_id = 0;
  uint32_t event_size = 0;
  uint32_t log_pos = 0;  // position just after this event in its original file (0 in some relay/fake events)
  uint16_t flags = 0;
};

// Reads the header at the start of `ev` (which must hold >= 19 bytes).
EventHeader parse_header(Bytes ev);

enum class ChecksumAlg : uint8_t { kNone = 0, kCrc32 = 1, kUndefined = 0xff };

struct FormatDescription {
  uint16_t binlog_version = 4;
  std::string server_version;
  uint32_t create_timestamp = 0;
  uint8_t header_len = kHeaderLen;
  std::vector<uint8_t> post_header_len;  // index = event type - 1
  ChecksumAlg checksum = ChecksumAlg::kNone;
  bool mariadb = false;

  // Post-header length of `type`, or `fallback` when the FDE does not list it.
  uint8_t post_header(uint8_t type, uint8_t fallback) const {
    return type >= 1 && type <= post_header_len.size() ? post_header_len[type - 1] : fallback;
  }
  // Bytes of checksum trailer on every event of this file (0 or 4).
  size_t trailer() const { return checksum == ChecksumAlg::kCrc32 ? kChecksumLen : 0; }
};

// A default FDE for a v4 binlog before any FDE has been seen (MySQL 5.0+ layout).
FormatDescription default_format_description();

// Parses a whole FDE event (header + body + trailer if any).
Result<FormatDescription> parse_format_description(Bytes ev);

// CRC32 (ISO-HDLC, as zlib) of `data`.
uint32_t crc32_of(Bytes data);

// Verifies the CRC32 trailer of a whole event. FDEs of files still open carry
// the in-use flag, which the server sets after computing the checksum: the
// check clears it first.
bool verify_event_crc(Bytes ev);

}  // namespace dbtrail::binlog
