// GTID events of MySQL (GTID, ANONYMOUS_GTID, GTID_TAGGED, PREVIOUS_GTIDS) and
// MariaDB (GTID, GTID_LIST). Expected values come from fixtures/binlog/SOURCES.md
// (upstream assertions), from `mariadb-binlog` run on the same files, or from
// other events of the same file (sizes, header timestamps).
#include "binlog/gtid.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "binlog/event_type.h"
#include "test_event_walker.h"

namespace dbtrail::binlog {
namespace {

using test_walker::from_hex;
using test_walker::walk_file;
using test_walker::WalkedEvent;
using test_walker::WalkedFile;


std::vector<WalkedEvent> of_type(const WalkedFile& f, uint8_t type) {
  std::vector<WalkedEvent> out;
  for (const auto& e : f.events)
    if (e.type == type) out.push_back(e);
  return out;
}

#define LOAD_OR_SKIP(path, file)                                        \
  WalkedFile file;                                                      \
  if (!walk_file(path, file))                                           \
  GTEST_SKIP() << "FIXTURE MISSING: " << test_walker::kFixtures << path \
               << " (shared fixtures not mounted)"

// --- MySQL 9.6 tagged GTIDs ------------------------------------------------

TEST(MysqlGtid, TaggedPreviousGtidsHasUntaggedAndTaggedEntries) {
  LOAD_OR_SKIP("rust_mysql_common/binlog_transaction_with_GTID_TAG.000001", f);
  ASSERT_TRUE(f.crc32);
  auto prev = of_type(f, kPreviousGtids);
  ASSERT_EQ(prev.size(), 1u);
  auto set = parse_previous_gtids(prev[0].body);
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set->size(), 2u);
  EXPECT_EQ(uuid_to_string((*set)[0].uuid), "55778904-0299-11f1-b1b8-4ef0c4956feb");
  EXPECT_EQ((*set)[0].tag, "");
  ASSERT_EQ((*set)[0].intervals.size(), 1u);
  EXPECT_EQ((*set)[0].intervals[0].start, 1);
  EXPECT_EQ((*set)[0].intervals[0].end, 14);
  EXPECT_EQ(uuid_to_string((*set)[1].uuid), "55778904-0299-11f1-b1b8-4ef0c4956feb");
  EXPECT_EQ((*set)[1].tag, "mytag");
  ASSERT_EQ((*set)[1].intervals.size(), 1u);
  EXPECT_EQ((*set)[1].intervals[0].start, 1);
  EXPECT_EQ((*set)[1].intervals[0].end, 3);
  // MySQL's text form: one uuid, untagged intervals first, then each tag's.
  EXPECT_EQ(format_gtid_set(*set), "55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2");
}

TEST(MysqlGtid, TaggedGtidEventDecodesSerializationFormat) {
  LOAD_OR_SKIP("rust_mysql_common/binlog_transaction_with_GTID_TAG.000001", f);
  size_t at = 0;
  for (; at < f.events.size() && f.events[at].type != kGtidTagged; ++at) {
  }
  ASSERT_LT(at, f.events.size());
  const auto& ev = f.events[at];
  auto g = parse_mysql_gtid(ev.body, kGtidTagged);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_FALSE(g->anonymous);
  EXPECT_EQ(uuid_to_string(g->uuid), "55778904-0299-11f1-b1b8-4ef0c4956feb");
  EXPECT_EQ(g->tag, "mytag");
  EXPECT_EQ(g->gno, 3);
  EXPECT_EQ(g->to_string(), "55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3");
  // First transaction of a binlog file: the logical clock restarts (0, 1).
  EXPECT_EQ(g->last_committed, 0);
  EXPECT_EQ(g->sequence_number, 1);
  // The commit timestamp is the header's second, give or take one.
  EXPECT_NEAR(static_cast<double>(g->immediate_commit_ts_us / 1000000), ev.timestamp, 1.0);
  // transaction_length counts the GTID event through the XID, as written.
  uint64_t expected_len = 0;
  for (size_t i = at; i < f.events.size(); ++i) {
    expected_len += f.events[i].event_size;
    if (f.events[i].type == kXid) break;
  }
  EXPECT_EQ(g->transaction_length, expected_len);
}

TEST(MysqlGtid, UntaggedPreviousGtids) {
  LOAD_OR_SKIP("rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001", f);
  auto prev = of_type(f, kPreviousGtids);
  ASSERT_EQ(prev.size(), 1u);
  auto set = parse_previous_gtids(prev[0].body);
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set->size(), 1u);
  EXPECT_EQ(uuid_to_string((*set)[0].uuid), "b9b88c66-0755-11f1-9899-4a9da94c4d71");
  EXPECT_TRUE((*set)[0].tag.empty());
  ASSERT_EQ((*set)[0].intervals.size(), 1u);
  EXPECT_EQ((*set)[0].intervals[0].start, 1);
  EXPECT_EQ((*set)[0].intervals[0].end, 3);
  EXPECT_EQ(format_gtid_set(*set), "b9b88c66-0755-11f1-9899-4a9da94c4d71:1-2");
}

