// The GTID set a checkpoint carries: every transaction up to and including
// the checkpoint's. MariaDB keeps the last "domain-server-seq" per domain
// (its positions are ordered within a domain); MySQL keeps an interval set
// per source uuid (or uuid:tag), "uuid:1-5:7-9".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace dbtrail::stream {

class GtidSet {
 public:
  // Parses a stored set in either notation ("" = empty). A set mixing the two
  // notations is refused: one source speaks one of them.
  static Result<GtidSet> parse(std::string_view text);

  // Adds one transaction's GTID ("0-1-5", "uuid:5", "uuid:tag:5"); "" is ignored.
  Status add(std::string_view gtid);

  std::string to_string() const;
  bool empty() const { return maria_.empty() && mysql_.empty(); }

 private:
  Status add_mysql_interval(std::string_view sid, uint64_t first, uint64_t last);

  // MariaDB: domain -> (server_id, seq) of the newest transaction.
  std::map<uint32_t, std::pair<uint32_t, uint64_t>> maria_;
  // MySQL: "uuid" or "uuid:tag" -> sorted disjoint closed intervals.
  std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>> mysql_;
};

}  // namespace dbtrail::stream
