// Every real binlog under ../shared/fixtures decodes, event for event, as
// SOURCES.md describes it; the files it marks broken fail with a clear error;
// the values its upstream sources assert come out exactly.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "fixture_decode.h"

namespace dbtrail::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

#define REQUIRE_FIXTURES()                                                              \
  if (!fixtures_present()) {                                                            \
    FAIL() << "fixtures missing: expected " << shared_dir()                             \
           << "/fixtures/binlog (the shared folder must sit next to the repository)"; \
  }

// Files SOURCES.md describes as damaged on purpose (or by their origin).
const std::set<std::string> kBroken = {
    "rust_mysql_common/corrupt-relay-bin.000624",         // a QUERY event with a cut body
    "rust_mysql_common/binlog_truncated_prev_gtid_event.000001",  // cut inside PREVIOUS_GTIDS
    "rust_mysql_common/ver_5_1-wl2325_r.001",             // pre-GA TABLE_MAP layout, broken XID
};

std::vector<std::string> all_fixture_files() {
  std::vector<std::string> out;
  fs::path root = fixture("");
  for (auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::string rel = fs::relative(e.path(), root).string();
    std::string name = e.path().filename().string();
    if (name == "SOURCES.md" || name.rfind("plaintext-", 0) == 0) continue;
    out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "- events: GTID 7, QUERY 7, ...; inside TRANSACTION_PAYLOAD: QUERY 1, ..." per file.
struct SourcesEntry {
  std::map<std::string, int> events, inner;
};
// "NAME N, NAME N, ..." -> counts. (No std::regex: GCC 12 warns inside it
// under the sanitizer build, and warnings are errors.)
void parse_counts(const std::string& s, std::map<std::string, int>& into) {
  std::istringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::istringstream words(item);
    std::string name;
    int n = 0;
    if (words >> name >> n) into[name] = n;
  }
}

std::map<std::string, SourcesEntry> parse_sources() {
  std::ifstream in(fixture("SOURCES.md"));
  std::map<std::string, SourcesEntry> out;
  std::string line, current;
  const std::string head = "### `", events = "- events: ", inner = "; inside TRANSACTION_PAYLOAD: ";
  while (std::getline(in, line)) {
    if (line.rfind(head, 0) == 0) {
      current = line.substr(head.size(), line.find('`', head.size()) - head.size());
      continue;
    }
    if (current.empty() || line.rfind(events, 0) != 0) continue;
    std::string s = line.substr(events.size());
    auto split = s.find(inner);
    parse_counts(s.substr(0, split), out[current].events);
    if (split != std::string::npos) parse_counts(s.substr(split + inner.size()), out[current].inner);
  }
  return out;
}

TEST(Fixtures, EveryFileDecodesAndBrokenOnesFailClearly) {
  REQUIRE_FIXTURES();
  auto files = all_fixture_files();
  ASSERT_GE(files.size(), 80u) << "fewer fixture files than SOURCES.md lists";
  for (const auto& rel : files) {
    DecodedFile d = decode_fixture(fixture(rel));
    if (kBroken.count(rel)) {
      EXPECT_FALSE(d.status.ok()) << rel << " should fail";
      if (!d.status.ok()) {
        EXPECT_NE(d.status.error().message.find("offset"), std::string::npos)
            << rel << ": error must name the offset: " << d.status.error().message;
      }
    } else {
      EXPECT_TRUE(d.status.ok()) << rel << ": " << d.status.error().message;
    }
  }
}

TEST(Fixtures, EventCountsMatchSources) {
  REQUIRE_FIXTURES();
  auto sources = parse_sources();
  ASSERT_GE(sources.size(), 80u);
  int compared = 0;
  for (const auto& [rel, want] : sources) {
    if (kBroken.count(rel)) continue;
    DecodedFile d = decode_fixture(fixture(rel));
    ASSERT_TRUE(d.status.ok()) << rel << ": " << d.status.error().message;
    EXPECT_EQ(d.event_counts, want.events) << rel;
    EXPECT_EQ(d.inner_counts, want.inner) << rel;
    ++compared;
  }
  EXPECT_GE(compared, 80);
}

DecodedFile must_decode(const std::string& rel) {
  DecodedFile d = decode_fixture(fixture(rel));
  EXPECT_TRUE(d.status.ok()) << rel << ": " << d.status.error().message;
  return d;
}

TEST(Fixtures, MyFlashInserts) {
  REQUIRE_FIXTURES();
  auto d = must_decode("MyFlash/haha.000041");
  // 7 WRITE_ROWS_V2 events of 1, 5, 6, 12, 24, 48, 96 rows (mariadb-binlog -vv agrees: 192).
  ASSERT_EQ(d.rows.size(), 192u);
  for (auto& r : d.rows) {
    EXPECT_EQ(r["type"], "INSERT");
    EXPECT_EQ(r["schema"], "test");
    EXPECT_EQ(r["table"], "testFlashback");
    EXPECT_TRUE(r["gtid"].is_string());
  }
}

TEST(Fixtures, PerconaDecimalRowAndGtid) {
  REQUIRE_FIXTURES();
  auto d = must_decode("rust-mysql-binlog/bin-log.000001");
  ASSERT_GE(d.rows.size(), 1u);
  const auto& r = d.rows[0];
  EXPECT_EQ(r["gtid"], "87cee3a4-6b31-11e7-bdfd-0d98d6698870:14918");
  EXPECT_EQ(r["ts"], "2019-02-15T00:58:11Z");  // 1550192291
  EXPECT_EQ(r["after"]["@1"], 1);
  EXPECT_EQ(r["after"]["@2"], "0.10000");  // DECIMAL(10,5) keeps its scale
  EXPECT_TRUE(r["after"]["@3"].is_string());
}

TEST(Fixtures, BitColumnsWithNames) {
  REQUIRE_FIXTURES();
  auto d = must_decode("rust_mysql_common/mysql_type_bit.000001");
  ASSERT_EQ(d.rows.size(), 1u);
  const auto& a = d.rows[0]["after"];
  EXPECT_EQ(a["a"], 4);
  EXPECT_EQ(a["b"], "foo");
  EXPECT_EQ(a["c"], 32);
}

TEST(Fixtures, VectorColumns) {
  REQUIRE_FIXTURES();
  auto d = must_decode("rust_mysql_common/vector.binlog");
  ASSERT_GE(d.rows.size(), 2u);
  EXPECT_EQ(d.rows[0]["table"], "foo");
  EXPECT_EQ(d.rows[0]["after"]["id"], 1);
  // float32 values printed shortest: 1.1f prints as 1.1, not 1.100000023841858.
  EXPECT_EQ(d.rows[0]["after"]["vector_column"].dump(), "[1.1,2.2,3.3]");
  EXPECT_EQ(d.rows[1]["after"]["id"], 2);
  EXPECT_EQ(d.rows[1]["after"]["vector_column"], ordered_json::parse("[1,-1,0]"));
}

TEST(Fixtures, UnsignedFromSignednessMetadata) {
  REQUIRE_FIXTURES();
  auto d = must_decode("rust_mysql_common/minimal_row_metadata.000001");
  ASSERT_EQ(d.rows.size(), 1u);
  // Upstream's "column 4" counts from 0: mysqlbinlog's @5. The image leaves @2 and @4 out.
  EXPECT_EQ(d.rows[0]["after"]["@5"], 3230202323u);  // INT UNSIGNED, high bit set
  EXPECT_FALSE(d.rows[0]["after"].contains("@4"));
}

TEST(Fixtures, EnumAndSetStrings) {
  REQUIRE_FIXTURES();
  auto d = must_decode("rust_mysql_common/mysql-enum-string-set.000001");
  ASSERT_EQ(d.rows.size(), 3u);
  const auto& ins = d.rows[0]["after"];
  std::string digits100;
  for (int i = 0; i < 10; ++i) digits100 += "0123456789";
  EXPECT_EQ(ins["f1"], digits100);
  // SOURCES.md says "a 300-char digit string"; mariadb-binlog -vv prints 298 characters too.
  EXPECT_EQ(ins["f2"].get<std::string>().size(), 298u);
  EXPECT_EQ(ins["f3"], "var1");
  EXPECT_EQ(ins["f4"], "one,three");
  EXPECT_EQ(ins["f5"], "0123456789");
  EXPECT_EQ(d.rows[1]["type"], "UPDATE");
  EXPECT_EQ(d.rows[1]["before"], ins);
  const auto& upd = d.rows[1]["after"];
  EXPECT_EQ(upd["f1"], "field1");
  EXPECT_EQ(upd["f2"], "field_2");
  EXPECT_EQ(upd["f3"], "variant2");
  EXPECT_EQ(upd["f4"], "two,four");
  EXPECT_EQ(upd["f5"], ins["f2"]);
  EXPECT_EQ(d.rows[2]["type"], "DELETE");
  EXPECT_EQ(d.rows[2]["before"], upd);
}

TEST(Fixtures, MariaDbFullMetadataNames) {
  REQUIRE_FIXTURES();
  auto d = must_decode("rust_mysql_common/mariadb-bin.000001");
  ASSERT_EQ(d.rows.size(), 2u);
  std::vector<std::string> keys;
  for (auto& [k, v] : d.rows[0]["after"].items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "topic", "event_type", "event", "created"}));
  EXPECT_TRUE(d.rows[0]["gtid"].get<std::string>().find('-') != std::string::npos);
  EXPECT_TRUE(d.rows[0]["after"]["event"].is_object()) << "binary column must be base64";
}

