#include "stream/pipeline.h"

#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "binlog/decoder.h"
#include "mysql/binlog_files.h"
#include "schema/snapshot_taker.h"
#include "stream/binlog_source.h"
#include "stream/change_builder.h"
#include "stream/gtid_set.h"
#include "stream/schema_tracker.h"

namespace dbtrail::stream {
namespace {

using Clock = std::chrono::steady_clock;

// Who the source is, to tell a rebuilt server from the one a checkpoint came from.
struct SourceIdentity {
  bool mariadb = false;
  std::string id;  // MySQL @@server_uuid; MariaDB "server_id=N,domain=D"
};

Result<std::string> one_value(mysql::Connection& c, const char* sql) {
  auto rows = c.query(sql);
  if (!rows.ok()) return rows.error();
  if (rows->empty() || rows->front().empty() || !rows->front()[0]) return std::string();
  return *rows->front()[0];
}

Result<SourceIdentity> identify(mysql::Connection& c) {
  auto version = one_value(c, "SELECT VERSION()");
  if (!version.ok()) return version.error();
  SourceIdentity id;
  id.mariadb = version->find("MariaDB") != std::string::npos;
  if (id.mariadb) {
    auto rows = c.query("SELECT @@server_id, @@gtid_domain_id");
    if (!rows.ok()) return rows.error();
    const mysql::Row& r = rows->at(0);
    id.id = "server_id=" + r[0].value_or("") + ",domain=" + r[1].value_or("");
  } else {
    auto uuid = one_value(c, "SELECT @@server_uuid");
    if (!uuid.ok()) return uuid.error();
    id.id = *uuid;
  }
  return id;
}

struct Position {
  std::string file;
  uint64_t pos = 4;
  std::string gtid_set;
};

// SHOW MASTER STATUS (MariaDB, MySQL < 8.4) / SHOW BINARY LOG STATUS (8.4+),
// and the GTID set executed up to there.
Result<Position> current_position(mysql::Connection& c, bool mariadb) {
  auto rows = c.query("SHOW MASTER STATUS");
  if (!rows.ok()) rows = c.query("SHOW BINARY LOG STATUS");
  if (!rows.ok()) return rows.error();
  if (rows->empty() || !(*rows)[0][0]) {
    return make_error(ErrorCode::kPrerequisite,
                      "the source reports no binary log position (SHOW MASTER STATUS is empty): "
                      "is log_bin ON? run dbtrail check");
  }
  Position p;
  p.file = *(*rows)[0][0];
  p.pos = std::stoull((*rows)[0][1].value_or("4"));
  auto g = one_value(c, mariadb ? "SELECT @@gtid_binlog_pos" : "SELECT @@gtid_executed");
  if (!g.ok()) return g.error();
  for (char ch : *g)
    if (ch != '\n') p.gtid_set += ch;
  return p;
}

std::string describe(const index::Checkpoint& cp) {
  std::string s = cp.binlog_file + ":" + std::to_string(cp.position);
  if (!cp.gtid_set.empty()) s += " (GTID set " + cp.gtid_set + ")";
  return s;
}

// Collects rows of whole transactions and writes them with their checkpoint.
class StreamSink : public binlog::Sink {
 public:
  StreamSink(index::Store& store, const StreamOptions& o, StreamMetrics& m, index::Checkpoint cp,
             GtidSet gtids)
      : store_(store), opts_(o), m_(m), durable_(std::move(cp)), gtids_(std::move(gtids)) {
    committed_ = durable_;
  }

  // The event about to be fed: its file, and its header time for the lag.
  void at_event(std::string_view f, uint32_t timestamp) {
    if (file_ != f) file_.assign(f);
    event_time_ = timestamp;
  }

  // Schema versions (may stay null): rows are stamped with the current one
  // and DDL moves it. `dec` is the decoder feeding this sink (for the GTID).
  void set_schema(SchemaTracker* schema, const binlog::Decoder* dec) {
    schema_ = schema;
    dec_ = dec;
  }

