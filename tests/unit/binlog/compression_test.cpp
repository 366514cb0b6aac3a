// Compressed binlog content: MySQL 8 TRANSACTION_PAYLOAD (zstd) from the shared
// fixtures, and MariaDB log_bin_compress events (zlib) captured from a real
// MariaDB 10.11 server. Plus damaged inputs, which must give errors, never crashes.
#include "binlog/compression.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <string>
#include <vector>

#include "binlog/event_type.h"
#include "test_event_walker.h"

namespace dbtrail::binlog {
namespace {

using test_walker::from_hex;
using test_walker::walk_file;
using test_walker::WalkedFile;
using test_walker::walker_le32;

struct Inner {
  uint8_t type;
  uint32_t size;
  std::string_view event;
};

// Splits decompressed TRANSACTION_PAYLOAD content into events by their headers;
// fails the test if the sizes do not tile the buffer exactly.
std::vector<Inner> split(const std::string& s) {
  std::vector<Inner> out;
  size_t p = 0;
  while (p + 19 <= s.size()) {
    auto* b = reinterpret_cast<const uint8_t*>(s.data()) + p;
    uint32_t size = walker_le32(b + 9);
    if (size < 19 || size > s.size() - p) break;
    out.push_back({b[4], size, std::string_view(s).substr(p, size)});
    p += size;
  }
  EXPECT_EQ(p, s.size()) << "inner events do not tile the decompressed payload";
  return out;
}

Bytes payload_body(const WalkedFile& f) {
  for (const auto& e : f.events)
    if (e.type == kTransactionPayload) return e.body;
  return {};
}

#define LOAD_OR_SKIP(path, file)                                        \
  WalkedFile file;                                                      \
  if (!walk_file(path, file))                                           \
  GTEST_SKIP() << "FIXTURE MISSING: " << test_walker::kFixtures << path \
               << " (shared fixtures not mounted)"

// --- MySQL TRANSACTION_PAYLOAD ------------------------------------------------

// SOURCES.md: MySQL 8.0.32, 179 bytes uncompressed, exactly QUERY, TABLE_MAP,
// WRITE_ROWS_V2, XID inside (upstream asserts the list).
TEST(TransactionPayload, Mysql8032HoldsFourEventsWithoutChecksums) {
  LOAD_OR_SKIP("rust_mysql_common/transaction_compression.000001", f);
  ASSERT_TRUE(f.crc32);  // the outer events do carry CRC32 ...
  auto r = decompress_transaction_payload(payload_body(f));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 179u);
  auto ev = split(*r);
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[0].type, kQuery);
  EXPECT_EQ(ev[1].type, kTableMap);
  EXPECT_EQ(ev[2].type, kWriteRowsV2);
  EXPECT_EQ(ev[3].type, kXid);
  // ... the inner ones do not: an XID is header + 8-byte xid, and the QUERY's
  // text ("BEGIN") runs to the last byte of the event.
  EXPECT_EQ(ev[3].size, 19u + 8u);
  EXPECT_TRUE(ev[0].event.ends_with("BEGIN"));
}

// SOURCES.md: MySQL 8.0.28, QUERY, TABLE_MAP, UPDATE_ROWS_V2, XID on demo.movies.
// (SOURCES.md also says "246012 bytes uncompressed": that is 0x3C0FC, the header
// bytes FC C0 03 00 misread as a little-endian u32; the uncompressed-size field
// is the packed int FC C0 03 = 960, and 960 is what the inner events add up to.)
TEST(TransactionPayload, Mysql8028UpdateTransaction) {
  LOAD_OR_SKIP("binlog-connector-java/mysql-bin.compressed", f);
  auto r = decompress_transaction_payload(payload_body(f));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 960u);
  auto ev = split(*r);
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[0].type, kQuery);
  EXPECT_EQ(ev[1].type, kTableMap);
  EXPECT_EQ(ev[2].type, kUpdateRowsV2);
  EXPECT_EQ(ev[3].type, kXid);
  EXPECT_EQ(ev[3].size, 19u + 8u);
  EXPECT_NE(ev[1].event.find("movies"), std::string_view::npos);
}

