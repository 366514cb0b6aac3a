#include "binlog/gtid.h"

#include <algorithm>
#include <string_view>

#include "binlog/event_type.h"

namespace dbtrail::binlog {

namespace {

Error corrupt(std::string what) { return make_error(ErrorCode::kCorrupt, std::move(what)); }

// MySQL GTID tags: 1..32 characters of [A-Za-z0-9_] (the server lowercases them).
// Anything else in a tag position means we are reading the wrong bytes.
bool valid_tag(std::string_view t) {
  if (t.empty() || t.size() > 32) return false;
  for (char ch : t) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_';
    if (!ok) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// MySQL serialization library ("libs/mysql/serialization", 8.4+) primitives.
//
// Variable-length unsigned integer, 1..9 bytes, little-endian. The number of
// trailing one bits of the first byte, plus one, is the byte count; the value
// sits above those length bits and the terminating 0 bit:
//   xxxxxxx0                      1 byte,  7 value bits
//   xxxxxx01 yyyyyyyy             2 bytes, 14 value bits
//   ...
//   01111111 + 7 bytes            8 bytes, 56 value bits
//   11111111 + 8 bytes            9 bytes, the 8 following bytes are the value
// Signed integers are zig-zag mapped first: x >= 0 -> x << 1, x < 0 -> ((-(x+1)) << 1) | 1.
uint64_t varlen_uint(Cursor& c) {
  uint8_t first = c.u8();
  if (!c.ok()) return 0;
  if (first == 0xff) return c.u64();
  int n = 1;
  while ((first >> (n - 1)) & 1) ++n;  // trailing ones + 1; at most 8 here
  uint64_t v = first;
  for (int i = 1; i < n; ++i) v |= static_cast<uint64_t>(c.u8()) << (8 * i);
  return v >> n;
}

int64_t varlen_int(Cursor& c) {
  uint64_t u = varlen_uint(c);
  uint64_t mag = u >> 1;
  // For a negative value the magnitude is -(x+1); -(mag) - 1 cannot overflow.
  return (u & 1) ? -static_cast<int64_t>(mag) - 1 : static_cast<int64_t>(mag);
}

// string_format: <varlen length> <bytes>.
std::string_view varlen_str(Cursor& c) {
  uint64_t n = varlen_uint(c);
  if (n > c.remaining()) {
    c.fail();
    return {};
  }
  return c.str(static_cast<size_t>(n));
}

// Field ids of Gtid_event in the tagged encoding (libs/mysql/binlog/event/control_events.h):
// ids are assigned in declaration order and fields are written in ascending id order.
enum TaggedField : uint64_t {
  kFieldFlags = 0,                   // varlen u8
  kFieldUuid = 1,                    // 16 x varlen u8 (fixed-size array, no count)
  kFieldGno = 2,                     // varlen signed
  kFieldTag = 3,                     // string_format
  kFieldLastCommitted = 4,           // varlen signed
  kFieldSequenceNumber = 5,          // varlen signed
  kFieldImmediateCommitTs = 6,       // varlen unsigned (microseconds)
  kFieldOriginalCommitTs = 7,        // varlen unsigned; absent when equal to immediate
  kFieldTransactionLength = 8,       // varlen unsigned
  kFieldImmediateServerVersion = 9,  // varlen unsigned
  kFieldOriginalServerVersion = 10,  // varlen unsigned; absent when equal to immediate
  kFieldCommitGroupTicket = 11,      // varlen unsigned
};

// GTID_TAGGED (42) body:
//   serialization_version u8
//   message size          varlen  (bytes of the whole message, version byte included)
//   last_non_ignorable_field_id varlen
//   { field_id varlen, field data }*  up to the message size
// Unknown fields cannot be skipped (their type is not on the wire): an unknown id
// at or below last_non_ignorable means we cannot read this event; above it,
// the rest of the message is optional and is left unread.
Result<MysqlGtid> parse_tagged_gtid(Bytes body) {
  Cursor head(body);
  head.u8();  // serialization format version; the layout below is self-delimiting
  uint64_t size = varlen_uint(head);
  uint64_t last_non_ignorable = varlen_uint(head);
  if (!head.ok()) return corrupt("GTID_TAGGED event is too short for its message header");
  if (size < head.offset() || size > body.size()) {
    return corrupt("GTID_TAGGED message declares " + std::to_string(size) +
                   " bytes but the body has " + std::to_string(body.size()));
  }
  Cursor c(body.subspan(head.offset(), static_cast<size_t>(size) - head.offset()));
  MysqlGtid g;
  while (!c.empty() && c.ok()) {
    uint64_t id = varlen_uint(c);
    switch (id) {
      case kFieldFlags:
        varlen_uint(c);
        break;
      case kFieldUuid:
        for (auto& b : g.uuid) {
          uint64_t v = varlen_uint(c);
          if (v > 0xff) return corrupt("GTID_TAGGED uuid byte out of range");
          b = static_cast<uint8_t>(v);
        }
        break;
      case kFieldGno:
        g.gno = varlen_int(c);
        break;
      case kFieldTag: {
        std::string_view t = varlen_str(c);
        if (c.ok() && !t.empty() && !valid_tag(t))
          return corrupt("GTID_TAGGED tag is not a valid tag");
        g.tag.assign(t);
        break;
      }
      case kFieldLastCommitted:
        g.last_committed = varlen_int(c);
        break;
      case kFieldSequenceNumber:
        g.sequence_number = varlen_int(c);
        break;
      case kFieldImmediateCommitTs:
        g.immediate_commit_ts_us = varlen_uint(c);
        break;
      case kFieldOriginalCommitTs:
      case kFieldImmediateServerVersion:
      case kFieldOriginalServerVersion:
      case kFieldCommitGroupTicket:
        varlen_uint(c);
        break;
      case kFieldTransactionLength:
        g.transaction_length = varlen_uint(c);
        break;
      default:
        if (id <= last_non_ignorable) {
          return make_error(ErrorCode::kUnsupported,
                            "GTID_TAGGED event carries mandatory field " + std::to_string(id) +
                                " that this dbtrail does not know; upgrade dbtrail");
        }
        return g;  // optional fields from a newer server: ignore the remainder
    }
  }
  if (!c.ok()) return corrupt("GTID_TAGGED field runs past the end of its message");
  if (g.gno <= 0) return corrupt("GTID_TAGGED event has no positive GNO");
  return g;
}

// GTID (33) / ANONYMOUS_GTID (34) body (libbinlogevents Gtid_event):
//   flags u8 | uuid 16 | gno i64
//   -- 5.7.5+: lt_type u8 (== 2) | last_committed i64 | sequence_number i64
//   -- 8.0.1+: immediate_commit_timestamp u56; bit 55 set => original_commit_timestamp u56 follows
//   -- 8.0.2+: transaction_length packed int
//   -- 8.0.14+: immediate_server_version u32; bit 31 set => original_server_version u32 follows
// Each optional part is present only if bytes remain, as the server reads it.
Result<MysqlGtid> parse_classic_gtid(Bytes body, bool anonymous) {
  Cursor c(body);
  MysqlGtid g;
  g.anonymous = anonymous;
  c.u8();  // flags: bit 0 "may have statement-based changes"; not needed downstream
  Bytes uuid = c.bytes(16);
  g.gno = static_cast<int64_t>(c.u64());
  if (!c.ok()) {
    return corrupt("GTID event is " + std::to_string(body.size()) + " bytes, shorter than 25");
  }
  std::copy(uuid.begin(), uuid.end(), g.uuid.begin());
  // 5.6 stops here; 5.7.4 and earlier wrote another lt_type whose fields we do not read.
  if (c.empty() || c.rest()[0] != 2) return g;
  c.u8();
  g.last_committed = static_cast<int64_t>(c.u64());
  g.sequence_number = static_cast<int64_t>(c.u64());
  if (c.remaining() >= 7) {
    uint64_t ts = c.u48() | (static_cast<uint64_t>(c.u8()) << 48);
    constexpr uint64_t kOriginalFollows = 1ULL << 55;
    if (ts & kOriginalFollows) {
      ts &= ~kOriginalFollows;
      c.skip(7);  // original_commit_timestamp
    }
    g.immediate_commit_ts_us = ts;
  }
  if (c.ok() && !c.empty()) g.transaction_length = c.packed_int();
  if (c.ok() && c.remaining() >= 4) {
    uint32_t v = c.u32();
    if (v & 0x80000000u) c.skip(4);  // original_server_version
  }
  if (!c.ok()) return corrupt("GTID event ends inside one of its optional fields");
  if (!anonymous && g.gno <= 0) return corrupt("GTID event has a non-positive GNO");
  return g;
}

}  // namespace

std::string uuid_to_string(const Uuid& u) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (size_t i = 0; i < u.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[u[i] >> 4]);
    s.push_back(kHex[u[i] & 0xf]);
  }
  return s;
}

