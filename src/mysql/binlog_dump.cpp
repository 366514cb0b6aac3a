#include "mysql/binlog_dump.h"

#include <errmsg.h>
#include <mysql.h>
// After mysql.h, which it needs: the read-ahead cache of the connection.
#include <ma_pvio.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "mysql/native_access.h"

namespace dbtrail::mysql {
namespace {

// Command bytes of the replication protocol. COM_BINLOG_DUMP_GTID (MySQL
// 5.6+) has no name in libmariadb's enum.
constexpr uint8_t kComBinlogDump = 0x12;
constexpr uint8_t kComRegisterSlave = 0x15;
constexpr uint8_t kComBinlogDumpGtid = 0x1e;

// COM_BINLOG_DUMP(_GTID) flags.
constexpr uint16_t kDumpNonBlock = 0x01;          // EOF packet at the end instead of waiting
constexpr uint16_t kDumpThroughGtid = 0x04;       // COM_BINLOG_DUMP_GTID: a SID block follows
constexpr uint16_t kDumpSendAnnotateRows = 0x02;  // MariaDB: keep ANNOTATE_ROWS, as in the file

// MariaDB: a replica that understands GTID events (sent as they are in the file).
constexpr int kMariaSlaveCapabilityGtid = 4;

// Server errors the dump maps to a specific sentence.
constexpr unsigned kErMasterFatalReadingBinlog = 1236;
constexpr unsigned kErSpecificAccessDenied = 1227;
constexpr unsigned kErAccessDenied = 1045;

void put_u16(std::string& b, uint16_t v) {
  for (int i = 0; i < 2; ++i) b.push_back(static_cast<char>(v >> (8 * i)));
}
void put_u32(std::string& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<char>(v >> (8 * i)));
}
void put_u64(std::string& b, uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<char>(v >> (8 * i)));
}
// One length byte then the text (COM_REGISTER_SLAVE's strings, at most 255 bytes).
void put_short_string(std::string& b, std::string_view s) {
  s = s.substr(0, 255);
  b.push_back(static_cast<char>(s.size()));
  b.append(s);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

Error bad_gtid_set(std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument,
                    "invalid MySQL GTID set (" + std::string(why) +
                        "); expected uuid:1-5[:7...][,uuid:...], as in @@global.gtid_executed");
}

bool parse_uuid(std::string_view text, uint8_t out[16]) {
  std::string hex;
  for (char c : text)
    if (c != '-') hex.push_back(c);
  if (hex.size() != 32) return false;
  for (int i = 0; i < 16; ++i) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, v, 16);
    if (ec != std::errc() || p != hex.data() + 2 * i + 2) return false;
    out[i] = static_cast<uint8_t>(v);
  }
  return true;
}