  Status on_query(const binlog::QueryInfo& q) override {
    // The version is stored before any checkpoint can pass this DDL; a crash
    // in between re-reads the DDL, which then finds the version stored.
    if (schema_) return schema_->on_query(q, dec_->transaction().gtid);
    return {};
  }

  Status on_row(const binlog::RowChange& c) override {
    const binlog::TableMap& t = *c.table;
    if (!opts_.schemas.empty() && !opts_.schemas.count(t.schema)) return {};
    if (!opts_.tables.empty() && !opts_.tables.count(t.schema + "." + t.table)) return {};
    if (c.kind == binlog::RowsKind::kNone) return {};
    if (rows_.size() == used_) rows_.emplace_back();
    BuildOptions bo;
    if (schema_) bo.schema_version = schema_->version();
    build_change(c, file_, bo, rows_[used_++]);
    return {};
  }

  Status on_commit(const binlog::TransactionInfo& txn) override {
    DBT_TRY(gtids_.add(txn.gtid));
    committed_rows_ = used_;
    committed_.binlog_file = file_;
    committed_.position = txn.end_pos;
    committed_.gtid_set = gtids_.to_string();
    committed_time_ = event_time_;
    dirty_ = true;
    ++committed_txns_;
    if (committed_rows_ >= opts_.batch_size) return flush();
    return {};
  }

  // A point between transactions that is not a commit (the head events of a
  // new file): safe to resume from, so the checkpoint may move there.
  void between_transactions(std::string_view file, uint64_t end_pos) {
    committed_rows_ = used_;  // nothing is open, so every buffered row is committed
    committed_.binlog_file.assign(file);
    committed_.position = end_pos;
    committed_time_ = event_time_;
    dirty_ = true;
  }

  bool flush_due() const {
    if (!dirty_) return false;
    std::chrono::duration<double> age = Clock::now() - last_flush_;
    return age.count() >= opts_.checkpoint_interval_s;
  }

  // Writes the rows of complete transactions with the checkpoint they reach.
  Status flush() {
    last_flush_ = Clock::now();
    if (!dirty_) return {};
    std::vector<index::ChangeRecord> batch;
    batch.reserve(committed_rows_);
    for (size_t i = 0; i < committed_rows_; ++i) batch.push_back(std::move(rows_[i]));
    index::Checkpoint cp = committed_;
    int64_t now_ms = unix_now_ms();
    cp.updated_at = now_ms / 1000;
    if (Status s = store_.write_batch(batch, cp); !s.ok()) {
      m_.count(StreamError::kStore);
      return s;
    }
    durable_ = cp;
    record_durable(batch.size(), now_ms);
    // Rows of a transaction still open move to the front.
    size_t keep = used_ - committed_rows_;
    for (size_t i = 0; i < keep; ++i) std::swap(rows_[i], rows_[committed_rows_ + i]);
    used_ = keep;
    committed_rows_ = 0;
    dirty_ = false;
    return {};
  }

  // After a lost connection: rows of the open transaction will come again.
  // Nothing stays pending: what is committed becomes durable with the next flush.
  void discard_open() {
    used_ = committed_rows_;
    m_.pending_since.store(0, StreamMetrics::kRelaxed);
  }

  bool dirty() const { return dirty_; }
  const index::Checkpoint& durable() const { return durable_; }

 private:
  void record_durable(size_t rows, int64_t at_ms) {
    constexpr auto r = StreamMetrics::kRelaxed;
    m_.rows_indexed.fetch_add(rows, r);
    m_.batches_committed.fetch_add(1, r);
    m_.transactions_indexed.fetch_add(committed_txns_, r);
    committed_txns_ = 0;
    m_.last_checkpoint_ms.store(at_ms, r);
    if (committed_time_ != 0) m_.indexed_event_time.store(committed_time_, r);
    // The caller marks what is still open as pending again (Pipeline::pump).
    m_.pending_since.store(0, r);
  }

