// `dbtrail index`: binlog files on disk -> the change index, exactly once.
// Rows are batched and written only at transaction boundaries; each batch
// commits together with the file's progress (index_state), and the batch that
// ends the file also marks it done. Re-running skips done files and resumes a
// half-indexed one after its last committed transaction, so nothing is
// indexed twice and nothing is skipped.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "binlog/cursor.h"
#include "binlog/table_map.h"
#include "index/store.h"
#include "stream/schema_tracker.h"
#include "util/result.h"

namespace dbtrail::stream {

struct FileIndexOptions {
  std::set<std::string> schemas;  // empty: all
  std::set<std::string> tables;   // "db.table"; empty: all
  size_t batch_size = 1000;       // rows per batch (a batch never splits a transaction)
  bool verify_checksums = true;
  // Fills names / primary keys for table maps without FULL metadata.
  std::function<void(binlog::TableMap&)> table_resolver;
  // Schema versions (stream/schema_tracker.h): when set, it names columns
  // instead of table_resolver, follows DDL, and stamps each row's
  // schema_version. Must outlive the indexer.
  SchemaTracker* schema = nullptr;
};

struct FileIndexResult {
  uint64_t rows_indexed = 0;  // by this run
  uint64_t rows_skipped = 0;  // already in the index from an earlier run
  bool already_done = false;  // the file was indexed completely before
};

class FileIndexer {
 public:
  FileIndexer(index::Store& store, FileIndexOptions opts) : store_(store), opts_(std::move(opts)) {}

  // Indexes the binlog file `name` (base name, as stored) whose bytes are `data`.
  // kTruncated if it ends inside an event or a transaction: what was complete
  // is indexed and a later run continues from there.
  Result<FileIndexResult> index_file(const std::string& name, binlog::Bytes data);

 private:
  index::Store& store_;
  FileIndexOptions opts_;
};

}  // namespace dbtrail::stream