// --- MySQL 5.7 GTIDs -------------------------------------------------------

TEST(MysqlGtid, Percona57GtidAtUpstreamTimestamp) {
  LOAD_OR_SKIP("rust-mysql-binlog/bin-log.000001", f);
  ASSERT_TRUE(f.crc32);
  const WalkedEvent* hit = nullptr;
  for (const auto& e : f.events)
    if (e.type == kGtid && e.timestamp == 1550192291u) hit = hit ? hit : &e;
  ASSERT_NE(hit, nullptr);
  auto g = parse_mysql_gtid(hit->body, kGtid);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->to_string(), "87cee3a4-6b31-11e7-bdfd-0d98d6698870:14918");
  EXPECT_EQ(g->immediate_commit_ts_us, 0u);  // 5.7 has no commit timestamps
  EXPECT_EQ(g->transaction_length, 0u);
  // Within one file, sequence numbers grow by one per transaction.
  std::vector<int64_t> seq;
  for (const auto& e : of_type(f, kGtid)) {
    auto r = parse_mysql_gtid(e.body, kGtid);
    ASSERT_TRUE(r.ok()) << r.error().message;
    seq.push_back(r->sequence_number);
  }
  ASSERT_EQ(seq.size(), 3u);
  EXPECT_EQ(seq[1], seq[0] + 1);
  EXPECT_EQ(seq[2], seq[1] + 1);
}

TEST(MysqlGtid, AnonymousGtidHasNoText) {
  LOAD_OR_SKIP("rust_mysql_common/binlog_transaction_with_anonymous_GTID.000001", f);
  auto anon = of_type(f, kAnonymousGtid);
  ASSERT_EQ(anon.size(), 2u);  // SOURCES.md
  for (const auto& e : anon) {
    auto g = parse_mysql_gtid(e.body, kAnonymousGtid);
    ASSERT_TRUE(g.ok()) << g.error().message;
    EXPECT_TRUE(g->anonymous);
    EXPECT_EQ(g->to_string(), "");
  }
}

