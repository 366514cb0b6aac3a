// JSON diffs of PARTIAL_UPDATE_ROWS applied to a document. The fixture test
// reads the diffs a real MySQL 8.0.22 wrote and checks the result against the
// generated columns (name, age) the server stored in the same after-image.
// The synthetic cases follow MySQL's apply_json_diffs() semantics
// (JSON_REPLACE / JSON_INSERT or JSON_ARRAY_INSERT / JSON_REMOVE, no auto-wrap).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "binlog/cursor.h"
#include "binlog/json_binary.h"

#include "../test_hex.h"

namespace dbtrail::binlog {
namespace {

using dbtrail::testing::unhex;

enum Op : uint8_t { kReplace = 0, kInsert = 1, kRemove = 2 };

// Appends one diff entry: op, packed path length, path, [packed value length, value].
void add_diff(std::vector<uint8_t>& d, Op op, std::string_view path,
              std::string_view value_hex = "") {
  d.push_back(op);
  auto packed = [&](size_t n) {
    if (n < 251) {
      d.push_back(static_cast<uint8_t>(n));
    } else {
      d.push_back(0xfc);
      d.push_back(static_cast<uint8_t>(n & 0xff));
      d.push_back(static_cast<uint8_t>(n >> 8));
    }
  };
  packed(path.size());
  d.insert(d.end(), path.begin(), path.end());
  if (op != kRemove) {
    auto v = unhex(value_hex);
    packed(v.size());
    d.insert(d.end(), v.begin(), v.end());
  }
}

Result<std::string> apply_diffs(std::string_view doc, const std::vector<uint8_t>& diffs) {
  return json_apply_diffs(doc, Bytes(diffs.data(), diffs.size()));
}

std::string applied(std::string_view doc, const std::vector<uint8_t>& diffs) {
  auto r = apply_diffs(doc, diffs);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : "<error>";
}

TEST(JsonDiff, ReplaceAgeFromVectorsMd) {
  auto d = unhex("0005242e61676503051a00");  // REPLACE $.age int16 26 (VECTORS.md)
  EXPECT_EQ(applied(R"({"age": 25, "data": "xxxxxxxxxx", "name": "Joe"})", d),
            R"({"age": 26, "data": "xxxxxxxxxx", "name": "Joe"})");
}

// shared/fixtures/binlog/rust_mysql_common/json.binlog.000001, event at 3750:
// PARTIAL_UPDATE_ROWS for mysql.t(id INT, json_col JSON, name VARCHAR AS
// (json_col->>'$.name'), age INT AS (json_col->'$.age')), six rows.
TEST(JsonDiff, RealServerPartialUpdateMatchesItsGeneratedColumns) {
  std::ifstream in(
      std::string(DBTRAIL_SHARED_DIR) + "/fixtures/binlog/rust_mysql_common/json.binlog.000001",
      std::ios::binary);
  std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(file.size(), 3750u + 19u);
  Cursor c(Bytes(file.data() + 3750, file.size() - 3750));
  // common header: timestamp:4 type:1 server_id:4 event_size:4 log_pos:4 flags:2
  c.skip(4);
  ASSERT_EQ(c.u8(), 39) << "PARTIAL_UPDATE_ROWS_EVENT";
  c.skip(4);
  uint32_t event_size = c.u32();
  c.skip(6);
  // post-header: table_id:6 flags:2; body: extra_len:2 (includes itself), extra
  c.skip(6 + 2);
  c.skip(c.u16() - 2);
  ASSERT_EQ(c.packed_int(), 4u) << "column count";
  ASSERT_EQ(c.u8(), 0x01) << "before-image columns: id only";
  ASSERT_EQ(c.u8(), 0x0e) << "after-image columns: json_col, name, age";

  // Before documents: the after-images of the preceding full UPDATE_ROWS
  // (SOURCES.md: ages raised to 25, 33, 41 for ids 1..3 and again for 4..6).
  const char* before[] = {
      R"({"age": 25, "data": "xxxxxxxxxx", "name": "Joe"})",
      R"({"age": 33, "data": "yyyyyyyyyy", "name": "Sue"})",
      R"({"age": 41, "data": "zzzzzzzzzz", "name": "Pete"})",
  };
  const char fill[] = {'x', 'y', 'z'};
  size_t rows_end = event_size - 4;  // the event ends with a CRC32
  for (int row = 0; row < 6; ++row) {
    // before image: null bitmap:1, id:int4
    c.skip(1);
    ASSERT_EQ(c.u32(), static_cast<uint32_t>(row + 1)) << "id";
    ASSERT_EQ(c.packed_int(), 1u) << "value_options = PARTIAL_JSON_UPDATES";
    ASSERT_EQ(c.u8(), 0x01) << "partial bitmap: json_col is a diff";
    c.skip(1);  // after-image null bitmap
    uint32_t diff_len = c.u32();
    Bytes diffs = c.bytes(diff_len);
    std::string_view name = c.str(c.u16());  // VARCHAR(100) utf8mb4: 2-byte length
    uint32_t age = c.u32();
    ASSERT_TRUE(c.ok());
    ASSERT_LE(c.offset(), rows_end);

    auto r = json_apply_diffs(before[row % 3], diffs);
    ASSERT_TRUE(r.ok()) << r.error().message;
    std::string expected = R"({"age": )" + std::to_string(age) + R"(, "data": ")" +
                           std::string(10, fill[row % 3]) + R"(", "name": ")" + std::string(name) +
                           R"("})";
    EXPECT_EQ(r.value(), expected) << "row id " << row + 1;
  }
  EXPECT_EQ(c.offset(), rows_end);
}

