// The seam between where events come from and what the pipeline does with
// them: a BinlogSource yields whole events in order with their file and
// offset. Two implementations: binlog files in a directory (follows the
// rotation order) and the network (a replica's binlog dump). Both start the
// same way: the decoder-relevant FORMAT_DESCRIPTION comes before any other
// event of a file, even when starting mid-file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "binlog/cursor.h"
#include "binlog/event_type.h"
#include "binlog/format_description.h"
#include "mysql/binlog_dump.h"
#include "mysql/connection.h"
#include "util/result.h"

namespace dbtrail::stream {

enum class SourceEventKind {
  kEvent,       // an event at `pos` of `file`: decode it
  kArtificial,  // not at `pos` in the file: the dump's initial ROTATE, a FORMAT_DESCRIPTION
                // replayed for a mid-file start, a synthesized GTID list (log_pos 0)
  kHeartbeat,   // the source is idle; `pos` is its current position in `file`
};

struct SourceEvent {
  SourceEventKind kind = SourceEventKind::kEvent;
  std::string_view file;  // binlog file name (no directory)
  uint64_t pos = 0;       // offset of the event (artificial: the position the stream is at)
  uint64_t end_pos = 0;   // offset after the event (== pos for artificial/heartbeat)
  binlog::EventHeader header;
  binlog::Bytes bytes;  // header + body + checksum trailer

  // What a Decoder must be fed: real events and replayed FORMAT_DESCRIPTIONs
  // (the decoder needs the latter to read the former).
  bool decodable() const {
    return kind == SourceEventKind::kEvent ||
           (kind == SourceEventKind::kArtificial && header.type == binlog::kFormatDescription);
  }
};

class BinlogSource {
 public:
  virtual ~BinlogSource() = default;
  // The next event; its views (file, bytes) are valid until the next call.
  // nullopt: no more events (the last file ended, or a dump with
  // stop_at_end reached the end). Errors are the source's (see each opener).
  virtual Result<std::optional<SourceEvent>> next() = 0;
  // Whether next() would return at once because input is already here. A
  // live source answers false when caught up (the stream then writes what it
  // holds instead of waiting for a full batch); files always have more.
  virtual bool input_pending() const { return true; }
};

struct FileSourceOptions {
  std::string dir;         // directory holding the binlog files (and usually their .index)
  std::string start_file;  // "" = the oldest file
  uint64_t start_pos = 4;  // offset in start_file (an event boundary)
};

// Binlog files of `dir` in rotation order: the order of the *.index file if
// there is exactly one, else names of the form base.NNNNNN sorted. Opening
// fails with kNotFound if the directory, the start file or a later binlog is
// missing. next() then fails with kInvalidArgument for a start position
// inside an event, kCorrupt / kTruncated for damaged files (a cut-off LAST
// file just ends the source: it may still be being written).
Result<std::unique_ptr<BinlogSource>> open_file_source(const FileSourceOptions& options);

struct NetworkSourceOptions {
  mysql::Dsn dsn;
  mysql::ConnectOptions connect;
  mysql::DumpOptions dump;
};

// A replica's binlog dump (see mysql::BinlogDump for the errors).
Result<std::unique_ptr<BinlogSource>> open_network_source(const NetworkSourceOptions& options);

}  // namespace dbtrail::stream
