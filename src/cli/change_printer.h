// The JSON-lines output of `dbtrail binlog decode`: one line per row change
// ({"file","pos","end_pos","ts","gtid","connection_id","schema","table",
// "type","before","after"}), or with --events one line per event.
#pragma once

#include <cstdio>
#include <string>

#include "binlog/decoder.h"

namespace dbtrail::cli {

class ChangePrinter : public binlog::Sink {
 public:
  ChangePrinter(std::FILE* out, bool events) : out_(out), events_(events) {}
  ~ChangePrinter() override { flush(); }

  void set_file(std::string name) { file_ = std::move(name); }
  Status on_row(const binlog::RowChange& c) override;
  Status on_event(const binlog::EventInfo& e) override;
  void flush();
  uint64_t rows() const { return rows_; }

 private:
  void maybe_flush() {
    if (buf_.size() >= (1u << 20)) flush();
  }

  std::FILE* out_;
  bool events_;
  std::string file_;
  std::string buf_;
  uint64_t rows_ = 0;
};

}  // namespace dbtrail::cli
