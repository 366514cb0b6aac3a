// The stateful heart of src/binlog: fed whole events in file order, it keeps
// the format description, the table maps and the open transaction, decodes
// rows events into row images and reports to a Sink. No I/O: callers (file
// reader, network stream) hand it buffers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "binlog/event_type.h"
#include "binlog/format_description.h"
#include "binlog/rows_event.h"
#include "binlog/table_map.h"
#include "binlog/value.h"
#include "util/result.h"

namespace dbtrail::binlog {

struct TransactionInfo {
  std::string gtid;       // "uuid:n", "uuid:tag:n", "domain-server-seq"; "" if anonymous
  uint64_t start_pos = 0; // offset of the transaction's first event
  uint64_t end_pos = 0;   // offset just after its last event (set when it commits)
  uint32_t timestamp = 0; // header time of its first event
  std::optional<uint64_t> connection_id;  // thread id from its BEGIN/statement QUERY
  bool open = false;
};

struct RowChange {
  const TableMap* table = nullptr;
  RowsKind kind = RowsKind::kNone;
  const RowImage* before = nullptr;  // null for INSERT
  const RowImage* after = nullptr;   // null for DELETE
  uint64_t pos = 0;                  // rows event offset (of the TRANSACTION_PAYLOAD for compressed ones)
  uint64_t end_pos = 0;
  uint32_t timestamp = 0;            // rows event header time
  const TransactionInfo* txn = nullptr;
};

struct EventInfo {
  uint64_t pos = 0;
  uint64_t end_pos = 0;
  const EventHeader* header = nullptr;
  bool inner = false;         // inside a TRANSACTION_PAYLOAD
  std::string_view details;   // JSON object members ("k":v,...) when details are enabled
};

struct QueryInfo {
  std::string_view schema;
  std::string_view sql;
  uint64_t pos = 0;
  uint64_t end_pos = 0;
  uint32_t timestamp = 0;
  uint32_t thread_id = 0;
};

// Receives what the decoder finds. A non-ok Status stops decoding and is
// returned from Decoder::feed.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status on_event(const EventInfo&) { return {}; }
  virtual Status on_row(const RowChange&) { return {}; }
  virtual Status on_query(const QueryInfo&) { return {}; }  // DDL and other statements
  virtual Status on_commit(const TransactionInfo&) { return {}; }
};

// A rows event the decoder has checked against its sequential state (FDE,
// table map, open transaction) but whose rows it has not decoded: everything
// decode_deferred_rows needs, on any thread, later. `head` views bytes of the
// event given to Decoder::feed (the caller keeps that buffer alive until the
// rows are decoded) or of *owner when the decoder produced them itself
// (MariaDB compressed rows, TRANSACTION_PAYLOAD inner events).
struct DeferredRows {
  std::shared_ptr<const TableMap> table;
  std::shared_ptr<const std::string> owner;  // null when head views the fed event
  RowsEventHead head;
  uint8_t type = 0;  // the rows event type code
  uint64_t pos = 0;
  uint64_t end_pos = 0;
  uint32_t timestamp = 0;
  TransactionInfo txn;  // the transaction as it stood at this event (gtid, connection id)
};

// Per-thread scratch for decode_deferred_rows (reused: no allocation once warm).
struct RowsScratch {
  Arena arena;
  RowImage before, after;
};

// Decodes the rows of `d` and reports each one to sink.on_row exactly as
// Decoder::feed would have (same RowChange fields, same order, same errors,
// stopping at the first failing row). Touches no Decoder: calls on different
// threads are safe with distinct `scratch` and sinks.
Status decode_deferred_rows(const DeferredRows& d, RowsScratch& scratch, Sink& sink);

struct DecoderOptions {
  bool verify_checksums = true;
  bool event_details = false;  // build EventInfo::details (for --events)
};

class Decoder {
 public:
  explicit Decoder(DecoderOptions opts = {});

  // Feeds one whole event (header, body, checksum trailer if any) found at `pos`.
  Status feed(Bytes event, uint64_t pos, Sink& sink);

  // Called for each new TABLE_MAP before use: may fill names, signedness,
  // collations from another source (e.g. --schema-from a live server).
  void set_table_resolver(std::function<void(TableMap&)> fn) { resolver_ = std::move(fn); }

  const FormatDescription& format() const { return fde_; }
  bool seen_format_description() const { return seen_fde_; }
  const TransactionInfo& transaction() const { return txn_; }
  // Name of the file a ROTATE pointed to last ("" if none).
  const std::string& rotate_target() const { return rotate_target_; }
  // Forget per-file state (a new file starts with its own FDE).
  void reset_file();

  // Deferred rows: with a handler set (and event_details off; the details
  // carry the row count), rows events are checked as usual but their rows are
  // not decoded; the handler receives them instead and its Status is returned
  // from feed like a Sink's. Sink::on_row is then never called by feed. Lets a
  // caller decode rows events on other threads (decode_deferred_rows) while
  // this decoder keeps the sequential state. Pass an empty function to stop.
  void set_rows_deferral(std::function<Status(DeferredRows&&)> fn) { defer_ = std::move(fn); }

 private:
  Status dispatch(const EventHeader& h, Bytes body, uint64_t pos, uint64_t end_pos, bool inner,
                  Sink& sink);
  Status on_rows(const EventHeader& h, Bytes body, uint64_t pos, uint64_t end_pos, Sink& sink);
  Status on_payload(Bytes body, uint64_t pos, uint64_t end_pos, Sink& sink);
  void begin_txn(uint64_t pos, uint32_t ts);
  Status commit_txn(uint64_t end_pos, Sink& sink);
  Status resolve_json_diffs(const TableMap& t, const RowImage& before, RowImage& after);

  DecoderOptions opts_;
  FormatDescription fde_;
  bool seen_fde_ = false;
  std::unordered_map<uint64_t, std::shared_ptr<TableMap>> tables_;
  std::function<void(TableMap&)> resolver_;
  TransactionInfo txn_;
  bool in_begin_ = false;          // a BEGIN (or XA START) opened the transaction
  bool standalone_pending_ = false;  // MariaDB FL_STANDALONE group: ends after its statement
  std::string rotate_target_;
  std::string details_;
  Arena arena_;
  RowImage before_, after_;
  std::function<Status(DeferredRows&&)> defer_;
  // The decompressed TRANSACTION_PAYLOAD whose inner events are being
  // dispatched, shared with deferred rows that view it.
  std::shared_ptr<const std::string> payload_owner_;
};

}  // namespace dbtrail::binlog