// Every GTID-family event in every fixture parses (a format regression net).
TEST(MysqlGtid, EveryFixtureGtidEventParses) {
  namespace fs = std::filesystem;
  if (!fs::exists(test_walker::kFixtures)) GTEST_SKIP() << "FIXTURE MISSING: shared fixtures";
  int seen = 0;
  for (const auto& entry : fs::recursive_directory_iterator(test_walker::kFixtures)) {
    std::string p = entry.path().string();
    if (!entry.is_regular_file() || p.ends_with(".gz") || p.ends_with(".md") ||
        p.find("plaintext") != std::string::npos)
      continue;
    WalkedFile f;
    if (!walk_file(p, f)) continue;
    for (const auto& e : f.events) {
      bool ok = true;
      std::string msg;
      if (e.type == kGtid || e.type == kAnonymousGtid || e.type == kGtidTagged) {
        auto r = parse_mysql_gtid(e.body, e.type);
        ok = r.ok();
        if (!ok) msg = r.error().message;
      } else if (e.type == kPreviousGtids) {
        auto r = parse_previous_gtids(e.body);
        ok = r.ok();
        if (!ok) msg = r.error().message;
      } else if (e.type == kMariaGtid) {
        auto r = parse_maria_gtid(e.body, e.server_id);
        ok = r.ok();
        if (!ok) msg = r.error().message;
      } else if (e.type == kMariaGtidList) {
        auto r = parse_maria_gtid_list(e.body);
        ok = r.ok();
        if (!ok) msg = r.error().message;
      } else {
        continue;
      }
      ++seen;
      EXPECT_TRUE(ok) << p << " @" << e.offset << " type " << int(e.type) << ": " << msg;
    }
  }
  EXPECT_GT(seen, 100);
}

// --- Hand-built MySQL bodies ------------------------------------------------

std::vector<uint8_t> classic_80_body() {
  std::vector<uint8_t> b;
  b.push_back(0x00);                                            // flags
  for (int i = 0; i < 16; ++i) b.push_back(uint8_t(0x10 + i));  // uuid
  for (int i = 0; i < 8; ++i) b.push_back(i == 0 ? 42 : 0);     // gno 42
  b.push_back(2);                                               // lt_type
  for (int i = 0; i < 8; ++i) b.push_back(i == 0 ? 7 : 0);      // last_committed 7
  for (int i = 0; i < 8; ++i) b.push_back(i == 0 ? 9 : 0);      // sequence_number 9
  // immediate_commit_timestamp 0x0123456789abcd with bit 55 set: original follows
  for (uint8_t x : {0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x81}) b.push_back(x);
  for (int i = 0; i < 7; ++i) b.push_back(0x11);              // original_commit_timestamp
  for (uint8_t x : {0xfc, 0x10, 0x27}) b.push_back(x);        // transaction_length 10000
  for (uint8_t x : {0xa8, 0x38, 0x01, 0x80}) b.push_back(x);  // immediate version 80040 | 1<<31
  for (uint8_t x : {0xa8, 0x38, 0x01, 0x00}) b.push_back(x);  // original version
  return b;
}

TEST(MysqlGtid, Classic80BodyWithAllOptionalFields) {
  auto b = classic_80_body();
  auto g = parse_mysql_gtid(b, kGtid);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->to_string(), "10111213-1415-1617-1819-1a1b1c1d1e1f:42");
  EXPECT_EQ(g->last_committed, 7);
  EXPECT_EQ(g->sequence_number, 9);
  EXPECT_EQ(g->immediate_commit_ts_us, 0x0123456789abcdULL);
  EXPECT_EQ(g->transaction_length, 10000u);
}

TEST(MysqlGtid, TruncatedBodiesFailCleanly) {
  auto b = classic_80_body();
  for (size_t n = 0; n < 25; ++n) {
    auto g = parse_mysql_gtid(Bytes(b.data(), n), kGtid);
    ASSERT_FALSE(g.ok()) << n;
    EXPECT_EQ(g.error().code, ErrorCode::kCorrupt);
  }
  // Cut inside the original commit timestamp, the packed length, the versions:
  // either a clean error or a shorter (older-server) reading, never a crash.
  for (size_t n = 25; n < b.size(); ++n) (void)parse_mysql_gtid(Bytes(b.data(), n), kGtid);
  auto wrong = parse_mysql_gtid(b, kQuery);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument);
}

TEST(MysqlGtid, TaggedEventWithUnknownMandatoryFieldIsUnsupported) {
  // version 2 | size 9 | last_non_ignorable 20 | field 2 (gno, zig-zag 10) = 5 | field 20 ...
  std::vector<uint8_t> b = {0x02, 9 << 1, 20 << 1, 2 << 1, 20, 20 << 1, 0x00, 0x00, 0x00};
  auto g = parse_mysql_gtid(b, kGtidTagged);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, ErrorCode::kUnsupported);
  // The same unknown field, declared ignorable, ends the reading quietly.
  b[2] = 0;
  auto ok = parse_mysql_gtid(b, kGtidTagged);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->gno, 5);
}

