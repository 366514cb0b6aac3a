// Crash points for tests: `DBTRAIL_CRASH_AT=NAME:N` makes the N-th pass
// through crash_point(NAME) kill the process with SIGKILL, so a test can
// crash in a window too narrow to hit with a kill from outside (e.g. between
// storing a schema version and writing the batch after it). Unset: a no-op
// costing one branch.
#pragma once

namespace dbtrail {

void crash_point(const char* name);

}  // namespace dbtrail
