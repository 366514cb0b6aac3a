// Differential conformance: dbtrail's decoded row images against two
// independent decoders of the same binlog files, value by value.
//   (a) the real `mysqlbinlog -vv` outputs shipped next to the binlog-parser
//       fixtures (plaintext-mysql-bin.*), and
//   (b) `mariadb-binlog --base64-output=decode-rows -vv`, run here on every
//       fixture under fixtures/binlog.
// dbtrail is run as a user would run it: `dbtrail binlog decode FILE`, JSON
// lines on stdout. Comparison rules per type: oracle_compare.cpp.
//
// Integer rule: the oracle prints the signed reading and, for negative values,
// the unsigned one in parentheses. dbtrail must equal one of the two; it should
// print the unsigned reading only when the table map's SIGNEDNESS metadata says
// the column is unsigned (counted and listed as "unsigned readings").
//
// Files mariadb-binlog cannot decode (non-zero exit, ERROR lines, events it
// calls Unknown) are skipped and listed on stderr; the run must still compare
// at least kMinFiles files and kMinValues values so it cannot pass vacuously.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "oracle_compare.h"
#include "cli_run.h"
#include "oracle_parse.h"

namespace dbtrail::conformance {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const fs::path kFixtures = fs::path(DBTRAIL_SHARED_DIR) / "fixtures" / "binlog";
constexpr size_t kMinFiles = 15;
constexpr size_t kMinValues = 1000;

// ---- processes and files -----------------------------------------------------

using dbtrail::testing::CommandResult;
using dbtrail::testing::read_file;
using dbtrail::testing::shell_quote;
using TempDir = dbtrail::testing::ScopedTempDir;

CommandResult run(const std::string& cmd, const fs::path& tmp) {
  return dbtrail::testing::run_command(cmd, tmp);
}

// gunzips `src` into `dst` (zlib); false on any error.
bool gunzip(const fs::path& src, const fs::path& dst) {
  gzFile in = gzopen(src.c_str(), "rb");
  if (in == nullptr) return false;
  std::ofstream out(dst, std::ios::binary);
  char buf[1 << 16];
  int n;
  while ((n = gzread(in, buf, sizeof buf)) > 0) out.write(buf, n);
  bool ok = n == 0;
  gzclose(in);
  return ok && out.good();
}

std::vector<fs::path> binlog_fixtures() {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(kFixtures, ec)) {
    if (!e.is_regular_file()) continue;
    std::string name = e.path().filename().string();
    if (e.path().extension() == ".md" || name.rfind("plaintext-", 0) == 0) continue;
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string rel_label(const fs::path& p) { return fs::relative(p, kFixtures).string(); }

struct DbtrailOutput {
  std::vector<Json> rows;
  int exit_code = -1;
  std::string err;
  size_t bad_lines = 0;
};

DbtrailOutput run_dbtrail(const fs::path& file, const fs::path& tmp) {
  DbtrailOutput d;
  CommandResult r = run(shell_quote(DBTRAIL_BINARY) + " binlog decode " + shell_quote(file), tmp);
  d.exit_code = r.exit_code;
  d.err = r.err;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      ++d.bad_lines;
      continue;
    }
    d.rows.push_back(std::move(j));
  }
  return d;
}

std::string first_line(const std::string& s) {
  std::string l = s.substr(0, s.find('\n'));
  return l.size() > 200 ? l.substr(0, 200) + "..." : l;
}

// Compares one binlog with one oracle text; dbtrail-side failures (exit code,
// unparsable JSON) count as mismatches.
CompareStats compare_one(const std::string& label, const fs::path& binlog,
                         const OracleDecoding& oracle, const fs::path& tmp) {
  CompareStats st;
  DbtrailOutput d = run_dbtrail(binlog, tmp);
  if (d.exit_code != 0) {
    ++st.mismatches;
    st.messages.push_back(label + ": dbtrail exited " + std::to_string(d.exit_code) + ": " +
                          first_line(d.err));
  }
  if (d.bad_lines != 0) {
    ++st.mismatches;
    st.messages.push_back(label + ": " + std::to_string(d.bad_lines) +
                          " dbtrail output lines are not JSON objects");
  }
  compare_file(label, oracle.rows, d.rows, st);
  return st;
}

