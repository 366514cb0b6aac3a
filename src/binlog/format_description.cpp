#include "binlog/format_description.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>

#include "binlog/event_type.h"

namespace dbtrail::binlog {

EventHeader parse_header(Bytes ev) {
  Cursor c(ev.first(kHeaderLen));
  EventHeader h;
  h.timestamp = c.u32();
  h.type = c.u8();
  h.server_id = c.u32();
  h.event_size = c.u32();
  h.log_pos = c.u32();
  h.flags = c.u16();
  return h;
}

FormatDescription default_format_description() {
  FormatDescription f;
  // 5.0 layout: enough to read an FDE-less stream's ROTATE/QUERY; replaced by the first FDE.
  f.post_header_len.assign(kTransactionPayload, 0);
  f.post_header_len[kQuery - 1] = 13;
  f.post_header_len[kRotate - 1] = 8;
  f.post_header_len[kFormatDescription - 1] = 84;
  f.post_header_len[kTableMap - 1] = 8;
  for (int t = kWriteRowsV1; t <= kDeleteRowsV1; ++t) f.post_header_len[t - 1] = 8;
  for (int t = kWriteRowsV2; t <= kDeleteRowsV2; ++t) f.post_header_len[t - 1] = 10;
  return f;
}

namespace {

// Checksums arrived in MySQL 5.6.1 and MariaDB 5.3: from then on the FDE body
// ends with the algorithm byte and its own CRC (even when the algorithm is NONE).
bool version_has_checksum_alg(const std::string& v, bool mariadb) {
  int a = 0, b = 0, c = 0;
  if (std::sscanf(v.c_str(), "%d.%d.%d", &a, &b, &c) < 2) return false;
  long n = a * 10000L + b * 100L + c;
  return mariadb ? n >= 50300 : n >= 50601;
}

}  // namespace

Result<FormatDescription> parse_format_description(Bytes ev) {
  if (ev.size() < kHeaderLen + 57) {
    return make_error(ErrorCode::kCorrupt, "FORMAT_DESCRIPTION event is " +
                                               std::to_string(ev.size()) + " bytes, too short");
  }
  Cursor c(ev.subspan(kHeaderLen));
  FormatDescription f;
  f.binlog_version = c.u16();
  std::string_view ver = c.str(50);
  f.server_version.assign(ver.data(), strnlen(ver.data(), ver.size()));
  f.create_timestamp = c.u32();
  f.header_len = c.u8();
  f.mariadb = f.server_version.find("MariaDB") != std::string::npos;
  if (f.binlog_version != 4) {
    return make_error(ErrorCode::kUnsupported,
                      "binlog format version " + std::to_string(f.binlog_version) +
                          " (MySQL 4.x or older) is not supported; dbtrail reads v4 binlogs (MySQL 5.0+, MariaDB)");
  }
  if (f.header_len < kHeaderLen) {
    return make_error(ErrorCode::kCorrupt, "FORMAT_DESCRIPTION declares a " +
                                               std::to_string(f.header_len) + "-byte event header");
  }
  size_t n = c.remaining();
  if (version_has_checksum_alg(f.server_version, f.mariadb)) {
    if (n < 5) return make_error(ErrorCode::kCorrupt, "FORMAT_DESCRIPTION lacks its checksum block");
    n -= 5;
    Bytes all = c.bytes(c.remaining());
    uint8_t alg = all[n];
    if (alg != 0 && alg != 1) {
      return make_error(ErrorCode::kUnsupported,
                        "unknown binlog checksum algorithm " + std::to_string(alg));
    }
    f.checksum = static_cast<ChecksumAlg>(alg);
    f.post_header_len.assign(all.begin(), all.begin() + static_cast<long>(n));
  } else {
    Bytes all = c.bytes(n);
    f.post_header_len.assign(all.begin(), all.end());
  }
  return f;
}

uint32_t crc32_of(Bytes data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed large buffers in pieces.
  size_t off = 0;
  while (off < data.size()) {
    size_t n = std::min<size_t>(data.size() - off, 1u << 30);
    crc = crc32(crc, data.data() + off, static_cast<uInt>(n));
    off += n;
  }
  return static_cast<uint32_t>(crc);
}

bool verify_event_crc(Bytes ev) {
  if (ev.size() < kHeaderLen + kChecksumLen) return false;
  Bytes body = ev.first(ev.size() - kChecksumLen);
  Cursor tail(ev.last(kChecksumLen));
  uint32_t stored = tail.u32();
  EventHeader h = parse_header(ev);
  if (h.type == kFormatDescription && (h.flags & kFlagBinlogInUse)) {
    // The in-use flag is set in place after the CRC was computed.
    uLong crc = crc32(0L, Z_NULL, 0);
    uint8_t flags_lo = static_cast<uint8_t>(body[17] & ~kFlagBinlogInUse);
    crc = crc32(crc, body.data(), 17);
    crc = crc32(crc, &flags_lo, 1);
    crc = crc32(crc, body.data() + 18, static_cast<uInt>(body.size() - 18));
    return static_cast<uint32_t>(crc) == stored;
  }
  return crc32_of(body) == stored;
}

}  // namespace dbtrail::binlog