bool parse_u64(std::string_view s, uint64_t& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

Result<std::string> encode_mysql_gtid_set(std::string_view set) {
  std::string sids;
  uint64_t n_sids = 0;
  set = trim(set);
  while (!set.empty()) {
    size_t comma = set.find(',');
    std::string_view item = trim(set.substr(0, comma));
    set = comma == std::string_view::npos ? std::string_view() : set.substr(comma + 1);
    if (item.empty()) continue;
    size_t colon = item.find(':');
    if (colon == std::string_view::npos)
      return bad_gtid_set("'" + std::string(item) + "' has no ':'");
    uint8_t uuid[16];
    if (!parse_uuid(item.substr(0, colon), uuid))
      return bad_gtid_set("'" + std::string(item.substr(0, colon)) + "' is not a server uuid");
    std::string intervals;
    uint64_t n_intervals = 0;
    std::string_view rest = item.substr(colon + 1);
    while (!rest.empty()) {
      size_t c = rest.find(':');
      std::string_view iv = rest.substr(0, c);
      rest = c == std::string_view::npos ? std::string_view() : rest.substr(c + 1);
      size_t dash = iv.find('-');
      uint64_t lo = 0, hi = 0;
      bool ok = dash == std::string_view::npos
                    ? parse_u64(iv, lo) && (hi = lo, true)
                    : parse_u64(iv.substr(0, dash), lo) && parse_u64(iv.substr(dash + 1), hi);
      if (!ok) {
        if (!iv.empty() && !std::isdigit(static_cast<unsigned char>(iv.front()))) {
          return make_error(ErrorCode::kUnsupported,
                            "tagged GTIDs ('" + std::string(iv) +
                                "') cannot be sent in a dump request yet; start from a "
                                "file/position instead");
        }
        return bad_gtid_set("'" + std::string(iv) + "' is not a number or a range a-b");
      }
      if (lo == 0 || hi < lo)
        return bad_gtid_set("range " + std::string(iv) + " is empty or starts at 0");
      put_u64(intervals, lo);
      put_u64(intervals, hi + 1);  // the protocol's interval end is exclusive
      ++n_intervals;
    }
    if (n_intervals == 0) return bad_gtid_set("'" + std::string(item) + "' has no interval");
    sids.append(reinterpret_cast<const char*>(uuid), 16);
    put_u64(sids, n_intervals);
    sids += intervals;
    ++n_sids;
  }
  std::string out;
  put_u64(out, n_sids);
  out += sids;
  return out;
}

BinlogDump::~BinlogDump() = default;

Result<std::unique_ptr<BinlogDump>> BinlogDump::start(const Dsn& dsn, const ConnectOptions& connect,
                                                      const DumpOptions& options) {
  if (options.server_id == 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--server-id must be a non-zero number not used by any other replica of "
                      "the source (see SHOW REPLICA HOSTS / SHOW SLAVE HOSTS)");
  }
  if (options.heartbeat_period_s < 0 || options.heartbeat_period_s > 4294967) {
    return make_error(ErrorCode::kInvalidArgument,
                      "the heartbeat period must be between 0 and 4294967 seconds");
  }
  std::unique_ptr<BinlogDump> d(new BinlogDump());
  d->options_ = options;
  ConnectOptions co = connect;
  // The read timeout bounds the wait for the next packet: with heartbeats it
  // must cover a few periods; without them an idle source is silent forever.
  if (options.heartbeat_period_s > 0) {
    unsigned need = static_cast<unsigned>(std::ceil(options.heartbeat_period_s * 3)) + 1;
    co.read_timeout_s = std::max(co.read_timeout_s, need);
  } else if (!options.stop_at_end) {
    co.read_timeout_s = 0;  // libmariadb: 0 = wait without limit
  }
  d->read_timeout_s_ = co.read_timeout_s;
  auto c = Connection::open(dsn, co);
  if (!c.ok()) return c.error();
  d->conn_ = std::move(c.value());
  d->mariadb_ = d->conn_->server_is_mariadb();
  d->server_ = d->conn_->server_description();
  DBT_TRY(d->setup_session());
  DBT_TRY(d->register_replica());
  DBT_TRY(d->send_dump());
  return d;
}

Status BinlogDump::setup_session() {
  Connection& c = *conn_;
  auto alg = c.query("SELECT @@global.binlog_checksum");
  if (!alg.ok()) return alg.error();
  checksum_ = !alg->empty() && (*alg)[0][0] && *(*alg)[0][0] != "NONE";
  // Announce that we verify checksums ourselves: without this the source
  // refuses to send CRC32 events to a replica it thinks is too old for them.
  // MySQL 8.0.26+ reads the @source_ names, older servers and MariaDB the
  // @master_ ones; user variables of other names are simply unused.
  DBT_TRY(
      c.query("SET @master_binlog_checksum = @@global.binlog_checksum, "
              "@source_binlog_checksum = @@global.binlog_checksum"));
  uint64_t ns = static_cast<uint64_t>(options_.heartbeat_period_s * 1e9);
  DBT_TRY(c.query("SET @master_heartbeat_period = " + std::to_string(ns) +
                  ", @source_heartbeat_period = " + std::to_string(ns)));
  if (mariadb_) {
    DBT_TRY(
        c.query("SET @mariadb_slave_capability = " + std::to_string(kMariaSlaveCapabilityGtid)));
    if (options_.gtid_mode == DumpGtidMode::kMariaDb) {
      DBT_TRY(c.query("SET @slave_connect_state = " + c.quote(options_.gtid_set)));
      DBT_TRY(c.query(std::string("SET @slave_gtid_strict_mode = ") +
                      (options_.mariadb_gtid_strict ? "1" : "0")));
      DBT_TRY(c.query("SET @slave_gtid_ignore_duplicates = 0"));
    }
  } else if (options_.gtid_mode == DumpGtidMode::kMariaDb) {
    return make_error(ErrorCode::kInvalidArgument,
                      "a MariaDB GTID position was given but the source is " + server_ +
                          "; give a MySQL GTID set (uuid:1-N) or a file/position");
  }
  if (mariadb_ && options_.gtid_mode == DumpGtidMode::kMySql) {
    return make_error(ErrorCode::kInvalidArgument,
                      "a MySQL GTID set was given but the source is " + server_ +
                          "; give a MariaDB GTID position (domain-server-seq) or a file/position");
  }
  return {};
}

