// The JSON-lines output of `dbtrail binlog decode`: one line per row change
// ({"file","pos","end_pos","ts","gtid","connection_id","schema","table",
// "type","before","after"}), or with --events one line per event.
#pragma once

#include <cstdio>
#include <string>

#include "binlog/decoder.h"
#include "util/json_writer.h"

namespace dbtrail::cli {

class ChangePrinter : public binlog::Sink {
 public:
  ChangePrinter(std::FILE* out, bool events) : out_(out), events_(events) {}
  ~ChangePrinter() override { flush(); }

  void set_file(std::string name) {
    file_ = std::move(name);
    file_json_.clear();
    JsonWriter::append_escaped(file_json_, file_);
    cached_table_ = nullptr;
  }
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
  std::string file_json_;               // file_ as a JSON string
  uint64_t cached_pos_ = 0;             // rows event whose tail is cached
  const binlog::TableMap* cached_table_ = nullptr;
  binlog::RowsKind cached_kind_ = binlog::RowsKind::kNone;
  std::string cached_tail_;             // ,"schema":..,"table":..,"type":..
  std::string buf_;
  uint64_t rows_ = 0;
};

}  // namespace dbtrail::cli
