// What the change index stores per row change (DESIGN.md "Index layout"),
// independent of the backend. Row images are JSON text in the value encoding
// of docs/value-encoding.md, exactly as `binlog decode` prints them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dbtrail::index {

// bintrail's event_type column: 1 INSERT, 2 UPDATE, 3 DELETE.
enum class ChangeType : uint8_t { kInsert = 1, kUpdate = 2, kDelete = 3 };
const char* change_type_name(ChangeType t);  // "INSERT", "UPDATE", "DELETE"

struct ChangeRecord {
  uint64_t event_id = 0;        // assigned by the store on write; 0 before
  std::string binlog_file;
  uint64_t start_pos = 0;       // rows event start (TRANSACTION_PAYLOAD start when compressed)
  uint64_t end_pos = 0;
  int64_t event_time = 0;       // seconds since the epoch, UTC
  std::string gtid;             // "" when the source runs without GTIDs
  std::optional<uint64_t> connection_id;
  std::string schema;
  std::string table;
  ChangeType type = ChangeType::kInsert;
  // Primary-key values in bintrail's pipe-delimited form ("12345", "12345|2"),
  // values rendered as text (strings raw, numbers exact); no length limit.
  std::string pk_values;
  std::vector<std::string> changed_columns;  // UPDATE only: columns whose value changed
  std::optional<std::string> row_before;     // JSON object text; nullopt for INSERT
  std::optional<std::string> row_after;      // JSON object text; nullopt for DELETE
  uint32_t schema_version = 0;
};

// Where a source's stream stands. Always names a transaction boundary: the
// position just after a commit, and the GTID set including that transaction.
struct Checkpoint {
  std::string source;           // the source's name (server id / DSN host:port)
  std::string binlog_file;
  uint64_t position = 0;
  std::string gtid_set;         // MySQL "uuid:1-5,..." or MariaDB "0-1-5,..."; "" in position mode
  std::string server_uuid;      // source @@server_uuid (MySQL) / @@server_id+gtid domain (MariaDB)
  int64_t updated_at = 0;       // epoch seconds
};

struct QueryFilter {
  std::string schema;                       // required
  std::string table;                        // required
  std::optional<std::string> pk;            // "12345" or composite "12345|2"
  std::optional<ChangeType> type;
  std::optional<std::string> gtid;
  std::optional<int64_t> since;             // inclusive, epoch seconds
  std::optional<int64_t> until;             // inclusive
  std::optional<std::string> changed_column;
  std::optional<std::pair<std::string, std::string>> column_eq;  // column, value as text
  uint32_t limit = 100;
  bool newest_first = false;
};

}  // namespace dbtrail::index
