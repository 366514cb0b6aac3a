#include "cli/parallel_rows.h"

#include "binlog/value_json.h"
#include "util/json_writer.h"

namespace dbtrail::cli {

namespace {
// Big enough that locking and waking cost nothing next to decoding a job,
// small enough that both threads stay busy until the end of a file.
constexpr size_t kJobBytes = 64 * 1024;
constexpr size_t kJobEvents = 512;
constexpr size_t kJobsPerThread = 8;
}  // namespace

ParallelRowsPrinter::ParallelRowsPrinter(std::FILE* out, unsigned threads, size_t job_bytes)
    : out_(out),
      job_bytes_(job_bytes ? job_bytes : kJobBytes),
      capacity_(kJobsPerThread * (threads < 2 ? 2 : threads)),
      file_name_(std::make_shared<const std::string>()),
      cur_(std::make_unique<Job>()) {
  for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this] { worker(); });
}

ParallelRowsPrinter::~ParallelRowsPrinter() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ParallelRowsPrinter::set_file(std::string_view name) {
  file_name_ = std::make_shared<const std::string>(name);
}

Status ParallelRowsPrinter::fail(Error e) {
  failed_ = true;
  error_ = std::move(e);
  // Nothing queued after the failure will be written: let the workers stop.
  {
    std::lock_guard<std::mutex> lk(mu_);
    claim_seq_ = front_seq_ + queue_.size();
  }
  return error_;
}

Status ParallelRowsPrinter::add(binlog::DeferredRows&& d) {
  if (failed_) return error_;
  // write_row_json renders a table's JSON keys on first use; do it here,
  // before any worker can see the table, so workers only read them.
  const binlog::TableMap& t = *d.table;
  if (t.json_keys.size() != t.columns.size()) {
    key_scratch_.clear();
    JsonWriter w(key_scratch_);
    binlog::write_row_json(w, binlog::RowImage{}, t);
  }
  if (cur_->items.empty()) cur_->file_name = file_name_;
  if (cur_->file_name != file_name_) {
    DBT_TRY(submit());
    cur_->file_name = file_name_;
  }
  cur_->bytes += d.head.rows.size();
  cur_->items.push_back(std::move(d));
  if (cur_->bytes >= job_bytes_ || cur_->items.size() >= kJobEvents) return submit();
  return {};
}

Status ParallelRowsPrinter::submit() {
  if (!cur_->items.empty()) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      cur_->done = false;
      queue_.push_back(std::move(cur_));
    }
    work_cv_.notify_one();
    if (!spare_.empty()) {
      cur_ = std::move(spare_.back());
      spare_.pop_back();
    } else {
      cur_ = std::make_unique<Job>();
    }
    cur_->items.clear();
    cur_->bytes = 0;
  }
  return drain(capacity_ - 1);
}

Status ParallelRowsPrinter::finish() {
  if (!failed_) {
    Status st = submit();
    if (st.ok()) st = drain(0);
    if (!st.ok()) {
      std::fflush(out_);
      return st;
    }
  }
  std::fflush(out_);
  if (failed_) return error_;
  return {};
}

Status ParallelRowsPrinter::drain(size_t keep) {
  if (failed_) return error_;
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    // Write every finished job at the front, then stop once few enough are left.
    while (!queue_.empty() && queue_.front()->done) {
      std::unique_ptr<Job> j = std::move(queue_.front());
      queue_.pop_front();
      ++front_seq_;
      lk.unlock();
      if (!j->out.empty()) std::fwrite(j->out.data(), 1, j->out.size(), out_);
      bool bad = !j->status.ok();
      Error e = bad ? j->status.error() : Error{};
      j->out.clear();
      j->status = Status();
      spare_.push_back(std::move(j));
      if (bad) return fail(std::move(e));
      lk.lock();
    }
    if (queue_.size() <= keep) return {};
    if (claim_seq_ < front_seq_ + queue_.size()) {
      // Rather than wait, decode a queued job on this thread.
      Job* j = queue_[claim_seq_++ - front_seq_].get();
      lk.unlock();
      run(*j, own_);
      lk.lock();
      j->done = true;
      continue;
    }
    done_cv_.wait(lk, [this] { return queue_.front()->done; });
  }
}

void ParallelRowsPrinter::run(Job& j, Renderer& r) {
  j.out.clear();
  r.out = &j.out;
  // Also forgets the per-rows-event cache, keyed by table address.
  r.lines.set_file(*j.file_name);
  for (const binlog::DeferredRows& d : j.items) {
    Status st = binlog::decode_deferred_rows(d, r.scratch, r);
    if (!st.ok()) {
      j.status = st;
      break;
    }
  }
  // Release the events' buffers and table maps as soon as they are rendered.
  j.items.clear();
}

void ParallelRowsPrinter::worker() {
  Renderer r;
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    work_cv_.wait(lk, [this] { return stop_ || claim_seq_ < front_seq_ + queue_.size(); });
    if (stop_) return;
    Job* j = queue_[claim_seq_++ - front_seq_].get();
    lk.unlock();
    run(*j, r);
    lk.lock();
    j->done = true;
    done_cv_.notify_one();
  }
}

}  // namespace dbtrail::cli
