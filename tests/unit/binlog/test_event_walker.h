// A deliberately tiny binlog walker for tests (not the product's reader), so that
// tests of event-body parsers do not depend on the framing code under test
// elsewhere. Layout: 4-byte magic FE 'b' 'i' 'n', then v4 events, each with a
// 19-byte header: timestamp u32 | type u8 | server_id u32 | event_size u32 |
// log_pos u32 | flags u16. Whether events carry a CRC32 trailer is decided by
// the FDE's checksum block: alg byte 1 (CRC32) and a CRC that matches (computed
// with the in-use flag 0x1 cleared).
#pragma once

#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "binlog/cursor.h"

namespace dbtrail::binlog::test_walker {

inline const std::string kFixtures = std::string(DBTRAIL_SHARED_DIR) + "/fixtures/binlog/";

struct WalkedEvent {
  size_t offset = 0;  // of the header in the file
  uint32_t timestamp = 0;
  uint8_t type = 0;
  uint32_t server_id = 0;
  uint32_t event_size = 0;
  Bytes body;  // after the 19-byte header, CRC trailer (if any) stripped
};

struct WalkedFile {
  std::vector<uint8_t> bytes;
  bool crc32 = false;
  std::vector<WalkedEvent> events;
};

inline uint32_t walker_le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

// Loads `path` (absolute, or relative to the fixtures folder) and lists its
// events. Returns false when the file is missing or is not a binlog.
inline bool walk_file(const std::string& path, WalkedFile& f) {
  std::ifstream in(path.starts_with("/") ? path : kFixtures + path, std::ios::binary);
  if (!in) return false;
  f.bytes.assign(std::istreambuf_iterator<char>(in), {});
  const auto& d = f.bytes;
  if (d.size() < 4 || walker_le32(d.data()) != 0x6e6962feu) return false;
  for (size_t p = 4; p + 19 <= d.size();) {
    WalkedEvent e;
    e.offset = p;
    e.timestamp = walker_le32(&d[p]);
    e.type = d[p + 4];
    e.server_id = walker_le32(&d[p + 5]);
    e.event_size = walker_le32(&d[p + 9]);
    if (e.event_size < 19 || e.event_size > d.size() - p) break;
    if (e.type == 15 && e.event_size >= 19 + 4) {
      std::vector<uint8_t> fde(d.begin() + p, d.begin() + p + e.event_size - 4);
      fde[17] &= ~1;  // LOG_EVENT_BINLOG_IN_USE_F is set after the CRC is computed
      uint32_t crc = static_cast<uint32_t>(crc32(0, fde.data(), static_cast<uInt>(fde.size())));
      // A 5.6.1+/MariaDB FDE always ends with alg u8 + CRC u32 (even for alg NONE);
      // older FDEs have no such block, so their "CRC" does not match.
      f.crc32 = crc == walker_le32(&d[p + e.event_size - 4]) && d[p + e.event_size - 5] == 1;
    }
    size_t trailer = f.crc32 ? 4 : 0;
    if (e.event_size < 19 + trailer) break;
    e.body = Bytes(&d[p + 19], e.event_size - 19 - trailer);
    f.events.push_back(e);
    p += e.event_size;
  }
  return true;
}

inline std::vector<uint8_t> from_hex(std::string_view hex) {
  std::vector<uint8_t> out;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(nib(hex[i]) * 16 + nib(hex[i + 1])));
  }
  return out;
}

}  // namespace dbtrail::binlog::test_walker