TEST(MysqlGtid, TaggedEventMalformedFailsCleanly) {
  LOAD_OR_SKIP("rust_mysql_common/binlog_transaction_with_GTID_TAG.000001", f);
  auto ev = of_type(f, kGtidTagged);
  ASSERT_EQ(ev.size(), 1u);
  std::vector<uint8_t> b(ev[0].body.begin(), ev[0].body.end());
  for (size_t n = 0; n < b.size(); ++n) {
    auto g = parse_mysql_gtid(Bytes(b.data(), n), kGtidTagged);
    EXPECT_FALSE(g.ok()) << n;  // the message size no longer fits
  }
  for (size_t i = 0; i < b.size(); ++i) {
    for (uint8_t x : {0x00, 0xff, 0x7f, 0x01}) {
      auto m = b;
      m[i] = x;
      (void)parse_mysql_gtid(m, kGtidTagged);  // must not crash (ASan/UBSan build)
    }
  }
}

TEST(MysqlGtid, PreviousGtidsMalformedFailsCleanly) {
  // 2^40 sids declared in a 24-byte body: refused before any allocation.
  std::vector<uint8_t> b(24, 0);
  b[5] = 1;
  auto r = parse_previous_gtids(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  // Unknown format byte.
  std::vector<uint8_t> fmt(8, 0);
  fmt[7] = 7;
  auto u = parse_previous_gtids(fmt);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().code, ErrorCode::kUnsupported);
  // Reversed interval.
  auto good = from_hex(
      "0100000000000000b9b88c66075511f198994a9da94c4d7101000000000000000300000000000000"
      "0100000000000000");
  auto rev = parse_previous_gtids(good);
  ASSERT_FALSE(rev.ok());
  // Every truncation of a real tagged body.
  WalkedFile f;
  if (walk_file("rust_mysql_common/binlog_transaction_with_GTID_TAG.000001", f)) {
    auto prev = of_type(f, kPreviousGtids);
    ASSERT_EQ(prev.size(), 1u);
    for (size_t n = 0; n < prev[0].body.size(); ++n) {
      auto t = parse_previous_gtids(prev[0].body.first(n));
      EXPECT_FALSE(t.ok()) << n;
    }
  }
}

TEST(MysqlGtid, FormatGtidSetRangesAndSingles) {
  GtidSetEntry a;
  a.uuid.fill(0xaa);
  a.intervals = {{1, 6}, {7, 8}, {9, 12}};
  GtidSetEntry b;
  b.uuid.fill(0xbb);
  b.tag = "t1";
  b.intervals = {{3, 4}};
  EXPECT_EQ(format_gtid_set({a, b}),
            "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa:1-5:7:9-11,"
            "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb:t1:3");
  EXPECT_EQ(format_gtid_set({}), "");
}

// --- MariaDB ----------------------------------------------------------------

// mariadb-binlog on this file prints: "Gtid list []", "GTID 0-1-1 trans", "GTID 0-1-2 trans".
TEST(MariaGtid, MariaDb105GtidsMatchMariadbBinlog) {
  LOAD_OR_SKIP("rust_mysql_common/mariadb-bin.000001", f);
  ASSERT_TRUE(f.crc32);
  auto lists = of_type(f, kMariaGtidList);
  ASSERT_EQ(lists.size(), 1u);
  auto l = parse_maria_gtid_list(lists[0].body);
  ASSERT_TRUE(l.ok()) << l.error().message;
  EXPECT_TRUE(l->empty());
  EXPECT_EQ(format_maria_gtid_list(*l), "");
  std::vector<std::string> got;
  for (const auto& e : of_type(f, kMariaGtid)) {
    auto g = parse_maria_gtid(e.body, e.server_id);
    ASSERT_TRUE(g.ok()) << g.error().message;
    EXPECT_FALSE(g->standalone());
    EXPECT_TRUE(g->flags & 4);  // "trans": FL_TRANSACTIONAL
    got.push_back(g->to_string());
  }
  EXPECT_EQ(got, (std::vector<std::string>{"0-1-1", "0-1-2"}));
}

