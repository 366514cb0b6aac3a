// `dbtrail binlog decode --threads N` must print exactly what --threads 1
// prints: the same stdout bytes in the same order, the same stderr and exit
// code, on every fixture and on damaged copies of them (cut short, or with a
// byte flipped and checksums off, so the failure happens while a worker
// decodes rows). The single-threaded path is the reference; the oracle and
// fixture tests pin that one against mariadb-binlog and SOURCES.md.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_run.h"

namespace dbtrail::conformance {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(DBTRAIL_SHARED_DIR) / "fixtures" / "binlog";

using dbtrail::testing::shell_quote;
using DecodeRun = dbtrail::testing::CommandResult;
using TempDir = dbtrail::testing::ScopedTempDir;
std::string quote(const std::string& s) { return shell_quote(s); }
std::string slurp(const fs::path& p) { return dbtrail::testing::read_file(p); }

DecodeRun decode(const std::string& args, const fs::path& tmp) {
  return dbtrail::testing::run_command(quote(DBTRAIL_BINARY) + " binlog decode " + args, tmp);
}

std::vector<fs::path> fixtures() {
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

const std::vector<std::string> kAllConfigs = {"--threads 4 ", "--threads 4 --parallel-job-bytes 1 ",
                                              "--threads 2 --parallel-job-bytes 1 "};
const std::vector<std::string> kTwoConfigs = {"--threads 2 ",
                                              "--threads 4 --parallel-job-bytes 1 "};

// Runs `args` (which end with the file) single-threaded, then with each of
// `configs`: default-sized jobs, and one job per rows event (so the order of
// many jobs and where a failing one stops are exercised even on small files).
// All must agree. Returns the single-threaded run.
DecodeRun expect_same(const std::string& label, const std::string& args, const fs::path& tmp,
                      const std::vector<std::string>& configs = kAllConfigs) {
  DecodeRun one = decode("--threads 1 " + args, tmp);
  for (const std::string& extra : configs) {
    DecodeRun many = decode(extra + args, tmp);
    EXPECT_EQ(many.exit_code, one.exit_code) << label << " " << extra;
    EXPECT_EQ(many.err, one.err) << label << " " << extra;
    EXPECT_TRUE(many.out == one.out) << label << " " << extra << ": stdout differs ("
                                     << many.out.size() << " vs " << one.out.size() << " bytes)";
  }
  return one;
}

TEST(ParallelDecode, EveryFixtureDecodesTheSameWithFourThreads) {
  ASSERT_TRUE(fs::exists(DBTRAIL_BINARY)) << DBTRAIL_BINARY;
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  auto files = fixtures();
  ASSERT_GE(files.size(), 50u);
  size_t with_rows = 0, failing = 0;
  for (const fs::path& f : files) {
    std::string label = fs::relative(f, kFixtures).string();
    DecodeRun one = expect_same(label, quote(f.string()), tmp.path());
    if (!one.out.empty()) ++with_rows;
    if (one.exit_code != 0) ++failing;
  }
  // Not vacuous: many files print rows, and the damaged ones fail.
  EXPECT_GE(with_rows, 30u);
  EXPECT_GE(failing, 2u);
}

// Damaged copies move the first error around: into the middle of a rows event
// (a worker finds it and must stop the output at the row before), into other
// events (the main thread finds it after rows were queued), or to the end.
TEST(ParallelDecode, DamagedFixturesFailAtTheSameRowWithFourThreads) {
  ASSERT_TRUE(fs::exists(DBTRAIL_BINARY)) << DBTRAIL_BINARY;
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  size_t variants = 0, failing_after_rows = 0;
  for (const fs::path& f : fixtures()) {
    if (f.extension() == ".gz") continue;
    std::string bytes = slurp(f);
    if (bytes.size() < 200 || bytes.size() > (4u << 20)) continue;
    std::string label = fs::relative(f, kFixtures).string();
    fs::path copy = tmp.path() / "damaged.bin";
    for (int k = 1; k <= 3; ++k) {
      size_t at = bytes.size() * k / 4;
      {
        std::ofstream out(copy, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(at));
      }
      DecodeRun cut = expect_same(label + " cut at " + std::to_string(at), quote(copy.string()),
                                  tmp.path(), kTwoConfigs);
      {
        std::string flipped = bytes;
        flipped[at] = static_cast<char>(flipped[at] ^ 0x5a);
        std::ofstream out(copy, std::ios::binary | std::ios::trunc);
        out.write(flipped.data(), static_cast<std::streamsize>(flipped.size()));
      }
      DecodeRun flip =
          expect_same(label + " byte flipped at " + std::to_string(at),
                      "--no-verify-checksum " + quote(copy.string()), tmp.path(), kTwoConfigs);
      variants += 2;
      for (const DecodeRun* r : {&cut, &flip}) {
        if (r->exit_code != 0 && !r->out.empty()) ++failing_after_rows;
      }
    }
  }
  EXPECT_GE(variants, 100u);
  EXPECT_GE(failing_after_rows, 20u);
}

// Several files in one run: each file's rows are finished before the next.
TEST(ParallelDecode, SeveralFilesInOneRunKeepTheirOrder) {
  TempDir tmp;
  std::string args;
  size_t n = 0;
  for (const fs::path& f : fixtures()) {
    if (f.extension() == ".gz" || fs::file_size(f) > (1u << 20)) continue;
    args += quote(f.string()) + " ";
    if (++n == 12) break;
  }
  ASSERT_EQ(n, 12u);
  expect_same("12 files", args, tmp.path());
}

}  // namespace
}  // namespace dbtrail::conformance