void print_stats(const std::string& title, const CompareStats& t, size_t files) {
  std::cerr << "[oracle] " << title << ": " << files << " files, " << t.rows << " rows, "
            << t.values << " values compared, " << t.mismatches << " mismatches; "
            << t.unsigned_readings << " unsigned readings, " << t.latin1_converted
            << " latin1->UTF-8, " << t.name_checked << " ENUM/SET names consistency-checked, "
            << t.not_comparable << " not comparable";
  for (const auto& [type, n] : t.not_comparable_types) std::cerr << " " << type << "=" << n;
  std::cerr << "\n";
}

bool has_dbtrail_binary() {
  std::error_code ec;
  return fs::exists(DBTRAIL_BINARY, ec);
}

// ---- the parser and the comparison rules on their own --------------------------

// Lines verbatim from binlog-parser/fixtures/plaintext-mysql-bin.01 (real
// mysqlbinlog 5.6 output); expectations read off the same text by hand.
TEST(OracleParse, ReadsRealMysqlbinlogRows) {
  const std::string text =
      "# at 853\n"
      "#170413 14:34:58 server id 1  end_log_pos 967 CRC32 0xff57df46 \tUpdate_rows: table id 71 "
      "flags: STMT_END_F\n"
      "### UPDATE `test_db`.`rooms`\n"
      "### WHERE\n"
      "###   @1=4 /* INT meta=0 nullable=0 is_null=0 */\n"
      "###   @2='Marketing' /* VARSTRING(765) meta=765 nullable=0 is_null=0 */\n"
      "### SET\n"
      "###   @1=4 /* INT meta=0 nullable=0 is_null=0 */\n"
      "###   @2='MARKETING' /* VARSTRING(765) meta=765 nullable=0 is_null=0 */\n"
      "# at 1136\n"
      "### DELETE FROM `test_db`.`buildings`\n"
      "### WHERE\n"
      "###   @1=1 /* INT meta=0 nullable=0 is_null=0 */\n"
      "###   @7=1                    /* FLOAT meta=4 nullable=0 is_null=0 */\n"
      "###   @18=NULL /* BLOB/TEXT meta=2 nullable=1 is_null=1 */\n";
  OracleDecoding d = parse_mysqlbinlog_vv(text);
  EXPECT_TRUE(d.unparsed.empty()) << d.unparsed.front();
  ASSERT_EQ(d.rows.size(), 2u);
  const OracleRow& u = d.rows[0];
  EXPECT_EQ(u.event_positions, std::vector<uint64_t>{853u});
  EXPECT_EQ(u.kind, "UPDATE");
  EXPECT_EQ(u.schema, "test_db");
  EXPECT_EQ(u.table, "rooms");
  ASSERT_TRUE(u.has_before && u.has_after);
  ASSERT_EQ(u.before.size(), 2u);
  EXPECT_EQ(u.before[1].column, 2);
  EXPECT_EQ(u.before[1].text, "'Marketing'");
  EXPECT_EQ(u.before[1].type, "VARSTRING");
  EXPECT_EQ(u.before[1].type_args, "(765)");
  EXPECT_EQ(u.after[1].text, "'MARKETING'");
  const OracleRow& del = d.rows[1];
  EXPECT_EQ(del.event_positions, std::vector<uint64_t>{1136u});
  EXPECT_EQ(del.kind, "DELETE");
  EXPECT_FALSE(del.has_after);
  ASSERT_EQ(del.before.size(), 3u);
  EXPECT_EQ(del.before[1].column, 7);
  EXPECT_EQ(del.before[1].text, "1");  // "%-20g" padding trimmed
  EXPECT_EQ(del.before[1].type, "FLOAT");
  EXPECT_EQ(del.before[2].type, "BLOB/TEXT");
  EXPECT_TRUE(del.before[2].is_null);
}