std::string MysqlGtid::to_string() const {
  if (anonymous) return {};
  std::string s = uuid_to_string(uuid);
  s.push_back(':');
  if (!tag.empty()) {
    s += tag;
    s.push_back(':');
  }
  s += std::to_string(gno);
  return s;
}

Result<MysqlGtid> parse_mysql_gtid(Bytes body, uint8_t event_type) {
  switch (event_type) {
    case kGtid:
      return parse_classic_gtid(body, false);
    case kAnonymousGtid:
      return parse_classic_gtid(body, true);
    case kGtidTagged:
      return parse_tagged_gtid(body);
    default:
      return make_error(ErrorCode::kInvalidArgument,
                        "parse_mysql_gtid called for event type " + std::to_string(event_type));
  }
}

// PREVIOUS_GTIDS (35) body (Gtid_set::encode):
//   header u64 LE. Top byte = format: 0 untagged (n_sids = low 56 bits),
//                  1 tagged (n_sids = bits 8..55; the low byte repeats the format).
//   n_sids x { uuid 16 | [tagged: tag as varlen length + bytes] | n_intervals u64 |
//              n_intervals x { start i64 | end i64 (exclusive) } }
Result<std::vector<GtidSetEntry>> parse_previous_gtids(Bytes body) {
  Cursor c(body);
  uint64_t header = c.u64();
  if (!c.ok()) return corrupt("PREVIOUS_GTIDS event is shorter than its 8-byte header");
  uint8_t format = static_cast<uint8_t>(header >> 56);
  uint64_t n_sids;
  if (format == 0) {
    n_sids = header & 0x00ffffffffffffffULL;
  } else if (format == 1) {
    n_sids = (header >> 8) & 0x0000ffffffffffffULL;
  } else {
    return make_error(ErrorCode::kUnsupported,
                      "PREVIOUS_GTIDS uses unknown GTID set format " + std::to_string(format));
  }
  // Each entry needs at least uuid + n_intervals: refuse counts the body cannot hold
  // before reserving anything.
  if (n_sids > c.remaining() / 24) {
    return corrupt("PREVIOUS_GTIDS declares " + std::to_string(n_sids) + " sids in " +
                   std::to_string(body.size()) + " bytes");
  }
  std::vector<GtidSetEntry> set;
  set.reserve(static_cast<size_t>(n_sids));
  for (uint64_t i = 0; i < n_sids; ++i) {
    GtidSetEntry e;
    Bytes uuid = c.bytes(16);
    if (!c.ok()) break;
    std::copy(uuid.begin(), uuid.end(), e.uuid.begin());
    if (format == 1) {
      std::string_view t = varlen_str(c);
      if (c.ok() && !t.empty() && !valid_tag(t))
        return corrupt("PREVIOUS_GTIDS tag is not a valid tag");
      e.tag.assign(t);
    }
    uint64_t n = c.u64();
    if (!c.ok() || n > c.remaining() / 16) break;
    e.intervals.reserve(static_cast<size_t>(n));
    for (uint64_t k = 0; k < n; ++k) {
      GtidInterval iv;
      iv.start = static_cast<int64_t>(c.u64());
      iv.end = static_cast<int64_t>(c.u64());
      if (iv.start < 1 || iv.end <= iv.start) {
        return corrupt("PREVIOUS_GTIDS holds an invalid interval [" + std::to_string(iv.start) +
                       "," + std::to_string(iv.end) + ")");
      }
      e.intervals.push_back(iv);
    }
    set.push_back(std::move(e));
  }
  if (!c.ok() || set.size() != n_sids) return corrupt("PREVIOUS_GTIDS ends inside its GTID set");
  if (!c.empty()) {
    return corrupt("PREVIOUS_GTIDS has " + std::to_string(c.remaining()) +
                   " unexpected bytes after its GTID set");
  }
  return set;
}

