// The source's binlog files (SHOW BINARY LOGS) and how far a position is
// behind the newest byte written: the lag a DBA reads off `dbtrail status`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mysql/connection.h"
#include "util/result.h"

namespace dbtrail::mysql {

struct BinlogFile {
  std::string name;
  uint64_t size = 0;  // bytes written so far (the newest file is still growing)
};

// SHOW BINARY LOGS, oldest first. Needs REPLICATION CLIENT (or BINLOG MONITOR).
Result<std::vector<BinlogFile>> list_binlog_files(Connection& c);

// Bytes from `file`:`pos` to the end of the newest file, counting whole files
// in between; kNotFound when `file` is no longer on the source (purged).
Result<uint64_t> bytes_behind(const std::vector<BinlogFile>& files, const std::string& file,
                              uint64_t pos);

}  // namespace dbtrail::mysql
