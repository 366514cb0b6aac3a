// Command-line selection of row changes (--schema --table --pk --event-type
// --gtid --since --until), shared by `dbtrail query`, `recover` and
// `reconstruct` so every command reads and rejects them the same way.
#pragma once

#include <string>

#include "index/change_record.h"
#include "util/result.h"

namespace dbtrail::cli {

struct FilterArgs {
  std::string schema, table, pk, event_type, gtid, since, until;
};

// kInvalidArgument, naming the flag, for a malformed --pk, an unknown
// --event-type, a time that does not parse or --since after --until.
// limit and the query-only fields are left for the caller.
Result<index::QueryFilter> make_query_filter(const FilterArgs& a);

}  // namespace dbtrail::cli
