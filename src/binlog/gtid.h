// Transaction identifiers of both flavors. MySQL: uuid:gno, or uuid:tag:gno
// for tagged GTIDs (8.4+); MariaDB: domain-server-seq. Also the GTID sets
// that PREVIOUS_GTIDS (MySQL) and GTID_LIST (MariaDB) carry.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "binlog/cursor.h"
#include "util/result.h"

namespace dbtrail::binlog {

using Uuid = std::array<uint8_t, 16>;
std::string uuid_to_string(const Uuid& u);  // 8-4-4-4-12 lowercase hex

// MySQL GTID / ANONYMOUS_GTID (33/34) and GTID_TAGGED (42) event bodies.
struct MysqlGtid {
  bool anonymous = false;  // ANONYMOUS_GTID: no identifier (gtid_mode=OFF)
  Uuid uuid{};
  std::string tag;         // empty when untagged
  int64_t gno = 0;
  int64_t last_committed = 0;
  int64_t sequence_number = 0;
  uint64_t immediate_commit_ts_us = 0;  // 0 when absent
  uint64_t transaction_length = 0;      // 0 when absent
  std::string to_string() const;  // "uuid:gno" / "uuid:tag:gno"; "" when anonymous
};
// `body` is the event body after the common header, checksum stripped.
Result<MysqlGtid> parse_mysql_gtid(Bytes body, uint8_t event_type);

struct GtidInterval {
  int64_t start = 0;  // inclusive
  int64_t end = 0;    // exclusive (as stored)
};
struct GtidSetEntry {
  Uuid uuid{};
  std::string tag;
  std::vector<GtidInterval> intervals;
};
// PREVIOUS_GTIDS (35) body, tagged or untagged encoding.
Result<std::vector<GtidSetEntry>> parse_previous_gtids(Bytes body);
// "uuid:1-5:7-9,uuid2:tag:1-3" (MySQL's text form; single GTIDs as "n").
std::string format_gtid_set(const std::vector<GtidSetEntry>& set);

// MariaDB GTID (162) event body; server_id comes from the event header.
struct MariaGtid {
  uint64_t seq_no = 0;
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint8_t flags = 0;         // FL_STANDALONE 1, FL_GROUP_COMMIT_ID 2, FL_TRANSACTIONAL 4, ...
  uint64_t commit_id = 0;
  bool standalone() const { return flags & 1; }  // no COMMIT/XID ends this group
  std::string to_string() const;  // "domain-server-seq"
};
Result<MariaGtid> parse_maria_gtid(Bytes body, uint32_t header_server_id);

// MariaDB GTID_LIST (163) body: last GTID per domain.
Result<std::vector<MariaGtid>> parse_maria_gtid_list(Bytes body);
std::string format_maria_gtid_list(const std::vector<MariaGtid>& list);  // "0-1-5,1-2-9"

}  // namespace dbtrail::binlog