TEST(Fixtures, SchemaChangeBetweenInsertsAndTimestampInUtc) {
  REQUIRE_FIXTURES();
  auto d = must_decode("binlog-parser/fixtures/mysql-bin.06");
  ASSERT_EQ(d.rows.size(), 2u);
  EXPECT_EQ(d.rows[0]["after"]["@1"], 70);
  EXPECT_EQ(d.rows[0]["after"]["@2"], "German");
  EXPECT_EQ(d.rows[0]["after"]["@3"], "2017-04-24 05:45:11");  // 1493012711
  EXPECT_EQ(d.rows[0]["after"].size(), 3u);
  EXPECT_EQ(d.rows[1]["after"]["@1"], 71);
  EXPECT_EQ(d.rows[1]["after"]["@3"], "2017-04-24 05:45:41");
  EXPECT_EQ(d.rows[1]["after"]["@4"], "some value");
}

TEST(Fixtures, JsonColumnsAndPartialUpdate) {
  REQUIRE_FIXTURES();
  auto d = must_decode("rust_mysql_common/json.binlog.000001");
  // 6 inserts, 6 full updates, 6 partial updates.
  ASSERT_EQ(d.rows.size(), 18u);
  const char* names[] = {"Joe", "Sue", "Pete"};
  int ages[] = {24, 32, 40};
  for (int i = 0; i < 6; ++i) {
    const auto& a = d.rows[i]["after"];
    EXPECT_EQ(a["@2"]["name"], names[i % 3]);
    EXPECT_EQ(a["@2"]["age"], ages[i % 3]);
    EXPECT_EQ(a["@3"], names[i % 3]);  // generated column name
  }
  for (int i = 6; i < 12; ++i) {
    EXPECT_EQ(d.rows[i]["before"]["@2"]["age"], ages[i % 3]);
    EXPECT_EQ(d.rows[i]["after"]["@2"]["age"], ages[i % 3] + 1);
  }
  for (int i = 12; i < 18; ++i) {
    const auto& r = d.rows[i];
    EXPECT_EQ(r["type"], "UPDATE");
    EXPECT_EQ(r["before"].size(), 1u) << "partial update before image holds only the key";
    EXPECT_EQ(r["after"]["@3"], names[i % 3]);
    EXPECT_EQ(r["after"]["@4"], ages[i % 3] + 2);
  }
}

