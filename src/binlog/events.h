// Bodies of the small, non-row events: QUERY, ROTATE, XID, ROWS_QUERY,
// ANNOTATE_ROWS, INCIDENT. Each parser takes the body after the common
// header with the checksum trailer already removed; returned views point
// into that body.
#pragma once

#include <cstdint>
#include <string_view>

#include "binlog/cursor.h"
#include "util/result.h"

namespace dbtrail::binlog {

// QUERY post-header: thread_id u32 | exec_time u32 | db_len u8 | error_code u16
// | status_vars_len u16 (binlog v4), then status vars, db name + NUL, query text.
struct QueryEvent {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  std::string_view schema;
  std::string_view query;
};
Result<QueryEvent> parse_query(Bytes body, uint8_t post_header_len);

// ROTATE: position u64 (post-header), then the next file name to the end of
// the body. Decoded from raw bytes: Connector/C's parsed ROTATE is unreliable.
struct RotateEvent {
  uint64_t position = 0;
  std::string_view next_file;
};
Result<RotateEvent> parse_rotate(Bytes body, uint8_t post_header_len);

Result<uint64_t> parse_xid(Bytes body);  // XID: the transaction's xid, u64

// ROWS_QUERY (MySQL): one length byte (truncated at 255, ignored) then the text.
std::string_view parse_rows_query(Bytes body);
// ANNOTATE_ROWS (MariaDB): the statement text is the whole body.
inline std::string_view parse_annotate_rows(Bytes body) { return as_chars(body); }

// INCIDENT: incident number u16, message length u8, message.
struct IncidentEvent {
  uint16_t number = 0;
  std::string_view message;
};
Result<IncidentEvent> parse_incident(Bytes body);

// What a QUERY statement means to transaction framing.
enum class QueryKind { kBegin, kCommit, kRollback, kXaBoundary, kOther };
QueryKind classify_query(std::string_view sql);

}  // namespace dbtrail::binlog