  index::Store& store_;
  const StreamOptions& opts_;
  StreamMetrics& m_;
  index::Checkpoint durable_;    // what the index holds
  index::Checkpoint committed_;  // the last complete transaction seen
  GtidSet gtids_;
  std::string file_;
  SchemaTracker* schema_ = nullptr;
  const binlog::Decoder* dec_ = nullptr;
  std::vector<index::ChangeRecord> rows_;  // reused across batches
  size_t used_ = 0;
  size_t committed_rows_ = 0;
  bool dirty_ = false;
  Clock::time_point last_flush_ = Clock::now();
  uint32_t event_time_ = 0;      // header time of the event being fed
  uint32_t committed_time_ = 0;  // ... of the event that completed committed_
  uint64_t committed_txns_ = 0;  // transactions committed_ covers that durable_ does not
};

// A source error is the connection's (retried) or the source's refusal.
StreamError source_error_kind(const Error& e) {
  return e.code == ErrorCode::kConnection ? StreamError::kConnection : StreamError::kSource;
}

bool between_transactions_event(uint8_t type) {
  return type == binlog::kFormatDescription || type == binlog::kPreviousGtids ||
         type == binlog::kMariaGtidList || type == binlog::kMariaBinlogCheckpoint;
}

class Pipeline {
 public:
  Pipeline(index::Store& store, const StreamOptions& o)
      : store_(store), o_(o), m_(o.metrics != nullptr ? *o.metrics : own_metrics_) {}

  void log(const std::string& line) {
    if (o_.log) o_.log(line);
  }
  bool stopping() const { return o_.stop != nullptr && *o_.stop != 0; }