// mariadb-binlog output for rust_mysql_common/write-full-row.binlog: the rows
// of three rows events are printed together after the last one.
TEST(OracleParse, StatementGroupsShareTheirRowsEventPositions) {
  OracleDecoding d = parse_mysqlbinlog_vv(
      "# at 200\n"
      "#090925 10:12:00 server id 2  end_log_pos 275 \tTable_map: `test`.`ba` mapped to number 28\n"
      "# at 275\n"
      "# at 334\n"
      "# at 428\n"
      "#090925 10:12:00 server id 2  end_log_pos 334 \tWrite_rows: table id 24\n"
      "#090925 10:12:00 server id 2  end_log_pos 428 \tWrite_rows: table id 28\n"
      "#090925 10:12:00 server id 2  end_log_pos 462 \tDelete_rows: table id 28 flags: "
      "STMT_END_F\n"
      "### INSERT INTO `mysql`.`ndb_apply_status`\n"
      "### SET\n"
      "###   @1=2 /* INT meta=0 nullable=0 is_null=0 */\n"
      "### DELETE FROM `test`.`ba`\n"
      "### WHERE\n"
      "###   @1=2 /* INT meta=0 nullable=0 is_null=0 */\n"
      "# Number of rows: 2\n"
      "# at 462\n"
      "#090925 10:12:00 server id 2  end_log_pos 527 \tQuery\tthread_id=0\n"
      "# at 600\n"
      "#090925 10:12:00 server id 2  end_log_pos 700 \tUpdate_rows: table id 28\n"
      // `-v` (no type comments), as in binlog-parser/gtid-fixtures/plaintext-mysql-bin.01
      "### UPDATE `test`.`ba`\n"
      "### WHERE\n"
      "###   @2='ACME Sales'\n"
      "### SET\n"
      "###   @2=NULL\n");
  EXPECT_TRUE(d.unparsed.empty());
  ASSERT_EQ(d.rows.size(), 3u);
  const std::vector<uint64_t> group = {275, 334, 428};
  EXPECT_EQ(d.rows[0].event_positions, group);
  EXPECT_EQ(d.rows[1].event_positions, group);
  EXPECT_EQ(d.rows[2].event_positions, std::vector<uint64_t>{600});
  ASSERT_EQ(d.rows[2].before.size(), 1u);
  EXPECT_EQ(d.rows[2].before[0].text, "'ACME Sales'");
  EXPECT_EQ(d.rows[2].before[0].type, "");
  EXPECT_TRUE(d.rows[2].after[0].is_null);
}

TEST(OracleParse, FlagsUnknownEventsAndUnreadableLines) {
  OracleDecoding d = parse_mysqlbinlog_vv(
      "# Ignorable event type 100 (Unknown)\n"
      "# Ignored (Unknown charset) SET @@session.character_set_client=Unknown\n"
      "###   @1=1 /* INT meta=0 nullable=0 is_null=0 */\n");
  EXPECT_EQ(d.unknown_events.size(), 1u);  // the charset line is not an event
  EXPECT_EQ(d.unparsed.size(), 1u);        // a cell outside any row
}