// Builds a TRANSACTION_PAYLOAD body: header fields (type, length, packed value), end mark, payload.
std::vector<uint8_t> payload_event(const std::string& payload, int compression, int64_t plain_size,
                                   int64_t declared_payload_size) {
  std::vector<uint8_t> b;
  auto packed = [](uint64_t v) {
    std::vector<uint8_t> p;
    if (v < 0xfb) {
      p.push_back(uint8_t(v));
    } else if (v <= 0xffff) {
      p = {0xfc, uint8_t(v), uint8_t(v >> 8)};
    } else if (v <= 0xffffff) {
      p = {0xfd, uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16)};
    } else {
      p.push_back(0xfe);
      for (int i = 0; i < 8; ++i) p.push_back(uint8_t(v >> (8 * i)));
    }
    return p;
  };
  auto field = [&](uint8_t type, uint64_t v) {
    auto val = packed(v);
    b.push_back(type);
    b.push_back(uint8_t(val.size()));
    b.insert(b.end(), val.begin(), val.end());
  };
  field(2, uint64_t(compression));
  if (plain_size >= 0) field(3, uint64_t(plain_size));
  if (declared_payload_size >= 0) field(1, uint64_t(declared_payload_size));
  b.push_back(0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

std::string zstd(const std::string& plain) {
  std::string out(ZSTD_compressBound(plain.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

TEST(TransactionPayload, OptionalSizesAndNoneCompression) {
  std::string plain(300000, 'x');
  for (size_t i = 0; i < plain.size(); i += 7) plain[i] = char('a' + i % 26);
  std::string z = zstd(plain);
  for (bool with_plain : {true, false}) {
    for (bool with_size : {true, false}) {
      auto b = payload_event(z, 0, with_plain ? int64_t(plain.size()) : -1,
                             with_size ? int64_t(z.size()) : -1);
      auto r = decompress_transaction_payload(b);
      ASSERT_TRUE(r.ok()) << r.error().message;
      EXPECT_EQ(*r, plain);
    }
  }
  auto none = payload_event("raw events", 255, 10, 10);
  auto r = decompress_transaction_payload(none);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "raw events");
}

TEST(TransactionPayload, BadHeadersAndSizes) {
  std::string plain(5000, 'q');
  std::string z = zstd(plain);
  auto expect = [](const std::vector<uint8_t>& b, ErrorCode code) {
    auto r = decompress_transaction_payload(b);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code) << r.error().message;
  };
  expect(payload_event(z, 7, 5000, int64_t(z.size())), ErrorCode::kUnsupported);
  expect(payload_event(z, 0, 5000, int64_t(z.size()) + 1), ErrorCode::kCorrupt);
  expect(payload_event(z, 0, 5001, int64_t(z.size())), ErrorCode::kCorrupt);
  // Declared smaller than the data: output stops one byte past the claim.
  expect(payload_event(z, 0, 100, int64_t(z.size())), ErrorCode::kCorrupt);
  // Declared beyond the 1 GiB any event may hold.
  expect(payload_event(z, 0, (int64_t{1} << 30) + 1, int64_t(z.size())), ErrorCode::kCorrupt);
  // Trailing CRC not stripped.
  auto with_crc = payload_event(z, 0, 5000, int64_t(z.size()));
  with_crc.insert(with_crc.end(), {1, 2, 3, 4});
  expect(with_crc, ErrorCode::kCorrupt);
  // Garbage and truncated zstd.
  expect(payload_event(std::string(64, '\x5a'), 0, -1, -1), ErrorCode::kCorrupt);
  expect(payload_event(z.substr(0, z.size() - 3), 0, -1, -1), ErrorCode::kCorrupt);
  expect(payload_event("", 0, -1, -1), ErrorCode::kCorrupt);
  // No compression type; header without end mark; a field longer than the body.
  expect(std::vector<uint8_t>{1, 1, 5, 0}, ErrorCode::kCorrupt);
  expect(std::vector<uint8_t>{2, 1, 0}, ErrorCode::kCorrupt);
  expect(std::vector<uint8_t>{2, 200, 0}, ErrorCode::kCorrupt);
  // A field whose value is not exactly one packed integer.
  expect(std::vector<uint8_t>{2, 2, 0, 0, 0}, ErrorCode::kCorrupt);
}

TEST(TransactionPayload, DamagedRealBodiesNeverCrash) {
  LOAD_OR_SKIP("rust_mysql_common/transaction_compression.000001", f);
  Bytes body = payload_body(f);
  ASSERT_FALSE(body.empty());
  for (size_t n = 0; n < body.size(); ++n) {
    EXPECT_FALSE(decompress_transaction_payload(body.first(n)).ok()) << n;
  }
  std::vector<uint8_t> b(body.begin(), body.end());
  for (size_t i = 0; i < b.size(); ++i) {
    for (uint8_t x : {0x00, 0xff, 0xfe, 0x80}) {
      auto m = b;
      m[i] ^= x;
      (void)decompress_transaction_payload(m);  // any result, but no crash (ASan/UBSan build)
    }
  }
}

// --- MariaDB log_bin_compress ------------------------------------------------
//
// The vectors below are event bodies (19-byte header and CRC32 trailer removed)
// from a private MariaDB 10.11.19 server:
//   mariadb-install-db --no-defaults --datadir=D --user=root
//   mariadbd --no-defaults --user=root --datadir=D --socket=D/s --port=P
//     --bind-address=127.0.0.1 --log-bin=D/bin --binlog-format=ROW
//     --log-bin-compress=ON --log-bin-compress-min-len=10 --server-id=1
//   CREATE DATABASE cz;
//   CREATE TABLE cz.t (id INT PRIMARY KEY, v VARCHAR(200)) DEFAULT CHARSET=latin1;
//   INSERT INTO cz.t VALUES (1, REPEAT('alpha-',20)), (2, REPEAT('bravo-',20));
//   UPDATE cz.t SET v = REPEAT('charlie-',15) WHERE id = 1;
//   DELETE FROM cz.t WHERE id = 2;
//   FLUSH BINARY LOGS;
//   CREATE TABLE cz.big (id INT PRIMARY KEY, b TEXT) DEFAULT CHARSET=latin1;
//   INSERT INTO cz.big VALUES (7, REPEAT('delta-echo-', 100));
// The FDE lists post-header lengths 13 for type 165 and 8 for 166..168 (10 for
// 169..171). `mariadb-binlog -vv` on the same file decodes these events as the
// statements and rows above (and re-emits the rows events as types 23/24/25).

// QUERY_COMPRESSED (165): CREATE TABLE cz.t ...
constexpr const char* kQueryCompressed =
    "0400000000000000000000230000000000010100002054000000000603737464042100210008008102000000000000"
    "00"
    "00814d789c730e72750c7155087174f2715548aed22b51d0c84c51f0f40b510808f2f4750c8a54f0768dd451285308"
    "73"
    "0c72f6700cd2303230d0d454707175730cf50951000905bb86d8e6249664e619020029981513";
// WRITE_ROWS_COMPRESSED_V1 (166): rows 1 and 2.
constexpr const char* kWriteCompressed =
    "1200000000000100020381fc789cfbc3c8c0c0509198539091a84b7ff20f13c8f6a4a2c4b27c5dfa93000a7c5c74";
// UPDATE_ROWS_COMPRESSED_V1 (167): row 1 alpha -> charlie.
constexpr const char* kUpdateCompressed =
    "120000000000010002030381fc789cfbc3c8c0c0509198539091a84b7ff20fd8f6e48cc4a29ccc545d7ad300fbae5c"
    "32";
// DELETE_ROWS_COMPRESSED_V1 (168): row 2.
constexpr const char* kDeleteCompressed =
    "12000000000001000203817e789cfbc3c4c0c0509154945896af4b7f120084552f03";
// WRITE_ROWS_COMPRESSED_V1 (166) into cz.big: 1107 plain bytes, a 2-byte length.
constexpr const char* kWriteBigCompressed =
    "16000000000001000203820453789cfbc3cec0c0e0c392929a5392a89b9a9c91af3bca1c658e32479964330108de92"
    "8f";

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// One row image of cz.t: null bitmap (2 columns, unused bits set, as MariaDB writes),
// INT id little-endian, VARCHAR(200) with a 1-byte length.
std::string t_row(uint32_t id, const std::string& v) {
  std::string r = "\xfc";
  for (int i = 0; i < 4; ++i) r.push_back(char(id >> (8 * i)));
  r.push_back(char(v.size()));
  return r + v;
}

std::string str(Bytes b) { return std::string(as_chars(b)); }

std::string from_hex_str(std::string_view hex) {
  auto v = from_hex(hex);
  return std::string(v.begin(), v.end());
}

TEST(MariadbCompressed, QueryTextIsRestored) {
  auto body = from_hex(kQueryCompressed);
  auto r = mariadb_plain_query_body(body, 13);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::string text =
      "CREATE TABLE cz.t (id INT PRIMARY KEY, v VARCHAR(200)) DEFAULT CHARSET=latin1";
  ASSERT_TRUE(r->ends_with(text)) << *r;
  // Everything before the text (post-header, status vars, db, NUL) is kept verbatim:
  // 13 + status_vars_len (0x23) + db_len (0, no default db) + 1.
  size_t head = 13 + 0x23 + 0 + 1;
  EXPECT_EQ(r->size(), head + text.size());
  EXPECT_EQ(r->substr(0, head), str(Bytes(body).first(head)));
}

TEST(MariadbCompressed, RowsBodiesEqualThePlainV1Bodies) {
  // Head = table_id u48 (18) | flags u16 (STMT_END_F) | width 2 | bitmap(s) 0x03.
  const std::string alpha = repeat("alpha-", 20), bravo = repeat("bravo-", 20),
                    charlie = repeat("charlie-", 15);
  struct Case {
    const char* hex;
    uint8_t type;
    std::string head, rows;
  } cases[] = {
      {kWriteCompressed, kMariaWriteRowsCompressedV1,
       from_hex_str("120000000000010002"
                    "03"),
       t_row(1, alpha) + t_row(2, bravo)},
      {kUpdateCompressed, kMariaUpdateRowsCompressedV1,
       from_hex_str("120000000000010002"
                    "0303"),
       t_row(1, alpha) + t_row(1, charlie)},
      {kDeleteCompressed, kMariaDeleteRowsCompressedV1,
       from_hex_str("120000000000010002"
                    "03"),
       t_row(2, bravo)},
  };
  for (const auto& c : cases) {
    auto r = mariadb_plain_rows_body(from_hex(c.hex), c.type, 8);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, c.head + c.rows) << int(c.type);
  }
}

TEST(MariadbCompressed, TwoByteLengthBlobRow) {
  auto r = mariadb_plain_rows_body(from_hex(kWriteBigCompressed), kMariaWriteRowsCompressedV1, 8);
  ASSERT_TRUE(r.ok()) << r.error().message;
  // cz.big row: null bitmap, INT 7, TEXT with a 2-byte length (1100).
  std::string row = std::string("\xfc\x07\x00\x00\x00\x4c\x04", 7) + repeat("delta-echo-", 100);
  EXPECT_EQ(*r, from_hex_str("160000000000010002"
                             "03") +
                    row);
  EXPECT_EQ(r->size() - 10, 1107u);  // the plain length the event declares (0x0453)
}

// MariaDB writes v1 rows events, so 169..171 come only from other writers; the
// server's reader (row_log_event_uncompress) finds the v2 extra-data block by the
// FDE's 10-byte post-header. Built from the real 166 body with a var header inserted.
TEST(MariadbCompressed, V2LayoutSkipsExtraData) {
  auto v1 = from_hex(kDeleteCompressed);
  for (const std::string& var :
       {std::string("\x02\x00", 2), std::string("\x05\x00\xaa\xbb\xcc", 5)}) {
    std::vector<uint8_t> v2(v1.begin(), v1.begin() + 8);
    v2.insert(v2.end(), var.begin(), var.end());
    v2.insert(v2.end(), v1.begin() + 8, v1.end());
    auto r = mariadb_plain_rows_body(v2, kMariaDeleteRowsCompressed, 10);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, str(Bytes(v2).first(8 + var.size() + 2)) + t_row(2, repeat("bravo-", 20)));
  }
  auto v2_update = from_hex(kUpdateCompressed);
  v2_update.insert(v2_update.begin() + 8, {0x02, 0x00});
  auto u = mariadb_plain_rows_body(v2_update, kMariaUpdateRowsCompressed, 10);
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_TRUE(u->ends_with(t_row(1, repeat("charlie-", 15))));
}