TEST(Fixtures, CompressedTransactionPayloads) {
  REQUIRE_FIXTURES();
  auto d = must_decode("rust_mysql_common/transaction_compression.000001");
  ASSERT_EQ(d.rows.size(), 1u);
  EXPECT_EQ(d.rows[0]["schema"], "test");
  EXPECT_EQ(d.rows[0]["table"], "tb1");
  auto big = must_decode("binlog-connector-java/mysql-bin.compressed");
  ASSERT_GE(big.rows.size(), 1u);
  for (auto& r : big.rows) EXPECT_EQ(r["type"], "UPDATE");
}

TEST(Fixtures, SakilaLoadThroughGzip) {
  REQUIRE_FIXTURES();
  auto d = must_decode("binlog-connector-java/mysql-bin.sakila.gz");
  EXPECT_GT(d.rows.size(), 1374u);  // 1374 WRITE_ROWS_V1 events, several rows each
  for (auto& r : d.rows) EXPECT_EQ(r["type"], "INSERT");
}

TEST(Fixtures, TransactionsCommitOnceEach) {
  REQUIRE_FIXTURES();
  // 123 GTID transactions with rows + DDL; every XID closes one.
  auto d = must_decode("go-parse/mysql-bin.000012");
  EXPECT_EQ(d.rows.size(), 123u * 4);  // per txn: 2 updates, 1 delete, 1 insert
  EXPECT_GE(d.commits, 123);
}

}  // namespace
}  // namespace dbtrail::testing
