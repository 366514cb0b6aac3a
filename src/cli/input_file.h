// Reading binlog files for the CLI: whole files, gzip-compressed files
// (*.gz, e.g. archived binlogs), standard input, and files still growing.
#pragma once

#include <cstdint>
#include <string>

#include "util/result.h"

namespace dbtrail::cli {

class InputFile {
 public:
  // Opens `path` ("-" = standard input) and reads what it holds now.
  static Result<InputFile> open(const std::string& path);

  const std::string& path() const { return path_; }
  const std::string& data() const { return data_; }
  // Appends bytes written to the file since the last read; returns how many.
  // Always 0 for stdin and gzip files.
  Result<size_t> read_more();
  bool can_grow() const { return growable_; }

 private:
  std::string path_;
  std::string data_;
  bool growable_ = false;
};

}  // namespace dbtrail::cli