TEST(OracleParse, ValueSpellings) {
  auto i = parse_oracle_int("-1 (4294967295)");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->signed_value, -1);
  EXPECT_EQ(i->unsigned_value, 4294967295u);
  EXPECT_FALSE(parse_oracle_int("'1'"));
  EXPECT_EQ(parse_bit_literal("b'00000101'"), 5u);
  EXPECT_EQ(parse_bit_literal("b'100'"), 4u);
  EXPECT_FALSE(parse_bit_literal("5"));
  // Expected texts from `date -u -d @1139974473` and `date -u -d @1492065270`.
  EXPECT_EQ(timestamp_to_utc_text("1139974473"), "2006-02-15 03:34:33");
  EXPECT_EQ(timestamp_to_utc_text("1492065270.120"), "2017-04-13 06:34:30.120");
  EXPECT_EQ(timestamp_to_utc_text("0"), "0000-00-00 00:00:00");
  EXPECT_EQ(decode_hex_escapes("a\\x27b\\x0a\\x5c"), std::string("a'b\n\\"));
  EXPECT_EQ(escape_like_mariadb(std::string("a'\n\\", 4)), "a'\\x0a\\");
  EXPECT_EQ(normalize_decimal("-0.00", 2), "0.00");
  EXPECT_EQ(normalize_decimal("007.5", 3), "7.500");
  EXPECT_EQ(decimal_scale_from_args("(5,2)"), 2);
  EXPECT_EQ(format_like_mysqlbinlog_float(12345.679f), "12345.7");
  EXPECT_EQ(decode_base64("aGVsbG8="), "hello");  // `printf hello | base64`
  EXPECT_FALSE(decode_base64("a"));
  EXPECT_EQ(latin1_to_utf8("\xe9"), "\xc3\xa9");      // iconv -f cp1252: é
  EXPECT_EQ(latin1_to_utf8("\x80"), "\xe2\x82\xac");  // iconv -f cp1252: €
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9"));
  EXPECT_FALSE(is_valid_utf8("\xe9"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));
}

// The comparison must be able to fail: each rule is fed a right and a wrong value.
std::string cmp(const std::string& text, const std::string& type, const std::string& args,
                const Json& got) {
  OracleCell c;
  c.column = 1;
  c.text = text;
  c.type = type;
  c.type_args = args;
  c.is_null = text == "NULL";
  OracleRow row;
  row.kind = "INSERT";
  row.event_positions = {0};
  row.schema = "s";
  row.table = "t";
  row.has_after = true;
  row.after.push_back(c);
  Json d = {{"pos", 0u}, {"schema", "s"}, {"table", "t"}, {"type", "INSERT"}, {"before", nullptr}};
  d["after"] = Json::object();
  d["after"]["c"] = got;
  CompareStats st;
  compare_file("unit", {row}, {d}, st);
  return st.mismatches == 0 ? "" : st.messages.front();
}

TEST(OracleCompare, EachRuleAcceptsTheRightValueAndRejectsAWrongOne) {
  EXPECT_EQ(cmp("-1 (4294967295)", "INT", "", Json(-1)), "");
  EXPECT_EQ(cmp("-1 (4294967295)", "INT", "", Json(4294967295u)), "");
  EXPECT_NE(cmp("-1 (4294967295)", "INT", "", Json(1)), "");
  EXPECT_NE(cmp("5", "INT", "", Json("5")), "");
  EXPECT_EQ(cmp("0.99", "DECIMAL", "(4,2)", Json("0.99")), "");
  EXPECT_NE(cmp("0.99", "DECIMAL", "(4,2)", Json("0.990")), "");  // wrong scale
  EXPECT_NE(cmp("0.99", "DECIMAL", "(4,2)", Json(0.99)), "");
  EXPECT_EQ(cmp("1", "FLOAT", "", Json(1.0)), "");
  EXPECT_NE(cmp("1", "FLOAT", "", Json(1.5)), "");
  EXPECT_EQ(cmp("1641944041470230528", "DOUBLE", "", Json(1.6419440414702305e18)), "");
  EXPECT_NE(cmp("0.10000000000000000555", "DOUBLE", "", Json(0.1000001)), "");
  EXPECT_EQ(cmp("1139974473", "TIMESTAMP", "", Json("2006-02-15 03:34:33")), "");
  EXPECT_NE(cmp("1139974473", "TIMESTAMP", "", Json("2006-02-14 22:34:33")), "");
  EXPECT_EQ(cmp("'1990:01:01'", "DATE", "", Json("1990-01-01")), "");
  EXPECT_NE(cmp("'1990:01:01'", "DATE", "", Json("1990-01-02")), "");
  EXPECT_EQ(cmp("'2011-12-15 15:23:05'", "DATETIME", "", Json("2011-12-15 15:23:05")), "");
  EXPECT_EQ(cmp("'a\\x0ab'", "VARSTRING", "(30)", Json("a\nb")), "");
  EXPECT_EQ(cmp("'\xe9t\xe9'", "VARSTRING", "(30)", Json("\xc3\xa9t\xc3\xa9")), "");  // latin1
  EXPECT_EQ(cmp("'\\x00\xff'", "BLOB/TEXT", "", Json{{"base64", "AP8="}}), "");
  EXPECT_NE(cmp("'\\x00\xfe'", "BLOB/TEXT", "", Json{{"base64", "AP8="}}), "");
  EXPECT_NE(cmp("'ab'", "STRING", "(4)", Json("abc")), "");
  EXPECT_EQ(cmp("b'00000101'", "SET", "(1 bytes)", Json(5)), "");
  EXPECT_EQ(cmp("b'00000101'", "SET", "(1 bytes)", Json("a,c")), "");
  EXPECT_NE(cmp("b'00000101'", "SET", "(1 bytes)", Json("a")), "");
  EXPECT_EQ(cmp("2", "ENUM", "(1 byte)", Json(2)), "");
  EXPECT_NE(cmp("2", "ENUM", "(1 byte)", Json(3)), "");
  EXPECT_EQ(cmp("b'100'", "BIT", "(3)", Json(4)), "");
  EXPECT_NE(cmp("b'100'", "BIT", "(3)", Json(1)), "");
  EXPECT_EQ(cmp("NULL", "INT", "", Json(nullptr)), "");
  EXPECT_NE(cmp("NULL", "INT", "", Json(0)), "");
  EXPECT_NE(cmp("0", "INT", "", Json(nullptr)), "");
}