  Result<StreamStats> run() {
    std::string name =
        o_.source_name.empty() ? o_.dsn.host + ":" + std::to_string(o_.dsn.port) : o_.source_name;
    auto conn = mysql::Connection::open(o_.dsn, o_.connect);
    if (!conn.ok()) return counted(source_error_kind(conn.error()), conn.error());
    auto ident = identify(**conn);
    if (!ident.ok()) return counted(source_error_kind(ident.error()), ident.error());
    identity_ = *ident;

    auto stored = store_.load_checkpoint(name);
    if (!stored.ok()) return counted(StreamError::kStore, stored.error());
    index::Checkpoint cp;
    cp.source = name;
    cp.server_uuid = identity_.id;
    bool from_gtid = false;
    bool write_start = false;
    if (stored->has_value() && !o_.reset_checkpoint) {
      cp = **stored;
      m_.last_checkpoint_ms.store(cp.updated_at * 1000, StreamMetrics::kRelaxed);
      if (Status s = check_identity(cp); !s.ok()) return counted(StreamError::kSource, s.error());
      if (Status s = check_not_purged(**conn, cp); !s.ok())
        return counted(source_error_kind(s.error()), s.error());
      log("resuming " + name + " from its checkpoint " + describe(cp));
    } else {
      if (!o_.start_gtid.empty()) {
        from_gtid = true;
        cp.gtid_set = o_.start_gtid;
        cp.binlog_file.clear();
        cp.position = 0;
      } else if (!o_.start_file.empty()) {
        cp.binlog_file = o_.start_file;
        cp.position = o_.start_pos;
      } else {
        auto cur = current_position(**conn, identity_.mariadb);
        if (!cur.ok()) return counted(source_error_kind(cur.error()), cur.error());
        cp.binlog_file = cur->file;
        cp.position = cur->pos;
        cp.gtid_set = cur->gtid_set;
      }
      if (stored->has_value()) {
        // The operator chose to skip: say exactly what is not indexed.
        log("--reset-checkpoint: discarding checkpoint " + describe(**stored) + " of source " +
            (*stored)->server_uuid + "; starting at " +
            (from_gtid ? "GTID set " + cp.gtid_set : describe(cp)) + " of source " + identity_.id +
            "; transactions between the two are NOT in the index");
      } else {
        log("no checkpoint for " + name + ": starting at " +
            (from_gtid ? "GTID set " + cp.gtid_set : describe(cp)));
      }
      write_start = !from_gtid;
    }
    DBT_TRY(load_schema(**conn, cp, write_start && o_.start_file.empty()));
    conn->reset();

    auto gtids = GtidSet::parse(cp.gtid_set);
    if (!gtids.ok()) return gtids.error();
    const StreamStats at_start = totals();
    StreamSink sink(store_, o_, m_, cp, std::move(*gtids));
    if (write_start) {
      // Record the start (and a reset) at once, so a restart before the first
      // transaction starts here too.
      sink.between_transactions(cp.binlog_file, cp.position);
      DBT_TRY(sink.flush());
    }

    double backoff = o_.backoff_initial_s;
    bool first = true;
    while (!stopping()) {
      if (!first) {
        // Reconnect from what is durable; rows of an open transaction come again.
        sink.discard_open();
        DBT_TRY(sink.flush());
        m_.reconnects.fetch_add(1, StreamMetrics::kRelaxed);
        m_.source_idle.store(false, StreamMetrics::kRelaxed);  // unknown until it speaks again
        sleep_unless_stopped(backoff);
        backoff = std::min(backoff * 2, o_.backoff_max_s);
        if (stopping()) break;
        auto c = mysql::Connection::open(o_.dsn, o_.connect);
        if (!c.ok()) {
          m_.count(StreamError::kConnection);
          log("reconnect failed: " + c.error().message + "; retrying");
          continue;
        }
        auto again = identify(**c);
        if (!again.ok()) {
          m_.count(StreamError::kConnection);
          log("reconnect failed: " + again.error().message + "; retrying");
          continue;
        }
        identity_ = *again;
        if (Status s = check_identity(sink.durable()); !s.ok())
          return counted(StreamError::kSource, s.error());
      }
      first = false;
      const index::Checkpoint& at = sink.durable();
      NetworkSourceOptions so;
      so.dsn = o_.dsn;
      so.connect = o_.connect;
      so.dump.server_id = o_.server_id;
      so.dump.heartbeat_period_s = o_.heartbeat_s;
      if (from_gtid && at.binlog_file.empty()) {
        so.dump.gtid_mode =
            identity_.mariadb ? mysql::DumpGtidMode::kMariaDb : mysql::DumpGtidMode::kMySql;
        so.dump.gtid_set = at.gtid_set;
      } else {
        so.dump.file = at.binlog_file;
        so.dump.position = at.position;
      }
      auto src = open_network_source(so);
      if (!src.ok()) {
        m_.count(source_error_kind(src.error()));
        if (src.error().code == ErrorCode::kNotFound) return purged_error(at, src.error());
        if (src.error().code != ErrorCode::kConnection) return src.error();
        log("cannot start the binlog dump: " + src.error().message + "; retrying");
        continue;
      }
      Status st = pump(**src, sink, backoff);  // counts its own errors
      if (!st.ok()) {
        if (st.error().code == ErrorCode::kNotFound)
          return purged_error(sink.durable(), st.error());
        if (st.error().code != ErrorCode::kConnection) return st.error();
        log("lost the source: " + st.error().message + "; resuming from " +
            describe(sink.durable()));
      }
    }
    DBT_TRY(sink.flush());
    log("stopped at " + describe(sink.durable()));
    StreamStats now = totals();
    return StreamStats{now.rows - at_start.rows, now.transactions - at_start.transactions,
                       now.batches - at_start.batches, now.reconnects - at_start.reconnects};
  }

