// Binlog event type codes of MySQL (0..42) and MariaDB (160..171), and the
// common-header flags that matter to a reader.
#pragma once

#include <cstdint>
#include <string>

namespace dbtrail::binlog {

enum EventType : uint8_t {
  kUnknownEvent = 0,
  kStartV3 = 1,
  kQuery = 2,
  kStop = 3,
  kRotate = 4,
  kIntvar = 5,
  kLoad = 6,
  kSlave = 7,
  kCreateFile = 8,
  kAppendBlock = 9,
  kExecLoad = 10,
  kDeleteFile = 11,
  kNewLoad = 12,
  kRand = 13,
  kUserVar = 14,
  kFormatDescription = 15,
  kXid = 16,
  kBeginLoadQuery = 17,
  kExecuteLoadQuery = 18,
  kTableMap = 19,
  kPreGaWriteRows = 20,
  kPreGaUpdateRows = 21,
  kPreGaDeleteRows = 22,
  kWriteRowsV1 = 23,
  kUpdateRowsV1 = 24,
  kDeleteRowsV1 = 25,
  kIncident = 26,
  kHeartbeat = 27,
  kIgnorable = 28,
  kRowsQuery = 29,
  kWriteRowsV2 = 30,
  kUpdateRowsV2 = 31,
  kDeleteRowsV2 = 32,
  kGtid = 33,
  kAnonymousGtid = 34,
  kPreviousGtids = 35,
  kTransactionContext = 36,
  kViewChange = 37,
  kXaPrepare = 38,
  kPartialUpdateRows = 39,
  kTransactionPayload = 40,
  kHeartbeatV2 = 41,
  kGtidTagged = 42,
  // MariaDB
  kMariaAnnotateRows = 160,
  kMariaBinlogCheckpoint = 161,
  kMariaGtid = 162,
  kMariaGtidList = 163,
  kMariaStartEncryption = 164,
  kMariaQueryCompressed = 165,
  kMariaWriteRowsCompressedV1 = 166,
  kMariaUpdateRowsCompressedV1 = 167,
  kMariaDeleteRowsCompressedV1 = 168,
  kMariaWriteRowsCompressed = 169,
  kMariaUpdateRowsCompressed = 170,
  kMariaDeleteRowsCompressed = 171,
};

// Common-header flags.
inline constexpr uint16_t kFlagBinlogInUse = 0x0001;  // FDE of a file not closed cleanly
inline constexpr uint16_t kFlagIgnorable = 0x0080;    // LOG_EVENT_IGNORABLE_F: safe to skip if unknown

// "WRITE_ROWS_V2", "MARIA_GTID", ...; "UNKNOWN_<n>" for codes we do not know.
std::string event_type_name(uint8_t type);
bool is_known_event_type(uint8_t type);

enum class RowsKind : uint8_t { kNone, kWrite, kUpdate, kDelete };
// What a rows event type does (kNone for non-row events and pre-GA 5.1 rows events).
RowsKind rows_kind(uint8_t type);
bool is_rows_v2(uint8_t type);                 // carries the v2 extra-data block
bool is_mariadb_compressed_rows(uint8_t type);

}  // namespace dbtrail::binlog
