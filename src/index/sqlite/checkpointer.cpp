#include "index/sqlite/checkpointer.h"

namespace dbtrail::index::sqlite {

Checkpointer::Checkpointer() : thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Checkpointer::request(const std::string& path) {
  {
    std::lock_guard<std::mutex> l(mu_);
    asked_.emplace(path, true);  // a pending forget stays a forget
  }
  cv_.notify_all();
}

void Checkpointer::wait_idle(const std::string& path) {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return running_ != path && !asked_.count(path); });
}

void Checkpointer::wait_all_idle() {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return running_.empty() && asked_.empty(); });
}

void Checkpointer::forget(const std::string& path) {
  {
    std::lock_guard<std::mutex> l(mu_);
    asked_[path] = false;
  }
  cv_.notify_all();
  wait_idle(path);
}

Status Checkpointer::take_error() {
  std::lock_guard<std::mutex> l(mu_);
  Status e = std::move(error_);
  error_ = Status();
  return e;
}

void Checkpointer::run() {
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    cv_.wait(l, [this] { return stop_ || !asked_.empty(); });
    if (asked_.empty()) break;  // stopping, nothing left to do
    auto job = asked_.begin();
    const std::string path = job->first;
    const bool checkpoint = job->second;
    asked_.erase(job);
    running_ = path;
    l.unlock();

    Status s;
    if (checkpoint) {
      auto it = open_.find(path);
      if (it == open_.end()) {
        auto db = Db::open(path, false);
        if (db.ok()) {
          it = open_.emplace(path, std::move(db.value())).first;
        } else {
          s = db.error();
        }
      }
      if (s.ok()) s = it->second.checkpoint();
    } else {
      open_.erase(path);  // the last connection: SQLite checkpoints and removes the WAL
    }

    l.lock();
    if (!s.ok() && error_.ok()) error_ = std::move(s);
    running_.clear();
    cv_.notify_all();
  }
  l.unlock();
  open_.clear();
}

}  // namespace dbtrail::index::sqlite