TEST(OracleCompare, EnumNamesMustMapConsistently) {
  NameConsistency n;
  EXPECT_EQ(n.check("t@3", 1, "var1"), "");
  EXPECT_EQ(n.check("t@3", 2, "variant2"), "");
  EXPECT_EQ(n.check("t@3", 1, "var1"), "");
  EXPECT_NE(n.check("t@3", 1, "variant2"), "");
  EXPECT_NE(n.check("t@3", 3, "var1"), "");
  EXPECT_EQ(n.check("u@3", 3, "var1"), "");  // another column
}

// ---- the differential runs --------------------------------------------------------

void report(const CompareStats& st) {
  for (const auto& m : st.messages) ADD_FAILURE() << "MISMATCH " << m;
  if (st.mismatches > st.messages.size())
    ADD_FAILURE() << "... and " << (st.mismatches - st.messages.size()) << " more mismatches";
}

TEST(OracleConformance, MatchesShippedMysqlbinlogOutputs) {
  ASSERT_TRUE(fs::is_directory(kFixtures))
      << "fixtures missing: " << kFixtures << " (DBTRAIL_SHARED_DIR)";
  ASSERT_TRUE(has_dbtrail_binary()) << "dbtrail binary missing: " << DBTRAIL_BINARY;
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  CompareStats total;
  size_t files = 0;
  std::error_code ec;
  std::vector<fs::path> texts;
  for (const auto& e : fs::recursive_directory_iterator(kFixtures / "binlog-parser", ec))
    if (e.is_regular_file() && e.path().filename().string().rfind("plaintext-", 0) == 0)
      texts.push_back(e.path());
  std::sort(texts.begin(), texts.end());
  for (const fs::path& text_path : texts) {
    fs::path binlog =
        text_path.parent_path() / text_path.filename().string().substr(std::strlen("plaintext-"));
    std::string label = rel_label(binlog);
    if (!fs::exists(binlog)) {
      ADD_FAILURE() << "oracle text without its binlog: " << rel_label(text_path);
      continue;
    }
    OracleDecoding oracle = parse_mysqlbinlog_vv(read_file(text_path));
    for (const auto& l : oracle.unparsed)
      ADD_FAILURE() << rel_label(text_path) << ": oracle line not understood: " << printable(l);
    CompareStats st = compare_one(label, binlog, oracle, tmp.path());
    std::cerr << "[oracle] mysqlbinlog " << label << ": " << st.rows << " rows, " << st.values
              << " values, " << st.mismatches << " mismatches\n";
    report(st);
    total.add(st);
    ++files;
  }
  print_stats("shipped mysqlbinlog -vv outputs", total, files);
  EXPECT_GE(files, 6u);
  EXPECT_GE(total.values, 100u) << "too few values compared against the shipped outputs";
}

