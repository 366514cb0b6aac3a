// The checkpoint the index unit tests write with their batches.
#pragma once

#include <cstdint>
#include <string>

#include "index/store.h"

namespace dbtrail::testing {

inline index::Checkpoint checkpoint_at(uint64_t pos, std::string source = "src1") {
  index::Checkpoint c;
  c.source = std::move(source);
  c.binlog_file = "mysql-bin.000001";
  c.position = pos;
  return c;
}

}  // namespace dbtrail::testing
