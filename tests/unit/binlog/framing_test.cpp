// File framing and the FDE: magic, event boundaries, a live file's cut-off
// last event, CRC32 (with the in-use flag), and clear errors.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "binlog/event_type.h"
#include "binlog/events.h"
#include "binlog/file_reader.h"
#include "binlog/format_description.h"

namespace dbtrail::binlog {
namespace {

std::string read(const std::string& rel) {
  std::ifstream in(std::string(DBTRAIL_SHARED_DIR) + "/fixtures/binlog/" + rel, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
Bytes span(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

TEST(Framing, RejectsNonBinlogWithReason) {
  std::string text = "-- MySQL dump\n";
  Status st = check_magic(span(text));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(st.error().message.find("not a binary log"), std::string::npos);
  EXPECT_EQ(check_magic(span(std::string("\xfe" "b"))).error().code, ErrorCode::kTruncated);
}

TEST(Framing, LastEventCutOffIsIncompleteNotCorrupt) {
  std::string f = read("binlog-parser/fixtures/mysql-bin.01");
  ASSERT_GT(f.size(), 200u) << "fixture missing";
  // Every prefix of the file frames cleanly: whole events, then kIncomplete.
  for (size_t cut = 4; cut <= f.size(); cut += 7) {
    Bytes b = span(f).first(cut);
    uint64_t off = 4;
    RawEvent ev;
    Result<FrameStatus> r = FrameStatus::kEnd;
    while ((r = next_event(b, off, ev)).ok() && r.value() == FrameStatus::kEvent) {}
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value() == FrameStatus::kEnd, off == cut);
  }
}

TEST(Framing, AbsurdEventSizeIsCorruptionWithOffset) {
  std::string f = read("binlog-parser/fixtures/mysql-bin.01");
  ASSERT_GT(f.size(), 200u);
  f[4 + 9] = 5;  // event_size of the first event = 5 (< 19)
  f[4 + 10] = f[4 + 11] = f[4 + 12] = 0;
  uint64_t off = 4;
  RawEvent ev;
  auto r = next_event(span(f), off, ev);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(r.error().message.find("offset 4"), std::string::npos);
}

TEST(FormatDescription, InUseFlagIsClearedForTheCrc) {
  std::string f = read("binlog-parser/fixtures/mysql-bin.empty");
  ASSERT_EQ(f.size(), 120u);
  Bytes fde = span(f).subspan(4);
  EventHeader h = parse_header(fde);
  EXPECT_EQ(h.type, kFormatDescription);
  EXPECT_TRUE(h.flags & kFlagBinlogInUse);
  EXPECT_TRUE(verify_event_crc(fde));
  auto p = parse_format_description(fde);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->server_version, "5.6.35-log");
  EXPECT_EQ(p->checksum, ChecksumAlg::kCrc32);
  EXPECT_EQ(p->post_header(kQuery, 0), 13);
  std::string bad = f;
  bad[60] ^= 1;
  EXPECT_FALSE(verify_event_crc(span(bad).subspan(4)));
}

TEST(FormatDescription, ChecksumNoneAndPreChecksumServers) {
  std::string none = read("binlog-connector-java/mysql-bin.checksum-none");
  auto p = parse_format_description(span(none).subspan(4, parse_header(span(none).subspan(4)).event_size));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->checksum, ChecksumAlg::kNone);
  std::string old = read("canal/mysql-bin.000002");  // 5.1: no checksum block at all
  auto q = parse_format_description(span(old).subspan(4, parse_header(span(old).subspan(4)).event_size));
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->checksum, ChecksumAlg::kNone);
  EXPECT_EQ(q->trailer(), 0u);
}

TEST(Query, ClassifiesTransactionBoundaries) {
  EXPECT_EQ(classify_query("BEGIN"), QueryKind::kBegin);
  EXPECT_EQ(classify_query("  commit"), QueryKind::kCommit);
  EXPECT_EQ(classify_query("ROLLBACK"), QueryKind::kRollback);
  EXPECT_EQ(classify_query("ROLLBACK TO SAVEPOINT a"), QueryKind::kOther);
  EXPECT_EQ(classify_query("BEGINNING_TABLE"), QueryKind::kOther);
  EXPECT_EQ(classify_query("XA START 'x'"), QueryKind::kXaBoundary);
  EXPECT_EQ(classify_query("CREATE TABLE t (a int)"), QueryKind::kOther);
}

}  // namespace
}  // namespace dbtrail::binlog