TEST(OracleConformance, MatchesMariadbBinlogOnEveryFixture) {
  ASSERT_TRUE(fs::is_directory(kFixtures))
      << "fixtures missing: " << kFixtures << " (DBTRAIL_SHARED_DIR)";
  ASSERT_TRUE(has_dbtrail_binary()) << "dbtrail binary missing: " << DBTRAIL_BINARY;
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  CommandResult probe = run("mariadb-binlog --version", tmp.path());
  ASSERT_EQ(probe.exit_code, 0) << "mariadb-binlog not runnable (install Debian's mariadb-client): "
                                << probe.err;

  CompareStats total;
  size_t compared_files = 0;
  std::vector<std::string> skipped;
  for (const fs::path& fixture : binlog_fixtures()) {
    std::string label = rel_label(fixture);
    fs::path input = fixture;
    if (fixture.extension() == ".gz") {
      input = tmp.path() / "gunzipped.bin";
      if (!gunzip(fixture, input)) {
        ADD_FAILURE() << label << ": cannot gunzip";
        continue;
      }
    }
    CommandResult mb =
        run("mariadb-binlog --base64-output=decode-rows -vv " + shell_quote(input), tmp.path());
    OracleDecoding oracle = parse_mysqlbinlog_vv(mb.out);

    // Decide whether the oracle's reading of this file can be trusted.
    std::string why;
    std::string warnings;
    std::istringstream err_lines(mb.err);
    for (std::string l; std::getline(err_lines, l);) {
      if (l.empty()) continue;
      std::string lower = l;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (lower.find("error") != std::string::npos) {
        if (why.empty()) why = "stderr: " + first_line(l);
      } else if (warnings.empty()) {
        warnings = first_line(l);
      }
    }
    if (mb.exit_code != 0)
      why = "exit " + std::to_string(mb.exit_code) + (why.empty() ? "" : "; " + why);
    if (!oracle.unknown_events.empty() && why.empty())
      why = "unknown event: " + oracle.unknown_events.front();
    if (!oracle.unparsed.empty() && why.empty())
      why = std::to_string(oracle.unparsed.size()) +
            " oracle lines not understood, first: " + printable(oracle.unparsed.front());
    if (!why.empty()) {
      std::cerr << "[oracle] SKIPPED " << label << " (" << oracle.rows.size()
                << " rows printed before giving up): " << why << "\n";
      skipped.push_back(label + ": " + why);
      continue;
    }
    if (!warnings.empty())
      std::cerr << "[oracle] note " << label
                << ": mariadb-binlog warned (compared anyway): " << warnings << "\n";

    CompareStats st = compare_one(label, input, oracle, tmp.path());
    std::cerr << "[oracle] mariadb-binlog " << label << ": " << st.rows << " rows, " << st.values
              << " values, " << st.mismatches << " mismatches"
              << (st.unsigned_readings
                      ? ", " + std::to_string(st.unsigned_readings) + " unsigned readings"
                      : std::string())
              << "\n";
    report(st);
    total.add(st);
    if (st.rows > 0) ++compared_files;
  }

  std::cerr << "[oracle] ===== summary: mariadb-binlog skipped " << skipped.size() << " files:\n";
  for (const auto& s : skipped) std::cerr << "[oracle]   - " << s << "\n";
  print_stats("mariadb-binlog -vv", total, compared_files);
  EXPECT_GE(compared_files, kMinFiles) << "too few files with rows compared";
  EXPECT_GE(total.values, kMinValues) << "too few values compared";
}

}  // namespace
}  // namespace dbtrail::conformance
