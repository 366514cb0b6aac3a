#include "schema/history.h"

#include <algorithm>

namespace dbtrail::schema {

namespace {
bool before_or_at(const Version& v, std::string_view file, uint64_t pos) {
  if (v.binlog_file.empty()) return true;
  if (v.binlog_file != file) return v.binlog_file < file;
  return v.position <= pos;
}
}  // namespace

void History::add(Version v) {
  auto it = std::upper_bound(versions_.begin(), versions_.end(), v,
                             [](const Version& a, const Version& b) {
                               if (a.binlog_file != b.binlog_file)
                                 return a.binlog_file < b.binlog_file;
                               return a.position < b.position;
                             });
  versions_.insert(it, std::move(v));
}

const Version* History::at(std::string_view file, uint64_t pos) const {
  if (versions_.empty()) return nullptr;
  const Version* found = &versions_.front();
  for (const Version& v : versions_) {
    if (!before_or_at(v, file, pos)) break;
    found = &v;
  }
  return found;
}

bool History::before_first(std::string_view file, uint64_t pos) const {
  return !versions_.empty() && !before_or_at(versions_.front(), file, pos);
}

const Version* History::starting_within(std::string_view file, uint64_t from, uint64_t to) const {
  const Version* found = nullptr;
  for (const Version& v : versions_) {
    if (v.binlog_file == file && v.position >= from && v.position <= to) found = &v;
  }
  return found;
}

const Table* History::table_at(std::string_view schema, std::string_view table,
                               std::string_view file, uint64_t pos) const {
  const Version* v = at(file, pos);
  return v ? v->snapshot.find(schema, table) : nullptr;
}

std::vector<uint32_t> binlog_columns(const Table& t, bool mariadb) {
  std::vector<uint32_t> out;
  out.reserve(t.columns.size());
  for (uint32_t i = 0; i < t.columns.size(); ++i) {
    if (!mariadb && t.columns[i].generated == Generated::kVirtual) continue;
    out.push_back(i);
  }
  return out;
}

}  // namespace dbtrail::schema
