// Crash points for tests: `DBTRAIL_CRASH_AT=NAME:N` makes the N-th pass
// through crash_point(NAME) kill the process with SIGKILL, so a test can
// crash in a window too narrow to hit with a kill from outside (e.g. between
// storing a schema version and writing the batch after it). Unset: a no-op
// costing one branch. The points:
//   schema-version-stored   a DDL's schema version is stored (stream/schema_tracker.cpp)
//   batch-pending           a batch is announced in meta.db      (index/sqlite/sqlite_store.cpp)
//   batch-partition         a batch's rows of one partition are committed
//   batch-before-commit     the batch's commit point is about to commit
#pragma once

#include <string>

namespace dbtrail {

void crash_point(const char* name);

// Tests in the same process (a forked child): arms NAME:N as the environment
// would, replacing whatever was armed.
void arm_crash_point(std::string name, long nth);

}  // namespace dbtrail
