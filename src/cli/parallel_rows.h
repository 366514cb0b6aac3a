// Parallel row output for `dbtrail binlog decode --threads N`: the caller's
// thread runs the binlog::Decoder (framing, FDE, table maps, transactions)
// with rows deferral on and add()s each rows event here; worker threads
// decode the rows and render their JSON lines; the lines are written to the
// output strictly in the order the events were added, byte for byte what
// ChangePrinter would have printed single-threaded.
//
// Rows events are batched into jobs (about kJobBytes of row data each) held in
// a bounded queue, so memory stays flat whatever the file size: when the queue
// is full, add() writes the oldest job, decoding a queued job itself while it
// waits (the caller's thread is one of the N).
//
// Errors keep the single-threaded contract: every line before the first
// failing row is written, nothing after it, and that row's error is returned
// (from add() or finish(), and from every call after that).
#pragma once

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "binlog/decoder.h"
#include "cli/change_printer.h"
#include "util/result.h"

namespace dbtrail::cli {

class ParallelRowsPrinter {
 public:
  // `threads` >= 2 counts the caller's thread: threads - 1 workers are started.
  // `job_bytes`: row data per job (0: the default); tests pass 1 to put each
  // rows event in a job of its own.
  ParallelRowsPrinter(std::FILE* out, unsigned threads, size_t job_bytes = 0);
  // Drops what is not written yet (call finish() first to keep it) and joins the workers.
  ~ParallelRowsPrinter();
  ParallelRowsPrinter(const ParallelRowsPrinter&) = delete;
  ParallelRowsPrinter& operator=(const ParallelRowsPrinter&) = delete;

  // File name printed in lines of rows events added from now on.
  void set_file(std::string_view name);
  // Queues one rows event (its bytes must stay valid until finish() returns).
  // May write finished jobs and block while the queue is full. Returns the
  // first error found in an earlier event once the lines before it are written.
  Status add(binlog::DeferredRows&& d);
  // Decodes and writes everything queued, in order, and flushes the output.
  Status finish();

 private:
  // What one thread needs to decode and render rows (each thread owns one).
  struct Renderer : binlog::Sink {
    binlog::RowsScratch scratch;
    RowLineWriter lines;
    std::string* out = nullptr;
    Status on_row(const binlog::RowChange& c) override {
      lines.append(*out, c);
      return {};
    }
  };
  struct Job {
    std::vector<binlog::DeferredRows> items;
    std::shared_ptr<const std::string> file_name;
    size_t bytes = 0;   // row data queued, for batching
    std::string out;    // rendered lines
    Status status;      // the first failing row's error; out ends before it
    bool done = false;  // guarded by mu_
  };

  static void run(Job& j, Renderer& r);
  void worker();
  Status submit();
  // Writes finished jobs from the front until at most `keep` are queued.
  Status drain(size_t keep);
  Status fail(Error e);

  std::FILE* out_;
  size_t job_bytes_;
  size_t capacity_;
  std::shared_ptr<const std::string> file_name_;
  std::unique_ptr<Job> cur_;                 // being filled by add()
  std::vector<std::unique_ptr<Job>> spare_;  // written jobs kept for their buffers
  Renderer own_;                             // for jobs the caller's thread decodes
  std::string key_scratch_;
  bool failed_ = false;
  Error error_;

  std::mutex mu_;
  std::condition_variable work_cv_;         // a job was queued, or stop_
  std::condition_variable done_cv_;         // a job finished
  std::deque<std::unique_ptr<Job>> queue_;  // submitted, not yet written; front is oldest
  uint64_t front_seq_ = 0;                  // sequence number of queue_.front()
  uint64_t claim_seq_ = 0;                  // next job a thread may take
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace dbtrail::cli
