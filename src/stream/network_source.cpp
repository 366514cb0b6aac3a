// BinlogSource over a replica's binlog dump: positions come from each event's
// log_pos (the offset just after it in the source's file), the file name from
// ROTATE events.
#include <string>

#include "binlog/event_type.h"
#include "binlog/events.h"
#include "stream/binlog_source.h"

namespace dbtrail::stream {
namespace {

class NetworkSource final : public BinlogSource {
 public:
  explicit NetworkSource(std::unique_ptr<mysql::BinlogDump> dump, std::string start_file,
                         uint64_t start_pos)
      : dump_(std::move(dump)), file_(std::move(start_file)), pos_(start_pos) {
    checksum_ = dump_->checksum_enabled();
  }

  bool input_pending() const override { return dump_->input_pending(); }

  Result<std::optional<SourceEvent>> next() override {
    auto got = dump_->next();
    if (!got.ok()) return got.error();
    if (!got->has_value()) return std::optional<SourceEvent>();
    binlog::Bytes ev = **got;
    if (ev.size() < binlog::kHeaderLen) {
      return make_error(ErrorCode::kCorrupt, "the source sent a " + std::to_string(ev.size()) +
                                                 "-byte event, shorter than an event header");
    }
    SourceEvent out;
    out.header = binlog::parse_header(ev);
    out.bytes = ev;
    if (out.header.event_size != ev.size()) {
      return make_error(ErrorCode::kCorrupt, "the source sent an event declaring " +
                                                 std::to_string(out.header.event_size) +
                                                 " bytes in a packet of " +
                                                 std::to_string(ev.size()));
    }
    const uint8_t type = out.header.type;
    if (type == binlog::kFormatDescription) {
      auto fde = binlog::parse_format_description(ev);
      if (!fde.ok()) return fde.error();
      checksum_ = fde->checksum == binlog::ChecksumAlg::kCrc32;
    }
    if (type == binlog::kHeartbeat || type == binlog::kHeartbeatV2) {
      out.kind = SourceEventKind::kHeartbeat;
      out.file = file_;
      out.pos = out.end_pos = out.header.log_pos;
      return std::optional<SourceEvent>(out);
    }
    if (out.header.log_pos == 0) {
      // Not part of the file at this offset: the dump's first ROTATE, a
      // replayed FORMAT_DESCRIPTION, a synthesized GTID list.
      out.kind = SourceEventKind::kArtificial;
      if (type == binlog::kRotate) DBT_TRY(follow_rotate(ev));
      event_file_ = file_;
      out.file = event_file_;
      out.pos = out.end_pos = pos_;
      return std::optional<SourceEvent>(out);
    }
    if (out.header.log_pos < out.header.event_size) {
      return make_error(ErrorCode::kCorrupt, "event of type " + std::to_string(type) + " ends at " +
                                                 std::to_string(out.header.log_pos) + " but is " +
                                                 std::to_string(out.header.event_size) +
                                                 " bytes long");
    }
    out.kind = SourceEventKind::kEvent;
    out.end_pos = out.header.log_pos;
    out.pos = out.end_pos - out.header.event_size;
    event_file_ = file_;  // the event belongs to the file it was read from...
    out.file = event_file_;
    pos_ = out.end_pos;
    if (type == binlog::kRotate) DBT_TRY(follow_rotate(ev));  // ...later events to the next one
    return std::optional<SourceEvent>(out);
  }

 private:
  Status follow_rotate(binlog::Bytes ev) {
    size_t trailer = checksum_ ? binlog::kChecksumLen : 0;
    if (ev.size() < binlog::kHeaderLen + trailer) {
      return make_error(ErrorCode::kCorrupt, "the source sent a ROTATE event too short to read");
    }
    auto r = binlog::parse_rotate(
        ev.subspan(binlog::kHeaderLen, ev.size() - binlog::kHeaderLen - trailer), 8);
    if (!r.ok()) return r.error();
    file_.assign(r->next_file);
    pos_ = r->position;
    return {};
  }

  std::unique_ptr<mysql::BinlogDump> dump_;
  std::string file_;        // file the next event comes from
  std::string event_file_;  // file of the event last returned (stable view)
  uint64_t pos_ = 4;
  bool checksum_ = false;
};

}  // namespace

Result<std::unique_ptr<BinlogSource>> open_network_source(const NetworkSourceOptions& options) {
  auto dump = mysql::BinlogDump::start(options.dsn, options.connect, options.dump);
  if (!dump.ok()) return dump.error();
  return std::unique_ptr<BinlogSource>(
      new NetworkSource(std::move(dump.value()), options.dump.file, options.dump.position));
}

}  // namespace dbtrail::stream