Error BinlogDump::dump_error(const char* what) {
  MYSQL* db = NativeAccess::handle(*conn_);
  unsigned no = mysql_errno(db);
  Error e = NativeAccess::error(*conn_, what);
  const std::string server_msg = mysql_error(db);
  if (no == kErMasterFatalReadingBinlog) {
    bool gone = server_msg.find("purged") != std::string::npos ||
                server_msg.find("Could not find") != std::string::npos ||
                server_msg.find("could not find") != std::string::npos;
    if (gone) {
      std::string where = options_.gtid_mode == DumpGtidMode::kNone
                              ? "binlog file " + options_.file + " was purged on the source"
                              : "the binlog holding GTID position '" + options_.gtid_set +
                                    "' was purged on the source";
      e.code = ErrorCode::kNotFound;
      e.message = where + " (error 1236): " + server_msg +
                  "; restart from the oldest available position (SHOW BINARY LOGS) or "
                  "re-snapshot the tables, because the changes in between are lost to the index";
    } else {
      e.message = "the source stopped sending its binlog (error 1236): " + server_msg;
    }
  } else if (no == kErSpecificAccessDenied || no == kErAccessDenied) {
    e.message +=
        "; the replication user needs: GRANT REPLICATION SLAVE, REPLICATION CLIENT ON "
        "*.* TO '" +
        conn_->dsn().user + "'@'%'";
  } else if (no == CR_SERVER_LOST || no == CR_SERVER_GONE_ERROR || no == 1927 /* killed */ ||
             no == 1053 /* shutdown */) {
    e.message = "the connection to " + conn_->dsn().redacted() +
                " was lost while reading the binlog (" + server_msg + ", error " +
                std::to_string(no) + "); no data arrived within " +
                std::to_string(read_timeout_s_) +
                " s or the source restarted; reconnect and resume from the last position";
  }
  return e;
}

Status BinlogDump::register_replica() {
  // COM_REGISTER_SLAVE: server_id u32 | hostname (len u8 + bytes) | user |
  // password | port u16 | replication rank u32 (unused) | master id u32 (0).
  // The host/user/password here are only shown in SHOW SLAVE HOSTS: send our
  // user name and never the password.
  std::string pkt;
  put_u32(pkt, options_.server_id);
  put_short_string(pkt, "dbtrail");
  put_short_string(pkt, conn_->dsn().user);
  put_short_string(pkt, "");
  put_u16(pkt, 0);
  put_u32(pkt, 0);
  put_u32(pkt, 0);
  MYSQL* db = NativeAccess::handle(*conn_);
  // db_command is libmariadb's (public struct) command sender; with
  // skip_check = 0 it also reads the OK/ERR answer.
  if (db->methods->db_command(db, static_cast<enum_server_command>(kComRegisterSlave), pkt.data(),
                              pkt.size(), 0, nullptr) != 0) {
    return dump_error("registering as replica");
  }
  return {};
}

