// Compressed binlog content: MySQL 8's TRANSACTION_PAYLOAD (zstd) and
// MariaDB's compressed QUERY and ROWS events (zlib, log_bin_compress=ON).
// Each function turns compressed bytes into plain bytes that the ordinary
// parsers read as if the server had never compressed them.
#pragma once

#include <cstdint>
#include <string>

#include "binlog/cursor.h"
#include "binlog/format_description.h"
#include "util/result.h"

namespace dbtrail::binlog {

// TRANSACTION_PAYLOAD (40) body (checksum stripped): parses the header fields
// (compression type, payload size, uncompressed size) and returns the
// decompressed inner events, back to back (each a full event with a 19-byte
// header and no checksum trailer). kUnsupported for an unknown compression
// type; kCorrupt for sizes that do not match.
Result<std::string> decompress_transaction_payload(Bytes body);

// MariaDB QUERY_COMPRESSED (165) body: returns the equivalent plain QUERY body
// (same post-header, status vars and db name; decompressed query text).
// `post_header_len` is the FDE's value for type 165 (normally 13).
Result<std::string> mariadb_plain_query_body(Bytes body, uint8_t post_header_len);

// MariaDB compressed ROWS (166..171) body: returns the equivalent plain rows
// body (post-header, column count, bitmaps, decompressed row data).
// `post_header_len` is the FDE's value for the event type.
Result<std::string> mariadb_plain_rows_body(Bytes body, uint8_t event_type, uint8_t post_header_len);

}  // namespace dbtrail::binlog