TEST(JsonDiff, ReplaceNestedMemberAndArrayCell) {
  std::vector<uint8_t> d;
  add_diff(d, kReplace, "$.a[1].b", "0c026869");  // "hi"
  add_diff(d, kReplace, "$.a[0]", "0401");        // true
  EXPECT_EQ(applied(R"({"a": [1, {"b": 2, "c": 3}]})", d), R"({"a": [true, {"b": "hi", "c": 3}]})");
}

TEST(JsonDiff, InsertMemberLandsInMySqlKeyOrder) {
  std::vector<uint8_t> d;
  add_diff(d, kInsert, "$.b", "050700");   // 7
  add_diff(d, kInsert, "$.zzz", "0400");   // null
  add_diff(d, kInsert, "$.aa", "0c0178");  // "x"
  EXPECT_EQ(applied(R"({"a": 1, "cc": 2})", d),
            R"({"a": 1, "b": 7, "aa": "x", "cc": 2, "zzz": null})");
}

TEST(JsonDiff, InsertIntoArrayShiftsAndClampsToTheEnd) {
  std::vector<uint8_t> d;
  add_diff(d, kInsert, "$[1]", "050a00");   // 10 before the old second element
  add_diff(d, kInsert, "$[99]", "050b00");  // past the end: appended
  add_diff(d, kInsert, "$[0]", "050c00");
  EXPECT_EQ(applied("[1, 2]", d), "[12, 1, 10, 2, 11]");
}

TEST(JsonDiff, RemoveMemberAndCell) {
  std::vector<uint8_t> d;
  add_diff(d, kRemove, "$.a[0]");
  add_diff(d, kRemove, "$.b");
  EXPECT_EQ(applied(R"({"a": [1, 2], "b": {"c": 1}})", d), R"({"a": [2]})");
}

TEST(JsonDiff, LastIndexForms) {
  std::vector<uint8_t> d;
  add_diff(d, kReplace, "$[last]", "050900");
  add_diff(d, kRemove, "$[last-1]");
  EXPECT_EQ(applied("[1, 2, 3]", d), "[1, 9]");
}

TEST(JsonDiff, QuotedAndEscapedMemberNames) {
  std::vector<uint8_t> d;
  add_diff(d, kReplace, R"($."key with space")", "050100");
  add_diff(d, kInsert, R"($."a\"b")", "050200");
  EXPECT_EQ(applied(R"({"key with space": 0})", d), R"({"a\"b": 2, "key with space": 1})");
}

TEST(JsonDiff, LongPathUsesTwoByteLength) {
  std::string key(300, 'k');
  std::vector<uint8_t> d;
  add_diff(d, kReplace, "$." + key, "050500");
  ASSERT_EQ(d[1], 0xfc);
  EXPECT_EQ(applied("{\"" + key + "\": 1}", d), "{\"" + key + "\": 5}");
}

TEST(JsonDiff, UntouchedNumbersAndStringsKeepTheirExactText) {
  std::vector<uint8_t> d;
  add_diff(d, kInsert, "$.z", "0ff60302028a");  // opaque decimal(2,2) 0.10
  EXPECT_EQ(
      applied(R"({"a": 18446744073709551615, "b": 0.10, "c": 1e20, "d": -0.0, "s": "\u00e9\n"})",
              d),
      "{\"a\": 18446744073709551615, \"b\": 0.10, \"c\": 1e20, \"d\": -0.0, \"s\": "
      "\"\xc3\xa9\\n\", "
      "\"z\": 0.10}");
}

TEST(JsonDiff, InsertedContainerValue) {
  std::vector<uint8_t> d;
  add_diff(d, kInsert, "$.n", "0202000a00050100050200");  // [1, 2] (VECTORS.md #4)
  EXPECT_EQ(applied("{}", d), R"({"n": [1, 2]})");
}