Status BinlogDump::send_dump() {
  std::string pkt;
  uint8_t cmd = kComBinlogDump;
  uint16_t flags = options_.stop_at_end ? kDumpNonBlock : 0;
  if (options_.gtid_mode == DumpGtidMode::kMySql) {
    // COM_BINLOG_DUMP_GTID: flags u16 | server_id u32 | name_len u32 | name |
    // pos u64 | data_size u32 | SID block.
    auto sids = encode_mysql_gtid_set(options_.gtid_set);
    if (!sids.ok()) return sids.error();
    cmd = kComBinlogDumpGtid;
    put_u16(pkt, flags | kDumpThroughGtid);
    put_u32(pkt, options_.server_id);
    put_u32(pkt, static_cast<uint32_t>(options_.file.size()));
    pkt += options_.file;
    put_u64(pkt, options_.file.empty() ? 4 : options_.position);
    put_u32(pkt, static_cast<uint32_t>(sids->size()));
    pkt += *sids;
  } else {
    // COM_BINLOG_DUMP: pos u32 | flags u16 | server_id u32 | file name (rest).
    // MariaDB in GTID mode takes the start from @slave_connect_state and
    // ignores the file and position.
    if (options_.gtid_mode == DumpGtidMode::kNone && options_.file.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "a binlog dump needs a start file (or a GTID position)");
    }
    if (options_.position > 0xffffffffULL) {
      return make_error(ErrorCode::kInvalidArgument,
                        "start position " + std::to_string(options_.position) +
                            " is beyond 4 GiB, which COM_BINLOG_DUMP cannot express");
    }
    if (mariadb_) flags |= kDumpSendAnnotateRows;
    put_u32(pkt, static_cast<uint32_t>(options_.gtid_mode == DumpGtidMode::kNone ? options_.position
                                                                                 : 4));
    put_u16(pkt, flags);
    put_u32(pkt, options_.server_id);
    if (options_.gtid_mode == DumpGtidMode::kNone) pkt += options_.file;
  }
  MYSQL* db = NativeAccess::handle(*conn_);
  // skip_check = 1: the answer is the event stream, read by next().
  if (db->methods->db_command(db, static_cast<enum_server_command>(cmd), pkt.data(), pkt.size(), 1,
                              nullptr) != 0) {
    return dump_error("requesting the binlog");
  }
  return {};
}

bool BinlogDump::input_pending() const {
  MYSQL* db = NativeAccess::handle(*conn_);
  const MARIADB_PVIO* pvio = db->net.pvio;
  if (pvio != nullptr && pvio->cache != nullptr && pvio->cache_pos < pvio->cache + pvio->cache_size) {
    return true;
  }
  pollfd p{static_cast<int>(mysql_get_socket(db)), POLLIN, 0};
  return poll(&p, 1, 0) > 0;
}

Result<std::optional<std::span<const uint8_t>>> BinlogDump::next() {
  if (ended_) return std::optional<std::span<const uint8_t>>();
  MYSQL* db = NativeAccess::handle(*conn_);
  unsigned long len = mysql_net_read_packet(db);
  if (len == static_cast<unsigned long>(packet_error)) return dump_error("reading the binlog");
  const uint8_t* p = db->net.read_pos;
  if (len == 0) return make_error(ErrorCode::kCorrupt, "the source sent an empty binlog packet");
  // 0xfe with a short packet: EOF, the end of the binlog (non-blocking dump).
  if (p[0] == 0xfe && len < 9) {
    if (!options_.stop_at_end) {
      // A blocking dump never ends by itself: the source is shutting down
      // or the dump thread was killed.
      return make_error(ErrorCode::kConnection,
                        "the connection to " + conn_->dsn().redacted() +
                            " was lost while reading the binlog (the source ended the dump: "
                            "shutdown or KILL of the dump thread); reconnect and resume from "
                            "the last position");
    }
    ended_ = true;
    return std::optional<std::span<const uint8_t>>();
  }
  if (p[0] != 0x00) {
    return make_error(ErrorCode::kCorrupt, "unexpected packet type " + std::to_string(p[0]) +
                                               " in the binlog stream (expected an event)");
  }
  // Every event packet starts with the OK byte 0x00, then the event.
  return std::optional<std::span<const uint8_t>>(std::span<const uint8_t>(p + 1, len - 1));
}

}  // namespace dbtrail::mysql
