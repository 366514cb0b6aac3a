#include "fixture_decode.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "binlog/decoder.h"
#include "binlog/event_type.h"
#include "binlog/file_reader.h"
#include "binlog/value_json.h"
#include "util/json_writer.h"
#include "util/time_format.h"

namespace dbtrail::testing {

std::string shared_dir() { return DBTRAIL_SHARED_DIR; }
std::string fixture(const std::string& rel) { return shared_dir() + "/fixtures/binlog/" + rel; }
bool fixtures_present() { return std::filesystem::exists(shared_dir() + "/fixtures/binlog/SOURCES.md"); }

namespace {

std::string read_file(const std::string& path) {
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    gzFile f = gzopen(path.c_str(), "rb");
    std::string out;
    char buf[65536];
    int n;
    while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    gzclose(f);
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// SOURCES.md's short names for event types.
std::string sources_name(uint8_t type) {
  using namespace binlog;
  switch (type) {
    case kFormatDescription: return "FDE";
    case kPreGaWriteRows: return "PRE_GA_WRITE";
    case kPreGaUpdateRows: return "PRE_GA_UPDATE";
    case kPreGaDeleteRows: return "PRE_GA_DELETE";
    default:
      return is_known_event_type(type) ? event_type_name(type) : std::to_string(type);
  }
}

class CollectSink : public binlog::Sink {
 public:
  explicit CollectSink(DecodedFile& out) : out_(out) {}
  Status on_event(const binlog::EventInfo& e) override {
    auto& m = e.inner ? out_.inner_counts : out_.event_counts;
    ++m[sources_name(e.header->type)];
    return {};
  }
  Status on_query(const binlog::QueryInfo& q) override {
    out_.queries.emplace_back(q.sql);
    return {};
  }
  Status on_commit(const binlog::TransactionInfo&) override {
    ++out_.commits;
    return {};
  }
  Status on_row(const binlog::RowChange& c) override {
    std::string s;
    JsonWriter w(s);
    w.begin_object();
    w.key("pos");
    w.uint64(c.pos);
    w.key("ts");
    w.string(iso8601_utc(c.timestamp));
    w.key("gtid");
    if (c.txn->gtid.empty()) w.null(); else w.string(c.txn->gtid);
    w.key("schema");
    w.string(c.table->schema);
    w.key("table");
    w.string(c.table->table);
    w.key("type");
    w.string(c.kind == binlog::RowsKind::kWrite    ? "INSERT"
             : c.kind == binlog::RowsKind::kUpdate ? "UPDATE"
                                                   : "DELETE");
    w.key("before");
    if (c.before) binlog::write_row_json(w, *c.before, *c.table); else w.null();
    w.key("after");
    if (c.after) binlog::write_row_json(w, *c.after, *c.table); else w.null();
    w.end_object();
    out_.rows.push_back(nlohmann::ordered_json::parse(s));
    return {};
  }

 private:
  DecodedFile& out_;
};

}  // namespace

DecodedFile decode_fixture(const std::string& path) {
  DecodedFile out;
  std::string data = read_file(path);
  binlog::Bytes bytes(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  out.status = binlog::check_magic(bytes);
  if (!out.status.ok()) return out;
  binlog::Decoder dec;
  CollectSink sink(out);
  uint64_t off = 4;
  binlog::RawEvent ev;
  while (true) {
    auto r = binlog::next_event(bytes, off, ev);
    if (!r.ok()) { out.status = r.error(); break; }
    if (r.value() == binlog::FrameStatus::kEnd) break;
    if (r.value() == binlog::FrameStatus::kIncomplete) {
      out.status = make_error(ErrorCode::kTruncated,
                              "file ends inside the event at offset " + std::to_string(off));
      break;
    }
    Status st = dec.feed(ev.bytes, ev.pos, sink);
    if (!st.ok()) { out.status = st; break; }
  }
  return out;
}

}  // namespace dbtrail::testing
