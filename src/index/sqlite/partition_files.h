// The partition files of an embedded index directory, as the directory lists
// them. Only files in src/index/sqlite/ use this.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dbtrail::index::sqlite {

struct PartitionFile {
  int64_t start = 0;   // the hour's first second (epoch)
  std::string name;    // "p_2026112519"
  uint64_t inode = 0;  // from the directory entry: a file replaced under the name has another
};

// The p_YYYYMMDDHH.db files in `dir`, oldest first (also name order). Empty
// if the directory cannot be read. One readdir pass, no stat per file.
std::vector<PartitionFile> list_partition_files(const std::string& dir);

}  // namespace dbtrail::index::sqlite
