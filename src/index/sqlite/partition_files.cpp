#include "index/sqlite/partition_files.h"

#include <dirent.h>

#include <algorithm>
#include <string_view>

#include "index/partition_name.h"

namespace dbtrail::index::sqlite {

std::vector<PartitionFile> list_partition_files(const std::string& dir) {
  std::vector<PartitionFile> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (const dirent* e = ::readdir(d)) {
    std::string_view f(e->d_name);
    if (f.size() != 15 || f.substr(12) != ".db") continue;
    std::string_view name = f.substr(0, 12);
    if (auto start = parse_partition_name(name)) {
      out.push_back(PartitionFile{*start, std::string(name), uint64_t(e->d_ino)});
    }
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(),
            [](const PartitionFile& a, const PartitionFile& b) { return a.start < b.start; });
  return out;
}

}  // namespace dbtrail::index::sqlite
