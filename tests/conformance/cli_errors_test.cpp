// `dbtrail binlog decode` on bad input: one clear error line naming the file
// (and offset), a distinct exit code, and every valid row before the damage.
#include <gtest/gtest.h>


#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "cli_run.h"

namespace {

// One private temp folder for this file's runs and inputs.
const std::filesystem::path& tmp() {
  static dbtrail::testing::ScopedTempDir dir;
  return dir.path();
}

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

CliRun run(const std::string& args) {
  auto r = dbtrail::testing::run_command(std::string(DBTRAIL_BINARY) + " " + args, tmp());
  return {r.exit_code, r.out, r.err};
}

std::string fixture(const std::string& rel) {
  return std::string(DBTRAIL_SHARED_DIR) + "/fixtures/binlog/" + rel;
}

// `name` may include a sub-folder ("a/x.bin"); it is created.
std::string write_temp(const std::string& name, const std::string& bytes) {
  std::string path = (tmp() / name).string();
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(CliErrors, MissingFileIsNotFound) {
  CliRun r = run("binlog decode /nonexistent/mysql-bin.000001");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("/nonexistent/mysql-bin.000001: no such file"), std::string::npos) << r.err;
  EXPECT_EQ(lines(r.err), 1u);
}

TEST(CliErrors, TextFileIsNotABinlog) {
  CliRun r = run("binlog decode " + write_temp("dump.sql", "-- MySQL dump 10.13\nCREATE TABLE t (a int);\n"));
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.err.find("not a binary log"), std::string::npos) << r.err;
}

TEST(CliErrors, DirectoryIsABadArgument) {
  CliRun r = run("binlog decode " + tmp().string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
}

TEST(CliErrors, CrcDamagePrintsValidRowsThenNamesTheOffset) {
  std::string f = read(fixture("binlog-connector-java/mysql-bin.checksum-crc32"));
  ASSERT_GT(f.size(), 20000u) << "fixture missing";
  CliRun whole = run("binlog decode " + write_temp("whole/mysql-bin.000001", f));
  ASSERT_EQ(whole.code, 0) << whole.err;
  // Flip one byte in the second half: rows before it must still come out.
  size_t at = f.size() / 2;
  f[at] = static_cast<char>(f[at] ^ 0x40);
  CliRun r = run("binlog decode " + write_temp("damaged/mysql-bin.000001", f));
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.err.find("CRC32 mismatch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at offset "), std::string::npos) << r.err;
  EXPECT_GT(lines(r.out), 0u);
  EXPECT_LT(lines(r.out), lines(whole.out));
  EXPECT_EQ(whole.out.compare(0, r.out.size(), r.out), 0) << "output before the damage must be identical";
}

TEST(CliErrors, CutFileIsTruncatedNotCorrupt) {
  std::string f = read(fixture("binlog-parser/fixtures/mysql-bin.01"));
  ASSERT_GT(f.size(), 1000u) << "fixture missing";
  CliRun r = run("binlog decode " + write_temp("cut.bin", f.substr(0, f.size() - 10)));
  EXPECT_EQ(r.code, 5);
  EXPECT_NE(r.err.find("--follow"), std::string::npos) << r.err;
}

TEST(CliErrors, StdinAndGzipWork) {
  CliRun plain = run("binlog decode " + fixture("MyFlash/haha.000041"));
  CliRun stdin_run = run("binlog decode - < " + fixture("MyFlash/haha.000041"));
  EXPECT_EQ(stdin_run.code, 0) << stdin_run.err;
  EXPECT_EQ(lines(stdin_run.out), lines(plain.out));
  CliRun gz = run("binlog decode " + fixture("binlog-connector-java/mysql-bin.sakila.gz"));
  EXPECT_EQ(gz.code, 0) << gz.err;
  EXPECT_GT(lines(gz.out), 1374u);
}

}  // namespace
