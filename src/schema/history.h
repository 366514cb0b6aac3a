// The versioned resolver: every schema version of the index ordered by the
// binlog position it is valid from, answering "which columns did schema.table
// have at file:position". A version at (F, P) holds for rows at or after P in
// F and in later files, until the next version; file names order as the
// server numbers them (NAME.000001 < NAME.000002). A snapshot stored with no
// position ("" file) is valid from the beginning.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schema/snapshot.h"

namespace dbtrail::schema {

struct Version {
  uint32_t number = 0;      // the store's version number
  std::string binlog_file;  // base name; "" = before every binlog position
  uint64_t position = 0;
  Snapshot snapshot;
};

class History {
 public:
  // Keeps versions ordered by position (a later add at an equal position wins).
  void add(Version v);
  bool empty() const { return versions_.empty(); }
  size_t size() const { return versions_.size(); }

  // The version valid at file:pos: the last one at or before it; when every
  // version is later (rows older than the first snapshot), the first one —
  // the closest knowledge there is. nullptr only when empty.
  const Version* at(std::string_view file, uint64_t pos) const;
  // True when file:pos comes before every version (at() then falls back).
  bool before_first(std::string_view file, uint64_t pos) const;
  // A version starting exactly in [from, to] of `file`, or nullptr.
  const Version* starting_within(std::string_view file, uint64_t from, uint64_t to) const;

  // schema.table at file:pos; nullptr when unknown then.
  const Table* table_at(std::string_view schema, std::string_view table, std::string_view file,
                        uint64_t pos) const;

 private:
  std::vector<Version> versions_;
};

// The columns of `t` in the order of a ROW event's image. MariaDB logs every
// column, VIRTUAL generated ones included (with their computed value); MySQL
// 8 leaves VIRTUAL columns out of the image and the TABLE_MAP. Each entry is
// an index into t.columns.
std::vector<uint32_t> binlog_columns(const Table& t, bool mariadb);

}  // namespace dbtrail::schema
