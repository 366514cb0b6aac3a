#include "cli/change_printer.h"

#include "binlog/event_type.h"
#include "binlog/value_json.h"
#include "util/json_writer.h"
#include "util/time_format.h"

namespace dbtrail::cli {

using binlog::RowsKind;

namespace {
const char* kind_name(RowsKind k) {
  switch (k) {
    case RowsKind::kWrite: return "INSERT";
    case RowsKind::kUpdate: return "UPDATE";
    case RowsKind::kDelete: return "DELETE";
    default: return "?";
  }
}
}  // namespace

Status ChangePrinter::on_row(const binlog::RowChange& c) {
  ++rows_;
  if (events_) return {};
  lines_.append(buf_, c);
  maybe_flush();
  return {};
}

void RowLineWriter::append(std::string& buf, const binlog::RowChange& c) {
  // Hot path: keys are literals written pre-rendered; the schema/table/type
  // part is rendered once per rows event and reused for its rows.
  if (c.pos != cached_pos_ || c.table != cached_table_ || c.kind != cached_kind_) {
    cached_pos_ = c.pos;
    cached_table_ = c.table;
    cached_kind_ = c.kind;
    cached_tail_.clear();
    cached_tail_ += ",\"schema\":";
    JsonWriter::append_escaped(cached_tail_, c.table->schema);
    cached_tail_ += ",\"table\":";
    JsonWriter::append_escaped(cached_tail_, c.table->table);
    cached_tail_ += ",\"type\":\"";
    cached_tail_ += kind_name(c.kind);
    cached_tail_ += '"';
  }
  JsonWriter w(buf);
  w.begin_object();
  w.rendered_key("\"file\":");
  w.raw(file_json_);
  w.rendered_key("\"pos\":");
  w.uint64(c.pos);
  w.rendered_key("\"end_pos\":");
  w.uint64(c.end_pos);
  buf += ",\"ts\":\"";
  append_iso8601_utc(buf, c.timestamp);
  buf += '"';
  w.rendered_key("\"gtid\":");
  if (c.txn->gtid.empty()) w.null(); else w.string(c.txn->gtid);
  w.rendered_key("\"connection_id\":");
  if (c.txn->connection_id) w.uint64(*c.txn->connection_id); else w.null();
  buf += cached_tail_;
  w.rendered_key("\"before\":");
  if (c.before) binlog::write_row_json(w, *c.before, *c.table); else w.null();
  w.rendered_key("\"after\":");
  if (c.after) binlog::write_row_json(w, *c.after, *c.table); else w.null();
  w.end_object();
  buf += '\n';
}

Status ChangePrinter::on_event(const binlog::EventInfo& e) {
  if (!events_) return {};
  const binlog::EventHeader& h = *e.header;
  JsonWriter w(buf_);
  w.begin_object();
  w.key("file");
  w.string(file_);
  w.key("pos");
  w.uint64(e.pos);
  w.key("end_pos");
  w.uint64(e.end_pos);
  w.key("ts");
  w.raw("\"");
  append_iso8601_utc(buf_, h.timestamp);
  buf_ += '"';
  w.key("type");
  w.string(binlog::event_type_name(h.type));
  w.key("type_code");
  w.uint64(h.type);
  w.key("server_id");
  w.uint64(h.server_id);
  w.key("size");
  w.uint64(h.event_size);
  w.key("log_pos");
  w.uint64(h.log_pos);
  w.key("flags");
  w.uint64(h.flags);
  if (e.inner) {
    w.key("in_transaction_payload");
    w.boolean(true);
  }
  if (!e.details.empty()) {
    buf_ += ',';
    buf_ += e.details;
  }
  w.end_object();
  buf_ += '\n';
  maybe_flush();
  return {};
}

void ChangePrinter::flush() {
  if (!buf_.empty()) {
    std::fwrite(buf_.data(), 1, buf_.size(), out_);
    buf_.clear();
  }
  std::fflush(out_);
}

}  // namespace dbtrail::cli
