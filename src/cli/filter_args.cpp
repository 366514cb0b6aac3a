#include "cli/filter_args.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "cli/time_arg.h"
#include "stream/change_builder.h"

namespace dbtrail::cli {

namespace {
Error invalid(std::string msg) { return make_error(ErrorCode::kInvalidArgument, std::move(msg)); }
}  // namespace

Result<index::QueryFilter> make_query_filter(const FilterArgs& a) {
  index::QueryFilter f;
  f.schema = a.schema;
  f.table = a.table;
  if (!a.pk.empty()) {
    std::vector<std::string> parts;
    if (!stream::split_pk_values(a.pk, parts)) {
      return invalid("--pk \"" + a.pk +
                     "\" is malformed: separate key columns with '|' and write a literal '|' or "
                     "'\\' inside a value as \\| or \\\\");
    }
    f.pk = a.pk;
  }
  if (!a.event_type.empty()) {
    std::string t = a.event_type;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::toupper(c); });
    if (t == "INSERT")
      f.type = index::ChangeType::kInsert;
    else if (t == "UPDATE")
      f.type = index::ChangeType::kUpdate;
    else if (t == "DELETE")
      f.type = index::ChangeType::kDelete;
    else
      return invalid("--event-type \"" + a.event_type + "\" is not INSERT, UPDATE or DELETE");
  }
  if (!a.gtid.empty()) f.gtid = a.gtid;
  if (!a.since.empty()) {
    auto t = parse_iso_time(a.since, "--since");
    if (!t.ok()) return t.error();
    f.since = t.value();
  }
  if (!a.until.empty()) {
    auto t = parse_iso_time(a.until, "--until");
    if (!t.ok()) return t.error();
    f.until = t.value();
  }
  if (f.since && f.until && *f.since > *f.until) {
    return invalid("--since " + a.since + " is after --until " + a.until +
                   "; swap them or widen the range");
  }
  return f;
}

}  // namespace dbtrail::cli
