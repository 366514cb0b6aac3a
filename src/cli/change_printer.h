// The JSON-lines output of `dbtrail binlog decode`: one line per row change
// ({"file","pos","end_pos","ts","gtid","connection_id","schema","table",
// "type","before","after"}), or with --events one line per event.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "binlog/decoder.h"
#include "util/json_writer.h"

namespace dbtrail::cli {

// Renders row-change lines into a caller's buffer. Holds only a per-rows-event
// cache, so each thread rendering rows (parallel decode) keeps its own.
class RowLineWriter {
 public:
  // `name` is the file name printed in each line.
  void set_file(std::string_view name) {
    file_json_.clear();
    JsonWriter::append_escaped(file_json_, name);
    cached_table_ = nullptr;
  }
  // Appends one line (with its '\n') for `c` to `buf`.
  void append(std::string& buf, const binlog::RowChange& c);

 private:
  std::string file_json_;    // the file name as a JSON string
  uint64_t cached_pos_ = 0;  // rows event whose tail is cached
  const binlog::TableMap* cached_table_ = nullptr;
  binlog::RowsKind cached_kind_ = binlog::RowsKind::kNone;
  std::string cached_tail_;  // ,"schema":..,"table":..,"type":..
};

class ChangePrinter : public binlog::Sink {
 public:
  ChangePrinter(std::FILE* out, bool events) : out_(out), events_(events) {}
  ~ChangePrinter() override { flush(); }

  void set_file(std::string name) {
    file_ = std::move(name);
    lines_.set_file(file_);
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
  RowLineWriter lines_;
  std::string buf_;
  uint64_t rows_ = 0;
};

}  // namespace dbtrail::cli
