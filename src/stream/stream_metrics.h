// What a running stream counts, for a metrics endpoint to read while it runs.
//
// Plain atomics: run_stream (pipeline.cpp) updates them on its own thread and
// any other thread may read them at any time. Every access is relaxed: each
// value is whole and correct on its own, but a reader may see one update
// before another (a scrape can see a batch counted before its rows). A scrape
// tolerates that; a lock on the event path would cost every event instead.
// No HTTP and no text format here: that is api/'s job.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace dbtrail::stream {

// Why the stream failed or had to retry, one counter each.
enum class StreamError : size_t {
  kConnection,  // the source could not be reached or dropped the dump (retried)
  kDecode,      // an event that could not be decoded (fatal)
  kStore,       // the index refused a read or write (fatal)
  kSource,      // the source refused to serve the checkpoint: purged binlog, other server (fatal)
};
inline constexpr size_t kStreamErrorKinds = 4;
// "connection", "decode", "store", "source": stable label values.
const char* stream_error_name(StreamError e);

struct StreamMetrics {
  // Counters: they only grow, over every run_stream call given this object.
  std::atomic<uint64_t> events_received{0};    // binlog events read from the source (not heartbeats
                                               // nor the dump's artificial events); an event read
                                               // again after a reconnect counts again
  std::atomic<uint64_t> rows_indexed{0};       // row changes committed to the index
  std::atomic<uint64_t> batches_committed{0};  // index transactions (rows + checkpoint; a
                                               // batch may hold only a checkpoint move)
  std::atomic<uint64_t> transactions_indexed{0};  // source transactions the checkpoints now
                                                  // cover, including those the filters emptied
  std::atomic<uint64_t> reconnects{0};
  std::array<std::atomic<uint64_t>, kStreamErrorKinds> errors{};

  // Gauges. Times are unix time; 0 means "not known yet".
  std::atomic<int64_t> last_checkpoint_ms{0};  // our clock, when the durable checkpoint was written
  std::atomic<int64_t> last_event_time{0};     // source clock (header, seconds): newest event read
  std::atomic<int64_t> indexed_event_time{0};  // source clock: newest event the checkpoint covers
  std::atomic<int64_t> pending_since{0};  // source clock: oldest event read but not yet durable
  std::atomic<bool> source_idle{false};   // the source's last message was a heartbeat: it had
                                          // sent everything it had

  void count(StreamError e) { errors[static_cast<size_t>(e)].fetch_add(1, kRelaxed); }
  uint64_t errors_of(StreamError e) const { return errors[static_cast<size_t>(e)].load(kRelaxed); }

  static constexpr std::memory_order kRelaxed = std::memory_order_relaxed;
};

// Unix time in milliseconds, our clock: what last_checkpoint_ms holds and
// what the ages below are measured against.
int64_t unix_now_ms();

// Seconds from the last durable checkpoint to now_ms (both our clock); NaN
// before the first. It keeps growing while the source is idle (nothing new
// needs writing): alert on it together with the lag, not alone.
double checkpoint_age_seconds(const StreamMetrics& m, int64_t now_ms);

// Replication lag: how far the indexed position (the durable checkpoint) is
// behind the source, in seconds of the source's clock:
//   - some event read is not durable yet: now minus the header time of the
//     oldest such event (the index lacks everything written since then);
//   - everything read is durable and the source's last message was a
//     heartbeat (it had nothing more to send): 0;
//   - everything read is durable, no heartbeat since: now minus the header
//     time of the newest indexed event (more may be on its way);
//   - nothing read yet by this process: NaN (unknown).
// Never negative (a source clock ahead of ours reads as 0). Header times have
// one-second resolution and the value includes any clock skew between the
// two hosts.
double replication_lag_seconds(const StreamMetrics& m, int64_t now_ms);

}  // namespace dbtrail::stream
