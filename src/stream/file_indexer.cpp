#include "stream/file_indexer.h"

#include <ctime>
#include <vector>

#include "binlog/decoder.h"
#include "binlog/file_reader.h"
#include "stream/change_builder.h"

namespace dbtrail::stream {

namespace {

// Collects rows of whole transactions and flushes them in batches.
class IndexSink : public binlog::Sink {
 public:
  IndexSink(index::Store& store, const FileIndexOptions& o, index::FileProgress progress,
            const binlog::Decoder& dec)
      : store_(store), opts_(o), progress_(std::move(progress)), resume_(progress_.position),
        dec_(dec) {}

  Status on_query(const binlog::QueryInfo& q) override {
    // Also for DDL before the resume point: the version it starts applies to
    // the rows after it (the tracker reuses the version stored the first time).
    if (opts_.schema) return opts_.schema->on_query(q, dec_.transaction().gtid);
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

  // Writes the rows of committed transactions with the progress they reach.
  Status flush(bool done) {
    std::vector<index::ChangeRecord> batch;
    batch.reserve(committed_rows_);
    for (size_t i = 0; i < committed_rows_; ++i) batch.push_back(std::move(rows_[i]));
    index::FileProgress p = progress_;
    p.position = std::max(progress_.position, committed_pos_);
    p.events = progress_.events + batch.size();
    p.done = done;
    p.updated_at = std::time(nullptr);
    DBT_TRY(store_.write_file_batch(batch, p));
    progress_ = p;
    indexed_ += batch.size();
    // Rows of a transaction still open move to the front.
    size_t keep = used_ - committed_rows_;
    for (size_t i = 0; i < keep; ++i) std::swap(rows_[i], rows_[committed_rows_ + i]);
    used_ = keep;
    committed_rows_ = 0;
    return {};
  }

  uint64_t indexed() const { return indexed_; }
  uint64_t skipped() const { return skipped_; }
  index::FileProgress& progress() { return progress_; }

 private:
  index::Store& store_;
  const FileIndexOptions& opts_;
  index::FileProgress progress_;
  uint64_t resume_;
  std::vector<index::ChangeRecord> rows_;  // reused: a batch costs no allocation once warm
  size_t used_ = 0;
  size_t committed_rows_ = 0;
  uint64_t committed_pos_ = 0;
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
