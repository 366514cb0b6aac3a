// The replication transport: connect as a replica (COM_REGISTER_SLAVE), ask
// for the binlog from a file/position or a GTID set (COM_BINLOG_DUMP,
// COM_BINLOG_DUMP_GTID) and hand out each event's raw bytes. Nothing here
// decodes an event; src/binlog does that.
//
// libmariadb's own mariadb_rpl_fetch() parses every event it receives (and
// gets some wrong, and stops on types it does not know), so it is not used:
// commands go through the library's command channel and packets are read with
// mysql_net_read_packet(), which keeps TLS, compression and timeouts working.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mysql/connection.h"
#include "util/result.h"

namespace dbtrail::mysql {

enum class DumpGtidMode {
  kNone,     // file/position
  kMariaDb,  // MariaDB GTID positions "domain-server-seq,..." ("" = from the first binlog)
  kMySql,    // MySQL executed GTID set "uuid:1-5:7,uuid2:1-3" (events not in it are sent)
};

struct DumpOptions {
  uint32_t server_id = 0;  // replica id; must be non-zero and unique among the source's replicas
  std::string file;        // start file (file/position mode); "" with kMySql = from the start
  uint64_t position = 4;   // start offset in `file`
  DumpGtidMode gtid_mode = DumpGtidMode::kNone;
  std::string gtid_set;             // for kMariaDb / kMySql
  bool mariadb_gtid_strict = true;  // @slave_gtid_strict_mode: refuse gaps/out-of-order GTIDs
  // Seconds between the source's heartbeats when it has nothing to send
  // (0 = none). The read timeout of the connection must be longer.
  double heartbeat_period_s = 5;
  // Stop at the end of the binlog (next() then returns nullopt) instead of
  // waiting for new events.
  bool stop_at_end = false;
};

// Encodes a MySQL GTID set ("uuid:1-5:7,uuid2:3") as COM_BINLOG_DUMP_GTID's
// SID block: n_sids u64, per sid: uuid[16], n_intervals u64, (start, end+1) u64 pairs.
// kInvalidArgument for a malformed set; kUnsupported for tagged GTIDs (uuid:tag:n).
Result<std::string> encode_mysql_gtid_set(std::string_view set);

class BinlogDump {
 public:
  // Connects, registers as replica `options.server_id` and starts the dump.
  // Errors: kConnection (unreachable, login refused, no REPLICATION SLAVE),
  // kInvalidArgument (bad options), kNotFound (start file not on the source).
  static Result<std::unique_ptr<BinlogDump>> start(const Dsn& dsn, const ConnectOptions& connect,
                                                   const DumpOptions& options);
  ~BinlogDump();
  BinlogDump(const BinlogDump&) = delete;
  BinlogDump& operator=(const BinlogDump&) = delete;

  // The next event: header + body + checksum trailer, exactly as in the
  // source's file. The view is valid until the next call. The first events
  // are a ROTATE naming the start file (log_pos 0, not in any file) and the
  // file's FORMAT_DESCRIPTION; HEARTBEAT events arrive when the source is
  // idle. nullopt: the end of the binlog was reached (stop_at_end only).
  // Errors: kNotFound when the source no longer has the requested binlog
  // (purged), kConnection when the connection is lost or the source refuses.
  Result<std::optional<std::span<const uint8_t>>> next();

  // Whether bytes of a next event have already arrived (in the library's
  // read-ahead cache or the socket), without blocking. False when unsure
  // (e.g. TLS-buffered records): callers treat false as "maybe idle", which
  // may only make them flush early.
  bool input_pending() const;

  // Whether events carry a CRC32 trailer (the source's binlog_checksum),
  // known before the first FORMAT_DESCRIPTION arrives.
  bool checksum_enabled() const { return checksum_; }
  bool server_is_mariadb() const { return mariadb_; }
  const std::string& server_description() const { return server_; }

 private:
  BinlogDump() = default;
  Status setup_session();
  Status register_replica();
  Status send_dump();
  Error dump_error(const char* what);

  std::unique_ptr<Connection> conn_;
  DumpOptions options_;
  unsigned read_timeout_s_ = 0;
  bool checksum_ = false;
  bool mariadb_ = false;
  bool ended_ = false;
  std::string server_;
};

}  // namespace dbtrail::mysql