TEST(JsonDiff, DiffsApplyInOrder) {
  std::vector<uint8_t> d;
  add_diff(d, kInsert, "$.a", "0001000c000b00010005020061");  // {"a": 2} (VECTORS.md #2)
  add_diff(d, kReplace, "$.a.a", "050300");
  add_diff(d, kRemove, "$.b");
  EXPECT_EQ(applied(R"({"b": 1})", d), R"({"a": {"a": 3}})");
}

TEST(JsonDiff, NoDiffsPrintsTheDocumentCanonically) {
  EXPECT_EQ(applied(R"( {"bb":1,"a" : [ 1,2 ],"c":{}} )", {}),
            R"({"a": [1, 2], "c": {}, "bb": 1})");
}

void expect_rejected(std::string_view doc, const std::vector<uint8_t>& d, std::string_view why) {
  auto r = apply_diffs(doc, d);
  ASSERT_FALSE(r.ok()) << why;
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt) << why;
}

TEST(JsonDiff, MismatchedDiffsAreRejectedLikeMySql) {
  std::vector<uint8_t> d;
  add_diff(d, kReplace, "$.missing", "0400");
  expect_rejected(R"({"a": 1})", d, "REPLACE of a missing member");
  d.clear();
  add_diff(d, kInsert, "$.a", "0400");
  expect_rejected(R"({"a": 1})", d, "INSERT of an existing member");
  d.clear();
  add_diff(d, kRemove, "$[2]");
  expect_rejected("[1, 2]", d, "REMOVE past the end");
  d.clear();
  add_diff(d, kRemove, "$.a[0]");
  expect_rejected(R"({"a": 1})", d, "array leg on a scalar (no auto-wrap)");
  d.clear();
  add_diff(d, kInsert, "$.x.y", "0400");
  expect_rejected(R"({"a": 1})", d, "missing parent");
  d.clear();
  add_diff(d, kInsert, "$[0]", "0400");
  expect_rejected(R"({"a": 1})", d, "cell leg on an object");
  d.clear();
  add_diff(d, kReplace, "$", "0400");
  expect_rejected("1", d, "root diff");
}

TEST(JsonDiff, MalformedDiffListsAreCorrupt) {
  std::vector<uint8_t> d;
  add_diff(d, kReplace, "$.a", "0400");
  d[0] = 3;
  expect_rejected(R"({"a": 1})", d, "unknown operation");
  for (const char* path : {"$.*", "$[*]", "$**.a", "$[1 to 2]", "a", "$.", "$[", "$[x]"}) {
    d.clear();
    add_diff(d, kReplace, path, "0400");
    expect_rejected(R"({"a": [1, 2, 3]})", d, path);
  }
  d.clear();
  add_diff(d, kReplace, "$.a", "0d00");  // bad binary JSON value
  expect_rejected(R"({"a": 1})", d, "bad value");
  d.clear();
  add_diff(d, kReplace, "$.a", "");  // empty value
  expect_rejected(R"({"a": 1})", d, "empty value");

  // Every truncation of a valid list (except to nothing) is corrupt.
  d.clear();
  add_diff(d, kReplace, "$.a", "0c03666f6f");
  add_diff(d, kRemove, "$.b");
  ASSERT_EQ(applied(R"({"a": 1, "b": 2})", d), R"({"a": "foo"})");
  for (size_t n = 1; n < d.size(); ++n) {
    if (n == 11) continue;  // exactly the first entry: a valid shorter list
    std::vector<uint8_t> cut(d.begin(), d.begin() + static_cast<ptrdiff_t>(n));
    expect_rejected(R"({"a": 1, "b": 2})", cut, "truncated at " + std::to_string(n));
  }
}

TEST(JsonDiff, MalformedDocumentTextIsCorrupt) {
  for (const char* doc : {"", "{", R"({"a" 1})", "[1,]", "01", "1.", R"("\x")", "[1] 2", "tru",
                          "\"\x01\"", R"("\ud800")"}) {
    expect_rejected(doc, {}, doc);
  }
}

TEST(JsonDiff, DuplicateKeysInTextKeepTheLastLikeMySql) {
  EXPECT_EQ(applied(R"({"b": 1, "a": 2, "b": 3})", {}), R"({"a": 2, "b": 3})");
}

// Many members and many diffs stay fast (sorted members, binary search).
TEST(JsonDiff, LargeDocumentManyDiffs) {
  std::string doc = "{";
  for (int i = 0; i < 20000; ++i) {
    if (i) doc += ", ";
    doc += "\"k" + std::to_string(i) + "\": " + std::to_string(i);
  }
  doc += "}";
  std::vector<uint8_t> d;
  for (int i = 0; i < 20000; i += 2) add_diff(d, kRemove, "$.k" + std::to_string(i));
  auto r = apply_diffs(doc, d);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().find("\"k0\""), std::string::npos);
  EXPECT_NE(r.value().find("\"k19999\": 19999"), std::string::npos);
}

}  // namespace
}  // namespace dbtrail::binlog
