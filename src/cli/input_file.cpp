#include "cli/input_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <utility>

namespace dbtrail::cli {

namespace {

Error io_error(const std::string& path, const std::string& what) {
  return make_error(ErrorCode::kIo, path + ": " + what + ": " + std::strerror(errno));
}

bool ends_with(const std::string& s, const char* suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

Result<std::string> read_gzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return io_error(path, "cannot open");
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  int err = 0;
  const char* msg = gzerror(f, &err);
  std::string m = msg ? msg : "";
  gzclose(f);
  if (n < 0 || (err != Z_OK && err != Z_STREAM_END)) {
    return make_error(ErrorCode::kCorrupt, path + ": gzip data is damaged: " + m);
  }
  return out;
}

}  // namespace

InputFile& InputFile::operator=(InputFile&& o) noexcept {
  if (this != &o) {
    if (map_) munmap(const_cast<char*>(map_), map_len_);
    path_ = std::move(o.path_);
    data_ = std::move(o.data_);
    map_ = std::exchange(o.map_, nullptr);
    map_len_ = std::exchange(o.map_len_, 0);
    growable_ = o.growable_;
  }
  return *this;
}

InputFile::~InputFile() {
  if (map_) munmap(const_cast<char*>(map_), map_len_);
}

Result<InputFile> InputFile::open(const std::string& path, bool follow) {
  InputFile f;
  f.path_ = path;
  if (path == "-") {
    f.data_.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return f;
  }
  if (ends_with(path, ".gz")) {
    auto r = read_gzip(path);
    if (!r.ok()) return r.error();
    f.data_ = std::move(r.value());
    return f;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return make_error(ErrorCode::kInvalidArgument,
                      path + " is a directory; name the binlog files in it (e.g. " + path +
                          "/mysql-bin.000001), or a shell glob of them");
  }
  if (!follow) {
    // Map it: a large binlog is then read straight from the page cache.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      struct stat st {};
      if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void* m = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (m != MAP_FAILED) {
          ::close(fd);
          f.map_ = static_cast<const char*>(m);
          f.map_len_ = static_cast<size_t>(st.st_size);
          return f;
        }
      }
      ::close(fd);
    }
    // Not mappable (empty, special file, mmap refused): read it below.
  }
  errno = 0;
  std::FILE* fp = std::fopen(path.c_str(), "rb");
  if (!fp) {
    if (errno == ENOENT) {
      return make_error(ErrorCode::kNotFound, path + ": no such file; check the path (binlog "
                                                     "files live in the server's log_bin directory)");
    }
    return io_error(path, "cannot open");
  }
  std::fseek(fp, 0, SEEK_END);
  long size = std::ftell(fp);
  std::fseek(fp, 0, SEEK_SET);
  if (size > 0) {
    f.data_.resize(static_cast<size_t>(size));
    size_t got = std::fread(f.data_.data(), 1, f.data_.size(), fp);
    f.data_.resize(got);
  }
  std::fclose(fp);
  f.growable_ = true;
  return f;
}

Result<size_t> InputFile::read_more() {
  if (!growable_ || map_) return size_t{0};
  std::FILE* fp = std::fopen(path_.c_str(), "rb");
  if (!fp) return io_error(path_, "cannot reopen");
  std::fseek(fp, 0, SEEK_END);
  long size = std::ftell(fp);
  size_t added = 0;
  if (size > 0 && static_cast<size_t>(size) > data_.size()) {
    std::fseek(fp, static_cast<long>(data_.size()), SEEK_SET);
    size_t old = data_.size();
    data_.resize(static_cast<size_t>(size));
    size_t got = std::fread(data_.data() + old, 1, data_.size() - old, fp);
    data_.resize(old + got);
    added = got;
  }
  std::fclose(fp);
  return added;
}

}  // namespace dbtrail::cli
