// `dbtrail stream`: a live source's binlog -> the change index, exactly once.
//
// Events come from a replica's binlog dump (network BinlogSource), go through
// one binlog::Decoder, the schema/table filters and change_builder, and are
// written in batches with Store::write_batch, each batch together with the
// checkpoint of the last complete transaction in it (file + position after
// its commit event, and the GTID set including it). A checkpoint only ever
// names a Decoder on_commit boundary (or a point between transactions at the
// head of a file), never a point inside a transaction: rows of an open
// transaction wait in memory until it commits. After any crash the index
// holds exactly the transactions up to the stored checkpoint, and the next
// run resumes the dump there.
//
// Table maps without binlog_row_metadata=FULL are named from the index's
// schema versions (stream/schema_tracker.h): a snapshot of the source is
// stored as the first version when the index has none, and each table DDL
// read makes the next one, stored (with its schema_changes row) before any
// checkpoint can pass the DDL. A run names rows with the version valid at its
// checkpoint; a DDL met again after a crash reuses the version stored for it
// (docs/schema-snapshot.md, "the crash rule").
#pragma once

#include <csignal>
#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "index/store.h"
#include "mysql/connection.h"
#include "stream/stream_metrics.h"
#include "util/result.h"

namespace dbtrail::stream {

struct StreamOptions {
  mysql::Dsn dsn;
  mysql::ConnectOptions connect;
  uint32_t server_id = 0;             // replica id for the dump
  std::string source_name;            // checkpoint key; "" = host:port
  std::set<std::string> schemas;      // empty: all
  std::set<std::string> tables;       // "db.table"; empty: all
  // A batch is written when it holds batch_size rows, when the source is
  // caught up (nothing more has arrived), or checkpoint_interval_s after the last.
  size_t batch_size = 1000;           // rows; a batch never splits a transaction
  double checkpoint_interval_s = 10;  // flush complete transactions at least this often
  // Where to start when the index has no checkpoint for this source (or with
  // reset_checkpoint): a file/position, a GTID set, or else the source's
  // current position.
  std::string start_file;
  uint64_t start_pos = 4;
  std::string start_gtid;
  // Discard the stored checkpoint (what it skipped is logged). For a rebuilt
  // source or a purged binlog: an operator's decision, never automatic.
  bool reset_checkpoint = false;
  double heartbeat_s = 1;  // the source's heartbeat when idle (also how fast a stop is seen)
  double backoff_initial_s = 0.5;
  double backoff_max_s = 30;
  // Set from a signal handler: flush complete transactions and return.
  const volatile std::sig_atomic_t* stop = nullptr;
  // One line per notable happening (start point, reconnects, resets).
  std::function<void(const std::string&)> log;
  // Optional: counters and gauges updated as the stream goes, readable from
  // other threads meanwhile (a metrics endpoint). Must outlive run_stream.
  StreamMetrics* metrics = nullptr;
};

// What this run_stream call added to the metrics' counters.
struct StreamStats {
  uint64_t rows = 0;          // rows written by this run
  uint64_t transactions = 0;  // transactions its checkpoints newly cover
  uint64_t batches = 0;
  uint64_t reconnects = 0;
};

// Runs until *options.stop is set (returns the stats) or a fatal error:
// kNotFound (the checkpoint's binlog was purged), kPrerequisite (the source
// is not the one the checkpoint came from), store errors, decode errors.
// Lost connections are retried with backoff from the last durable checkpoint.
Result<StreamStats> run_stream(index::Store& store, const StreamOptions& options);

}  // namespace dbtrail::stream
