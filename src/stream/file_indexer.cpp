#include "stream/file_indexer.h"

#include <condition_variable>
#include <ctime>
#include <mutex>
#include <thread>
#include <vector>

#include "binlog/decoder.h"
#include "binlog/file_reader.h"
#include "stream/change_builder.h"

namespace dbtrail::stream {

namespace {

// Writes batches on its own thread, one at a time and in order, so decoding
// and rendering the next batch overlaps the index's insert and commit of this
// one (2 cores: about twice the throughput). The store is used by this thread
// only while a batch is in flight; wait() hands it back.
class BatchWriter {
 public:
  explicit BatchWriter(index::Store& store) : store_(store), thread_([this] { run(); }) {}
  ~BatchWriter() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  // Waits until no batch is in flight; the status of the last one written.
  // `spare` receives the written batch's records (their strings keep their
  // capacity for reuse).
  Status wait(std::vector<index::ChangeRecord>& spare) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [this] { return !busy_; });
    if (!batch_.empty()) spare.swap(batch_);
    batch_.clear();
    return status_;
  }

  // Starts writing `batch` (swapped in) with `progress`; call wait() first.
  void start(std::vector<index::ChangeRecord>& batch, const index::FileProgress& progress) {
    {
      std::lock_guard<std::mutex> l(mu_);
      batch_.swap(batch);
      progress_ = progress;
      busy_ = true;
    }
    cv_.notify_all();
  }

 private:
  void run() {
    std::unique_lock<std::mutex> l(mu_);
    for (;;) {
      cv_.wait(l, [this] { return busy_ || stop_; });
      if (!busy_) return;
      l.unlock();
      Status s = store_.write_file_batch(batch_, progress_);
      l.lock();
      status_ = std::move(s);
      busy_ = false;
      cv_.notify_all();
    }
  }

  index::Store& store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<index::ChangeRecord> batch_;
  index::FileProgress progress_;
  Status status_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread thread_;
};

// Collects rows of whole transactions and flushes them in batches.
class IndexSink : public binlog::Sink {
 public:
  IndexSink(index::Store& store, const FileIndexOptions& o, index::FileProgress progress,
            const binlog::Decoder& dec)
      : writer_(store), opts_(o), progress_(std::move(progress)),
        resume_(progress_.position), dec_(dec) {}

  Status on_query(const binlog::QueryInfo& q) override {
    // Also for DDL before the resume point: the version it starts applies to
    // the rows after it (the tracker reuses the version stored the first time).
    if (opts_.schema) {
      DBT_TRY(drain());  // the tracker writes to the store too
      return opts_.schema->on_query(q, dec_.transaction().gtid);
    }
    return {};
  }

  Status on_row(const binlog::RowChange& c) override {
    if (c.txn != nullptr && c.txn->start_pos < resume_) {
      ++skipped_;  // its transaction ended at or before the resume point: indexed already
      return {};
    }
    const binlog::TableMap& t = *c.table;
    if (!opts_.schemas.empty() && !opts_.schemas.count(t.schema)) return {};
    if (!opts_.tables.empty() && !opts_.tables.count(t.schema + "." + t.table)) return {};
    if (c.kind == binlog::RowsKind::kNone) return {};
    if (rows_.size() == used_) rows_.emplace_back();
    BuildOptions bo;
    if (opts_.schema) bo.schema_version = opts_.schema->version();
    build_change(c, progress_.binlog_file, bo, rows_[used_++]);
    return {};
  }

  Status on_commit(const binlog::TransactionInfo& txn) override {
    if (txn.end_pos <= resume_) return {};
    committed_rows_ = used_;
    committed_pos_ = txn.end_pos;
    if (committed_rows_ >= opts_.batch_size) return flush(false);
    return {};
  }