// Adjacent entries of one uuid share it, as MySQL prints them:
// "uuid:1-13:mytag:1-2,uuid2:5". Entries without intervals print nothing.
std::string format_gtid_set(const std::vector<GtidSetEntry>& set) {
  std::string s;
  const Uuid* prev = nullptr;
  for (const auto& e : set) {
    if (e.intervals.empty()) continue;
    if (prev && *prev == e.uuid) {
      s.push_back(':');
    } else {
      if (prev) s.push_back(',');
      s += uuid_to_string(e.uuid);
      s.push_back(':');
      prev = &e.uuid;
    }
    if (!e.tag.empty()) {
      s += e.tag;
      s.push_back(':');
    }
    for (size_t i = 0; i < e.intervals.size(); ++i) {
      if (i) s.push_back(':');
      const auto& iv = e.intervals[i];
      s += std::to_string(iv.start);
      if (iv.end - 1 != iv.start) {
        s.push_back('-');
        s += std::to_string(iv.end - 1);
      }
    }
  }
  return s;
}

std::string MariaGtid::to_string() const {
  return std::to_string(domain_id) + "-" + std::to_string(server_id) + "-" + std::to_string(seq_no);
}

// MariaDB GTID (162) body:
//   seq_no u64 | domain_id u32 | flags2 u8
//   flags2 & FL_GROUP_COMMIT_ID (2)             => commit_id u64
//   flags2 & (FL_PREPARED_XA 64 | FL_COMPLETED_XA 128) => XID: format_id u32,
//            gtrid_len u8, bqual_len u8, data
//   otherwise 6 zero bytes pad the body to 19; 10.5+ may append flags_extra and
//   its fields. Only the first 13 (+8) bytes matter to us; the rest is skipped.
Result<MariaGtid> parse_maria_gtid(Bytes body, uint32_t header_server_id) {
  Cursor c(body);
  MariaGtid g;
  g.server_id = header_server_id;
  g.seq_no = c.u64();
  g.domain_id = c.u32();
  g.flags = c.u8();
  if (g.flags & 2) g.commit_id = c.u64();
  if (!c.ok()) {
    return corrupt("MariaDB GTID event is " + std::to_string(body.size()) + " bytes, too short");
  }
  return g;
}

// MariaDB GTID_LIST (163) body:
//   count u32 (low 28 bits = number of GTIDs, top 4 bits = flags)
//   count x { domain_id u32 | server_id u32 | seq_no u64 }
Result<std::vector<MariaGtid>> parse_maria_gtid_list(Bytes body) {
  Cursor c(body);
  uint32_t n = c.u32() & 0x0fffffffu;
  if (!c.ok()) return corrupt("MariaDB GTID_LIST event is shorter than its 4-byte count");
  if (n > c.remaining() / 16) {
    return corrupt("MariaDB GTID_LIST declares " + std::to_string(n) + " GTIDs in " +
                   std::to_string(body.size()) + " bytes");
  }
  std::vector<MariaGtid> list;
  list.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    MariaGtid g;
    g.domain_id = c.u32();
    g.server_id = c.u32();
    g.seq_no = c.u64();
    list.push_back(g);
  }
  return list;
}

std::string format_maria_gtid_list(const std::vector<MariaGtid>& list) {
  std::string s;
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) s.push_back(',');
    s += list[i].to_string();
  }
  return s;
}

}  // namespace dbtrail::binlog
