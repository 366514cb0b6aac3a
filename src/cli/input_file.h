// Reading binlog files for the CLI: whole files, gzip-compressed files
// (*.gz, e.g. archived binlogs), standard input, and files still growing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace dbtrail::cli {

class InputFile {
 public:
  // Opens `path` ("-" = standard input) with what it holds now. A plain file
  // that will not be followed is memory-mapped (no copy of a large binlog);
  // one that will (`follow`) is read into memory so it can grow.
  static Result<InputFile> open(const std::string& path, bool follow = false);

  InputFile() = default;
  InputFile(InputFile&& o) noexcept { *this = std::move(o); }
  InputFile& operator=(InputFile&& o) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  const std::string& path() const { return path_; }
  // The bytes; valid until read_more() or destruction.
  std::string_view data() const {
    return map_ ? std::string_view(map_, map_len_) : std::string_view(data_);
  }
  // Appends bytes written to the file since the last read; returns how many.
  // Always 0 for stdin, gzip and mapped files.
  Result<size_t> read_more();
  bool can_grow() const { return growable_; }

 private:
  std::string path_;
  std::string data_;
  const char* map_ = nullptr;  // mmap'd file, when not followed
  size_t map_len_ = 0;
  bool growable_ = false;
};

}  // namespace dbtrail::cli