  // Hands the rows of committed transactions, with the progress they reach,
  // to the writer (after the previous batch is written).
  Status flush(bool done) {
    DBT_TRY(drain());
    // Whole records change places, so the strings of both vectors are reused.
    batch_.resize(committed_rows_);
    for (size_t i = 0; i < committed_rows_; ++i) std::swap(batch_[i], rows_[i]);
    index::FileProgress p = progress_;
    p.position = std::max(progress_.position, committed_pos_);
    p.events = progress_.events + committed_rows_;
    p.done = done;
    p.updated_at = std::time(nullptr);
    progress_ = p;
    in_flight_ = committed_rows_;
    writer_.start(batch_, p);
    // Rows of a transaction still open move to the front.
    size_t keep = used_ - committed_rows_;
    for (size_t i = 0; i < keep; ++i) std::swap(rows_[i], rows_[committed_rows_ + i]);
    used_ = keep;
    committed_rows_ = 0;
    return {};
  }

  // Waits for the batch in flight; afterwards the index holds all handed over.
  Status drain() {
    Status s = writer_.wait(batch_);
    if (!s.ok()) return s;
    indexed_ += in_flight_;
    in_flight_ = 0;
    return {};
  }

  uint64_t indexed() const { return indexed_; }
  uint64_t skipped() const { return skipped_; }

 private:
  BatchWriter writer_;
  const FileIndexOptions& opts_;
  index::FileProgress progress_;  // as of the last batch handed to the writer
  uint64_t resume_;
  std::vector<index::ChangeRecord> rows_;  // reused: a batch costs no allocation once warm
  std::vector<index::ChangeRecord> batch_;  // the other buffer, swapped with the writer's
  size_t used_ = 0;
  size_t committed_rows_ = 0;
  uint64_t committed_pos_ = 0;
  size_t in_flight_ = 0;
  uint64_t indexed_ = 0;
  uint64_t skipped_ = 0;
  const binlog::Decoder& dec_;
};

}  // namespace

Result<FileIndexResult> FileIndexer::index_file(const std::string& name, binlog::Bytes data) {
  FileIndexResult res;
  auto prev = store_.load_file_progress(name);
  if (!prev.ok()) return prev.error();
  index::FileProgress progress;
  if (prev.value()) {
    progress = *prev.value();
    if (progress.done && progress.file_size == data.size()) {
      res.already_done = true;
      res.rows_skipped = progress.events;
      return res;
    }
  } else {
    progress.binlog_file = name;
    progress.started_at = std::time(nullptr);
    progress.position = 0;
  }
  progress.file_size = data.size();

  if (Status m = binlog::check_magic(data); !m.ok()) {
    return make_error(m.error().code, name + ": " + m.error().message);
  }
  binlog::DecoderOptions dopts;
  dopts.verify_checksums = opts_.verify_checksums;
  binlog::Decoder dec(dopts);
  if (opts_.schema) {
    opts_.schema->start_file(name);
    // The writer's flavor decides whether VIRTUAL columns are in the image.
    dec.set_table_resolver([this, &dec](binlog::TableMap& t) {
      opts_.schema->resolve(t, dec.format().mariadb);
    });
  } else if (opts_.table_resolver) {
    dec.set_table_resolver(opts_.table_resolver);
  }
  IndexSink sink(store_, opts_, progress, dec);
  uint64_t offset = 4;
  binlog::RawEvent ev;
  bool cut = false;
  for (;;) {
    auto r = binlog::next_event(data, offset, ev);
    if (!r.ok()) return make_error(r.error().code, name + ": " + r.error().message);
    if (r.value() == binlog::FrameStatus::kEnd) break;
    if (r.value() == binlog::FrameStatus::kIncomplete) {
      cut = true;
      break;
    }
    if (Status s = dec.feed(ev.bytes, ev.pos, sink); !s.ok()) {
      return make_error(s.error().code, name + " at offset " + std::to_string(ev.pos) + ": " +
                                            s.error().message);
    }
  }
  bool open_txn = dec.transaction().open;
  DBT_TRY(sink.flush(!cut && !open_txn));
  DBT_TRY(sink.drain());
  res.rows_indexed = sink.indexed();
  res.rows_skipped = sink.skipped();
  if (cut || open_txn) {
    return make_error(ErrorCode::kTruncated,
                      name + " ends inside " + (cut ? "an event" : "a transaction") +
                          " (it is still being written or was cut short); its complete "
                          "transactions are indexed and a later run continues after them");
  }
  return res;
}

}  // namespace dbtrail::stream