 private:
  // The schema versions of the index, after storing a snapshot of the source
  // as the first one when there are none. `fresh`: streaming starts at the
  // source's current position `start`, read just before the tables, so the
  // snapshot is valid from there; otherwise from the position it was taken at
  // (rows before it are named with it too, the closest knowledge there is).
  Status load_schema(mysql::Connection& c, const index::Checkpoint& start, bool fresh) {
    if (auto l = mysql::Connection::open(o_.dsn, o_.connect); l.ok()) live_ = std::move(l.value());
    auto t = SchemaTracker::load(store_, live_.get());
    if (!t.ok()) return t.error();
    if (t.value()->empty()) {
      auto taken = schema::take_snapshot(c, o_.schemas);
      if (!taken.ok()) return taken.error();
      index::SchemaSnapshot s;
      s.binlog_file = fresh ? start.binlog_file : taken->binlog_file;
      s.position = fresh ? start.position : taken->position;
      s.json = schema::to_json(taken->snapshot);
      DBT_TRY(store_.save_schema_snapshot(s));
      log("schema version " + std::to_string(s.version) + ": snapshot of " +
          std::to_string(taken->snapshot.tables.size()) + " tables, valid from " + s.binlog_file +
          ":" + std::to_string(s.position));
      t = SchemaTracker::load(store_, live_.get());
      if (!t.ok()) return t.error();
    }
    schema_ = std::move(t.value());
    schema_->set_reconnect([this]() -> mysql::Connection* {
      auto l = mysql::Connection::open(o_.dsn, o_.connect);
      if (!l.ok()) {
        log("cannot reopen the table lookup connection: " + l.error().message +
            "; DDL is described from its text alone");
        live_.reset();
        return nullptr;
      }
      log("reopened the table lookup connection");
      live_ = std::move(l.value());
      return live_.get();
    });
    schema_->set_filter(
        [this](const std::string& db, const std::string& table) { return wanted(db, table); });
    return {};
  }

  bool wanted(const std::string& db, const std::string& table) const {
    return (o_.schemas.empty() || o_.schemas.count(db)) &&
           (o_.tables.empty() || o_.tables.count(db + "." + table));
  }

  Error counted(StreamError kind, Error e) {
    m_.count(kind);
    return e;
  }

  StreamStats totals() const {
    constexpr auto r = StreamMetrics::kRelaxed;
    return StreamStats{m_.rows_indexed.load(r), m_.transactions_indexed.load(r),
                       m_.batches_committed.load(r), m_.reconnects.load(r)};
  }

  // Reads events until stopped or the connection fails (the error is returned).
  Status pump(BinlogSource& src, StreamSink& sink, double& backoff) {
    constexpr auto r = StreamMetrics::kRelaxed;
    binlog::Decoder dec;
    // The version valid at the durable checkpoint, not the newest stored:
    // versions of DDL after it are met again and reused.
    schema_->move_to(sink.durable().binlog_file, sink.durable().position);
    sink.set_schema(schema_.get(), &dec);
    // FULL metadata names the columns itself; the versions fill in the rest.
    dec.set_table_resolver([this, &dec](binlog::TableMap& t) {
      if (!t.has_names && wanted(t.schema, t.table)) schema_->resolve(t, dec.format().mariadb);
    });
    while (!stopping()) {
      auto got = src.next();
      if (!got.ok()) return counted(source_error_kind(got.error()), got.error());
      if (!got->has_value()) return {};
      backoff = o_.backoff_initial_s;  // the connection works
      const SourceEvent& e = **got;
      if (e.kind == SourceEventKind::kHeartbeat) {
        m_.source_idle.store(true, r);
        if (!sink.dirty()) store_.idle();  // no batch is coming: queued rotation now
      }
      if (e.kind == SourceEventKind::kEvent) {
        m_.events_received.fetch_add(1, r);
        m_.last_event_time.store(e.header.timestamp, r);
        m_.source_idle.store(false, r);
      }
      if (e.decodable()) {
        sink.at_event(e.file, e.header.timestamp);
        if (e.file != schema_->file()) schema_->move_to(std::string(e.file), e.pos);
        Status s = dec.feed(e.bytes, e.pos, sink);
        if (!s.ok()) {
          return counted(
              StreamError::kDecode,
              make_error(s.error().code, std::string(e.file) + " at offset " +
                                             std::to_string(e.pos) + ": " + s.error().message));
        }
        if (e.kind == SourceEventKind::kEvent && between_transactions_event(e.header.type) &&
            !dec.transaction().open) {
          sink.between_transactions(e.file, e.end_pos);
        }
      }
      // Caught up (nothing more has arrived): write the complete transactions
      // now rather than wait for a full batch or the checkpoint timer, so the
      // index trails the source by one write, not by a batch. Under load the
      // socket is never empty and batches fill as before.
      if (sink.flush_due() || (sink.dirty() && !src.input_pending())) DBT_TRY(sink.flush());
      note_pending(e, dec.transaction(), sink.dirty());
    }
    return {};
  }

