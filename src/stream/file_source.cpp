// BinlogSource over the binlog files of a directory, in rotation order.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "binlog/event_type.h"
#include "binlog/file_reader.h"
#include "stream/binlog_source.h"

namespace dbtrail::stream {
namespace {

namespace fs = std::filesystem;

// A read-only mapping of a whole file (binlogs can be GiBs: no copy).
class MappedFile {
 public:
  static Result<MappedFile> open(const std::string& path) {
    MappedFile m;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return make_error(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                        "cannot open binlog file " + path + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (fstat(fd, &st) != 0) {
      int e = errno;
      ::close(fd);
      return make_error(ErrorCode::kIo, "cannot stat " + path + ": " + std::strerror(e));
    }
    m.size_ = static_cast<size_t>(st.st_size);
    if (m.size_ > 0) {
      void* p = mmap(nullptr, m.size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        int e = errno;
        ::close(fd);
        return make_error(ErrorCode::kIo, "cannot map " + path + ": " + std::strerror(e));
      }
      m.data_ = static_cast<const uint8_t*>(p);
    }
    ::close(fd);
    return m;
  }
  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept : data_(o.data_), size_(o.size_) {
    o.data_ = nullptr;
    o.size_ = 0;
  }
  MappedFile& operator=(MappedFile&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (data_) munmap(const_cast<uint8_t*>(data_), size_);
  }
  binlog::Bytes bytes() const { return {data_, size_}; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

bool looks_like_binlog_name(const std::string& name) {
  size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot + 1 == name.size()) return false;
  return std::all_of(name.begin() + static_cast<long>(dot) + 1, name.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

Result<std::vector<std::string>> list_binlogs(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return make_error(ErrorCode::kNotFound,
                      "binlog directory " + dir.string() + " does not exist or is not a directory");
  }
  std::vector<fs::path> indexes;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string n = e.path().filename().string();
    if (n.size() > 6 && n.ends_with(".index"))
      indexes.push_back(e.path());
    else if (looks_like_binlog_name(n))
      names.push_back(n);
  }
  if (indexes.size() == 1) {
    // The index lists the files in rotation order (paths as log-bin was given).
    std::ifstream in(indexes[0]);
    std::vector<std::string> ordered;
    std::string line;
    while (std::getline(in, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) ordered.push_back(fs::path(line).filename().string());
    }
    return ordered;
  }
  // Without a single index: base.000001 < base.000002 ... (fixed-width numbers sort as text).
  std::sort(names.begin(), names.end());
  return names;
}

class FileSource final : public BinlogSource {
 public:
  FileSource(fs::path dir, std::vector<std::string> files, size_t first, uint64_t start_pos)
      : dir_(std::move(dir)), files_(std::move(files)), index_(first), start_pos_(start_pos) {}

  Result<std::optional<SourceEvent>> next() override {
    while (true) {
      if (!open_) {
        if (index_ >= files_.size()) return std::optional<SourceEvent>();
        DBT_TRY(open_current());
      }
      binlog::Bytes all = map_.bytes();
      if (pending_fde_) {
        // Starting mid-file: replay the file's FORMAT_DESCRIPTION first, as a
        // source dump does, so the decoder can read what follows.
        pending_fde_ = false;
        SourceEvent out = from_raw(fde_, SourceEventKind::kArtificial);
        out.pos = out.end_pos = offset_;
        return std::optional<SourceEvent>(out);
      }
      binlog::RawEvent ev;
      auto st = binlog::next_event(all, offset_, ev);
      if (!st.ok()) return with_file(st.error());
      if (*st == binlog::FrameStatus::kEvent) {
        return std::optional<SourceEvent>(from_raw(ev, SourceEventKind::kEvent));
      }
      if (*st == binlog::FrameStatus::kIncomplete && index_ + 1 < files_.size()) {
        return make_error(ErrorCode::kTruncated,
                          "binlog file " + current_path() + " ends inside the event at offset " +
                              std::to_string(offset_) +
                              " although later files exist: the file was cut short");
      }
      // End of this file (or a last file still being written): next file.
      open_ = false;
      ++index_;
      if (*st == binlog::FrameStatus::kIncomplete) return std::optional<SourceEvent>();
    }
  }

 private:
  std::string current_path() const { return (dir_ / files_[index_]).string(); }

  Error with_file(const Error& e) const {
    return make_error(e.code, current_path() + ": " + e.message);
  }

  SourceEvent from_raw(const binlog::RawEvent& ev, SourceEventKind kind) const {
    SourceEvent out;
    out.kind = kind;
    out.file = files_[index_];
    out.pos = ev.pos;
    out.end_pos = ev.pos + ev.bytes.size();
    out.header = ev.header;
    out.bytes = ev.bytes;
    return out;
  }

  Status open_current() {
    auto m = MappedFile::open(current_path());
    if (!m.ok()) return m.error();
    map_ = std::move(m.value());
    Status magic = binlog::check_magic(map_.bytes());
    if (!magic.ok()) return with_file(magic.error());
    open_ = true;
    offset_ = 4;
    if (start_pos_ > 4) {
      uint64_t fde_off = 4;
      auto st = binlog::next_event(map_.bytes(), fde_off, fde_);
      if (!st.ok()) return with_file(st.error());
      if (*st != binlog::FrameStatus::kEvent || fde_.header.type != binlog::kFormatDescription) {
        return with_file(
            make_error(ErrorCode::kCorrupt, "the first event is not a FORMAT_DESCRIPTION"));
      }
      // Walk the headers up to the start so a position inside an event is
      // refused rather than read as garbage (headers only: milliseconds per GiB).
      uint64_t walk = fde_off;
      binlog::RawEvent skipped;
      while (walk < start_pos_) {
        auto w = binlog::next_event(map_.bytes(), walk, skipped);
        if (!w.ok()) return with_file(w.error());
        if (*w != binlog::FrameStatus::kEvent) break;
      }
      if (walk != start_pos_) {
        return with_file(make_error(
            ErrorCode::kInvalidArgument,
            "start position " + std::to_string(start_pos_) +
                " is not an event boundary (the event there ends at " + std::to_string(walk) +
                "); use a position from SHOW BINLOG EVENTS or a checkpoint"));
      }
      offset_ = start_pos_;
      pending_fde_ = offset_ > fde_off;
      start_pos_ = 4;  // later files start at their beginning
    }
    return {};
  }

  fs::path dir_;
  std::vector<std::string> files_;
  size_t index_ = 0;
  uint64_t start_pos_ = 4;
  bool open_ = false;
  bool pending_fde_ = false;
  MappedFile map_;
  uint64_t offset_ = 4;
  binlog::RawEvent fde_;
};

}  // namespace

Result<std::unique_ptr<BinlogSource>> open_file_source(const FileSourceOptions& options) {
  fs::path dir(options.dir);
  auto files = list_binlogs(dir);
  if (!files.ok()) return files.error();
  if (files->empty()) {
    return make_error(ErrorCode::kNotFound, "no binlog files (name.NNNNNN) in " + dir.string());
  }
  size_t first = 0;
  if (!options.start_file.empty()) {
    std::string want = fs::path(options.start_file).filename().string();
    auto it = std::find(files->begin(), files->end(), want);
    if (it == files->end()) {
      return make_error(ErrorCode::kNotFound, "binlog file " + want + " is not in " + dir.string() +
                                                  " (oldest there: " + files->front() + ")");
    }
    first = static_cast<size_t>(it - files->begin());
  }
  for (size_t i = first; i < files->size(); ++i) {
    if (!fs::exists(dir / (*files)[i])) {
      return make_error(ErrorCode::kNotFound, "binlog file " + (*files)[i] +
                                                  " is listed in the index of " + dir.string() +
                                                  " but missing (purged?)");
    }
  }
  return std::unique_ptr<BinlogSource>(
      new FileSource(dir, std::move(files.value()), first, options.start_pos));
}

}  // namespace dbtrail::stream
