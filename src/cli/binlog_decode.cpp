// `dbtrail binlog decode FILE...`: binlog files to JSON lines.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "binlog/decoder.h"
#include "binlog/file_reader.h"
#include "cli/change_printer.h"
#include "cli/commands.h"
#include "cli/input_file.h"
#include "cli/parallel_rows.h"
#include "cli/schema_resolver.h"

namespace dbtrail::cli {

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct DecodeOptions {
  std::vector<std::string> files;
  bool events = false;
  bool follow = false;
  bool no_verify = false;
  std::string schema_from;
  unsigned threads = 0;  // 0: one per core
  size_t job_bytes = 0;  // 0: ParallelRowsPrinter's default
};

Error fail_at(const std::string& file, const Error& e) {
  return make_error(e.code, file + ": " + e.message);
}

// The events of one opened file (see decode_file).
Result<std::string> decode_events(const std::string& path, const DecodeOptions& o, InputFile& in,
                                  binlog::Decoder& dec, ChangePrinter& out) {
  using binlog::Bytes;
  auto view = [&] { return Bytes(reinterpret_cast<const uint8_t*>(in.data().data()), in.data().size()); };
  while (o.follow && in.data().size() < 4 && !g_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    DBT_TRY(in.read_more());
  }
  if (Status m = binlog::check_magic(view()); !m.ok()) return fail_at(path, m.error());
  uint64_t offset = 4;
  binlog::RawEvent ev;
  while (!g_stop) {
    auto r = binlog::next_event(view(), offset, ev);
    if (!r.ok()) return fail_at(path, r.error());
    if (r.value() == binlog::FrameStatus::kEvent) {
      Status st = dec.feed(ev.bytes, ev.pos, out);
      if (!st.ok()) return fail_at(path, st.error());
      continue;
    }
    if (!o.follow) {
      if (r.value() == binlog::FrameStatus::kIncomplete) {
        return make_error(ErrorCode::kTruncated,
                          path + ": the file ends inside the event at offset " +
                              std::to_string(offset) + " (" +
                              std::to_string(in.data().size() - offset) +
                              " bytes present): it is still being written or was cut short; "
                              "use --follow to wait for the rest");
      }
      return std::string();
    }
    out.flush();
    if (r.value() == binlog::FrameStatus::kEnd && !dec.rotate_target().empty() && path != "-") {
      auto next = std::filesystem::path(path).parent_path() / dec.rotate_target();
      if (std::filesystem::exists(next) && next != std::filesystem::path(path)) return next.string();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto more = in.read_more();
    if (!more.ok()) return more.error();
  }
  return std::string();
}

// Decodes one file; in follow mode waits for more bytes and moves on to the
// next file when a ROTATE names one that exists. Returns the next file to
// follow ("" when done). With `par`, rows are decoded and printed by it; they
// are all written (or the first failing row's error returned) before the
// file's buffer goes away.
Result<std::string> decode_file(const std::string& path, const DecodeOptions& o,
                                binlog::Decoder& dec, ChangePrinter& out,
                                ParallelRowsPrinter* par) {
  auto opened = InputFile::open(path, o.follow);
  if (!opened.ok()) return opened.error();
  InputFile& in = opened.value();
  std::string name = std::filesystem::path(path).filename().string();
  out.set_file(path == "-" ? "-" : name);
  if (par) par->set_file(path == "-" ? "-" : name);
  dec.reset_file();
  auto r = decode_events(path, o, in, dec, out);
  if (par) {
    // An error in a queued rows event comes before any found after it.
    Status rows = par->finish();
    if (!rows.ok()) return fail_at(path, rows.error());
  }
  return r;
}

int run_decode(const DecodeOptions& o) {
  if (o.follow) {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
  }
  binlog::DecoderOptions dopts;
  dopts.verify_checksums = !o.no_verify;
  dopts.event_details = o.events;
  binlog::Decoder dec(dopts);
  std::unique_ptr<SchemaResolver> resolver;
  if (!o.schema_from.empty()) {
    auto r = SchemaResolver::connect(o.schema_from);
    if (!r.ok()) {
      std::fprintf(stderr, "dbtrail: error: --schema-from: %s\n", r.error().message.c_str());
      return exit_code(r.error().code);
    }
    resolver = std::move(r.value());
    dec.set_table_resolver([&resolver](binlog::TableMap& t) { resolver->resolve(t); });
  }
  ChangePrinter out(stdout, o.events);
  // Rows on several threads; --events (its details count rows) and --follow
  // (output must appear as the file grows) stay on this thread.
  // The default stops at 8: past that the main thread's sequential share
  // (framing, checksums, table maps) limits the speed-up anyway.
  unsigned threads =
      o.threads ? o.threads : std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  std::unique_ptr<ParallelRowsPrinter> par;
  if (threads > 1 && !o.events && !o.follow) {
    par = std::make_unique<ParallelRowsPrinter>(stdout, threads, o.job_bytes);
    dec.set_rows_deferral([&par](binlog::DeferredRows&& d) { return par->add(std::move(d)); });
  }
  std::vector<std::string> queue(o.files.begin(), o.files.end());
  for (size_t i = 0; i < queue.size(); ++i) {
    std::string path = queue[i];
    while (!path.empty()) {
      auto r = decode_file(path, o, dec, out, par.get());
      if (!r.ok()) {
        out.flush();
        std::fprintf(stderr, "dbtrail: error: %s\n", r.error().message.c_str());
        return exit_code(r.error().code);
      }
      // Following: keep going along the rotation chain only from the last file given.
      path = (o.follow && i + 1 == queue.size()) ? r.value() : std::string();
    }
  }
  out.flush();
  return 0;
}

}  // namespace

void add_binlog_commands(CLI::App& app) {
  auto* binlog = app.add_subcommand("binlog", "Work with binary log files");
  binlog->require_subcommand(1);
  auto opts = std::make_shared<DecodeOptions>();
  auto* decode = binlog->add_subcommand(
      "decode", "Decode binlog files to JSON lines, one row change per line ('-' reads stdin)");
  decode->add_option("files", opts->files, "Binlog files (.gz allowed) or - for stdin")->required();
  decode->add_flag("--events", opts->events, "Print every event with its header instead of row changes");
  decode->add_flag("--follow,-f", opts->follow,
                   "Keep reading as the file grows and follow ROTATE into the next file");
  decode->add_option("--schema-from", opts->schema_from,
                     "DSN of a live server (mysql://user:pass@host:port/ or user:pass@tcp(host:port)/) "
                     "to name columns when the binlog lacks binlog_row_metadata=FULL; the password "
                     "may come from DBTRAIL_SOURCE_PASSWORD instead");
  decode->add_flag("--no-verify-checksum", opts->no_verify, "Do not check CRC32 trailers");
  decode
      ->add_option(
          "--threads", opts->threads,
          "Threads decoding rows (default: one per core, at most 8; 1 decodes on the main thread; "
          "--events and --follow always use 1)")
      ->check(CLI::Range(1u, 256u));
  // Hidden (no group): lets tests cut the rows into many small jobs.
  decode->add_option("--parallel-job-bytes", opts->job_bytes)->group("");
  decode->callback([opts] { exit_status() = run_decode(*opts); });
}

}  // namespace dbtrail::cli