// mariadb-binlog on this 10.0.15 file (no checksums) prints "Gtid list [0-3704-2814]",
// "GTID 0-3704-2815", "GTID 0-3704-2816". The first group is a lone QUERY (no XID).
TEST(MariaGtid, MariaDb100GtidsMatchMariadbBinlog) {
  LOAD_OR_SKIP("binlog-parser/fixtures/mysql-bin.07", f);
  EXPECT_FALSE(f.crc32);
  auto lists = of_type(f, kMariaGtidList);
  ASSERT_EQ(lists.size(), 1u);
  auto l = parse_maria_gtid_list(lists[0].body);
  ASSERT_TRUE(l.ok()) << l.error().message;
  EXPECT_EQ(format_maria_gtid_list(*l), "0-3704-2814");
  std::vector<MariaGtid> g;
  for (const auto& e : of_type(f, kMariaGtid)) {
    auto r = parse_maria_gtid(e.body, e.server_id);
    ASSERT_TRUE(r.ok()) << r.error().message;
    g.push_back(*r);
  }
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].to_string(), "0-3704-2815");
  EXPECT_EQ(g[1].to_string(), "0-3704-2816");
  EXPECT_TRUE(g[0].standalone());
  EXPECT_FALSE(g[1].standalone());
}

// Bodies from a private MariaDB 10.11.19 run (log-bin, server-id 1; see
// compression_test.cpp for the commands): a DDL GTID that mariadb-binlog shows as
// "GTID 0-1-2 ddl", and the GTID_LIST at the head of the next file, "Gtid list [0-1-5]".
TEST(MariaGtid, MariaDb1011DdlGtidAndList) {
  auto ddl = from_hex("02000000000000000000000029000000000000");
  auto g = parse_maria_gtid(ddl, 1);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->to_string(), "0-1-2");
  EXPECT_TRUE(g->standalone());
  auto list = from_hex("0100000000000000010000000500000000000000");
  auto l = parse_maria_gtid_list(list);
  ASSERT_TRUE(l.ok()) << l.error().message;
  EXPECT_EQ(format_maria_gtid_list(*l), "0-1-5");
}

TEST(MariaGtid, GroupCommitIdAndMalformed) {
  // seq 300, domain 2, flags FL_GROUP_COMMIT_ID|FL_TRANSACTIONAL, commit_id 77
  auto b = from_hex(
      "2c01000000000000"
      "02000000"
      "06"
      "4d00000000000000");
  auto g = parse_maria_gtid(b, 9);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->to_string(), "2-9-300");
  EXPECT_EQ(g->commit_id, 77u);
  for (size_t n = 0; n < b.size(); ++n) {
    auto t = parse_maria_gtid(Bytes(b.data(), n), 9);
    ASSERT_FALSE(t.ok()) << n;
    EXPECT_EQ(t.error().code, ErrorCode::kCorrupt);
  }
  // GTID_LIST: the top 4 bits of the count are flags, not part of the count.
  auto flagged = from_hex(
      "010000f0"
      "01000000"
      "02000000"
      "0300000000000000");
  auto l = parse_maria_gtid_list(flagged);
  ASSERT_TRUE(l.ok()) << l.error().message;
  EXPECT_EQ(format_maria_gtid_list(*l), "1-2-3");
  auto huge = from_hex("ffffff0f");
  auto h = parse_maria_gtid_list(huge);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code, ErrorCode::kCorrupt);
  EXPECT_FALSE(parse_maria_gtid_list(Bytes()).ok());
}

}  // namespace
}  // namespace dbtrail::binlog