TEST(MariadbCompressed, DamagedInputsGiveErrors) {
  auto expect_rows = [](std::vector<uint8_t> b, ErrorCode code, uint8_t type = 168,
                        uint8_t phl = 8) {
    auto r = mariadb_plain_rows_body(b, type, phl);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code) << r.error().message;
  };
  // table_id(6) flags(2) width(1) bitmap(1) | 0x81 (zlib, 1-byte length) @10 | 0x7e @11 | zlib @12
  auto base = from_hex(kDeleteCompressed);
  auto with = [&](size_t at, uint8_t v) {
    auto b = base;
    b[at] = v;
    return b;
  };
  expect_rows(with(10, 0x01), ErrorCode::kCorrupt);      // high bit clear
  expect_rows(with(10, 0x91), ErrorCode::kUnsupported);  // algorithm 1
  expect_rows(with(10, 0x80), ErrorCode::kCorrupt);      // 0-byte length
  expect_rows(with(10, 0x85), ErrorCode::kCorrupt);      // 5-byte length
  expect_rows(with(11, 0x7f), ErrorCode::kCorrupt);      // declared one byte more
  expect_rows(with(11, 0x7d), ErrorCode::kCorrupt);      // declared one byte less
  expect_rows(with(11, 0x00), ErrorCode::kCorrupt);      // declared zero
  expect_rows(with(16, 0x00), ErrorCode::kCorrupt);      // zlib data damaged
  // A 4-byte length claiming 64 MiB from 21 bytes of zlib: refused before allocating.
  {
    auto b = base;
    b[10] = 0x84;
    b.insert(b.begin() + 11, {0x04, 0x00, 0x00});
    expect_rows(b, ErrorCode::kCorrupt);
  }
  {
    auto b = base;  // CRC trailer not stripped
    b.insert(b.end(), {0x01, 0x02, 0x03, 0x04});
    expect_rows(b, ErrorCode::kCorrupt);
  }
  expect_rows(base, ErrorCode::kInvalidArgument, kWriteRowsV1);
  expect_rows(base, ErrorCode::kUnsupported, 168, 6);
  // Column count far beyond the body.
  expect_rows(with(8, 0xfe), ErrorCode::kCorrupt);
  // V2 extra-data length below its own 2 bytes, or past the end.
  {
    auto b = base;
    b.insert(b.begin() + 8, {0x01, 0x00});
    expect_rows(b, ErrorCode::kCorrupt, 171, 10);
    b[8] = 0xff;
    b[9] = 0xff;
    expect_rows(b, ErrorCode::kCorrupt, 171, 10);
  }
  auto q = from_hex(kQueryCompressed);
  auto qr = mariadb_plain_query_body(q, 11);
  ASSERT_FALSE(qr.ok());
  EXPECT_EQ(qr.error().code, ErrorCode::kCorrupt);
  // Every truncation of every real vector fails (the zlib stream is cut or the head is).
  for (const char* hex : {kQueryCompressed, kWriteCompressed, kUpdateCompressed, kDeleteCompressed,
                          kWriteBigCompressed}) {
    auto b = from_hex(hex);
    bool query = hex == kQueryCompressed;
    uint8_t type = hex == kUpdateCompressed ? 167 : 166;
    for (size_t n = 0; n < b.size(); ++n) {
      Bytes cut(b.data(), n);
      bool ok = query ? mariadb_plain_query_body(cut, 13).ok()
                      : mariadb_plain_rows_body(cut, type, 8).ok();
      EXPECT_FALSE(ok) << n;
    }
    for (size_t i = 0; i < b.size(); ++i) {
      for (uint8_t x : {0x01, 0x80, 0xff}) {
        auto m = b;
        m[i] ^= x;
        if (query) {
          (void)mariadb_plain_query_body(m, 13);
        } else {
          (void)mariadb_plain_rows_body(m, type, 8);
        }
      }
    }
  }
}

}  // namespace
}  // namespace dbtrail::binlog