  // Keeps m_.pending_since at the header time of the oldest event read but
  // not yet durable (0: none), for the lag. A flush clears it; what a flush
  // leaves behind is the open transaction, which began at its own time.
  void note_pending(const SourceEvent& e, const binlog::TransactionInfo& txn, bool dirty) {
    constexpr auto r = StreamMetrics::kRelaxed;
    if (!txn.open && !dirty) {
      m_.pending_since.store(0, r);
    } else if (m_.pending_since.load(r) == 0) {
      m_.pending_since.store(txn.open ? txn.timestamp : e.header.timestamp, r);
    }
  }

  Status check_identity(const index::Checkpoint& cp) const {
    if (cp.server_uuid.empty() || cp.server_uuid == identity_.id) return {};
    return make_error(
        ErrorCode::kPrerequisite,
        "the source is not the server the checkpoint came from: the checkpoint " + describe(cp) +
            " belongs to " + cp.server_uuid + " but the source is now " + identity_.id +
            " (rebuilt or replaced?); its binlog positions mean something else now. If that is "
            "intended, rerun with --reset-checkpoint (and --start-file/--start-gtid, or it starts "
            "at the current position); what is skipped is logged");
  }

  Status check_not_purged(mysql::Connection& c, const index::Checkpoint& cp) const {
    auto logs = mysql::list_binlog_files(c);
    if (!logs.ok()) return logs.error();
    for (const auto& f : *logs)
      if (f.name == cp.binlog_file) return {};
    return purged_error(cp, make_error(ErrorCode::kNotFound, "not in SHOW BINARY LOGS"),
                        logs->empty() ? "(none)" : logs->front().name);
  }

  Error purged_error(const index::Checkpoint& cp, const Error& why,
                     const std::string& oldest = "") const {
    std::string old = oldest;
    if (old.empty()) {
      if (auto c = mysql::Connection::open(o_.dsn, o_.connect); c.ok()) {
        if (auto l = mysql::list_binlog_files(**c); l.ok() && !l->empty()) old = l->front().name;
      }
    }
    return make_error(ErrorCode::kNotFound,
                      "the source no longer has the binlog of the checkpoint " + describe(cp) +
                          " (purged; oldest available: " + (old.empty() ? "unknown" : old) + "; " +
                          why.message +
                          "). Changes after the checkpoint are lost to streaming: index them "
                          "from a copy of the binlog files with 'dbtrail index', then rerun with "
                          "--reset-checkpoint --start-file " +
                          (old.empty() ? "FILE" : old) + " (what is skipped is logged)");
  }

  void sleep_unless_stopped(double seconds) {
    auto until = Clock::now() + std::chrono::duration<double>(seconds);
    while (!stopping() && Clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  index::Store& store_;
  const StreamOptions& o_;
  StreamMetrics own_metrics_;  // when the caller passes none
  StreamMetrics& m_;
  SourceIdentity identity_;
  std::unique_ptr<mysql::Connection> live_;  // asked for tables a DDL's text cannot describe
  std::unique_ptr<SchemaTracker> schema_;
};

}  // namespace

Result<StreamStats> run_stream(index::Store& store, const StreamOptions& options) {
  if (options.server_id == 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--server-id must be a non-zero replica id unique among the source's "
                      "replicas");
  }
  if (options.batch_size == 0) {
    return make_error(ErrorCode::kInvalidArgument, "--batch-size must be at least 1");
  }
  if (!options.start_gtid.empty() && !options.start_file.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "give either --start-file/--start-pos or --start-gtid, not both");
  }
  Pipeline p(store, options);
  return p.run();
}

}  // namespace dbtrail::stream
