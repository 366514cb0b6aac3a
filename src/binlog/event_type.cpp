#include "binlog/event_type.h"

namespace dbtrail::binlog {

namespace {
const char* known_name(uint8_t t) {
  switch (t) {
    case kStartV3: return "START_V3";
    case kQuery: return "QUERY";
    case kStop: return "STOP";
    case kRotate: return "ROTATE";
    case kIntvar: return "INTVAR";
    case kLoad: return "LOAD";
    case kSlave: return "SLAVE";
    case kCreateFile: return "CREATE_FILE";
    case kAppendBlock: return "APPEND_BLOCK";
    case kExecLoad: return "EXEC_LOAD";
    case kDeleteFile: return "DELETE_FILE";
    case kNewLoad: return "NEW_LOAD";
    case kRand: return "RAND";
    case kUserVar: return "USER_VAR";
    case kFormatDescription: return "FORMAT_DESCRIPTION";
    case kXid: return "XID";
    case kBeginLoadQuery: return "BEGIN_LOAD_QUERY";
    case kExecuteLoadQuery: return "EXECUTE_LOAD_QUERY";
    case kTableMap: return "TABLE_MAP";
    case kPreGaWriteRows: return "PRE_GA_WRITE_ROWS";
    case kPreGaUpdateRows: return "PRE_GA_UPDATE_ROWS";
    case kPreGaDeleteRows: return "PRE_GA_DELETE_ROWS";
    case kWriteRowsV1: return "WRITE_ROWS_V1";
    case kUpdateRowsV1: return "UPDATE_ROWS_V1";
    case kDeleteRowsV1: return "DELETE_ROWS_V1";
    case kIncident: return "INCIDENT";
    case kHeartbeat: return "HEARTBEAT";
    case kIgnorable: return "IGNORABLE";
    case kRowsQuery: return "ROWS_QUERY";
    case kWriteRowsV2: return "WRITE_ROWS_V2";
    case kUpdateRowsV2: return "UPDATE_ROWS_V2";
    case kDeleteRowsV2: return "DELETE_ROWS_V2";
    case kGtid: return "GTID";
    case kAnonymousGtid: return "ANONYMOUS_GTID";
    case kPreviousGtids: return "PREVIOUS_GTIDS";
    case kTransactionContext: return "TRANSACTION_CONTEXT";
    case kViewChange: return "VIEW_CHANGE";
    case kXaPrepare: return "XA_PREPARE";
    case kPartialUpdateRows: return "PARTIAL_UPDATE_ROWS";
    case kTransactionPayload: return "TRANSACTION_PAYLOAD";
    case kHeartbeatV2: return "HEARTBEAT_V2";
    case kGtidTagged: return "GTID_TAGGED";
    case kMariaAnnotateRows: return "MARIA_ANNOTATE_ROWS";
    case kMariaBinlogCheckpoint: return "MARIA_BINLOG_CHECKPOINT";
    case kMariaGtid: return "MARIA_GTID";
    case kMariaGtidList: return "MARIA_GTID_LIST";
    case kMariaStartEncryption: return "MARIA_START_ENCRYPTION";
    case kMariaQueryCompressed: return "MARIA_QUERY_COMPRESSED";
    case kMariaWriteRowsCompressedV1: return "MARIA_WRITE_ROWS_COMPRESSED_V1";
    case kMariaUpdateRowsCompressedV1: return "MARIA_UPDATE_ROWS_COMPRESSED_V1";
    case kMariaDeleteRowsCompressedV1: return "MARIA_DELETE_ROWS_COMPRESSED_V1";
    case kMariaWriteRowsCompressed: return "MARIA_WRITE_ROWS_COMPRESSED";
    case kMariaUpdateRowsCompressed: return "MARIA_UPDATE_ROWS_COMPRESSED";
    case kMariaDeleteRowsCompressed: return "MARIA_DELETE_ROWS_COMPRESSED";
    default: return nullptr;
  }
}
}  // namespace

std::string event_type_name(uint8_t type) {
  const char* n = known_name(type);
  return n ? n : "UNKNOWN_" + std::to_string(type);
}

bool is_known_event_type(uint8_t type) { return known_name(type) != nullptr; }

RowsKind rows_kind(uint8_t t) {
  switch (t) {
    case kWriteRowsV1: case kWriteRowsV2:
    case kMariaWriteRowsCompressedV1: case kMariaWriteRowsCompressed:
      return RowsKind::kWrite;
    case kUpdateRowsV1: case kUpdateRowsV2: case kPartialUpdateRows:
    case kMariaUpdateRowsCompressedV1: case kMariaUpdateRowsCompressed:
      return RowsKind::kUpdate;
    case kDeleteRowsV1: case kDeleteRowsV2:
    case kMariaDeleteRowsCompressedV1: case kMariaDeleteRowsCompressed:
      return RowsKind::kDelete;
    default:
      return RowsKind::kNone;
  }
}

bool is_rows_v2(uint8_t t) {
  return t == kWriteRowsV2 || t == kUpdateRowsV2 || t == kDeleteRowsV2 || t == kPartialUpdateRows ||
         t == kMariaWriteRowsCompressed || t == kMariaUpdateRowsCompressed ||
         t == kMariaDeleteRowsCompressed;
}

bool is_mariadb_compressed_rows(uint8_t t) { return t >= 166 && t <= 171; }

}  // namespace dbtrail::binlog
