// libFuzzer target over the whole decoder: the input is a binlog file
// (magic added when missing). Checksums are not verified so that mutated
// bodies reach the event and value parsers instead of stopping at the CRC.
#include <cstddef>
#include <cstdint>
#include <string>

#include "binlog/decoder.h"
#include "binlog/file_reader.h"
#include "binlog/json_binary.h"
#include "binlog/value_json.h"
#include "util/json_writer.h"

namespace {

using namespace dbtrail;

// Renders every row so the value encoders run too.
class RenderSink : public binlog::Sink {
 public:
  Status on_row(const binlog::RowChange& c) override {
    out_.clear();
    JsonWriter w(out_);
    if (c.before) binlog::write_row_json(w, *c.before, *c.table);
    if (c.after) binlog::write_row_json(w, *c.after, *c.table);
    return {};
  }

 private:
  std::string out_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string buf;
  if (size < 4 || data[0] != 0xfe || data[1] != 'b' || data[2] != 'i' || data[3] != 'n') {
    buf.assign("\xfe" "bin", 4);
  }
  buf.append(reinterpret_cast<const char*>(data), size);
  binlog::Bytes file(reinterpret_cast<const uint8_t*>(buf.data()), buf.size());

  binlog::DecoderOptions opts;
  opts.verify_checksums = false;
  opts.event_details = true;
  binlog::Decoder dec(opts);
  RenderSink sink;
  uint64_t off = 4;
  binlog::RawEvent ev;
  for (;;) {
    auto r = binlog::next_event(file, off, ev);
    if (!r.ok() || r.value() != binlog::FrameStatus::kEvent) break;
    if (!dec.feed(ev.bytes, ev.pos, sink).ok()) break;
  }
  // The JSON binary decoder on the raw input as a document.
  std::string json;
  (void)binlog::json_binary_to_text(binlog::Bytes(data, size), json);
  return 0;
}
