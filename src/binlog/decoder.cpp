#include "binlog/decoder.h"

#include <string>

#include "binlog/compression.h"
#include "binlog/events.h"
#include "binlog/gtid.h"
#include "binlog/json_binary.h"
#include "binlog/rows_event.h"
#include "util/json_writer.h"

namespace dbtrail::binlog {

namespace {

std::string at(uint64_t pos) { return " at offset " + std::to_string(pos); }

Error with_position(const Error& e, const EventHeader& h, uint64_t pos) {
  return make_error(e.code, event_type_name(h.type) + " event" + at(pos) + ": " + e.message);
}

// Small helpers for --events details: `"key":value` members appended to a string.
void detail_str(std::string& d, std::string_view k, std::string_view v) {
  if (!d.empty()) d += ',';
  JsonWriter::append_escaped(d, k);
  d += ':';
  JsonWriter::append_escaped(d, v);
}
void detail_num(std::string& d, std::string_view k, uint64_t v) {
  if (!d.empty()) d += ',';
  JsonWriter::append_escaped(d, k);
  d += ':';
  d += std::to_string(v);
}

Status resolve_json_diffs_in(const TableMap& t, const RowImage& before, RowImage& after,
                             Arena& arena) {
  for (size_t i = 0; i < after.values.size(); ++i) {
    Value& v = after.values[i];
    if (!after.present[i] || v.kind != ValueKind::kBytes || v.frac_digits != 1 ||
        t.columns[i].type != kTypeJson) {
      continue;
    }
    // The diff applies to the before value; without it (a MINIMAL before
    // image) the diff stays as it is and the caller shows it unresolved.
    if (i >= before.values.size() || !before.present[i]) continue;
    const Value& b = before.values[i];
    std::string doc;
    if (b.kind == ValueKind::kJsonBinary) {
      Cursor bc(Bytes(reinterpret_cast<const uint8_t*>(b.bytes.data()), b.bytes.size()));
      DBT_TRY(json_binary_to_text(bc.rest(), doc));
    } else if (b.kind == ValueKind::kJsonText) {
      doc.assign(b.bytes);
    } else {
      doc = "null";
    }
    auto r = json_apply_diffs(
        doc, Bytes(reinterpret_cast<const uint8_t*>(v.bytes.data()), v.bytes.size()));
    if (!r.ok()) return r.error();
    Value nv;
    nv.kind = ValueKind::kJsonText;
    nv.bytes = arena.store(std::move(r.value()));
    v = nv;
  }
  return {};
}

// The rows of one rows event, each reported to the sink as it is decoded.
// `ch` arrives with table/kind/pos/end_pos/timestamp/txn set. Shared by the
// decoder and decode_deferred_rows so both paths decode identically.
Status decode_rows(const TableMap& table, const RowsEventHead& head, uint8_t type, RowChange& ch,
                   Arena& arena, RowImage& before, RowImage& after, Sink& sink, uint64_t& rows) {
  const RowsKind kind = ch.kind;
  const uint64_t pos = ch.pos;
  arena.clear();
  Cursor c(head.rows);
  while (!c.empty()) {
    if (kind == RowsKind::kWrite) {
      DBT_TRY(decode_row_image(c, table, head, head.columns_before, {}, arena, after));
      ch.before = nullptr;
      ch.after = &after;
    } else if (kind == RowsKind::kDelete) {
      DBT_TRY(decode_row_image(c, table, head, head.columns_before, {}, arena, before));
      ch.before = &before;
      ch.after = nullptr;
    } else {
      DBT_TRY(decode_row_image(c, table, head, head.columns_before, {}, arena, before));
      Bytes partial;
      if (type == kPartialUpdateRows) {
        uint64_t value_options = c.packed_int();
        if (value_options & 1) {
          uint32_t json_cols = 0;
          for (uint32_t i = 0; i < head.column_count; ++i) {
            if (bit_set(head.columns_after, i) && table.columns[i].type == kTypeJson) ++json_cols;
          }
          partial = c.bytes((json_cols + 7) / 8);
        }
        if (!c.ok()) {
          return make_error(ErrorCode::kCorrupt, "PARTIAL_UPDATE_ROWS event" + at(pos) +
                                                     " ends inside a row's value options");
        }
      }
      DBT_TRY(decode_row_image(c, table, head, head.columns_after, partial, arena, after));
      if (!partial.empty()) DBT_TRY(resolve_json_diffs_in(table, before, after, arena));
      ch.before = &before;
      ch.after = &after;
    }
    ++rows;
    DBT_TRY(sink.on_row(ch));
  }
  return {};
}

}  // namespace

Status decode_deferred_rows(const DeferredRows& d, RowsScratch& scratch, Sink& sink) {
  RowChange ch;
  ch.table = d.table.get();
  ch.kind = rows_kind(d.type);
  ch.pos = d.pos;
  ch.end_pos = d.end_pos;
  ch.timestamp = d.timestamp;
  ch.txn = &d.txn;
  uint64_t rows = 0;
  return decode_rows(*d.table, d.head, d.type, ch, scratch.arena, scratch.before, scratch.after,
                     sink, rows);
}

Decoder::Decoder(DecoderOptions opts) : opts_(opts), fde_(default_format_description()) {}

void Decoder::reset_file() {
  fde_ = default_format_description();
  seen_fde_ = false;
  tables_.clear();
}

void Decoder::begin_txn(uint64_t pos, uint32_t ts) {
  txn_ = TransactionInfo{};
  txn_.open = true;
  txn_.start_pos = pos;
  txn_.timestamp = ts;
  in_begin_ = false;
  standalone_pending_ = false;
}

Status Decoder::commit_txn(uint64_t end_pos, Sink& sink) {
  if (!txn_.open) return {};
  txn_.end_pos = end_pos;
  txn_.open = false;
  in_begin_ = false;
  standalone_pending_ = false;
  return sink.on_commit(txn_);
}

Status Decoder::feed(Bytes ev, uint64_t pos, Sink& sink) {
  if (ev.size() < kHeaderLen) {
    return make_error(ErrorCode::kCorrupt, "event" + at(pos) + " is " + std::to_string(ev.size()) +
                                               " bytes, shorter than its 19-byte header");
  }
  EventHeader h = parse_header(ev);
  if (h.event_size != ev.size()) {
    return make_error(ErrorCode::kCorrupt, "event" + at(pos) + " declares " +
                                               std::to_string(h.event_size) + " bytes but " +
                                               std::to_string(ev.size()) + " were given");
  }
  if (h.type == kFormatDescription) {
    auto f = parse_format_description(ev);
    if (!f.ok()) return with_position(f.error(), h, pos);
    fde_ = std::move(f.value());
    seen_fde_ = true;
    tables_.clear();
  } else if (h.type == kStartV3) {
    return make_error(ErrorCode::kUnsupported,
                      "START_V3 event" + at(pos) +
                          ": this is a binlog v1/v3 file (MySQL 4.x or older); dbtrail reads v4 "
                          "binlogs (MySQL 5.0+, MariaDB)");
  }
  size_t trailer = fde_.trailer();
  if (trailer && ev.size() < kHeaderLen + trailer) {
    return make_error(ErrorCode::kCorrupt, event_type_name(h.type) + " event" + at(pos) +
                                               " is too short to hold its CRC32");
  }
  if (trailer && opts_.verify_checksums && !verify_event_crc(ev)) {
    return make_error(ErrorCode::kCorrupt,
                      "CRC32 mismatch in " + event_type_name(h.type) + " event" + at(pos) +
                          " (" + std::to_string(h.event_size) +
                          " bytes): the file is damaged here; events before this offset are valid");
  }
  Bytes body = ev.subspan(kHeaderLen, ev.size() - kHeaderLen - trailer);
  return dispatch(h, body, pos, pos + h.event_size, false, sink);
}

Status Decoder::dispatch(const EventHeader& h, Bytes body, uint64_t pos, uint64_t end_pos,
                         bool inner, Sink& sink) {
  std::string& d = details_;
  d.clear();
  const bool want = opts_.event_details;
  Status st;

  switch (h.type) {
    case kFormatDescription:
      if (want) {
        detail_str(d, "server_version", fde_.server_version);
        detail_num(d, "binlog_version", fde_.binlog_version);
        detail_str(d, "checksum", fde_.checksum == ChecksumAlg::kCrc32 ? "CRC32" : "NONE");
        if (h.flags & kFlagBinlogInUse) detail_num(d, "in_use", 1);
      }
      break;
    case kQuery:
    case kMariaQueryCompressed: {
      std::string plain;
      Bytes qbody = body;
      if (h.type == kMariaQueryCompressed) {
        auto p = mariadb_plain_query_body(body, fde_.post_header(h.type, 13));
        if (!p.ok()) return with_position(p.error(), h, pos);
        plain = std::move(p.value());
        qbody = Bytes(reinterpret_cast<const uint8_t*>(plain.data()), plain.size());
      }
      auto q = parse_query(qbody, fde_.post_header(kQuery, 13));
      if (!q.ok()) return with_position(q.error(), h, pos);
      if (want) {
        detail_num(d, "thread_id", q->thread_id);
        detail_str(d, "schema", q->schema);
        detail_str(d, "query", q->query);
      }
      QueryKind kind = classify_query(q->query);
      if (kind == QueryKind::kXaBoundary) {
        std::string_view s = q->query;
        bool start = s.size() >= 8 && (s.substr(3, 5) == "START" || s.substr(3, 5) == "BEGIN");
        bool end = s.size() >= 6 && s.substr(3, 3) == "END";
        kind = start ? QueryKind::kBegin : end ? QueryKind::kOther : QueryKind::kCommit;
        if (!start && !end && !txn_.open) begin_txn(pos, h.timestamp);
      }
      switch (kind) {
        case QueryKind::kBegin:
          if (!txn_.open) begin_txn(pos, h.timestamp);
          in_begin_ = true;
          txn_.connection_id = q->thread_id;
          break;
        case QueryKind::kCommit:
        case QueryKind::kRollback:
          if (!txn_.open) begin_txn(pos, h.timestamp);
          st = commit_txn(end_pos, sink);
          break;
        default: {
          bool standalone = !in_begin_;
          if (!txn_.open) begin_txn(pos, h.timestamp);
          if (!txn_.connection_id) txn_.connection_id = q->thread_id;
          QueryInfo qi{q->schema, q->query, pos, end_pos, h.timestamp, q->thread_id};
          st = sink.on_query(qi);
          if (st.ok() && (standalone || standalone_pending_)) st = commit_txn(end_pos, sink);
          break;
        }
      }
      break;
    }
    case kXid: {
      auto x = parse_xid(body);
      if (!x.ok()) return with_position(x.error(), h, pos);
      if (want) detail_num(d, "xid", *x);
      if (!txn_.open) begin_txn(pos, h.timestamp);
      st = commit_txn(end_pos, sink);
      break;
    }
    case kXaPrepare:
      if (!txn_.open) begin_txn(pos, h.timestamp);
      st = commit_txn(end_pos, sink);
      break;
    case kRotate: {
      auto r = parse_rotate(body, fde_.post_header(kRotate, 8));
      if (!r.ok()) return with_position(r.error(), h, pos);
      rotate_target_.assign(r->next_file);
      if (want) {
        detail_str(d, "next_file", r->next_file);
        detail_num(d, "position", r->position);
      }
      break;
    }
    case kGtid:
    case kAnonymousGtid:
    case kGtidTagged: {
      auto g = parse_mysql_gtid(body, h.type);
      if (!g.ok()) return with_position(g.error(), h, pos);
      begin_txn(pos, h.timestamp);
      txn_.gtid = g->to_string();
      if (want) {
        if (!txn_.gtid.empty()) detail_str(d, "gtid", txn_.gtid);
        detail_num(d, "last_committed", static_cast<uint64_t>(g->last_committed));
        detail_num(d, "sequence_number", static_cast<uint64_t>(g->sequence_number));
      }
      break;
    }
    case kMariaGtid: {
      auto g = parse_maria_gtid(body, h.server_id);
      if (!g.ok()) return with_position(g.error(), h, pos);
      begin_txn(pos, h.timestamp);
      txn_.gtid = g->to_string();
      // A MariaDB GTID replaces BEGIN; a standalone group ends with its statement.
      in_begin_ = !g->standalone();
      standalone_pending_ = g->standalone();
      if (want) {
        detail_str(d, "gtid", txn_.gtid);
        detail_num(d, "flags", g->flags);
      }
      break;
    }
    case kPreviousGtids: {
      auto s = parse_previous_gtids(body);
      if (!s.ok()) return with_position(s.error(), h, pos);
      if (want) detail_str(d, "gtid_set", format_gtid_set(*s));
      break;
    }
    case kMariaGtidList: {
      auto s = parse_maria_gtid_list(body);
      if (!s.ok()) return with_position(s.error(), h, pos);
      if (want) detail_str(d, "gtid_list", format_maria_gtid_list(*s));
      break;
    }
    case kTableMap: {
      auto t = parse_table_map(body, fde_.post_header(kTableMap, 8), fde_.mariadb);
      if (!t.ok()) return with_position(t.error(), h, pos);
      if (resolver_) resolver_(*t.value());
      if (want) {
        detail_num(d, "table_id", t.value()->table_id);
        detail_str(d, "schema", t.value()->schema);
        detail_str(d, "table", t.value()->table);
        detail_num(d, "columns", t.value()->columns.size());
      }
      tables_[t.value()->table_id] = std::move(t.value());
      break;
    }
    case kRowsQuery:
      if (want) detail_str(d, "query", parse_rows_query(body));
      break;
    case kMariaAnnotateRows:
      if (want) detail_str(d, "query", parse_annotate_rows(body));
      break;
    case kTransactionPayload:
      if (inner) return make_error(ErrorCode::kCorrupt, "TRANSACTION_PAYLOAD nested in another" + at(pos));
      if (want) detail_num(d, "payload_bytes", body.size());
      // Report the payload itself first, then its inner events.
      {
        EventInfo info{pos, end_pos, &h, inner, d};
        DBT_TRY(sink.on_event(info));
      }
      return on_payload(body, pos, end_pos, sink);
    case kIncident: {
      auto e = parse_incident(body);
      if (!e.ok()) return with_position(e.error(), h, pos);
      if (want) {
        detail_num(d, "incident", e->number);
        detail_str(d, "message", e->message);
      }
      break;
    }
    case kMariaStartEncryption:
      return make_error(ErrorCode::kUnsupported,
                        "START_ENCRYPTION event" + at(pos) +
                            ": this binlog file is encrypted (encrypt_binlog=ON) and cannot be "
                            "read without the server's key; stream it from the server instead "
                            "(replicas receive decrypted events)");
    case kStop:
    case kIntvar:
    case kRand:
    case kUserVar:
    case kHeartbeat:
    case kHeartbeatV2:
    case kIgnorable:
    case kMariaBinlogCheckpoint:
    case kBeginLoadQuery:
    case kExecuteLoadQuery:
    case kAppendBlock:
    case kLoad:
    case kCreateFile:
    case kExecLoad:
    case kDeleteFile:
    case kNewLoad:
    case kSlave:
    case kTransactionContext:
    case kViewChange:
    case kPreGaWriteRows:
    case kPreGaUpdateRows:
    case kPreGaDeleteRows:
      // Statement-context, load-data and control events carry no row images.
      // Pre-GA (5.1 beta) rows events have a layout no released server wrote.
      break;
    default:
      if (rows_kind(h.type) != RowsKind::kNone) {
        st = on_rows(h, body, pos, end_pos, sink);
        break;
      }
      if (!(h.flags & kFlagIgnorable)) {
        return make_error(ErrorCode::kUnsupported,
                          "unknown event type " + std::to_string(h.type) + at(pos) + " (" +
                              std::to_string(h.event_size) +
                              " bytes, not marked ignorable); this server writes events dbtrail "
                              "does not know: please report the server version");
      }
      break;
  }
  if (!st.ok()) return st;
  EventInfo info{pos, end_pos, &h, inner, d};
  return sink.on_event(info);
}

Status Decoder::on_payload(Bytes body, uint64_t pos, uint64_t end_pos, Sink& sink) {
  auto plain = decompress_transaction_payload(body);
  if (!plain.ok()) {
    return make_error(plain.error().code, "TRANSACTION_PAYLOAD event" + at(pos) + ": " +
                                              plain.error().message);
  }
  // Shared, not local: deferred inner rows events view these bytes after this returns.
  auto owner = std::make_shared<const std::string>(std::move(plain.value()));
  Bytes all(reinterpret_cast<const uint8_t*>(owner->data()), owner->size());
  payload_owner_ = owner;
  struct ClearOwner {
    std::shared_ptr<const std::string>& p;
    ~ClearOwner() { p.reset(); }
  } clear_owner{payload_owner_};
  size_t off = 0;
  while (off < all.size()) {
    if (all.size() - off < kHeaderLen) {
      return make_error(ErrorCode::kCorrupt, "TRANSACTION_PAYLOAD" + at(pos) +
                                                 " ends inside an inner event header");
    }
    EventHeader ih = parse_header(all.subspan(off));
    if (ih.event_size < kHeaderLen || ih.event_size > all.size() - off) {
      return make_error(ErrorCode::kCorrupt, "TRANSACTION_PAYLOAD" + at(pos) +
                                                 ": inner event at payload offset " +
                                                 std::to_string(off) + " declares size " +
                                                 std::to_string(ih.event_size));
    }
    // Inner events are written without checksums.
    Bytes inner_body = all.subspan(off + kHeaderLen, ih.event_size - kHeaderLen);
    DBT_TRY(dispatch(ih, inner_body, pos, end_pos, true, sink));
    off += ih.event_size;
  }
  return {};
}

Status Decoder::on_rows(const EventHeader& h, Bytes body, uint64_t pos, uint64_t end_pos,
                        Sink& sink) {
  uint8_t type = h.type;
  // Who owns `body` when it is not the fed event: a deferred event keeps it.
  std::shared_ptr<const std::string> owner = payload_owner_;
  if (is_mariadb_compressed_rows(type)) {
    auto p = mariadb_plain_rows_body(body, type, fde_.post_header(type, 8));
    if (!p.ok()) return with_position(p.error(), h, pos);
    owner = std::make_shared<const std::string>(std::move(p.value()));
    body = Bytes(reinterpret_cast<const uint8_t*>(owner->data()), owner->size());
  }
  uint8_t phl = fde_.post_header(type, is_rows_v2(type) ? 10 : 8);
  auto head_r = parse_rows_head(body, type, phl);
  if (!head_r.ok()) return with_position(head_r.error(), h, pos);
  const RowsEventHead& head = head_r.value();
  auto it = tables_.find(head.table_id);
  if (it == tables_.end()) {
    return make_error(ErrorCode::kCorrupt,
                      event_type_name(type) + " event" + at(pos) + " uses table id " +
                          std::to_string(head.table_id) +
                          " with no TABLE_MAP before it; decoding must start at a transaction "
                          "boundary (a GTID or BEGIN event), not in the middle of one");
  }
  const TableMap& table = *it->second;
  if (head.column_count > table.columns.size()) {
    return make_error(ErrorCode::kCorrupt,
                      event_type_name(type) + " event" + at(pos) + " has " +
                          std::to_string(head.column_count) + " columns but its TABLE_MAP for " +
                          table.schema + "." + table.table + " has " +
                          std::to_string(table.columns.size()));
  }
  if (!txn_.open) begin_txn(pos, h.timestamp);
  if (opts_.event_details) {
    detail_num(details_, "table_id", head.table_id);
    detail_str(details_, "schema", table.schema);
    detail_str(details_, "table", table.table);
  }
  RowsKind kind = rows_kind(type);
  if (defer_ && !opts_.event_details) {
    DeferredRows d;
    d.table = it->second;
    d.owner = std::move(owner);
    d.head = head;
    d.type = type;
    d.pos = pos;
    d.end_pos = end_pos;
    d.timestamp = h.timestamp;
    d.txn = txn_;
    return defer_(std::move(d));
  }
  RowChange ch;
  ch.table = &table;
  ch.kind = kind;
  ch.pos = pos;
  ch.end_pos = end_pos;
  ch.timestamp = h.timestamp;
  ch.txn = &txn_;
  uint64_t rows = 0;
  DBT_TRY(decode_rows(table, head, type, ch, arena_, before_, after_, sink, rows));
  if (opts_.event_details) detail_num(details_, "rows", rows);
  return {};
}

Status Decoder::resolve_json_diffs(const TableMap& t, const RowImage& before, RowImage& after) {
  return resolve_json_diffs_in(t, before, after, arena_);
}

}  // namespace dbtrail::binlog
