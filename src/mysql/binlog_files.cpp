#include "mysql/binlog_files.h"

#include <charconv>

namespace dbtrail::mysql {

Result<std::vector<BinlogFile>> list_binlog_files(Connection& c) {
  auto rows = c.query("SHOW BINARY LOGS");
  if (!rows.ok()) return rows.error();
  std::vector<BinlogFile> files;
  for (const Row& r : *rows) {
    if (r.size() < 2 || !r[0] || !r[1]) continue;
    BinlogFile f;
    f.name = *r[0];
    const std::string& s = *r[1];
    std::from_chars(s.data(), s.data() + s.size(), f.size);
    files.push_back(std::move(f));
  }
  return files;
}

Result<uint64_t> bytes_behind(const std::vector<BinlogFile>& files, const std::string& file,
                              uint64_t pos) {
  size_t i = 0;
  while (i < files.size() && files[i].name != file) ++i;
  if (i == files.size()) {
    std::string oldest = files.empty() ? "none" : files.front().name;
    return make_error(ErrorCode::kNotFound, "binlog " + file +
                                                " is no longer on the source (oldest available: " +
                                                oldest + ")");
  }
  uint64_t behind = files[i].size > pos ? files[i].size - pos : 0;
  for (++i; i < files.size(); ++i) behind += files[i].size;
  return behind;
}

}  // namespace dbtrail::mysql
